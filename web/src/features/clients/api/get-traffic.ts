// GET /api/clients/{id}/traffic: rx/tx rates of the last 30 minutes. `null` on gateways without it.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, isMissingEndpoint, type TrafficSample } from './types';
import { useLiveInterval } from './use-live-interval';

export async function getTraffic(id: number, signal?: AbortSignal): Promise<TrafficSample[] | null> {
  try {
    return await api.get<TrafficSample[]>(`/api/clients/${id}/traffic`, signal);
  } catch (error) {
    if (isMissingEndpoint(error)) return null;
    throw error;
  }
}

export function useTraffic(id: number) {
  const refetchInterval = useLiveInterval();
  return useQuery({ queryKey: clientKeys.traffic(id), queryFn: ({ signal }) => getTraffic(id, signal), refetchInterval });
}
