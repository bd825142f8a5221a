// The audit log's filters live in the URL (?actor=&action=&target=&since=&until=, UNIX seconds), so
// a filtered view survives a reload and can be shared. The form edits them as local date-times.

import type { AuditFilter } from '../api/types';

const TEXT_KEYS = ['actor', 'action', 'target'] as const;
const TIME_KEYS = ['since', 'until'] as const;

export function filterFromParams(params: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  for (const key of TIME_KEYS) {
    const value = Number(params.get(key) ?? '');
    if (params.get(key) && Number.isSafeInteger(value) && value >= 0) filter[key] = value;
  }
  return filter;
}

export function paramsFromFilter(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of [...TEXT_KEYS, ...TIME_KEYS]) {
    const value = filter[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params;
}

/** UNIX seconds as the value of an `<input type="datetime-local">` (local time, to the minute). */
export function toLocalInput(unixSeconds: number | undefined): string {
  if (unixSeconds === undefined) return '';
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of a `datetime-local` input (read as local time) in UNIX seconds; undefined when empty. */
export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
