// GET /api/clients/pending: this user's full-tunnel uploads still waiting for a subnet.
// Older gateways do not have the endpoint: then there is simply nothing pending to show.

import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '@/lib/api';
import { clientKeys, type PendingUpload } from './types';
import { useLiveInterval } from './use-live-interval';

export async function getPendingUploads(signal?: AbortSignal): Promise<PendingUpload[]> {
  try {
    const list = await api.get<PendingUpload[]>('/api/clients/pending', signal);
    return Array.isArray(list) ? list : [];
  } catch (error) {
    // 404/405 (no such route) or 400/422 (`pending` read as a client id): not supported here.
    if (error instanceof ApiError && [400, 404, 405, 422].includes(error.status)) return [];
    throw error;
  }
}

export function usePendingUploads() {
  const refetchInterval = useLiveInterval();
  return useQuery({ queryKey: clientKeys.pending(), queryFn: ({ signal }) => getPendingUploads(signal), refetchInterval });
}
