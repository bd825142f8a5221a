// GET /api/clients/{id}/traffic: rx/tx rates of the last 30 minutes.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type TrafficSample } from './types';
import { useLiveInterval } from './use-live-interval';

export function getTraffic(id: number, signal?: AbortSignal): Promise<TrafficSample[]> {
  return api.get<TrafficSample[]>(`/api/clients/${id}/traffic`, signal);
}

export function useTraffic(id: number) {
  const refetchInterval = useLiveInterval();
  return useQuery({ queryKey: clientKeys.traffic(id), queryFn: ({ signal }) => getTraffic(id, signal), refetchInterval });
}
