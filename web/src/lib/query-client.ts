// TanStack Query defaults shared by the app and the tests.

import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError } from './api';
import { actionErrorMessage } from './errors';

type MutationMeta = {
  /** Set to false when the component shows the error itself (e.g. inline in a form). */
  toastOnError?: boolean;
  /** Prefix for the error toast, e.g. "Sign out failed". */
  errorTitle?: string;
};

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: MutationMeta;
  }
}

const SESSION_KEY = ['auth', 'session'];

export function createQueryClient(options: { onMutationError?: (message: string) => void } = {}) {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        // A 401 anywhere means the session ended: the route guard then sends the user to /login.
        if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== SESSION_KEY[0]) {
          queryClient.setQueryData(SESSION_KEY, null);
        }
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (error instanceof ApiError && error.status === 401) queryClient.setQueryData(SESSION_KEY, null);
        const meta = mutation.meta;
        if (meta?.toastOnError === false) return;
        // The banner already says the connection is gone; the toast says this action did not happen.
        const message = actionErrorMessage(error);
        options.onMutationError?.(meta?.errorTitle ? `${meta.errorTitle}: ${message}` : message);
      },
    }),
    defaultOptions: {
      queries: {
        // Keep retrying while the gateway is unreachable (the banner says so); retry server errors
        // twice; never retry client errors, they will not change.
        retry: (failureCount, error) => {
          if (error instanceof NetworkError) return true;
          if (error instanceof ApiError) return error.status >= 500 && failureCount < 2;
          return false;
        },
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 10_000),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
