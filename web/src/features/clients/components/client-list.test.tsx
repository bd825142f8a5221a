import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { FakeEventSource } from '@/testing/fake-event-source';
import { makeClient, makePending, makePing, makeStatus } from '@/testing/fixtures';
import type { PendingUpload } from '../api/types';

const now = () => Math.floor(Date.now() / 1000);

function rowOf(name: string) {
  return screen.getByRole('link', { name }).closest('tr')!;
}

describe('client list', () => {
  beforeEach(signedIn);

  it('explains the first step when there are no clients', async () => {
    renderApp('/');
    expect(await screen.findByText('No clients yet.')).toBeVisible();
    expect(screen.getByText(/Start by uploading the WireGuard config/)).toBeVisible();
    expect(screen.getByRole('button', { name: 'Upload your first config' })).toBeVisible();
  });

  it('shows state, liveness, handshake, ping and traffic of each client', async () => {
    server.use(
      http.get('*/api/clients', () =>
        HttpResponse.json([
          makeClient({
            id: 1,
            name: 'site-a',
            state: 'active',
            status: { observed_at: now(), connected: true, latest_handshake: now() - 42, rx_bytes: 1, tx_bytes: 2, rx_rate: 125_000, tx_rate: 2500, endpoint: null },
            last_ping: makePing({ rtt_avg_ms: 12.4, loss: 0.25, received: 3 }),
          }),
          makeClient({
            id: 2,
            name: 'site-b',
            subnets: ['10.88.0.0/16'],
            state: 'active',
            status: { observed_at: now(), connected: false, latest_handshake: 0, rx_bytes: 0, tx_bytes: 0, rx_rate: 0, tx_rate: 0, endpoint: null },
            last_ping: makePing({ ok: false, received: 0, loss: 1, rtt_avg_ms: null }),
          }),
          makeClient({ id: 3, name: 'site-c', subnets: ['10.99.0.0/24'], state: 'failed' }),
        ]),
      ),
    );
    renderApp('/');
    await screen.findByRole('link', { name: 'site-a' });

    const a = within(rowOf('site-a'));
    expect(a.getByText('Active')).toBeVisible();
    expect(a.getByText('Connected')).toBeVisible();
    expect(a.getByText(/^4[2-4] s ago$/)).toBeVisible();
    expect(a.getByText('12 ms')).toBeVisible();
    expect(a.getByText('25 % loss')).toBeVisible();
    expect(rowOf('site-a')).toHaveTextContent('received 1.0 Mbit/s');
    expect(rowOf('site-a')).toHaveTextContent('sent 20 kbit/s');

    const b = within(rowOf('site-b'));
    expect(b.getByText('Never connected')).toBeVisible();
    expect(b.getByText('never')).toBeVisible();
    expect(b.getByText('no reply (100 % loss)')).toBeVisible();
    expect(within(rowOf('site-c')).getByText('Failed')).toBeVisible();
  });

  it("says when an active client's interface is down and when the reconciler brings it back", async () => {
    const repairBy = now() + 30;
    server.use(
      http.get('*/api/clients', () =>
        HttpResponse.json([
          makeClient({
            id: 1,
            name: 'site-a',
            state: 'active',
            status: makeStatus({ connected: false, latest_handshake: now() - 20, interface_up: false, repair_by: repairBy }),
          }),
        ]),
      ),
    );
    renderApp('/');
    await screen.findByRole('link', { name: 'site-a' });
    const row = rowOf('site-a');
    expect(within(row).getByText('Interface down')).toBeVisible();
    expect(within(row).queryByText('Connected')).toBeNull();
    const time = new Date(repairBy * 1000).toLocaleTimeString(undefined, { timeStyle: 'medium' });
    expect(within(row).getByText(`The reconciler brings it back by ${time}.`)).toBeVisible();
  });

  it('applies status, ping, client and delete events from the stream without reloading', async () => {
    let fetches = 0;
    server.use(
      http.get('*/api/clients', () => {
        fetches += 1;
        return HttpResponse.json([makeClient({ id: 1, name: 'site-a', state: 'active' })]);
      }),
    );
    renderApp('/');
    await screen.findByRole('link', { name: 'site-a' });
    const stream = FakeEventSource.latest();
    expect(stream.url).toBe('/api/events');
    act(() => stream.open());
    expect(await screen.findByText('Live')).toBeVisible();

    act(() =>
      stream.emit('status', {
        at: now(),
        clients: [{ id: 1, status: { observed_at: now(), connected: true, latest_handshake: now() - 5, rx_bytes: 0, tx_bytes: 0, rx_rate: 1000, tx_rate: 500, endpoint: '192.0.2.10:51820' } }],
      }),
    );
    // The query cache notifies on its own schedule: wait for the re-render, not for a refetch.
    expect(await within(rowOf('site-a')).findByText('Connected')).toBeVisible();
    expect(within(rowOf('site-a')).getByText(/^[5-7] s ago$/)).toBeVisible();

    act(() => stream.emit('ping', { client_id: 1, result: makePing({ rtt_avg_ms: 33 }) }));
    expect(await within(rowOf('site-a')).findByText('33 ms')).toBeVisible();

    act(() => stream.emit('client', makeClient({ id: 2, name: 'site-new', subnets: ['10.55.0.0/24'] })));
    expect(await screen.findByRole('link', { name: 'site-new' })).toBeVisible();

    act(() => stream.emit('client_deleted', { id: 1 }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'site-a' })).not.toBeInTheDocument());
    expect(fetches).toBe(1);
  });

  it('applies a status event without touching the rows’ action buttons', async () => {
    server.use(
      http.get('*/api/clients', () =>
        HttpResponse.json([1, 2, 3].map((id) => makeClient({ id, name: `site-${id}`, state: 'active' }))),
      ),
    );
    const { queryClient } = renderApp('/');
    await screen.findByRole('link', { name: 'site-3' });
    const stream = FakeEventSource.latest();
    act(() => stream.open());
    const buttons = screen.getAllByRole('button', { name: /^Deactivate site-/ });
    // Re-rendered actions would re-apply their mutation options (one notification per operation and row).
    const mutationEvents = vi.fn();
    const unsubscribe = queryClient.getMutationCache().subscribe(mutationEvents);

    act(() =>
      stream.emit('status', {
        at: now(),
        clients: [1, 2, 3].map((id) => ({
          id,
          status: { observed_at: now(), connected: true, latest_handshake: now() - 5, rx_bytes: 0, tx_bytes: 0, rx_rate: 1000 * id, tx_rate: 0, endpoint: null },
        })),
      }),
    );
    await waitFor(() => expect(screen.getAllByText('Connected')).toHaveLength(3));
    expect(mutationEvents).not.toHaveBeenCalled();
    expect(screen.getAllByRole('button', { name: /^Deactivate site-/ })).toEqual(buttons);
    buttons.forEach((button) => expect(button).toBeEnabled());
    unsubscribe();
  });

  it('says when live updates are down, polls, and catches up when the stream is back', async () => {
    let fetches = 0;
    server.use(
      http.get('*/api/clients', () => {
        fetches += 1;
        return HttpResponse.json([makeClient({ name: fetches > 1 ? 'site-renamed' : 'site-a' })]);
      }),
    );
    renderApp('/');
    await screen.findByRole('link', { name: 'site-a' });
    const stream = FakeEventSource.latest();
    act(() => stream.fail());
    expect(await screen.findByText('Live updates unavailable — refreshing every 5 s')).toBeVisible();
    act(() => stream.open());
    expect(await screen.findByText('Live')).toBeVisible();
    // Re-opened after a failure: refetch once to pick up missed changes.
    expect(await screen.findByRole('link', { name: 'site-renamed' })).toBeVisible();
  });

  it('sorts by column and filters by state', async () => {
    server.use(
      http.get('*/api/clients', () =>
        HttpResponse.json([
          makeClient({ id: 1, name: 'bravo', state: 'active' }),
          makeClient({ id: 2, name: 'alpha', state: 'inactive' }),
          makeClient({ id: 3, name: 'charlie', state: 'failed' }),
        ]),
      ),
    );
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('link', { name: 'alpha' });
    const names = () => screen.getAllByRole('link').map((l) => l.textContent).filter((t) => ['alpha', 'bravo', 'charlie'].includes(t ?? ''));
    expect(names()).toEqual(['alpha', 'bravo', 'charlie']);

    await user.click(screen.getByRole('button', { name: /^Name/ }));
    expect(names()).toEqual(['charlie', 'bravo', 'alpha']);
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');

    await user.click(screen.getByRole('button', { name: /Failed 1/ }));
    expect(names()).toEqual(['charlie']);
    expect(screen.getByRole('button', { name: /Failed 1/ })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: /Needs subnet 0/ }));
    expect(screen.getByText('No clients in this state.')).toBeVisible();
  });

  it('shows why the list could not be loaded', async () => {
    server.use(http.get('*/api/clients', () => problem(500, 'internal', 'The database is locked.')));
    renderApp('/');
    expect(await screen.findByText('Could not load the clients: The database is locked.', {}, { timeout: 4000 })).toBeVisible();
  });

  it('shows when each pending upload was uploaded', async () => {
    server.use(
      http.get('*/api/clients/pending', () =>
        HttpResponse.json<PendingUpload[]>([
          makePending({ id: 'p1', name: 'site-b', created_at: now() - 5 * 60 }),
          makePending({ id: 'p2', name: 'site-c', created_at: now() - 3 * 3600 }),
        ]),
      ),
    );
    renderApp('/');
    const b = (await screen.findByText('site-b')).closest('tr')!;
    expect(within(b).getByText('uploaded 5 min ago')).toBeVisible();
    const c = screen.getByText('site-c').closest('tr')!;
    expect(within(c).getByText('uploaded 3 h ago')).toBeVisible();
    expect(screen.queryByText('uploaded never')).not.toBeInTheDocument();
  });
});
