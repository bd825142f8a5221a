// Shape shared by POST /api/auth/login and GET /api/auth/me, checked at the boundary.

import type { components } from '@/lib/api-schema';

type Schemas = components['schemas'];

/** The roles the UI knows (the API types `role` as a string). */
export type Role = 'admin' | 'operator';

export type User = Schemas['User'] & { role: Role };

/** A browser session always has a CSRF token (only bearer-token callers get `null`). */
export type Session = Schemas['SessionInfo'] & { user: User; csrf_token: string };

export const sessionQueryKey = ['auth', 'session'] as const;

export function parseSession(body: unknown): Session {
  const value = body as { user?: Partial<User>; csrf_token?: unknown } | null;
  const user = value?.user;
  if (
    !user ||
    typeof user.id !== 'number' ||
    typeof user.username !== 'string' ||
    (user.role !== 'admin' && user.role !== 'operator') ||
    typeof value.csrf_token !== 'string'
  ) {
    throw new Error('The gateway sent an unexpected session response.');
  }
  return { user: { id: user.id, username: user.username, role: user.role }, csrf_token: value.csrf_token };
}
