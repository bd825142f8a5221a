// GET /api/audit/facets: the actions and actors recorded so far, offered by the filters.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { adminKeys, type AuditFacets } from './types';

export function getAuditFacets(signal?: AbortSignal): Promise<AuditFacets> {
  return api.get<AuditFacets>('/api/audit/facets', signal);
}

export function useAuditFacets() {
  return useQuery({ queryKey: adminKeys.auditFacets(), queryFn: ({ signal }) => getAuditFacets(signal), staleTime: 60_000 });
}
