// Bodies of the admin API (users, API tokens, audit log, alerts) for tests, typed by the admin feature's types.

import type { QueryClient } from '@tanstack/react-query';
import type { Alert, AlertList, AuditEvent, TokenInfo, UserAccount } from '@/features/admin/api/types';
import type { User } from '@/features/auth/api/session';

const NOW = () => Math.floor(Date.now() / 1000);

/** A signed-in operator (for the admin-only notice). */
export const carol = { id: 3, username: 'carol', role: 'operator' } satisfies User;

export function makeUser(overrides: Partial<UserAccount> = {}): UserAccount {
  return { id: 1, username: 'alice', role: 'admin', created_at: NOW() - 86_400, disabled_at: null, sessions: 1, ...overrides } satisfies UserAccount;
}

export function makeToken(overrides: Partial<TokenInfo> = {}): TokenInfo {
  return {
    id: 1,
    username: 'alice',
    name: 'backup script',
    created_at: NOW() - 3600,
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    ...overrides,
  } satisfies TokenInfo;
}

export function makeAuditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 1,
    at: NOW() - 60,
    actor: 'alice',
    action: 'client.update',
    target: 'client:3',
    before: null,
    after: null,
    request_id: null,
    ...overrides,
  } satisfies AuditEvent;
}

/** A `down` alert of client 3 (site-a), not delivered: no webhook. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    client_id: 3,
    client_name: 'site-a',
    interface: 'site-a',
    kind: 'down',
    reason: 'no handshake with the peer for 5 min',
    at: NOW() - 120,
    delivery: 'off',
    attempts: 0,
    last_error: null,
    ...overrides,
  } satisfies Alert;
}

/** GET /api/alerts without a webhook, down after 5 min. */
export function makeAlertList(alerts: Alert[] = [], overrides: Partial<Omit<AlertList, 'alerts'>> = {}): AlertList {
  return { webhook_configured: false, webhook_format: 'json', down_after_secs: 300, alerts, ...overrides } satisfies AlertList;
}

/** True while any query or mutation in the cache still holds `text` (a secret shown once). */
export function cacheHolds(queryClient: QueryClient, text: string): boolean {
  const states = [...queryClient.getQueryCache().getAll(), ...queryClient.getMutationCache().getAll()].map((entry) => entry.state);
  return JSON.stringify(states).includes(text);
}
