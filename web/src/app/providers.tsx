import { useState, type ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { ToastProvider, useToast } from '@/components/toast';
import { createQueryClient } from '@/lib/query-client';

/** Toasts outside the query client so failed mutations can raise one. */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <ToastProvider>
      <QueryProvider>{children}</QueryProvider>
    </ToastProvider>
  );
}

function QueryProvider({ children }: { children: ReactNode }) {
  const toast = useToast();
  const [queryClient] = useState(() =>
    createQueryClient({ onMutationError: (message) => toast.show({ kind: 'error', message }) }),
  );
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
