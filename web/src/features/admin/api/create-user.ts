// POST /api/users: add an account; the server generates the password (returned once) when none is sent.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { refetchAfter, upsertUser } from './cache';
import { adminKeys, type NewUser, type NewUserAnswer } from './types';

export function createUser(user: NewUser): Promise<NewUserAnswer> {
  return api.post<NewUserAnswer>('/api/users', user);
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    // The form shows the errors on its fields. A password (sent or generated) must not outlive the form.
    meta: { toastOnError: false },
    gcTime: 0,
    onSuccess: ({ user }) => upsertUser(queryClient, user),
    onSettled: () => refetchAfter(queryClient, adminKeys.users()),
  });
}
