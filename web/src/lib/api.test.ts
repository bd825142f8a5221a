import { HttpResponse, http } from 'msw';
import { problem, server, session } from '@/testing/server';
import { ApiError, NetworkError, api, setCsrfToken } from './api';

describe('api client', () => {
  it('sends the CSRF token on state-changing requests and refreshes it once after csrf_failed', async () => {
    const seen: (string | null)[] = [];
    let meCalls = 0;
    server.use(
      http.get('*/api/auth/me', ({ request }) => {
        meCalls += 1;
        seen.push(`GET /me ${request.headers.get('X-CSRF-Token') ?? '-'}`);
        return session({ id: 1, username: 'alice', role: 'admin' }, 'fresh');
      }),
      http.post('*/api/things', ({ request }) => {
        const token = request.headers.get('X-CSRF-Token');
        seen.push(`POST ${token}`);
        if (token !== 'fresh') return problem(403, 'csrf_failed', 'The CSRF token is missing or stale.');
        return HttpResponse.json({ ok: true });
      }),
    );
    setCsrfToken('stale');

    await expect(api.post('/api/things', { a: 1 })).resolves.toEqual({ ok: true });

    expect(seen).toEqual(['POST stale', 'GET /me -', 'POST fresh']);
    expect(meCalls).toBe(1);
  });

  it('retries only once and then surfaces the problem as an ApiError', async () => {
    let posts = 0;
    server.use(
      http.get('*/api/auth/me', () => session({ id: 1, username: 'a', role: 'operator' }, 'x')),
      http.post('*/api/things', () => {
        posts += 1;
        return problem(403, 'csrf_failed', 'The CSRF token is missing or stale.');
      }),
    );

    const error = await api.post('/api/things').catch((e: unknown) => e);

    expect(posts).toBe(2);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'csrf_failed', detail: 'The CSRF token is missing or stale.' });
  });

  it('does not send the CSRF token on GET and maps problem+json fields', async () => {
    let header: string | null = 'unset';
    server.use(
      http.get('*/api/things', ({ request }) => {
        header = request.headers.get('X-CSRF-Token');
        return problem(422, 'validation_failed', 'Invalid.', { errors: [{ field: 'name', message: 'Too long.' }] });
      }),
    );
    setCsrfToken('t');

    const error = await api.get('/api/things').catch((e: unknown) => e);

    expect(header).toBeNull();
    expect(error).toMatchObject({ status: 422, code: 'validation_failed', fieldErrors: [{ field: 'name', message: 'Too long.' }], requestId: 'req-test' });
  });

  it('throws a NetworkError when the gateway is unreachable', async () => {
    server.use(http.get('*/api/things', () => HttpResponse.error()));
    const error = await api.get('/api/things').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe('Connection to the gateway lost — retrying…');
  });
});
