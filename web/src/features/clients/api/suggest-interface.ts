// GET /api/clients/interface-name?name=: the interface an upload with this display name would get now.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { clientKeys, type InterfaceSuggestion } from './types';

export function suggestInterface(name: string, signal?: AbortSignal): Promise<InterfaceSuggestion> {
  return api.get<InterfaceSuggestion>(`/api/clients/interface-name?name=${encodeURIComponent(name)}`, signal);
}

/**
 * The suggestion for `name` (debounced by the caller); nothing for an empty name. The previous answer
 * stays on screen while the next one loads; a refused name (422, field `name`) is the query's error.
 */
export function useInterfaceSuggestion(name: string) {
  const trimmed = name.trim();
  return useQuery({
    queryKey: clientKeys.interfaceName(trimmed),
    queryFn: ({ signal }) => suggestInterface(trimmed, signal),
    enabled: trimmed.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
