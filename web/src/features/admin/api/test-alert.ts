// POST /api/alerts/test: raises a test alert and delivers it at once; its `delivery` is the outcome
// (`sent`, `pending` with the error when the webhook refused and it will be retried, `off` without
// a webhook).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { refetchAfter, upsertAlert } from './cache';
import { adminKeys, type Alert } from './types';

export function sendTestAlert(): Promise<Alert> {
  return api.post<Alert>('/api/alerts/test');
}

export function useSendTestAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: sendTestAlert,
    // The page shows the outcome (or the error) beside the button.
    meta: { toastOnError: false },
    onSuccess: (alert) => upsertAlert(queryClient, alert),
    onSettled: () => refetchAfter(queryClient, adminKeys.alerts()),
  });
}
