export { ToastProvider } from './toast-provider';
export { useToast, type ToastInput, type ToastKind } from './toast-context';
