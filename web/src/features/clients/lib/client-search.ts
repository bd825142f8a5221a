// What a query typed into the client list's search box matches. The per-client part (folded text,
// parsed subnets) is built once per list; a query is parsed once, not once per client.

import type { Client, PendingUpload } from '../api/types';
import { overlaps, parseNetwork, type Network } from './network';

export type ClientEntry = { client: Client; text: string; networks: Network[] };

type Term = { text: string; network: Network | null };
export type ClientQuery = Term[];

/** Lower case without accents, so "zurich" finds "Zürich". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Name, interface, subnets, endpoints and both public keys; fields are kept apart by newlines. */
export function indexClients(clients: Client[]): ClientEntry[] {
  return clients.map((client) => ({
    client,
    text: fold(
      [client.name, client.interface, ...client.subnets, client.endpoint, client.status?.endpoint, client.public_key, ...client.peer_public_keys]
        .filter(Boolean)
        .join('\n'),
    ),
    networks: networksOf(client.subnets),
  }));
}

// A status event replaces every client object each second but keeps its `subnets` array (the cache
// writes spread the client): each array is parsed once, not once per event.
const parsed = new WeakMap<string[], Network[]>();

function networksOf(subnets: string[]): Network[] {
  let networks = parsed.get(subnets);
  if (!networks) {
    networks = subnets.map(parseNetwork).filter((n): n is Network => n !== null);
    parsed.set(subnets, networks);
  }
  return networks;
}

/** Words separated by spaces, all of which must match. An address or CIDR also matches the subnets it overlaps. */
export function parseQuery(input: string): ClientQuery {
  return input
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ({ text: fold(word), network: parseNetwork(word) }));
}

function matches(entry: ClientEntry, query: ClientQuery): boolean {
  return query.every(
    (term) => entry.text.includes(term.text) || (term.network !== null && entry.networks.some((n) => overlaps(n, term.network!))),
  );
}

/** The matching entries in their order; the same array for an empty query. */
export function searchClients(entries: ClientEntry[], query: ClientQuery): ClientEntry[] {
  return query.length === 0 ? entries : entries.filter((entry) => matches(entry, query));
}

/** Pending uploads have only a name and perhaps an interface: the words must all be in those. */
export function searchPending(pending: PendingUpload[], query: ClientQuery): PendingUpload[] {
  if (query.length === 0) return pending;
  return pending.filter((p) => {
    const text = fold(`${p.name}\n${p.interface ?? ''}`);
    return query.every((term) => text.includes(term.text));
  });
}
