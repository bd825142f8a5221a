import { Link, NavLink, Outlet } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { usePageTitle } from '@/lib/use-page-title';

/** The admin pages (users, API tokens, audit log, alerts) with their own navigation; admins only. */
export function AdminLayout() {
  const { data: session } = useMe();
  if (session?.user.role !== 'admin') return <AdminOnly username={session?.user.username} />;
  return (
    <div className="page">
      <nav className="admin-nav" aria-label="Admin">
        <NavLink to="/admin/users" className="admin-nav__link">
          Users
        </NavLink>
        <NavLink to="/admin/tokens" className="admin-nav__link">
          API tokens
        </NavLink>
        <NavLink to="/admin/audit" className="admin-nav__link">
          Audit log
        </NavLink>
        <NavLink to="/admin/alerts" className="admin-nav__link">
          Alerts
        </NavLink>
      </nav>
      <Outlet />
    </div>
  );
}

function AdminOnly({ username }: { username: string | undefined }) {
  usePageTitle('Needs an admin account');
  return (
    <div className="page">
      <div className="empty-state">
        <h1 className="empty-state__title">This page needs an admin account</h1>
        <p className="empty-state__text">
          Users, API tokens, the audit log and alerts are managed by admins. {username ? `You are signed in as ${username}, an operator.` : ''}{' '}
          Ask an admin if you need something changed here.
        </p>
        <Link to="/">Back to the dashboard</Link>
      </div>
    </div>
  );
}
