// Shapes of the admin API (users, API tokens, audit log, alerts): aliases of the types generated
// from web/openapi.json (the server's own document), so a change of the API shows up here as a type
// error. Keep every admin shape in this file.

import type { components } from '@/lib/api-schema';
import type { Role } from '@/features/auth/api/session';

type Schemas = components['schemas'];

export type { Role };

/** An account as the users page shows it (`role` narrowed: the document types it as a string). */
export type UserAccount = Schemas['UserAccount'] & { role: Role };

/** The body of POST /api/users; the server generates the password when none is sent. */
export type NewUser = Schemas['NewUser'] & { role: Role };

/** `password` is the generated one, shown this once; null when the request chose one. */
export type NewUserAnswer = Schemas['NewUserAnswer'] & { user: UserAccount };

/** The body of PATCH /api/users/{username}. */
export type UserUpdate = Schemas['UserUpdate'];

/** The body of PUT /api/users/{username}/password. */
export type PasswordReset = Schemas['PasswordReset'];

export type PasswordAnswer = Schemas['PasswordAnswer'];

export type SessionsEnded = Schemas['SessionsEnded'];

export type TokenInfo = Schemas['TokenInfo'];

/** The body of POST /api/tokens: `username` defaults to yourself, `expires_in_days` (1..3650) to never. */
export type NewToken = Schemas['NewToken'];

/** `token` is the secret, shown this once. */
export type IssuedToken = Schemas['IssuedToken'];

export type AuditEvent = Schemas['AuditEvent'];

export type AuditFacets = Schemas['AuditFacets'];

/**
 * The query of GET /api/audit (without the page): `since` inclusive, `until` exclusive, UNIX seconds.
 * Written by hand: the document lists these as path parameters, so the generated shape does not fit.
 */
export type AuditFilter = { actor?: string; action?: string; target?: string; since?: number; until?: number };

/** One alert (a client went down or came back, or a test) with the state of its webhook delivery. */
export type Alert = Schemas['Alert'];

export type AlertKind = Schemas['AlertKind'];

/** `off`: no webhook is configured; `failed`: every attempt failed. */
export type AlertDelivery = Schemas['Delivery'];

/** GET /api/alerts: how alerting is configured, and the newest alerts first. */
export type AlertList = Schemas['AlertList'];

export const adminKeys = {
  users: () => ['admin', 'users'] as const,
  tokens: () => ['admin', 'tokens'] as const,
  audit: (filter: AuditFilter) => ['admin', 'audit', filter] as const,
  auditFacets: () => ['admin', 'audit', 'facets'] as const,
  alerts: () => ['admin', 'alerts'] as const,
};
