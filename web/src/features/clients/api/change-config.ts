// Changes to what a client routes: PATCH /api/clients/{id} with new subnets, and
// POST /api/clients/{id}/config with a new file (multipart). Both run under the client's
// operation key, so its other controls wait while the tunnel is changed.

import { useMemo } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { upsertClient } from './cache';
import { clientKeys, type Client, type ClientUpdate } from './types';

export type SubnetsInput = { subnet: string; probe_host?: string };

export function changeSubnets(id: number, { subnet, probe_host }: SubnetsInput): Promise<Client> {
  const body: ClientUpdate = { subnet: subnet.trim() };
  if (probe_host?.trim()) body.probe_host = probe_host.trim();
  return api.patch<Client>(`/api/clients/${id}`, body);
}

/** `subnet` and `probe_host` override what the new file routes and what the client pings. */
export type ReplaceInput = { file: File; subnet?: string; probe_host?: string };

export function replaceConfig(id: number, input: ReplaceInput): Promise<Client> {
  const form = new FormData();
  form.append('file', input.file, input.file.name);
  for (const key of ['subnet', 'probe_host'] as const) {
    const value = input[key]?.trim();
    if (value) form.append(key, value);
  }
  return api.post<Client>(`/api/clients/${id}/config`, form);
}

function useConfigChange<T>(id: number, name: string, send: (id: number, input: T) => Promise<Client>) {
  const queryClient = useQueryClient();
  const options = useMemo(
    () => ({
      mutationKey: [...clientKeys.operation(id), name],
      mutationFn: (input: T) => send(id, input),
      // The form shows the refusal with its lines.
      meta: { toastOnError: false },
      onSuccess: (client: Client) => upsertClient(queryClient, client),
      // The detail's routes, peers, keys, rules and warnings follow from the file: fetch them anew,
      // after a refusal too (an undone change is recorded in the state).
      onSettled: () => void queryClient.invalidateQueries({ queryKey: clientKeys.detail(id) }),
    }),
    [id, name, send, queryClient],
  );
  return useMutation(options);
}

export function useChangeSubnets(id: number) {
  return useConfigChange(id, 'subnets', changeSubnets);
}

export function useReplaceConfig(id: number) {
  return useConfigChange(id, 'replace', replaceConfig);
}
