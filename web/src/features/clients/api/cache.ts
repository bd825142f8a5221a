// Writes into the TanStack Query cache shared by mutations and the event stream, so a change
// shows up everywhere (list, detail, charts) without a refetch.

import { notifyManager, type QueryClient } from '@tanstack/react-query';
import { clientKeys, type Client, type ClientDetail, type ClientStatus, type PingResult, type TrafficSample } from './types';

const TRAFFIC_WINDOW_SECS = 30 * 60;

/** Insert or replace a client in the list and merge it into its detail (keeping detail-only fields). */
export function upsertClient(queryClient: QueryClient, client: Client): void {
  queryClient.setQueryData<Client[]>(clientKeys.list(), (list) => {
    if (!list) return list;
    const index = list.findIndex((c) => c.id === client.id);
    if (index === -1) return [...list, client];
    const next = list.slice();
    next[index] = { ...list[index], ...client };
    return next;
  });
  queryClient.setQueryData<ClientDetail>(clientKeys.detail(client.id), (detail) => (detail ? { ...detail, ...client } : detail));
}

export function removeClient(queryClient: QueryClient, id: number): void {
  queryClient.setQueryData<Client[]>(clientKeys.list(), (list) => list?.filter((c) => c.id !== id));
  queryClient.removeQueries({ queryKey: clientKeys.detail(id) });
  queryClient.removeQueries({ queryKey: clientKeys.pings(id) });
  queryClient.removeQueries({ queryKey: clientKeys.traffic(id) });
  queryClient.removeQueries({ queryKey: clientKeys.dailyTraffic(id) });
}

function patchClient(queryClient: QueryClient, id: number, patch: Partial<Client>): void {
  queryClient.setQueryData<Client[]>(clientKeys.list(), (list) =>
    list?.map((c) => (c.id === id ? { ...c, ...patch } : c)),
  );
  queryClient.setQueryData<ClientDetail>(clientKeys.detail(id), (detail) => (detail ? { ...detail, ...patch } : detail));
}

/**
 * One `status` event of the stream: every client's link status. The list is written once (not once per
 * client: each write notifies every observer of the list), and all writes notify together.
 */
export function applyStatus(queryClient: QueryClient, at: number, statuses: { id: number; status: ClientStatus | null }[]): void {
  if (statuses.length === 0) return;
  const byId = new Map<number, ClientStatus | null>();
  for (const { id, status } of statuses) byId.set(id, status);
  notifyManager.batch(() => {
    queryClient.setQueryData<Client[]>(clientKeys.list(), (list) =>
      list?.map((c) => (byId.has(c.id) ? { ...c, status: byId.get(c.id) } : c)),
    );
    for (const [id, status] of byId) {
      queryClient.setQueryData<ClientDetail>(clientKeys.detail(id), (detail) => (detail ? { ...detail, status } : detail));
      if (status) {
        queryClient.setQueryData<TrafficSample[]>(clientKeys.traffic(id), (samples) => {
          if (!samples) return samples;
          const sample = { at: status.observed_at || at, rx_rate: status.rx_rate, tx_rate: status.tx_rate };
          const last = samples[samples.length - 1];
          if (last && last.at >= sample.at) return samples;
          return [...samples.filter((s) => s.at > sample.at - TRAFFIC_WINDOW_SECS), sample];
        });
      }
    }
  });
}

export function applyPing(queryClient: QueryClient, id: number, result: PingResult): void {
  patchClient(queryClient, id, { last_ping: result });
  queryClient.setQueryData<PingResult[]>(clientKeys.pings(id), (pings) => {
    if (!pings) return pings;
    if (pings.some((p) => p.at === result.at)) return pings;
    return [...pings, result].slice(-200);
  });
}
