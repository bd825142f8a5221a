// GET /api/clients/{id}/pings?limit=N: ping history, oldest first. `null` on gateways without it.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, isMissingEndpoint, type PingResult } from './types';
import { useLiveInterval } from './use-live-interval';

export const PING_HISTORY_LIMIT = 120;

export async function getPings(id: number, signal?: AbortSignal): Promise<PingResult[] | null> {
  try {
    return await api.get<PingResult[]>(`/api/clients/${id}/pings?limit=${PING_HISTORY_LIMIT}`, signal);
  } catch (error) {
    if (isMissingEndpoint(error)) return null;
    throw error;
  }
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
