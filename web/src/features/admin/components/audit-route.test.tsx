import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeAuditEvent } from '@/testing/admin-fixtures';
import { formatDateTime } from '@/lib/format';
import type { AuditEvent } from '../api/types';
import { AUDIT_PAGE_SIZE } from '../api/get-audit';
import { fromLocalInput } from '../lib/audit-params';

/** Serves `events` (newest first) like the server: filters by actor and action, pages by before_id. */
function auditServer(events: AuditEvent[]) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get('*/api/audit/facets', () => HttpResponse.json({ actions: ['client.update', 'user.create'], actors: ['alice', 'bob'] })),
    http.get('*/api/audit', ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const before = Number(query.get('before_id') ?? Infinity);
      const limit = Number(query.get('limit') ?? 100);
      const page = events
        .filter((e) => e.id < before)
        .filter((e) => !query.get('actor') || e.actor === query.get('actor'))
        .filter((e) => !query.get('action') || e.action === query.get('action'))
        .slice(0, limit);
      return HttpResponse.json(page);
    }),
  );
  return queries;
}

const many = (count: number) => Array.from({ length: count }, (_, i) => makeAuditEvent({ id: count - i, at: 1_760_000_000 - i * 60 }));

describe('audit log', () => {
  beforeEach(signedIn);

  it('shows events with time, actor, action, target and their details', async () => {
    auditServer([
      makeAuditEvent({
        id: 2,
        at: 1_760_000_000,
        actor: 'bob',
        action: 'client.update',
        target: 'client:3',
        before: { name: 'site-a', notes: '' },
        after: { name: 'Site A', notes: 'rack 4' },
        request_id: 'req-42',
      }),
      makeAuditEvent({ id: 1, action: 'auth.login', target: null }),
    ]);
    const user = userEvent.setup();
    renderApp('/admin/audit');
    const time = await screen.findByText(formatDateTime(1_760_000_000));
    expect(document.title).toBe('Audit log · peergate');
    const row = within(time.closest('tr')!);
    expect(row.getByText('bob')).toBeVisible();
    expect(row.getByText('client.update')).toBeVisible();
    expect(row.getByText('client:3')).toBeVisible();

    await user.click(row.getByText('Details'));
    expect(row.getByLabelText('Before (JSON)')).toHaveTextContent('"name": "site-a"');
    expect(row.getByLabelText('After (JSON)')).toHaveTextContent('"notes": "rack 4"');
    expect(row.getByText('req-42')).toBeVisible();
    expect(screen.getByText('2 events, newest first: that is all.')).toBeVisible();
  });

  it('puts the filters in the URL and asks the server with them', async () => {
    const queries = auditServer([makeAuditEvent({ id: 1, actor: 'bob', action: 'user.create' })]);
    const user = userEvent.setup();
    const { router } = renderApp('/admin/audit');
    await screen.findByText('user.create');

    await user.type(screen.getByLabelText('Actor'), 'bob');
    await user.type(screen.getByLabelText('Action'), 'user.create');
    await user.type(screen.getByLabelText('Target'), 'user:carol');
    await user.type(screen.getByLabelText('From'), '2026-01-02T03:04');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    const since = fromLocalInput('2026-01-02T03:04')!;
    await waitFor(() => expect(router.state.location.search).toBe(`?actor=bob&action=user.create&target=user%3Acarol&since=${since}`));
    await waitFor(() => expect(queries.at(-1)?.toString()).toBe(`actor=bob&action=user.create&target=user%3Acarol&since=${since}&limit=${AUDIT_PAGE_SIZE}`));

    await user.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByLabelText('Actor')).toHaveValue('');
  });

  it('reads the filters from the URL it was opened at', async () => {
    const queries = auditServer([makeAuditEvent({ id: 1, actor: 'bob' })]);
    renderApp('/admin/audit?actor=bob&until=1760000000');
    await screen.findByText('bob', { selector: 'td' });
    expect(screen.getByLabelText('Actor')).toHaveValue('bob');
    expect(screen.getByLabelText('Until')).not.toHaveValue('');
    expect(queries[0]?.get('actor')).toBe('bob');
    expect(queries[0]?.get('until')).toBe('1760000000');
  });

  it('refuses a time range that ends before it starts', async () => {
    const queries = auditServer([]);
    const user = userEvent.setup();
    const { router } = renderApp('/admin/audit');
    await screen.findByText('Nothing has been recorded yet.');
    await user.type(screen.getByLabelText('From'), '2026-01-02T10:00');
    await user.type(screen.getByLabelText('Until'), '2026-01-02T09:00');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    expect(screen.getByLabelText('Until')).toHaveAccessibleDescription('“Until” must be later than “From”.');
    expect(router.state.location.search).toBe('');
    expect(queries).toHaveLength(1);
  });

  it('loads older events with the last id of the page', async () => {
    const queries = auditServer(many(AUDIT_PAGE_SIZE + 3));
    const user = userEvent.setup();
    renderApp('/admin/audit');
    await screen.findByText(`${AUDIT_PAGE_SIZE} events, newest first.`);

    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    expect(await screen.findByText(`${AUDIT_PAGE_SIZE + 3} events, newest first: that is all.`)).toBeVisible();
    expect(queries.map((q) => q.get('before_id'))).toEqual([null, '4']);
    expect(screen.queryByRole('button', { name: 'Load older events' })).not.toBeInTheDocument();
  });

  it('says when no event matches, and clears the filters', async () => {
    auditServer([makeAuditEvent({ actor: 'alice' })]);
    const user = userEvent.setup();
    const { router } = renderApp('/admin/audit?actor=nobody');
    expect(await screen.findByText('No events match these filters.')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Clear the filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(await screen.findByText('alice', { selector: 'td' })).toBeVisible();
  });

  it('says when the log cannot be loaded', async () => {
    server.use(
      http.get('*/api/audit/facets', () => HttpResponse.json({ actions: [], actors: [] })),
      http.get('*/api/audit', () => problem(400, 'invalid_query', 'limit must be 1 to 500.')),
    );
    renderApp('/admin/audit');
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the audit log: limit must be 1 to 500.');
  });
});
