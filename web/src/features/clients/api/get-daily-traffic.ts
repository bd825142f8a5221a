// GET /api/clients/{id}/traffic/daily?days=N: bytes per UTC day, oldest first, today last, zero-filled.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type DayTotal } from './types';

export type TrafficPeriod = 7 | 30;

export function getDailyTraffic(id: number, days: TrafficPeriod, signal?: AbortSignal): Promise<DayTotal[]> {
  return api.get<DayTotal[]>(`/api/clients/${id}/traffic/daily?days=${days}`, signal);
}

export function useDailyTraffic(id: number, days: TrafficPeriod) {
  return useQuery({
    queryKey: [...clientKeys.dailyTraffic(id), days],
    queryFn: ({ signal }) => getDailyTraffic(id, days, signal),
    // Today's total grows while the tunnel carries traffic; the stream does not carry these totals.
    refetchInterval: 60_000,
    // The other period stays on screen while this one loads (no jump to "Loading…" on the toggle).
    placeholderData: keepPreviousData,
  });
}
