// Bodies of the gateway's API for tests, typed by the types generated from openapi.json: a fixture
// that drifts from the server's document fails the type check.

import type { Client, ClientDetail, ClientStatus, DayTotal, PendingUpload, PingResult, TrafficSample } from '@/features/clients/api/types';
import type { SampledMetrics, SystemMetrics, SystemSnapshot } from '@/features/system/api/get-metrics';

const NOW = () => Math.floor(Date.now() / 1000);
const GiB = 1024 ** 3;

export function makeClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 1,
    name: 'site-a',
    interface: 'site-a',
    notes: '',
    public_key: 'pOCSkrZRwni5dyxWn1+puxPZBrRqtoyd+dwrRAn4ogk=',
    conf_path: '/etc/wireguard/site-a.conf',
    subnets: ['10.77.0.0/24'],
    peer_public_keys: ['hU3SB6Vqm8j2nq3Q3QkY2hq0kq4xRkM7Zq0e6yVZ5Xk='],
    endpoint: '192.0.2.10:51820',
    probe_host: '10.77.0.1',
    state: 'inactive',
    warnings: [],
    created_by: 'alice',
    created_at: NOW() - 3600,
    updated_at: NOW() - 3600,
    last_error: null,
    status: null,
    last_ping: null,
    ...overrides,
  } satisfies Client;
}

export function makeStatus(overrides: Partial<ClientStatus> = {}): ClientStatus {
  return {
    observed_at: NOW(),
    connected: true,
    latest_handshake: NOW() - 5,
    rx_bytes: 0,
    tx_bytes: 0,
    rx_rate: 0,
    tx_rate: 0,
    endpoint: null,
    ...overrides,
  } satisfies ClientStatus;
}

export function makePing(overrides: Partial<PingResult> = {}): PingResult {
  return {
    at: NOW() - 10,
    sent: 4,
    received: 4,
    loss: 0,
    rtt_avg_ms: 12.4,
    rtt_min_ms: 10.1,
    rtt_max_ms: 15.2,
    ok: true,
    error: null,
    ...overrides,
  } satisfies PingResult;
}

export function makeTraffic(overrides: Partial<TrafficSample> = {}): TrafficSample {
  return { at: NOW() - 5, rx_rate: 0, tx_rate: 0, ...overrides } satisfies TrafficSample;
}

export function makePending(overrides: Partial<PendingUpload> = {}): PendingUpload {
  return {
    id: 'p1',
    name: 'site-b',
    interface: null,
    created_at: NOW() - 60,
    expires_at: NOW() + 3000,
    reason: 'full_tunnel',
    message: 'line 7: AllowedIPs route all traffic into the tunnel; enter the remote site\'s subnet, such as 10.77.0.0/24',
    lines: [7],
    warnings: [],
    ...overrides,
  } satisfies PendingUpload;
}

export function makeDetail(overrides: Partial<ClientDetail> = {}): ClientDetail {
  return {
    ...makeClient(),
    conf: '[Interface]\nPrivateKey = (redacted)\nAddress = 10.204.0.2/32\n\n[Peer]\nPublicKey = hU3SB6Vqm8j2nq3Q3QkY2hq0kq4xRkM7Zq0e6yVZ5Xk=\nAllowedIPs = 10.77.0.0/24\nEndpoint = 192.0.2.10:51820\n',
    conf_error: null,
    route_commands: [
      {
        subnet: '10.77.0.0/24',
        commands: {
          linux: 'ip route add 10.77.0.0/24 via 10.201.0.1',
          windows: 'route -p add 10.77.0.0 mask 255.255.255.0 10.201.0.1',
          macos: 'route -n add -net 10.77.0.0/24 10.201.0.1',
          routeros: '/ip route add dst-address=10.77.0.0/24 gateway=10.201.0.1',
          openwrt: "uci add network route\nuci set network.@route[-1].target='10.77.0.0'\nuci commit network",
        },
        note: null,
      },
    ],
    peers: [{ public_key: 'hU3SB6Vqm8j2nq3Q3QkY2hq0kq4xRkM7Zq0e6yVZ5Xk=', endpoint: '192.0.2.10:51820', allowed_ips: ['10.77.0.0/24'] }],
    lan: { interface: 'eth0', address: '10.201.0.1/24', network: '10.201.0.0/24' },
    rules: 'table inet peergate {\n  chain forward { iifname "eth0" oifname "site-a" ip daddr 10.77.0.0/24 accept }\n}',
    ...overrides,
  } satisfies ClientDetail;
}

/** One host sample (also the payload of a `system` event). */
export function makeSnapshot(overrides: Partial<SystemSnapshot> = {}): SystemSnapshot {
  return {
    at: NOW(),
    cpu_percent: 37.4,
    memory_used_bytes: 1.5 * GiB,
    memory_total_bytes: 4 * GiB,
    load_average: [0.42, 0.3, 0.25],
    uptime_secs: 3 * 86_400 + 4 * 3600,
    interfaces: [{ name: 'eth0', rx_rate: 250_000, tx_rate: 125_000 }],
    ...overrides,
  } satisfies SystemSnapshot;
}

/** GET /api/system/metrics with a current sample and a minute of history. */
export function makeMetrics(overrides: Partial<SampledMetrics> = {}): SampledMetrics {
  return {
    ...makeSnapshot(),
    history: [
      { at: NOW() - 60, cpu_percent: 20, memory_used_bytes: GiB },
      { at: NOW() - 30, cpu_percent: 30, memory_used_bytes: 1.2 * GiB },
    ],
    ...overrides,
  } satisfies SampledMetrics;
}

/** GET /api/system/metrics before the gateway's first sample: only the history. */
export function makeUnsampledMetrics(): SystemMetrics {
  return { history: [] } satisfies SystemMetrics;
}

// ---------- Daily traffic (client detail page) ----------

/** `count` UTC days ending today, oldest first and zero-filled like the server's; `bytes` by index (0 = the oldest). */
export function makeDays(count: number, bytes: Record<number, Partial<Omit<DayTotal, 'day'>>> = {}): DayTotal[] {
  const today = Math.floor(NOW() / 86_400) * 86_400;
  return Array.from({ length: count }, (_, i) => ({ day: today - (count - 1 - i) * 86_400, rx_bytes: 0, tx_bytes: 0, ...bytes[i] }) satisfies DayTotal);
}
