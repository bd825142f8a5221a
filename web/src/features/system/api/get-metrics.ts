// GET /api/system/metrics: CPU, memory, load, interfaces and 30 minutes of history. Refreshed every
// 30 s, and pushed by the event stream (`system` events, without history) when it is up.
// `null` when the gateway does not have the endpoint yet.

import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { isMissingEndpoint } from '@/features/clients/api/types';

export type MetricsPoint = { at: number; cpu_percent: number; memory_used_bytes: number };

export type SystemSnapshot = {
  at: number;
  cpu_percent: number;
  memory_used_bytes: number;
  memory_total_bytes: number;
  load_average: [number, number, number];
  uptime_secs: number;
  interfaces: { name: string; rx_rate: number; tx_rate: number }[];
};

export type SystemMetrics = SystemSnapshot & { history: MetricsPoint[] };

export const systemMetricsKey = ['system', 'metrics'] as const;
const HISTORY_SECS = 30 * 60;
export const METRICS_REFRESH_MS = 30_000;

export async function getSystemMetrics(signal?: AbortSignal): Promise<SystemMetrics | null> {
  try {
    const metrics = await api.get<SystemMetrics>('/api/system/metrics', signal);
    return { ...metrics, history: Array.isArray(metrics.history) ? metrics.history : [] };
  } catch (error) {
    if (isMissingEndpoint(error)) return null;
    throw error;
  }
}

export function useSystemMetrics() {
  return useQuery({
    queryKey: systemMetricsKey,
    queryFn: ({ signal }) => getSystemMetrics(signal),
    refetchInterval: METRICS_REFRESH_MS,
  });
}

/** A pushed snapshot: replaces the current values and extends the history. */
export function applySystemMetrics(queryClient: QueryClient, snapshot: SystemSnapshot): void {
  if (typeof snapshot?.at !== 'number') return;
  queryClient.setQueryData<SystemMetrics | null>(systemMetricsKey, (current) => {
    const history = current?.history ?? [];
    const last = history[history.length - 1];
    const point = { at: snapshot.at, cpu_percent: snapshot.cpu_percent, memory_used_bytes: snapshot.memory_used_bytes };
    const nextHistory = last && last.at >= point.at ? history : [...history.filter((p) => p.at > point.at - HISTORY_SECS), point];
    return { ...current, ...snapshot, history: nextHistory };
  });
}
