import type { Client, ClientDetail, PingResult } from '@/features/clients/api/types';

const NOW = () => Math.floor(Date.now() / 1000);

export function makeClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 1,
    name: 'site-a',
    interface: 'site-a',
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
  };
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
  };
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
    lan: { interface: 'eth0', address: '10.201.0.1/24', network: '10.201.0.0/24' },
    rules: 'table inet peergate {\n  chain forward { iifname "eth0" oifname "site-a" ip daddr 10.77.0.0/24 accept }\n}',
    ...overrides,
  };
}
