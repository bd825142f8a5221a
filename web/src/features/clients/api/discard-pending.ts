// DELETE /api/clients/pending/{pending_id}: forgets a held upload and its file (audited).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type PendingUpload } from './types';

export function discardPending(pendingId: string): Promise<void> {
  return api.delete<void>(`/api/clients/pending/${encodeURIComponent(pendingId)}`);
}

export function useDiscardPending() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: discardPending,
    meta: { toastOnError: false },
    onSuccess: (_, pendingId) =>
      queryClient.setQueryData<PendingUpload[]>(clientKeys.pending(), (list) => list?.filter((p) => p.id !== pendingId)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: clientKeys.pending() }),
  });
}
