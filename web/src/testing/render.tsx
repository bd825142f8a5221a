import { render } from '@testing-library/react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { ToastProvider, useToast } from '@/components/toast';
import { createQueryClient } from '@/lib/query-client';
import { routes } from '@/app/routes';
import { useState, type ReactNode } from 'react';

/** Renders the real route tree at `path`, with the same providers as the app. */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  let queryClient: QueryClient | undefined;
  const utils = render(
    <ToastProvider>
      <TestQueryProvider onCreate={(client) => (queryClient = client)}>
        <RouterProvider router={router} />
      </TestQueryProvider>
    </ToastProvider>,
  );
  return { ...utils, router, queryClient: queryClient! };
}

function TestQueryProvider({ children, onCreate }: { children: ReactNode; onCreate: (client: QueryClient) => void }) {
  const toast = useToast();
  const [client] = useState(() => {
    const client = createQueryClient({ onMutationError: (message) => toast.show({ kind: 'error', message }) });
    const defaults = client.getDefaultOptions();
    client.setDefaultOptions({ ...defaults, queries: { ...defaults.queries, retryDelay: 1 } });
    onCreate(client);
    return client;
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
