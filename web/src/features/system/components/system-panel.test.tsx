import { act, screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { FakeEventSource } from '@/testing/fake-event-source';

const GiB = 1024 ** 3;
const now = () => Math.floor(Date.now() / 1000);

const metrics = () => ({
  at: now(),
  cpu_percent: 37.4,
  memory_used_bytes: 1.5 * GiB,
  memory_total_bytes: 4 * GiB,
  load_average: [0.42, 0.3, 0.25],
  uptime_secs: 3 * 86_400 + 4 * 3600,
  interfaces: [{ name: 'eth0', rx_rate: 250_000, tx_rate: 125_000 }],
  history: [
    { at: now() - 60, cpu_percent: 20, memory_used_bytes: GiB },
    { at: now() - 30, cpu_percent: 30, memory_used_bytes: 1.2 * GiB },
  ],
});

describe('system metrics', () => {
  beforeEach(signedIn);

  it('shows CPU and memory gauges, load, uptime and interface rates', async () => {
    server.use(http.get('*/api/system/metrics', () => HttpResponse.json(metrics())));
    renderApp('/');
    const cpu = await screen.findByRole('meter', { name: 'CPU usage' });
    expect(cpu).toHaveAttribute('aria-valuenow', '37');
    expect(within(cpu).getByText('37')).toBeVisible();
    const memory = screen.getByRole('meter', { name: 'Memory usage' });
    expect(memory).toHaveAttribute('aria-valuetext', '1.5 GiB of 4.0 GiB used');
    expect(screen.getByText('Load 0.42 · 0.30 · 0.25')).toBeVisible();
    expect(screen.getByText('3 d 4 h')).toBeVisible();
    expect(screen.getByText('eth0')).toBeVisible();
    expect(screen.getByText('↓ 2.0 Mbit/s')).toBeVisible();
  });

  it('updates from pushed system events', async () => {
    server.use(http.get('*/api/system/metrics', () => HttpResponse.json(metrics())));
    renderApp('/');
    await screen.findByRole('meter', { name: 'CPU usage' });
    const stream = FakeEventSource.latest();
    act(() => stream.open());
    const { history: _history, ...snapshot } = metrics();
    act(() => stream.emit('system', { ...snapshot, at: now() + 1, cpu_percent: 91 }));
    expect(await screen.findByRole('meter', { name: 'CPU usage' })).toHaveAttribute('aria-valuenow', '91');
  });

  it('appears below the client list once it has loaded, not under its loading placeholder', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.get('*/api/system/metrics', () => HttpResponse.json(metrics())),
      http.get('*/api/clients', async () => {
        await released;
        return HttpResponse.json([]);
      }),
    );
    renderApp('/');
    expect(await screen.findByText('Loading clients…')).toBeVisible();
    // The table replacing the placeholder would push the panel down (layout shift).
    expect(screen.queryByRole('heading', { name: 'System' })).not.toBeInTheDocument();
    release();
    expect(await screen.findByRole('meter', { name: 'CPU usage' })).toBeVisible();
    expect(screen.getByText('No clients yet.')).toBeVisible();
  });

  it('appears when the client list fails to load', async () => {
    server.use(
      http.get('*/api/system/metrics', () => HttpResponse.json(metrics())),
      http.get('*/api/clients', () => problem(403, 'forbidden', 'Not allowed.')),
    );
    renderApp('/');
    expect(await screen.findByText(/Could not load the clients/)).toBeVisible();
    expect(await screen.findByRole('meter', { name: 'CPU usage' })).toBeVisible();
  });

  it('says so when the gateway does not report metrics', async () => {
    renderApp('/');
    expect(await screen.findByText('This gateway does not report system metrics yet.')).toBeVisible();
  });
});
