// POST /api/clients/upload (multipart): 201 client, or 422 `needs_subnet` with a pending id.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { upsertClient } from './cache';
import { clientKeys, type Client } from './types';

export type UploadInput = { file: File; name?: string; interface?: string; subnet?: string; probe_host?: string };

export function uploadClient(input: UploadInput): Promise<Client> {
  const form = new FormData();
  form.append('file', input.file, input.file.name);
  for (const key of ['name', 'interface', 'subnet', 'probe_host'] as const) {
    const value = input[key]?.trim();
    if (value) form.append(key, value);
  }
  return api.post<Client>('/api/clients/upload', form);
}

export function useUploadClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadClient,
    // The upload form shows every refusal inline, with its line.
    meta: { toastOnError: false },
    onSuccess: (client) => upsertClient(queryClient, client),
    // A needs_subnet answer created a pending upload.
    onError: () => void queryClient.invalidateQueries({ queryKey: clientKeys.pending() }),
  });
}
