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
  const holder: { client?: QueryClient } = {};
  const utils = render(
    <ToastProvider>
      <TestQueryProvider holder={holder}>
        <RouterProvider router={router} />
      </TestQueryProvider>
    </ToastProvider>,
  );
  return { ...utils, router, queryClient: holder.client! };
}

function TestQueryProvider({ children, holder }: { children: ReactNode; holder: { client?: QueryClient } }) {
  const toast = useToast();
  const [client] = useState(() => {
    const client = createQueryClient({ onMutationError: (message) => toast.show({ kind: 'error', message }) });
    const defaults = client.getDefaultOptions();
    client.setDefaultOptions({ ...defaults, queries: { ...defaults.queries, retryDelay: 1 } });
    holder.client = client;
    return client;
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
