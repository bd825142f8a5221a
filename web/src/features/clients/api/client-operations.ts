// POST /api/clients/{id}/activate, /deactivate, /ping and DELETE /api/clients/{id}. All share one
// mutation key per client, so every control of that client is disabled while one runs.

import { useIsMutating, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { applyPing, removeClient, upsertClient } from './cache';
import { clientKeys, type Client, type PingResult } from './types';

export const activateClient = (id: number) => api.post<Client>(`/api/clients/${id}/activate`);
export const deactivateClient = (id: number) => api.post<Client>(`/api/clients/${id}/deactivate`);
export const pingClient = (id: number) => api.post<PingResult>(`/api/clients/${id}/ping`);
export const deleteClient = (id: number) => api.delete<void>(`/api/clients/${id}`);

/** Callers show the outcome themselves (toasts with the captured output), so no generic toast. */
const meta = { toastOnError: false };

export function useActivateClient(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...clientKeys.operation(id), 'activate'],
    mutationFn: () => activateClient(id),
    meta,
    onSuccess: (client) => upsertClient(queryClient, client),
    // A failed activation changes the state (failed, last_error): fetch it.
    onError: () => void queryClient.invalidateQueries({ queryKey: clientKeys.all }),
  });
}

export function useDeactivateClient(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...clientKeys.operation(id), 'deactivate'],
    mutationFn: () => deactivateClient(id),
    meta,
    onSuccess: (client) => upsertClient(queryClient, client),
    onError: () => void queryClient.invalidateQueries({ queryKey: clientKeys.all }),
  });
}

export function usePingClient(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...clientKeys.operation(id), 'ping'],
    mutationFn: () => pingClient(id),
    meta,
    onSuccess: (result) => applyPing(queryClient, id, result),
  });
}

export function useDeleteClient(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...clientKeys.operation(id), 'delete'],
    mutationFn: () => deleteClient(id),
    meta,
    onSuccess: () => removeClient(queryClient, id),
  });
}

/** True while any operation on this client runs (from any component). */
export function useClientBusy(id: number): boolean {
  return useIsMutating({ mutationKey: clientKeys.operation(id) }) > 0;
}
