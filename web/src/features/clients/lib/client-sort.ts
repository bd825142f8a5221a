// Order of the client list by column. Subnets sort as numbers (10.0.2.0/24 before 10.0.10.0/24,
// IPv4 before IPv6); names as people read them ("Zürich 2" before "zurich 10").

import type { Client } from '../api/types';
import type { ClientEntry } from './client-search';
import { compareNetworks } from './network';

export type SortKey = 'name' | 'subnet' | 'status' | 'handshake' | 'ping' | 'traffic';
export type Sort = { key: SortKey; dir: 'asc' | 'desc' };

const STATUS_ORDER = { failed: 0, active: 1, inactive: 2 } as const;

// One collator for every comparison: `localeCompare` with options builds one per call.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

const byName = (a: Client, b: Client) => collator.compare(a.name, b.name);

function compareBy(a: ClientEntry, b: ClientEntry, key: SortKey): number {
  if (key === 'name') return byName(a.client, b.client);
  if (key === 'subnet') {
    const x = a.networks[0];
    const y = b.networks[0];
    // Clients without a readable subnet go last (first when descending).
    if (!x || !y) return Number(!x) - Number(!y);
    return compareNetworks(x, y);
  }
  const x = sortValue(a.client, key);
  const y = sortValue(b.client, key);
  return x - y;
}

function sortValue(client: Client, key: Exclude<SortKey, 'name' | 'subnet'>): number {
  switch (key) {
    case 'status':
      return STATUS_ORDER[client.state];
    case 'handshake':
      return client.status?.latest_handshake ?? -1;
    case 'ping':
      return client.last_ping?.rtt_avg_ms ?? Number.POSITIVE_INFINITY;
    case 'traffic':
      return (client.status?.rx_rate ?? 0) + (client.status?.tx_rate ?? 0);
  }
}

/** A sorted copy; ties by name. */
export function sortEntries(entries: ClientEntry[], sort: Sort): ClientEntry[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...entries].sort((a, b) => sign * compareBy(a, b, sort.key) || byName(a.client, b.client));
}
