// MSW server with the gateway's auth contract; tests override handlers per case. Bodies are typed
// by the types generated from openapi.json.

import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import type { Session, User } from '@/features/auth/api/session';
import type { FieldError, Problem } from '@/lib/api';
import type { Client, InterfaceSuggestion, PendingUpload } from '@/features/clients/api/types';
import type { SystemMetrics } from '@/features/system/api/get-metrics';
import { makeDays, makeUnsampledMetrics } from './fixtures';

export const alice = { id: 1, username: 'alice', role: 'admin' } satisfies User;

export function problem(
  status: number,
  code: string,
  detail: string,
  init: { headers?: Record<string, string>; errors?: FieldError[]; extra?: Record<string, unknown> } = {},
) {
  const body = { type: 'about:blank', title: detail, status, code, detail, request_id: 'req-test', ...(init.errors ? { errors: init.errors } : {}), ...init.extra } satisfies Problem;
  return HttpResponse.json(body, { status, headers: { 'Content-Type': 'application/problem+json', ...init.headers } });
}

export function session(user: User = alice, csrf_token = 'token-1') {
  return HttpResponse.json<Session>({ user, csrf_token });
}

export const handlers = [
  http.get('*/api/auth/me', () => problem(401, 'unauthenticated', 'Sign in first.')),
  http.post('*/api/auth/logout', () => new HttpResponse(null, { status: 204 })),
  http.get('*/api/clients', () => HttpResponse.json<Client[]>([])),
  http.get('*/api/clients/pending', () => HttpResponse.json<PendingUpload[]>([])),
  // A rough stand-in for the server's rule: accents dropped, lower case, runs of anything else become `-`.
  http.get('*/api/clients/interface-name', ({ request }) => {
    const name = new URL(request.url).searchParams.get('name') ?? '';
    const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const derived = ascii.replace(/[^a-z0-9_]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 15) || 'site';
    return HttpResponse.json<InterfaceSuggestion>({ interface: derived });
  }),
  http.get('*/api/system/metrics', () => HttpResponse.json<SystemMetrics>(makeUnsampledMetrics())),
];

// ---------- Daily traffic (client detail page): no traffic yet, for any client ----------

const dailyTrafficHandlers = [
  http.get('*/api/clients/:id/traffic/daily', ({ request }) => {
    const days = Number(new URL(request.url).searchParams.get('days') ?? 30);
    return HttpResponse.json(makeDays(days));
  }),
];

/** A signed-in admin (alice) with CSRF token `token-1`. */
export function signedIn() {
  server.use(http.get('*/api/auth/me', () => session()));
}

export const server = setupServer(...handlers, ...dailyTrafficHandlers);
