// DELETE /api/users/{username}/sessions: signs the user out everywhere.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { patchUser, refetchAfter } from './cache';
import { adminKeys, type SessionsEnded } from './types';

export function endSessions(username: string): Promise<SessionsEnded> {
  return api.delete<SessionsEnded>(`/api/users/${encodeURIComponent(username)}/sessions`);
}

export function useEndSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: endSessions,
    meta: { toastOnError: false },
    onSuccess: (_, username) => {
      patchUser(queryClient, username, { sessions: 0 });
      refetchAfter(queryClient, adminKeys.users());
    },
  });
}
