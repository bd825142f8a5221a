import { Outlet } from 'react-router';
import { usePageTitle } from '@/lib/use-page-title';
import { useMe } from '../api/get-me';
import { OperatorHome } from './operator-home';

/**
 * Route guard for the gateway pages below RequireAuth whose API is admin-only (a client's page):
 * an operator gets the page saying what their account can do, and the child route never renders,
 * so none of its requests (all of which would be refused) are made.
 */
export function RequireAdmin() {
  const { data: session } = useMe();
  // RequireAuth renders its children only with a session; without one, nothing may load here either.
  if (!session) return null;
  if (session.user.role !== 'admin') return <OperatorOnly username={session.user.username} />;
  return <Outlet />;
}

function OperatorOnly({ username }: { username: string }) {
  usePageTitle('Needs an admin account');
  return <OperatorHome username={username} />;
}
