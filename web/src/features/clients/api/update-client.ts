// PATCH /api/clients/{id}: change the probe host.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { upsertClient } from './cache';
import type { Client, ClientUpdate } from './types';

export function updateProbeHost({ id, probe_host }: { id: number; probe_host: string }): Promise<Client> {
  const body: ClientUpdate = { probe_host: probe_host.trim() };
  return api.patch<Client>(`/api/clients/${id}`, body);
}

export function useUpdateProbeHost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProbeHost,
    meta: { toastOnError: false },
    onSuccess: (client) => upsertClient(queryClient, client),
  });
}
