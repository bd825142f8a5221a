// GET /api/tokens: every API token without its secret, revoked ones too.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { adminKeys, type TokenInfo } from './types';

export function getTokens(signal?: AbortSignal): Promise<TokenInfo[]> {
  return api.get<TokenInfo[]>('/api/tokens', signal);
}

export function useTokens() {
  return useQuery({ queryKey: adminKeys.tokens(), queryFn: ({ signal }) => getTokens(signal) });
}
