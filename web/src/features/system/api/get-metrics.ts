// GET /api/system/metrics: CPU, memory, load, interfaces and 30 minutes of history. Refreshed every
// 30 s, and pushed by the event stream (`system` events, without history) when it is up.

import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { components } from '@/lib/api-schema';

type Schemas = components['schemas'];

export type MetricsPoint = Schemas['HistoryPoint'];

/** One sample of the host (also the payload of a `system` event). */
export type SystemSnapshot = Schemas['HostSample'];

/**
 * The server flattens its latest sample into the body, and has none until it has taken the first
 * one (a few seconds after it starts): then the body is only `history`. The generated type cannot
 * say that (it folds the `null` away), hence the union.
 */
export type SystemMetrics = Schemas['SystemMetrics'] | Pick<Schemas['SystemMetrics'], 'history'>;

/** The metrics with a current sample. */
export type SampledMetrics = Extract<SystemMetrics, SystemSnapshot>;

export function hasSample(metrics: SystemMetrics): metrics is SampledMetrics {
  return 'at' in metrics;
}

export const systemMetricsKey = ['system', 'metrics'] as const;
const HISTORY_SECS = 30 * 60;
export const METRICS_REFRESH_MS = 30_000;

export function getSystemMetrics(signal?: AbortSignal): Promise<SystemMetrics> {
  return api.get<SystemMetrics>('/api/system/metrics', signal);
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
  queryClient.setQueryData<SystemMetrics>(systemMetricsKey, (current) => {
    const history = current?.history ?? [];
    const last = history[history.length - 1];
    const point = { at: snapshot.at, cpu_percent: snapshot.cpu_percent, memory_used_bytes: snapshot.memory_used_bytes };
    const nextHistory = last && last.at >= point.at ? history : [...history.filter((p) => p.at > point.at - HISTORY_SECS), point];
    return { ...current, ...snapshot, history: nextHistory };
  });
}
