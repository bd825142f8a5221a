// PUT /api/users/{username}/password: a new password (generated and returned once when none is sent);
// every session of that user ends.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { patchUser, refetchAfter } from './cache';
import { adminKeys, type PasswordAnswer, type PasswordReset } from './types';

export function resetPassword({ username, password }: { username: string; password?: string }): Promise<PasswordAnswer> {
  const body: PasswordReset = password ? { password } : {};
  return api.put<PasswordAnswer>(`/api/users/${encodeURIComponent(username)}/password`, body);
}

/** `own`: the signed-in user's account, whose session has just ended: nothing more is fetched. */
export function useResetPassword({ own }: { own: boolean }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resetPassword,
    meta: { toastOnError: false },
    // Neither the typed nor the generated password stays in the mutation cache once the dialog closes.
    gcTime: 0,
    onSuccess: (_, { username }) => {
      patchUser(queryClient, username, { sessions: 0 });
      if (!own) refetchAfter(queryClient, adminKeys.users());
    },
  });
}
