// POST /api/auth/logout.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from '@/lib/api';
import { sessionQueryKey } from './session';

export async function logout(): Promise<void> {
  try {
    await api.post<void>('/api/auth/logout');
  } catch (error) {
    // Already signed out (session expired): that is what the user asked for.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    meta: { errorTitle: 'Sign out failed' },
    onSuccess: () => {
      setCsrfToken(null);
      // Drop everything cached for the old session, then mark the visitor as signed out.
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
