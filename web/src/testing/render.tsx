import { render } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { ToastProvider, useToast } from '@/components/toast';
import { createQueryClient } from '@/lib/query-client';
import { routes } from '@/app/routes';
import { useState, type ReactNode } from 'react';

/** Renders the real route tree at `path`, with the same providers as the app. */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const utils = render(
    <ToastProvider>
      <TestQueryProvider>
        <RouterProvider router={router} />
      </TestQueryProvider>
    </ToastProvider>,
  );
  return { ...utils, router };
}

function TestQueryProvider({ children }: { children: ReactNode }) {
  const toast = useToast();
  const [client] = useState(() => {
    const client = createQueryClient({ onMutationError: (message) => toast.show({ kind: 'error', message }) });
    const defaults = client.getDefaultOptions();
    client.setDefaultOptions({ ...defaults, queries: { ...defaults.queries, retryDelay: 1 } });
    return client;
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
