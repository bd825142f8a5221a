// GET /api/clients/interface-name?name=: the interface an upload with this name would get now.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { InterfaceSuggestion } from './types';

export function suggestInterface(name: string, signal?: AbortSignal): Promise<InterfaceSuggestion> {
  return api.get<InterfaceSuggestion>(`/api/clients/interface-name?name=${encodeURIComponent(name)}`, signal);
}

/** The suggestion for `name` (already debounced by the caller); nothing for an empty name. */
export function useInterfaceSuggestion(name: string) {
  const trimmed = name.trim();
  return useQuery({
    queryKey: ['clients', 'interface-name', trimmed],
    queryFn: ({ signal }) => suggestInterface(trimmed, signal),
    enabled: trimmed.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
    meta: { toastOnError: false },
  });
}
