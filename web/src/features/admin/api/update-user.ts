// PATCH /api/users/{username}: disable an account (its sessions end, its tokens stop working) or enable it.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { refetchAfter, upsertUser } from './cache';
import { adminKeys, type UserAccount, type UserUpdate } from './types';

export function setUserEnabled({ username, enabled }: { username: string; enabled: boolean }): Promise<UserAccount> {
  return api.patch<UserAccount>(`/api/users/${encodeURIComponent(username)}`, { enabled } satisfies UserUpdate);
}

export function useSetUserEnabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setUserEnabled,
    meta: { toastOnError: false },
    onSuccess: (user) => upsertUser(queryClient, user),
    onSettled: () => refetchAfter(queryClient, adminKeys.users()),
  });
}
