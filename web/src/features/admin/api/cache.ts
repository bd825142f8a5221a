// Writes into the query cache after an admin action: the answer replaces the row at once, then the
// list (and the audit log, which has a new event) is fetched again. Pushed alerts land here too.

import type { QueryClient } from '@tanstack/react-query';
import { setCsrfToken } from '@/lib/api';
import { sessionQueryKey } from '@/features/auth/api/session';
import { ALERTS_LIMIT } from './get-alerts';
import { adminKeys, type Alert, type AlertList, type TokenInfo, type UserAccount } from './types';

export function upsertUser(queryClient: QueryClient, user: UserAccount): void {
  queryClient.setQueryData<UserAccount[]>(adminKeys.users(), (list) =>
    list && (list.some((u) => u.id === user.id) ? list.map((u) => (u.id === user.id ? user : u)) : [...list, user]),
  );
}

export function patchUser(queryClient: QueryClient, username: string, patch: Partial<UserAccount>): void {
  queryClient.setQueryData<UserAccount[]>(adminKeys.users(), (list) => list?.map((u) => (u.username === username ? { ...u, ...patch } : u)));
}

export function removeUser(queryClient: QueryClient, username: string): void {
  queryClient.setQueryData<UserAccount[]>(adminKeys.users(), (list) => list?.filter((u) => u.username !== username));
}

export function upsertToken(queryClient: QueryClient, token: TokenInfo): void {
  queryClient.setQueryData<TokenInfo[]>(adminKeys.tokens(), (list) =>
    list && (list.some((t) => t.id === token.id) ? list.map((t) => (t.id === token.id ? token : t)) : [token, ...list]),
  );
}

/** An alert as an answer gave it (the test alert, with its delivery): it replaces the row, or goes on top. */
export function upsertAlert(queryClient: QueryClient, alert: Alert): void {
  queryClient.setQueryData<AlertList>(adminKeys.alerts(), (list) =>
    list && {
      ...list,
      alerts: list.alerts.some((a) => a.id === alert.id)
        ? list.alerts.map((a) => (a.id === alert.id ? alert : a))
        : [alert, ...list.alerts].slice(0, ALERTS_LIMIT),
    },
  );
}

/**
 * A pushed `alert` event: a new alert, as it was raised (delivery not tried yet). It goes on top of
 * the list, unless the list already has it, which is then at least as recent (the test alert's
 * answer can arrive first, already delivered). The list is fetched again for the delivery state.
 */
export function applyAlertEvent(queryClient: QueryClient, alert: Alert): void {
  if (typeof alert?.id !== 'number' || typeof alert.at !== 'number') return;
  queryClient.setQueryData<AlertList>(adminKeys.alerts(), (list) =>
    list && !list.alerts.some((a) => a.id === alert.id) ? { ...list, alerts: [alert, ...list.alerts].slice(0, ALERTS_LIMIT) } : list,
  );
  void queryClient.invalidateQueries({ queryKey: adminKeys.alerts() });
}

/** Fetch again what the action changed; the audit log always has a new event. */
export function refetchAfter(queryClient: QueryClient, key: readonly unknown[]): void {
  void queryClient.invalidateQueries({ queryKey: key });
  void queryClient.invalidateQueries({ queryKey: ['admin', 'audit'] });
}

/**
 * The server ended the signed-in user's own session (password reset, sessions ended): forget it, as
 * a 401 does; the route guard then goes to the login page.
 */
export function signOutLocally(queryClient: QueryClient): void {
  setCsrfToken(null);
  queryClient.setQueryData(sessionQueryKey, null);
}
