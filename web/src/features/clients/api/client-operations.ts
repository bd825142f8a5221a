// POST /api/clients/{id}/activate, /deactivate, /ping and DELETE /api/clients/{id}. All share one
// mutation key per client, so every control of that client is disabled while one runs.

import { useMemo } from 'react';
import { useIsMutating, useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { applyPing, removeClient, upsertClient } from './cache';
import { clientKeys, type Client, type PingResult } from './types';

export const activateClient = (id: number) => api.post<Client>(`/api/clients/${id}/activate`);
export const deactivateClient = (id: number) => api.post<Client>(`/api/clients/${id}/deactivate`);
export const pingClient = (id: number) => api.post<PingResult>(`/api/clients/${id}/ping`);
export const deleteClient = (id: number) => api.delete<void>(`/api/clients/${id}`);

/** Callers show the outcome themselves (toasts with the captured output), so no generic toast. */
const meta = { toastOnError: false };

// The options are memoized per client: new option objects on every render would make each observer
// notify the whole mutation cache (`observerOptionsUpdated`) whenever its component re-renders.

export function useActivateClient(id: number) {
  const queryClient = useQueryClient();
  const options = useMemo(
    () => ({
      mutationKey: [...clientKeys.operation(id), 'activate'],
      mutationFn: () => activateClient(id),
      meta,
      onSuccess: (client: Client) => upsertClient(queryClient, client),
      // A failed activation changes the state (failed, last_error): fetch it.
      onError: () => void queryClient.invalidateQueries({ queryKey: clientKeys.all }),
    }),
    [id, queryClient],
  );
  return useMutation(options);
}

export function useDeactivateClient(id: number) {
  const queryClient = useQueryClient();
  const options = useMemo(
    () => ({
      mutationKey: [...clientKeys.operation(id), 'deactivate'],
      mutationFn: () => deactivateClient(id),
      meta,
      onSuccess: (client: Client) => upsertClient(queryClient, client),
      onError: () => void queryClient.invalidateQueries({ queryKey: clientKeys.all }),
    }),
    [id, queryClient],
  );
  return useMutation(options);
}

export function usePingClient(id: number) {
  const queryClient = useQueryClient();
  const options = useMemo(
    () => ({
      mutationKey: [...clientKeys.operation(id), 'ping'],
      mutationFn: () => pingClient(id),
      meta,
      onSuccess: (result: PingResult) => applyPing(queryClient, id, result),
    }),
    [id, queryClient],
  );
  return useMutation(options);
}

export function useDeleteClient(id: number) {
  const queryClient = useQueryClient();
  const options = useMemo(
    () => ({
      mutationKey: [...clientKeys.operation(id), 'delete'],
      mutationFn: () => deleteClient(id),
      meta,
      onSuccess: () => removeClient(queryClient, id),
    }),
    [id, queryClient],
  );
  return useMutation(options);
}

/** True while any operation on this client runs (from any component). */
export function useClientBusy(id: number): boolean {
  return useIsMutating({ mutationKey: clientKeys.operation(id) }) > 0;
}

/**
 * The ids of the clients with an operation running (from any component), for a whole list: one
 * mutation-cache subscription instead of one per row. The array keeps its identity while unchanged.
 */
export function useBusyClientIds(): number[] {
  return useMutationState({
    filters: { mutationKey: [...clientKeys.all, 'operation'], status: 'pending' },
    // The key is `clientKeys.operation(id)` + the operation's name.
    select: (mutation) => mutation.options.mutationKey?.[2] as number,
  });
}
