import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useLogout } from '@/features/auth/api/logout';
import { useMe } from '@/features/auth/api/get-me';
import { ConnectionBanner } from '@/components/connection-banner';
import { useEventStream } from '@/features/live/use-event-stream';
import { Logo } from './logo';

const ROLE_LABEL = { admin: 'Admin', operator: 'Operator' } as const;

/** Chrome around every signed-in page: header, navigation, main content. */
export function AppLayout() {
  const { data: session } = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  // Live updates (status, pings, clients, metrics) for every signed-in admin's page; the stream is
  // admin-only (an operator would get a 403 and fall back to polling what it cannot read either).
  useEventStream(session?.user.role === 'admin');

  const signOut = () =>
    logout.mutate(undefined, { onSuccess: () => navigate('/login', { replace: true }) });

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <ConnectionBanner />
      <header className="app-header">
        <div className="app-header__inner">
          <Link className="brand" to="/">
            <Logo />
            <span className="brand__name">peergate</span>
          </Link>
          <nav className="app-nav" aria-label="Main">
            <NavLink to="/" end className="app-nav__link">
              Dashboard
            </NavLink>
            {session?.user.role === 'admin' && (
              <NavLink to="/admin" className="app-nav__link">
                Admin
              </NavLink>
            )}
          </nav>
          {session && (
            <p className="user-badge">
              <span className="visually-hidden">Signed in as </span>
              <span className="user-badge__name" title={session.user.username}>
                {session.user.username}
              </span>
              <span className={`role-tag role-tag--${session.user.role}`}>{ROLE_LABEL[session.user.role]}</span>
            </p>
          )}
          <button type="button" className="button button--ghost sign-out" onClick={signOut} disabled={logout.isPending}>
            {logout.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
