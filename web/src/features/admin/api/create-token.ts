// POST /api/tokens: issues a token; its secret is in this one answer only.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { refetchAfter, upsertToken } from './cache';
import { adminKeys, type IssuedToken, type NewToken } from './types';

export function createToken(token: NewToken): Promise<IssuedToken> {
  return api.post<IssuedToken>('/api/tokens', token);
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    meta: { toastOnError: false },
    // The secret lives only as long as the dialog that shows it: the list keeps just `info`.
    gcTime: 0,
    onSuccess: ({ info }) => upsertToken(queryClient, info),
    onSettled: () => refetchAfter(queryClient, adminKeys.tokens()),
  });
}
