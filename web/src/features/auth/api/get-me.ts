// GET /api/auth/me: who is signed in (null when nobody is) and the current CSRF token.

import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from '@/lib/api';
import { parseSession, sessionQueryKey, type Session } from './session';

export async function getMe(signal?: AbortSignal): Promise<Session | null> {
  try {
    const session = parseSession(await api.get<unknown>('/api/auth/me', signal));
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const meQueryOptions = queryOptions({
  queryKey: sessionQueryKey,
  queryFn: ({ signal }) => getMe(signal),
  staleTime: 5 * 60 * 1000,
});

export function useMe() {
  return useQuery(meQueryOptions);
}
