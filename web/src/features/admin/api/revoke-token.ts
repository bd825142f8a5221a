// DELETE /api/tokens/{id}: the token is refused from now on.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { refetchAfter } from './cache';
import { adminKeys, type TokenInfo } from './types';

export function revokeToken(id: number): Promise<void> {
  return api.delete<void>(`/api/tokens/${id}`);
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    meta: { toastOnError: false },
    onSuccess: (_, id) => {
      const now = Math.floor(Date.now() / 1000);
      queryClient.setQueryData<TokenInfo[]>(adminKeys.tokens(), (list) => list?.map((t) => (t.id === id ? { ...t, revoked_at: now } : t)));
    },
    onSettled: () => refetchAfter(queryClient, adminKeys.tokens()),
  });
}
