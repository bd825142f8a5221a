// GET /api/clients/{id}/pings?limit=N: ping history, oldest first.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type PingResult } from './types';
import { useLiveInterval } from './use-live-interval';

export const PING_HISTORY_LIMIT = 120;

export function getPings(id: number, signal?: AbortSignal): Promise<PingResult[]> {
  return api.get<PingResult[]>(`/api/clients/${id}/pings?limit=${PING_HISTORY_LIMIT}`, signal);
}

export function usePings(id: number) {
  const interval = useLiveInterval();
  return useQuery({
    queryKey: clientKeys.pings(id),
    queryFn: ({ signal }) => getPings(id, signal),
    // Pings are slow-moving: poll less often than status while the stream is down.
    refetchInterval: interval === false ? false : 30_000,
  });
}
