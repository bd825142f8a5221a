// Shapes of the gateway's client API. Fields marked "newer gateways" may be absent on older
// servers; the UI treats `undefined` like "not reported".

export type ClientState = 'inactive' | 'active' | 'failed';

export type ConfWarning = { line: number | null; code: string; message: string };

export type PingResult = {
  at: number;
  sent: number;
  received: number;
  /** 0..1 */
  loss: number;
  rtt_avg_ms: number | null;
  rtt_min_ms: number | null;
  rtt_max_ms: number | null;
  ok: boolean;
  error: string | null;
};

export type ClientStatus = {
  observed_at: number;
  connected: boolean;
  /** Unix seconds; 0 = never. */
  latest_handshake: number;
  rx_bytes: number;
  tx_bytes: number;
  /** Bytes per second. */
  rx_rate: number;
  tx_rate: number;
  endpoint: string | null;
};

export type Client = {
  id: number;
  name: string;
  interface: string;
  conf_path: string;
  subnets: string[];
  peer_public_keys: string[];
  endpoint: string;
  probe_host: string;
  state: ClientState;
  warnings: ConfWarning[];
  created_by: string;
  created_at: number;
  updated_at: number;
  /** Newer gateways. */
  last_error?: string | null;
  status?: ClientStatus | null;
  last_ping?: PingResult | null;
};

export type RouteCommandSet = {
  linux: string;
  windows: string;
  macos: string;
  routeros: string;
  openwrt: string;
};

export type SubnetRoutes = { subnet: string; commands: RouteCommandSet | null; note: string | null };

export type Lan = { interface: string; address: string; network: string };

export type ClientDetail = Client & {
  conf: string | null;
  conf_error: string | null;
  route_commands: SubnetRoutes[];
  lan: Lan | null;
  /** Newer gateways: the firewall rules applied for this client. */
  rules?: string | null;
};

export type PendingUpload = { id: string; name: string; created_at: number; expires_at: number };

export type TrafficSample = { at: number; rx_rate: number; tx_rate: number };

/** Extra members of the 422 `needs_subnet` problem. */
export type NeedsSubnetProblem = {
  pending_id: string;
  expires_at?: number;
  lines?: number[];
  warnings?: ConfWarning[];
  detail: string;
  name?: string;
};

export const clientKeys = {
  all: ['clients'] as const,
  list: () => ['clients', 'list'] as const,
  pending: () => ['clients', 'pending'] as const,
  detail: (id: number) => ['clients', 'detail', id] as const,
  pings: (id: number) => ['clients', 'pings', id] as const,
  traffic: (id: number) => ['clients', 'traffic', id] as const,
  /** Mutation key of every operation on one client (activate, deactivate, ping, delete). */
  operation: (id: number) => ['clients', 'operation', id] as const,
};

/** "connected" = a handshake younger than WireGuard's REJECT_AFTER_TIME. */
export const CONNECTED_WITHIN_SECS = 180;

/** An endpoint this gateway does not have yet (older server): the UI hides the feature. */
export function isMissingEndpoint(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return status === 404 || status === 405 || status === 501;
}
