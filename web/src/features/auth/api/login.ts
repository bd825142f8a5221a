// POST /api/auth/login.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '@/lib/api';
import type { components } from '@/lib/api-schema';
import { parseSession, sessionQueryKey, type Session } from './session';

export type Credentials = components['schemas']['LoginRequest'];

export async function login(credentials: Credentials): Promise<Session> {
  const session = parseSession(await api.post<unknown>('/api/auth/login', credentials));
  setCsrfToken(session.csrf_token);
  return session;
}

export function useLogin(options: { onSuccess?: (session: Session) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    // The form shows login errors inline; no toast.
    meta: { toastOnError: false },
    onSuccess: (session) => {
      // Caller first (toast, navigate), then publish the session, which re-renders the guards.
      options.onSuccess?.(session);
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}
