// GET /api/clients/{id}: one client with its redacted config, rules and route commands.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type ClientDetail } from './types';
import { useLiveInterval } from './use-live-interval';

export function getClient(id: number, signal?: AbortSignal): Promise<ClientDetail> {
  return api.get<ClientDetail>(`/api/clients/${id}`, signal);
}

export function useClient(id: number) {
  const refetchInterval = useLiveInterval();
  return useQuery({ queryKey: clientKeys.detail(id), queryFn: ({ signal }) => getClient(id, signal), refetchInterval });
}
