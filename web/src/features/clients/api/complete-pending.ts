// POST /api/clients/pending/{pending_id}/subnet: finishes a full-tunnel upload with the remote subnet.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { upsertClient } from './cache';
import { clientKeys, type Client, type PendingSubnet, type PendingUpload } from './types';

/** `name` is another display name, `interface` another interface name (e.g. after `name_taken`). */
export type CompletePendingInput = { pendingId: string; subnet: string; probe_host?: string; name?: string; interface?: string };

export function completePending({ pendingId, subnet, probe_host, name, interface: iface }: CompletePendingInput): Promise<Client> {
  const body: PendingSubnet = { subnet: subnet.trim() };
  if (probe_host?.trim()) body.probe_host = probe_host.trim();
  if (name?.trim()) body.name = name.trim();
  if (iface?.trim()) body.interface = iface.trim();
  return api.post<Client>(`/api/clients/pending/${encodeURIComponent(pendingId)}/subnet`, body);
}

export function useCompletePending() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: completePending,
    meta: { toastOnError: false },
    onSuccess: (client, { pendingId }) => {
      upsertClient(queryClient, client);
      queryClient.setQueryData<PendingUpload[]>(clientKeys.pending(), (list) => list?.filter((p) => p.id !== pendingId));
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: clientKeys.pending() }),
  });
}
