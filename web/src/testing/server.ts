// MSW server with the gateway's auth contract; tests override handlers per case.

import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';

export const alice = { id: 1, username: 'alice', role: 'admin' as const };

export function problem(
  status: number,
  code: string,
  detail: string,
  init: { headers?: Record<string, string>; errors?: { field: string; message: string; line?: number | null }[]; extra?: Record<string, unknown> } = {},
) {
  return HttpResponse.json(
    { type: 'about:blank', title: detail, status, code, detail, request_id: 'req-test', ...(init.errors ? { errors: init.errors } : {}), ...init.extra },
    { status, headers: { 'Content-Type': 'application/problem+json', ...init.headers } },
  );
}

export const handlers = [
  http.get('*/api/auth/me', () => problem(401, 'unauthenticated', 'Sign in first.')),
  http.post('*/api/auth/logout', () => new HttpResponse(null, { status: 204 })),
  http.get('*/api/clients', () => HttpResponse.json([])),
  http.get('*/api/clients/pending', () => HttpResponse.json([])),
  http.get('*/api/system/metrics', () => problem(404, 'not_found', 'No such endpoint.')),
];

/** A signed-in admin (alice) with CSRF token `token-1`. */
export function signedIn() {
  server.use(http.get('*/api/auth/me', () => HttpResponse.json({ user: alice, csrf_token: 'token-1' })));
}

export const server = setupServer(...handlers);
