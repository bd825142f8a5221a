// PATCH /api/clients/{id}: change the display name, the notes or the probe host (only the fields sent).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { upsertClient } from './cache';
import type { Client, ClientId, ClientUpdate } from './types';

export function updateClient({ id, changes }: { id: ClientId; changes: ClientUpdate }): Promise<Client> {
  return api.patch<Client>(`/api/clients/${id}`, changes);
}

export function updateProbeHost({ id, probe_host }: { id: ClientId; probe_host: string }): Promise<Client> {
  return updateClient({ id, changes: { probe_host: probe_host.trim() } });
}

function useUpdate<T>(mutationFn: (input: T) => Promise<Client>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta: { toastOnError: false },
    onSuccess: (client) => upsertClient(queryClient, client),
  });
}

export function useUpdateClient() {
  return useUpdate(updateClient);
}

export function useUpdateProbeHost() {
  return useUpdate(updateProbeHost);
}
