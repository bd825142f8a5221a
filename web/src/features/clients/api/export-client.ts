// POST /api/clients/{id}/export: the config peergate wrote, with or without its keys (audited).

import { useMutation } from '@tanstack/react-query';
import { apiText } from '@/lib/api';
import type { ExportRequest } from './types';

export function exportClient({ id, includeKeys }: { id: number; includeKeys: boolean }): Promise<string> {
  const body: ExportRequest = { include_keys: includeKeys };
  return apiText(`/api/clients/${id}/export`, { method: 'POST', body });
}

export function useExportClient() {
  return useMutation({ mutationFn: exportClient, meta: { toastOnError: false } });
}
