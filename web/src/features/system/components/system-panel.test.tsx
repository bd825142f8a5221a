import { act, screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { FakeEventSource } from '@/testing/fake-event-source';
import { makeMetrics, makeSnapshot, makeUnsampledMetrics } from '@/testing/fixtures';

const now = () => Math.floor(Date.now() / 1000);
const metrics = () => makeMetrics();

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
    act(() => stream.emit('system', makeSnapshot({ at: now() + 1, cpu_percent: 91 })));
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

  it('says so until the gateway has taken its first sample, then shows the pushed one', async () => {
    server.use(http.get('*/api/system/metrics', () => HttpResponse.json(makeUnsampledMetrics())));
    renderApp('/');
    expect(await screen.findByText('The gateway has not sampled its CPU and memory yet.')).toBeVisible();
    expect(screen.queryByRole('meter', { name: 'CPU usage' })).not.toBeInTheDocument();
    const stream = FakeEventSource.latest();
    act(() => stream.open());
    act(() => stream.emit('system', makeSnapshot({ cpu_percent: 12 })));
    expect(await screen.findByRole('meter', { name: 'CPU usage' })).toHaveAttribute('aria-valuenow', '12');
    expect(screen.queryByText('The gateway has not sampled its CPU and memory yet.')).not.toBeInTheDocument();
  });

  it('shows why the metrics could not be loaded', async () => {
    server.use(http.get('*/api/system/metrics', () => problem(500, 'internal', 'The sampler is gone.')));
    renderApp('/');
    expect(await screen.findByText('Could not load the gateway’s metrics: The sampler is gone.', {}, { timeout: 4000 })).toBeVisible();
  });
});
