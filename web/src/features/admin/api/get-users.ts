// GET /api/users: every account, with its live sessions.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { adminKeys, type UserAccount } from './types';

export function getUsers(signal?: AbortSignal): Promise<UserAccount[]> {
  return api.get<UserAccount[]>('/api/users', signal);
}

export function useUsers() {
  return useQuery({ queryKey: adminKeys.users(), queryFn: ({ signal }) => getUsers(signal) });
}
