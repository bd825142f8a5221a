// What a bulk action on the selected clients does: which clients it runs on, which it skips
// because they are already where the action would take them, and how it is named.

import type { Client } from '../api/types';

export type BulkAction = 'activate' | 'deactivate' | 'delete';

export const BULK_WORDS: Record<BulkAction, { verb: string; running: string; done: string; skipped: string }> = {
  activate: { verb: 'Activate', running: 'Activating', done: 'Activated', skipped: 'already active' },
  deactivate: { verb: 'Deactivate', running: 'Deactivating', done: 'Deactivated', skipped: 'already inactive' },
  delete: { verb: 'Delete', running: 'Deleting', done: 'Deleted', skipped: '' },
};

export type BulkPlan<T> = { targets: T[]; skipped: T[] };

export function planBulk<T extends Pick<Client, 'state'>>(action: BulkAction, clients: T[]): BulkPlan<T> {
  const skip = (c: T) => (action === 'activate' ? c.state === 'active' : action === 'deactivate' ? c.state === 'inactive' : false);
  return { targets: clients.filter((c) => !skip(c)), skipped: clients.filter(skip) };
}

/** The first `max` items and how many more there are, for lists of names. */
export function preview<T>(items: T[], max = 10): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}

/** "a, b, c" or "a, b, … j and 3 more", for names in a sentence. */
export function joinNames(names: string[]): string {
  const { shown, more } = preview(names);
  return more ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** "site-a" or "3 clients". */
export function countClients(clients: Pick<Client, 'name'>[]): string {
  return clients.length === 1 ? clients[0]!.name : `${clients.length} clients`;
}
