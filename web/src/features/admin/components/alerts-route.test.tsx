import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeAlert, makeAlertList } from '@/testing/admin-fixtures';
import { FakeEventSource } from '@/testing/fake-event-source';
import { formatDateTime } from '@/lib/format';
import type { Alert, AlertList } from '../api/types';
import { ALERTS_LIMIT } from '../api/get-alerts';

/** Serves `list()` at GET /api/alerts and counts the requests (with their `limit`). */
function alertsServer(list: () => AlertList) {
  const limits: (string | null)[] = [];
  server.use(
    http.get('*/api/alerts', ({ request }) => {
      limits.push(new URL(request.url).searchParams.get('limit'));
      return HttpResponse.json(list());
    }),
  );
  return limits;
}

function rowAt(at: number) {
  return within(screen.getByText(formatDateTime(at)).closest('tr')!);
}

const now = () => Math.floor(Date.now() / 1000);

describe('alerts page', () => {
  beforeEach(signedIn);

  it('lists alerts newest first: time, client, kind in words, reason and delivery', async () => {
    const t = now();
    const limits = alertsServer(() =>
      makeAlertList([
        makeAlert({ id: 4, at: t - 60, kind: 'test', client_id: null, client_name: 'test', interface: '-', reason: 'a test alert sent by alice', delivery: 'sent', attempts: 2 }),
        makeAlert({ id: 3, at: t - 600, kind: 'up', reason: 'handshakes again', delivery: 'pending', attempts: 1, last_error: 'the webhook answered HTTP 502' }),
        makeAlert({ id: 2, at: t - 1200, kind: 'down', delivery: 'failed', attempts: 8, last_error: 'connection refused' }),
        makeAlert({ id: 1, at: t - 3600, kind: 'down', client_id: null, client_name: 'old site', interface: 'old-site', reason: 'the interface is missing', delivery: 'off' }),
      ]),
    );
    renderApp('/admin/alerts');
    await screen.findByText(formatDateTime(t - 60));
    expect(document.title).toBe('Alerts · peergate');
    expect(limits).toEqual([String(ALERTS_LIMIT)]);

    const times = screen.getAllByRole('rowheader').map((cell) => cell.textContent);
    expect(times).toEqual([t - 60, t - 600, t - 1200, t - 3600].map(formatDateTime));

    const test = rowAt(t - 60);
    expect(test.getByText('Test')).toBeVisible();
    expect(test.queryByRole('link')).not.toBeInTheDocument();
    expect(test.getByText('Sent')).toBeVisible();
    expect(test.getByText('after 2 attempts')).toBeVisible();

    const up = rowAt(t - 600);
    expect(up.getByRole('link', { name: 'site-a' })).toHaveAttribute('href', '/clients/3');
    expect(up.getByText('Up')).toBeVisible();
    expect(up.getByText('handshakes again')).toBeVisible();
    expect(up.getByText('Will retry')).toBeVisible();
    expect(up.getByText('1 attempt failed')).toBeVisible();
    expect(up.getByText('the webhook answered HTTP 502')).toBeVisible();

    const down = rowAt(t - 1200);
    expect(down.getByText('Down')).toBeVisible();
    expect(down.getByText('no handshake with the peer for 5 min')).toBeVisible();
    expect(down.getByText('Failed')).toBeVisible();
    expect(down.getByText('gave up after 8 attempts')).toBeVisible();
    expect(down.getByText('connection refused')).toBeVisible();

    // A client deleted since: its name without a link.
    const gone = rowAt(t - 3600);
    expect(gone.getByText('old site')).toBeVisible();
    expect(gone.queryByRole('link')).not.toBeInTheDocument();
    expect(gone.getByText(/removed since/)).toBeVisible();
    expect(gone.getByText('Not sent')).toBeVisible();
    expect(gone.getByText('no webhook configured')).toBeVisible();

    expect(screen.getByText('4 alerts, newest first.')).toBeVisible();
  });

  it('says that alerts stay here without a webhook, and when a client counts as down', async () => {
    alertsServer(() => makeAlertList([], { down_after_secs: 300 }));
    renderApp('/admin/alerts');
    expect(await screen.findByText(/No webhook configured: alerts are shown here only\./)).toHaveTextContent('Set PEERGATE_ALERT_WEBHOOK_URL on the gateway');
    expect(screen.getByText(/An active client counts as down after 5 min without a handshake/)).toBeVisible();
    expect(screen.getByText('No alerts yet.')).toBeVisible();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('names the webhook format when one is configured', async () => {
    alertsServer(() => makeAlertList([], { webhook_configured: true, webhook_format: 'slack', down_after_secs: 5400 }));
    renderApp('/admin/alerts');
    expect(await screen.findByText('Alerts are sent to a webhook (Slack/Mattermost format).')).toBeVisible();
    expect(screen.queryByText(/PEERGATE_ALERT_WEBHOOK_URL/)).not.toBeInTheDocument();
    expect(screen.getByText(/counts as down after 1 h 30 min without a handshake/)).toBeVisible();
    expect(screen.getByText(/listed here and posted to the webhook/)).toBeVisible();
  });

  it.each([
    [{ delivery: 'sent', attempts: 1 }, 'Test alert sent: the webhook accepted it.'],
    [{ delivery: 'pending', attempts: 1, last_error: 'the webhook answered HTTP 500' }, 'Test alert not delivered yet, will retry: the webhook answered HTTP 500.'],
    [{ delivery: 'off', attempts: 0 }, 'Test alert not sent: no webhook is configured. It is listed below only.'],
  ] satisfies [Partial<Alert>, string][])('sends a test alert and says what became of it (%o)', async (delivery, message) => {
    let alerts: Alert[] = [];
    let posts = 0;
    alertsServer(() => makeAlertList(alerts, { webhook_configured: delivery.delivery !== 'off' }));
    const sent = makeAlert({ id: 9, kind: 'test', client_id: null, client_name: 'test', interface: '-', reason: 'a test alert sent by alice', at: now(), ...delivery });
    server.use(
      http.post('*/api/alerts/test', () => {
        posts += 1;
        alerts = [sent];
        return HttpResponse.json(sent, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderApp('/admin/alerts');
    await screen.findByText('No alerts yet.');

    await user.click(screen.getByRole('button', { name: 'Send test alert' }));
    expect(await screen.findByText(message)).toHaveAttribute('role', 'status');
    expect(posts).toBe(1);
    expect(await screen.findByText('a test alert sent by alice')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Send test alert' })).toBeEnabled();
  });

  it('says when a test alert could not be raised', async () => {
    alertsServer(() => makeAlertList());
    server.use(http.post('*/api/alerts/test', () => problem(403, 'forbidden', 'Admins only.')));
    const user = userEvent.setup();
    renderApp('/admin/alerts');
    await screen.findByText('No alerts yet.');
    await user.click(screen.getByRole('button', { name: 'Send test alert' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not send a test alert: Admins only.');
  });

  it('puts a pushed alert on top at once, then fetches the list again for its delivery', async () => {
    const t = now();
    const old = makeAlert({ id: 1, at: t - 3600, kind: 'up', reason: 'handshakes again' });
    const pushed = makeAlert({ id: 2, at: t - 5, kind: 'down', reason: 'the probe host does not answer through the tunnel', delivery: 'pending' });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let fetches = 0;
    server.use(
      http.get('*/api/alerts', async () => {
        fetches += 1;
        if (fetches === 1) return HttpResponse.json(makeAlertList([old], { webhook_configured: true }));
        // Delivered by the time the list is fetched again; held back until the test has looked.
        await released;
        return HttpResponse.json(makeAlertList([{ ...pushed, delivery: 'sent', attempts: 1 }, old], { webhook_configured: true }));
      }),
    );
    renderApp('/admin/alerts');
    await screen.findByText('handshakes again');
    const stream = FakeEventSource.latest();
    act(() => stream.open());

    act(() => stream.emit('alert', pushed));
    expect(await screen.findByText('the probe host does not answer through the tunnel')).toBeVisible();
    expect(screen.getAllByRole('rowheader').map((cell) => cell.textContent)).toEqual([formatDateTime(t - 5), formatDateTime(t - 3600)]);
    expect(rowAt(t - 5).getByText('Pending')).toBeVisible();
    await waitFor(() => expect(fetches).toBe(2));

    release();
    await waitFor(() => expect(rowAt(t - 5).getByText('Sent')).toBeVisible());
    expect(screen.getAllByRole('rowheader')).toHaveLength(2);
  });

  it('keeps the delivered test alert when its pushed event (still pending) comes after the answer', async () => {
    const delivered = makeAlert({ id: 5, kind: 'test', client_id: null, reason: 'a test alert sent by alice', at: now(), delivery: 'sent', attempts: 1 });
    let alerts: Alert[] = [];
    alertsServer(() => makeAlertList(alerts, { webhook_configured: true }));
    server.use(
      http.post('*/api/alerts/test', () => {
        alerts = [delivered];
        return HttpResponse.json(delivered, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    const { queryClient } = renderApp('/admin/alerts');
    await screen.findByText('No alerts yet.');
    const stream = FakeEventSource.latest();
    act(() => stream.open());
    await user.click(screen.getByRole('button', { name: 'Send test alert' }));
    await screen.findByText('Test alert sent: the webhook accepted it.');
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));

    // Only the cache is looked at: the list is fetched again right after, so the screen would not tell.
    act(() => stream.emit('alert', { ...delivered, delivery: 'pending', attempts: 0 }));
    const cached = queryClient.getQueryData<AlertList>(['admin', 'alerts']);
    expect(cached?.alerts).toEqual([delivered]);
    // The event's refetch ends inside this test.
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it('says when the alerts cannot be loaded', async () => {
    server.use(http.get('*/api/alerts', () => problem(403, 'forbidden', 'Admins only.')));
    renderApp('/admin/alerts');
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the alerts: Admins only.');
  });
});
