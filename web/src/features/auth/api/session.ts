// Shape shared by POST /api/auth/login and GET /api/auth/me, checked at the boundary.

export type Role = 'admin' | 'operator';

export type User = { id: number; username: string; role: Role };

export type Session = { user: User; csrf_token: string };

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
