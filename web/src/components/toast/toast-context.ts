import { createContext, useContext } from 'react';

export type ToastKind = 'success' | 'error' | 'info';

export type ToastInput = {
  message: string;
  kind?: ToastKind;
  durationMs?: number;
  /** Preformatted text shown under the message (e.g. wg-quick's captured output). */
  detail?: string;
};

export type ToastApi = {
  show: (toast: ToastInput) => number;
  dismiss: (id: number) => void;
};

export const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast must be used inside <ToastProvider>');
  return api;
}
