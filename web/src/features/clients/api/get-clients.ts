// GET /api/clients: every client, kept current by the event stream (or polling while it is down).

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type Client } from './types';
import { useLiveInterval } from './use-live-interval';

export function getClients(signal?: AbortSignal): Promise<Client[]> {
  return api.get<Client[]>('/api/clients', signal);
}

export function useClients() {
  const refetchInterval = useLiveInterval();
  return useQuery({ queryKey: clientKeys.list(), queryFn: ({ signal }) => getClients(signal), refetchInterval });
}
