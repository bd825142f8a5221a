// GET /api/clients/pending: this user's full-tunnel uploads still waiting for a subnet.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type PendingUpload } from './types';
import { useLiveInterval } from './use-live-interval';

export function getPendingUploads(signal?: AbortSignal): Promise<PendingUpload[]> {
  return api.get<PendingUpload[]>('/api/clients/pending', signal);
}

export function usePendingUploads() {
  const refetchInterval = useLiveInterval();
  return useQuery({ queryKey: clientKeys.pending(), queryFn: ({ signal }) => getPendingUploads(signal), refetchInterval });
}
