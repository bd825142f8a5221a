import { Navigate, Outlet, useLocation } from 'react-router';
import { PageLoader } from '@/components/layout/page-loader';
import { useMe } from '../api/get-me';
import { ConnectionBanner } from '@/components/connection-banner';

export type LoginRedirectState = { from?: string };

/** Route guard: renders the child routes for a signed-in user, otherwise goes to /login and back. */
export function RequireAuth() {
  const { data: session, isPending, isError, error } = useMe();
  const location = useLocation();

  if (isPending) {
    return (
      <>
        <ConnectionBanner />
        <PageLoader label="Checking your session…" />
      </>
    );
  }
  if (isError) {
    return (
      <div className="page-loader" role="alert">
        Could not check your session: {error.message}
      </div>
    );
  }
  if (!session) {
    const from = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to="/login" replace state={{ from } satisfies LoginRedirectState} />;
  }
  return <Outlet />;
}
