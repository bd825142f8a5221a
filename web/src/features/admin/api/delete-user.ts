// DELETE /api/users/{username}: removes the account.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { refetchAfter, removeUser } from './cache';
import { adminKeys } from './types';

export function deleteUser(username: string): Promise<void> {
  return api.delete<void>(`/api/users/${encodeURIComponent(username)}`);
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteUser,
    meta: { toastOnError: false },
    onSuccess: (_, username) => removeUser(queryClient, username),
    onSettled: () => refetchAfter(queryClient, adminKeys.users()),
  });
}
