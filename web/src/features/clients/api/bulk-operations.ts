// Bulk actions of the client list: the per-client endpoints (activate, deactivate, delete) for many
// clients, at most four at a time. Each call is a mutation under the client's operation key, so its
// row shows it busy as for a single action; each client's outcome is kept for the results panel.

import { useCallback, useState } from 'react';
import { MutationObserver, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { actionErrorMessage } from '@/lib/errors';
import { runBounded } from '@/lib/run-bounded';
import type { BulkAction } from '../lib/bulk';
import { removeClient, upsertClient } from './cache';
import { activateClient, deactivateClient, deleteClient } from './client-operations';
import { clientKeys, type Client } from './types';

const CONCURRENCY = 4;

export type BulkItem = { id: number; name: string; outcome: 'waiting' | 'running' | 'done' | 'failed'; detail?: string };
/** `id` tells one run from the next (the results panel starts afresh). */
export type BulkRun = { id: number; action: BulkAction; items: BulkItem[]; skipped: string[]; finished: boolean };

function operation(queryClient: QueryClient, action: BulkAction, id: number) {
  const mutationKey = [...clientKeys.operation(id), action];
  const meta = { toastOnError: false };
  if (action === 'delete') {
    return new MutationObserver(queryClient, { mutationKey, meta, mutationFn: () => deleteClient(id), onSuccess: () => removeClient(queryClient, id) });
  }
  const call = action === 'activate' ? activateClient : deactivateClient;
  return new MutationObserver(queryClient, { mutationKey, meta, mutationFn: () => call(id), onSuccess: (client: Client) => upsertClient(queryClient, client) });
}

export function useBulkOperation() {
  const queryClient = useQueryClient();
  const [run, setRun] = useState<BulkRun | null>(null);

  /** Runs `action` on `targets` (`skipped` are only named); resolves with the ids that failed. */
  const start = useCallback(
    async (action: BulkAction, targets: Client[], skipped: Client[]): Promise<number[]> => {
      setRun((previous) => ({
        id: (previous?.id ?? 0) + 1,
        action,
        items: targets.map((c) => ({ id: c.id, name: c.name, outcome: 'waiting' })),
        skipped: skipped.map((c) => c.name),
        finished: false,
      }));
      const update = (id: number, change: Partial<BulkItem>) =>
        setRun((current) => current && { ...current, items: current.items.map((item) => (item.id === id ? { ...item, ...change } : item)) });
      const failed: number[] = [];
      await runBounded(targets, CONCURRENCY, async ({ id }) => {
        update(id, { outcome: 'running' });
        try {
          await operation(queryClient, action, id).mutate();
          update(id, { outcome: 'done' });
        } catch (error) {
          failed.push(id);
          update(id, { outcome: 'failed', detail: actionErrorMessage(error) });
        }
      });
      setRun((current) => current && { ...current, finished: true });
      // A failed activation changed the client (failed, last_error); the list may have moved on meanwhile.
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
      return failed;
    },
    [queryClient],
  );
  const dismiss = useCallback(() => setRun(null), []);
  return { run, start, dismiss };
}
