// GET /api/audit: events newest first, a page at a time (`before_id` = the last id of the page before).

import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { adminKeys, type AuditEvent, type AuditFilter } from './types';

export const AUDIT_PAGE_SIZE = 50;

export function getAudit(filter: AuditFilter, beforeId: number | undefined, signal?: AbortSignal): Promise<AuditEvent[]> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  if (beforeId !== undefined) params.set('before_id', String(beforeId));
  params.set('limit', String(AUDIT_PAGE_SIZE));
  return api.get<AuditEvent[]>(`/api/audit?${params}`, signal);
}

export function useAudit(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filter),
    queryFn: ({ pageParam, signal }) => getAudit(filter, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    // A short page is the last one.
    getNextPageParam: (page) => (page.length < AUDIT_PAGE_SIZE ? undefined : page[page.length - 1]?.id),
  });
}
