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

/**
 * True once the list has loaded or failed (the table, empty state or error has replaced the loading
 * placeholder). Only watches the cache: it neither fetches nor polls, and re-renders only when this flips.
 */
export function useClientsSettled(): boolean {
  return !useQuery({ queryKey: clientKeys.list(), queryFn: ({ signal }) => getClients(signal), enabled: false }).isPending;
}
