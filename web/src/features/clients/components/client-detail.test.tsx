import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient, makeDetail, makePing, makeStatus, makeTraffic } from '@/testing/fixtures';
import type { PingResult, TrafficSample } from '../api/types';

const now = () => Math.floor(Date.now() / 1000);

function detailHandlers(detail = makeDetail()) {
  server.use(
    http.get('*/api/clients/1', () => HttpResponse.json(detail)),
    http.get('*/api/clients/1/pings', () =>
      HttpResponse.json<PingResult[]>([makePing({ at: now() - 120, rtt_avg_ms: 10 }), makePing({ at: now() - 60, rtt_avg_ms: 20, loss: 0.5, received: 2 })]),
    ),
    http.get('*/api/clients/1/traffic', () => HttpResponse.json<TrafficSample[]>([makeTraffic({ at: now() - 5, rx_rate: 125_000, tx_rate: 12_500 })])),
  );
}

describe('client detail', () => {
  beforeEach(signedIn);

  it('shows the redacted config, warnings, rules and route commands for every platform', async () => {
    detailHandlers(
      makeDetail({ state: 'active', warnings: [{ line: 4, code: 'dns_dropped', message: 'DNS = 1.1.1.1 was dropped: it would change the gateway’s resolver.' }] }),
    );
    renderApp('/clients/1');

    expect(await screen.findByRole('heading', { name: 'site-a', level: 1 })).toBeVisible();
    expect(screen.getByLabelText('Sanitized config')).toHaveTextContent('PrivateKey = (redacted)');
    expect(screen.getByText('DNS = 1.1.1.1 was dropped: it would change the gateway’s resolver.')).toBeVisible();
    expect(screen.getByText('Line 4')).toBeVisible();
    expect(screen.getByLabelText('Applied firewall rules')).toHaveTextContent('iifname "eth0" oifname "site-a"');
    for (const label of ['Linux', 'Windows', 'macOS', 'Router: MikroTik RouterOS', 'Router: OpenWrt']) {
      expect(screen.getByRole('button', { name: `Copy ${label} command for 10.77.0.0/24` })).toBeVisible();
    }
    expect(screen.getByText('ip route add 10.77.0.0/24 via 10.201.0.1')).toBeVisible();
    expect(screen.getByText(/uci commit network/)).toBeVisible();
  });

  it('copies a route command and confirms it', async () => {
    detailHandlers();
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    renderApp('/clients/1');
    await user.click(await screen.findByRole('button', { name: 'Copy Windows command for 10.77.0.0/24' }));

    expect(writeText).toHaveBeenCalledWith('route -p add 10.77.0.0 mask 255.255.255.0 10.201.0.1');
    expect(await screen.findByRole('button', { name: 'Copied Windows command for 10.77.0.0/24' })).toBeVisible();
  });

  it('falls back to execCommand when the Clipboard API is refused', async () => {
    detailHandlers();
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    const execCommand = vi.fn().mockReturnValue(true);
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    renderApp('/clients/1');
    await user.click(await screen.findByRole('button', { name: 'Copy Linux command for 10.77.0.0/24' }));
    expect(await screen.findByRole('button', { name: 'Copied Linux command for 10.77.0.0/24' })).toBeVisible();
    expect(execCommand).toHaveBeenCalledWith('copy');
  });

  it('summarises the ping and traffic history next to the charts', async () => {
    detailHandlers(makeDetail({ state: 'active' }));
    renderApp('/clients/1');
    expect(await screen.findByText('2 pings: average 15 ms, worst 20 ms, 25 % loss.')).toBeVisible();
    expect(await screen.findByText('Now: ↓ 1.0 Mbit/s received, ↑ 100 kbit/s sent.')).toBeVisible();
  });

  it('changes the probe host, showing the server’s refusal inline', async () => {
    const sent: unknown[] = [];
    detailHandlers();
    server.use(
      http.patch('*/api/clients/1', async ({ request }) => {
        const body = (await request.json()) as { probe_host: string };
        sent.push(body);
        if (body.probe_host === '10.99.0.1') {
          return problem(422, 'probe_host_outside_subnet', '10.99.0.1 is not inside 10.77.0.0/24.', {
            errors: [{ field: 'probe_host', message: '10.99.0.1 is not inside 10.77.0.0/24.' }],
          });
        }
        return HttpResponse.json(makeClient({ probe_host: body.probe_host }));
      }),
    );
    const user = userEvent.setup();
    renderApp('/clients/1');
    await user.click(await screen.findByRole('button', { name: 'Change probe host' }));
    const input = screen.getByLabelText('Probe host');
    await user.clear(input);
    await user.type(input, '10.99.0.1{Enter}');
    await waitFor(() => expect(input).toHaveAccessibleDescription('10.99.0.1 is not inside 10.77.0.0/24.'));

    await user.clear(input);
    await user.type(input, '10.77.0.10');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Probe host of site-a is now 10.77.0.10.')).toBeVisible();
    expect(sent).toEqual([{ probe_host: '10.99.0.1' }, { probe_host: '10.77.0.10' }]);
  });

  it('pings on demand and reports the result', async () => {
    detailHandlers(makeDetail({ state: 'active' }));
    server.use(http.post('*/api/clients/1/ping', () => HttpResponse.json(makePing({ rtt_avg_ms: 7.25 }))));
    const user = userEvent.setup();
    renderApp('/clients/1');
    await user.click(await screen.findByRole('button', { name: 'Ping now' }));
    expect(await screen.findByText('Ping 10.77.0.1 via site-a: 4/4 replies, average 7.3 ms.')).toBeVisible();
  });

  it('shows the last activation error of a failed client', async () => {
    detailHandlers(makeDetail({ state: 'failed', last_error: 'wg-quick: `site-a` already exists' }));
    renderApp('/clients/1');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The last operation failed.');
    expect(within(alert).getByText('wg-quick: `site-a` already exists')).toBeVisible();
  });

  it('says why no firewall rules are shown', async () => {
    detailHandlers(makeDetail({ state: 'inactive', rules: null }));
    renderApp('/clients/1');
    expect(await screen.findByText('No rules are applied while the client is not active.')).toBeVisible();
    expect(screen.queryByLabelText('Applied firewall rules')).not.toBeInTheDocument();
  });

  it('leaves out what the gateway does not know of its LAN, and explains a subnet without commands', async () => {
    detailHandlers(
      makeDetail({
        lan: { address: '10.201.0.1/24', interface: null, network: null },
        route_commands: [{ subnet: 'fd00:77::/64', commands: null, note: 'fd00:77::/64 cannot be routed via 10.201.0.1.' }],
      }),
    );
    renderApp('/clients/1');
    expect(await screen.findByText(/Hosts on the gateway’s LAN \(gateway 10\.201\.0\.1\) need a route/)).toBeVisible();
    expect(screen.getByText('fd00:77::/64 cannot be routed via 10.201.0.1.')).toBeVisible();
    expect(screen.queryByRole('button', { name: /^Copy .* command/ })).not.toBeInTheDocument();
  });

  it('says when the client does not exist', async () => {
    server.use(
      http.get('*/api/clients/9', () => problem(404, 'not_found', 'No client with id 9.')),
      http.get('*/api/clients/9/pings', () => problem(404, 'not_found', 'x')),
      http.get('*/api/clients/9/traffic', () => problem(404, 'not_found', 'x')),
    );
    renderApp('/clients/9');
    expect(await screen.findByRole('alert')).toHaveTextContent('This client does not exist (any more).');
    expect(screen.getByRole('link', { name: /All clients/ })).toBeVisible();
  });
});

describe('client detail: keys and downloads', () => {
  beforeEach(signedIn);

  it("shows this side's public key with a copy button, and the notes", async () => {
    detailHandlers(makeDetail({ notes: 'NOC: +41 44 000 00 00\nrack 4' }));
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    renderApp('/clients/1');
    expect(await screen.findByText('pOCSkrZRwni5dyxWn1+puxPZBrRqtoyd+dwrRAn4ogk=')).toBeVisible();
    await user.click(screen.getByRole('button', { name: "Copy this side's public key" }));
    expect(writeText).toHaveBeenCalledWith('pOCSkrZRwni5dyxWn1+puxPZBrRqtoyd+dwrRAn4ogk=');
    expect(screen.getByText(/rack 4/)).toBeVisible();
  });

  it('downloads the redacted config at once and the one with the key only after confirming', async () => {
    detailHandlers();
    const bodies: unknown[] = [];
    server.use(
      http.post('*/api/clients/1/export', async ({ request }) => {
        const body = (await request.json()) as { include_keys: boolean };
        bodies.push(body);
        return new HttpResponse(body.include_keys ? '[Interface]\nPrivateKey = secret\n' : '[Interface]\nPrivateKey = (redacted)\n', {
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        });
      }),
    );
    const createObjectURL = vi.fn().mockReturnValue('blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const files: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      files.push(this.download);
    });
    const user = userEvent.setup();
    renderApp('/clients/1');

    await user.click(await screen.findByRole('button', { name: 'Download config (redacted)' }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(bodies).toEqual([{ include_keys: false }]);

    await user.click(screen.getByRole('button', { name: 'Download config with private key…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Download site-a.conf with its private key?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(dialog).toHaveTextContent('private key');
    expect(dialog).toHaveTextContent('recorded in the audit log');
    expect(bodies).toHaveLength(1);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bodies).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Download config with private key…' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Download with private key' }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(2));
    expect(bodies).toEqual([{ include_keys: false }, { include_keys: true }]);
    expect(files).toEqual(['site-a.conf', 'site-a.conf']);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('says why a download failed', async () => {
    detailHandlers();
    server.use(http.post('*/api/clients/1/export', () => problem(404, 'not_found', 'No client with id 1.')));
    const user = userEvent.setup();
    renderApp('/clients/1');
    await user.click(await screen.findByRole('button', { name: 'Download config (redacted)' }));
    expect(await screen.findByText(/The download failed: No client with id 1./)).toBeVisible();
  });
});

describe('client detail, rough edges', () => {
  beforeEach(signedIn);

  it('titles the page, labels an inactive client’s rules as not installed and does not suggest a disabled Ping now', async () => {
    detailHandlers(makeDetail({ state: 'inactive' }));
    server.use(http.get('*/api/clients/1/pings', () => HttpResponse.json<PingResult[]>([])));
    renderApp('/clients/1');
    expect(await screen.findByRole('heading', { name: 'site-a', level: 1 })).toBeVisible();
    expect(document.title).toBe('site-a · peergate');
    expect(screen.getByRole('heading', { name: /Firewall rules.*would install when active/ })).toBeVisible();
    expect(screen.getByLabelText('Firewall rules that would be installed when active')).toHaveTextContent('oifname "site-a"');
    expect(screen.queryByLabelText('Applied firewall rules')).not.toBeInTheDocument();
    expect(await screen.findByText('No pings yet. Activate the client to ping through it.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Ping now' })).toBeDisabled();
  });

  it('offers one Copy all per platform for several subnets, and a table of several peers', async () => {
    const keyA = 'hU3SB6Vqm8j2nq3Q3QkY2hq0kq4xRkM7Zq0e6yVZ5Xk=';
    const keyB = 'Zb1Qm2Vx8j2nq3Q3QkY2hq0kq4xRkM7Zq0e6yVZ9Qw=';
    const routes = (subnet: string) => ({
      subnet,
      commands: { linux: `ip route add ${subnet}`, windows: `route add ${subnet}`, macos: `route add ${subnet}`, routeros: `/ip route ${subnet}`, openwrt: `uci ${subnet}` },
      note: null,
    });
    detailHandlers(
      makeDetail({
        state: 'active',
        subnets: ['10.77.0.0/24', '192.168.150.0/24'],
        route_commands: [routes('10.77.0.0/24'), routes('192.168.150.0/24')],
        route_script: { linux: 'ip route add 10.77.0.0/24\nip route add 192.168.150.0/24', windows: 'w', macos: 'm', routeros: 'r', openwrt: 'o' },
        peers: [
          { public_key: keyA, endpoint: '192.0.2.10:51820', allowed_ips: ['10.77.0.0/24'] },
          { public_key: keyB, endpoint: '192.0.2.11:51820', allowed_ips: ['192.168.150.0/24'] },
        ],
        status: makeStatus({
          peers: [
            { public_key: keyA, endpoint: '192.0.2.10:51820', latest_handshake: now() - 30, connected: true, rx_bytes: 2048, tx_bytes: 1024 },
            { public_key: keyB, endpoint: null, latest_handshake: 0, connected: false, rx_bytes: 0, tx_bytes: 0 },
          ],
        }),
      }),
    );
    renderApp('/clients/1');
    expect(await screen.findByRole('heading', { name: 'All 2 subnets' })).toBeVisible();
    for (const label of ['Linux', 'Windows', 'macOS', 'Router: MikroTik RouterOS', 'Router: OpenWrt']) {
      expect(screen.getByRole('button', { name: `Copy all ${label} commands` })).toBeVisible();
    }
    expect(screen.queryByRole('button', { name: /command for 10\.77\.0\.0\/24/ })).not.toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Status of each peer' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('hU3SB6Vq…VZ5Xk=');
    expect(rows[1]).toHaveTextContent('10.77.0.0/24');
    expect(rows[1]).toHaveTextContent('2.0 KiB');
    expect(rows[2]).toHaveTextContent('192.0.2.11:51820');
    expect(rows[2]).toHaveTextContent('never');
    expect(within(rows[2]!).getByRole('button', { name: /Copy peer key/ })).toBeVisible();
  });
});
