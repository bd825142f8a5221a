// PATCH /api/clients/{id}: change the probe host.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { upsertClient } from './cache';
import type { Client } from './types';

export function updateProbeHost({ id, probe_host }: { id: number; probe_host: string }): Promise<Client> {
  return api.patch<Client>(`/api/clients/${id}`, { probe_host: probe_host.trim() });
}

export function useUpdateProbeHost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProbeHost,
    meta: { toastOnError: false },
    onSuccess: (client) => upsertClient(queryClient, client),
  });
}
