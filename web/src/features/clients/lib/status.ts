import { CONNECTED_WITHIN_SECS, type Client, type PingResult } from '../api/types';
import { formatMs, formatPercent, formatTime } from '@/lib/format';

export type Link = 'connected' | 'stale' | 'never' | 'down' | 'unknown';

/**
 * Tunnel liveness from the last handshake: connected = younger than 180 s, 0 = never; `down` when
 * the interface itself was missing at the last reading (taken down outside peergate).
 */
export function linkState(client: Client, nowMs: number): Link {
  if (client.state !== 'active') return 'unknown';
  const status = client.status;
  if (!status) return 'unknown';
  if (status.interface_up === false) return 'down';
  if (!status.latest_handshake) return 'never';
  return nowMs / 1000 - status.latest_handshake < CONNECTED_WITHIN_SECS ? 'connected' : 'stale';
}

export const STATE_LABEL = { active: 'Active', inactive: 'Inactive', failed: 'Failed', needs_subnet: 'Needs subnet' } as const;

export const LINK_LABEL: Record<Link, string> = {
  connected: 'Connected',
  stale: 'No recent handshake',
  never: 'Never connected',
  down: 'Interface down',
  unknown: '',
};

/** For a missing interface: when the reconciler will have brought it back. */
export function repairSentence(client: Client): string | null {
  const by = client.status?.interface_up === false ? client.status.repair_by : null;
  if (!by) return null;
  return `The reconciler brings it back by ${formatTime(by)}.`;
}

export function pingSummary(ping: PingResult | null | undefined): string {
  if (!ping) return '—';
  if (!ping.ok && ping.received === 0) return `no reply (${formatPercent(ping.loss)} loss)`;
  const loss = ping.loss > 0 ? ` · ${formatPercent(ping.loss)} loss` : '';
  return `${formatMs(ping.rtt_avg_ms)}${loss}`;
}

export function pingSentence(client: Pick<Client, 'name' | 'probe_host'>, ping: PingResult): string {
  const replies = `${ping.received}/${ping.sent} replies`;
  if (ping.ok) return `Ping ${client.probe_host} via ${client.name}: ${replies}, average ${formatMs(ping.rtt_avg_ms)}.`;
  const why = ping.error ? ` ${ping.error}` : '';
  return `Ping ${client.probe_host} via ${client.name} failed: ${replies} (${formatPercent(ping.loss)} loss).${why}`;
}
