import { useMe } from '@/features/auth/api/get-me';
import { useClientsSettled } from '@/features/clients/api/get-clients';
import { ClientList } from '@/features/clients/components/client-list';
import { SystemPanel } from '@/features/system/components/system-panel';
import { usePageTitle } from '@/lib/use-page-title';

export function DashboardRoute() {
  usePageTitle('Clients');
  const { data: session } = useMe();
  // The client API, the metrics and the event stream are admin-only: an operator gets a page
  // saying so instead of requests that would all be refused.
  if (session && session.user.role !== 'admin') return <OperatorHome username={session.user.username} />;
  return <AdminDashboard />;
}

function AdminDashboard() {
  // The System panel sits below the client table. Rendered before the table arrives, it would sit
  // under the small "Loading clients…" placeholder and then be pushed down (off screen with many
  // clients): a large layout shift. So it appears once the list has loaded (or failed); content that
  // appears below the table moves nothing.
  const listSettled = useClientsSettled();
  return (
    <div className="page">
      <ClientList />
      {listSettled && <SystemPanel />}
    </div>
  );
}

/** What an operator account can do here: nothing yet, and how an admin changes that. */
function OperatorHome({ username }: { username: string }) {
  return (
    <div className="page">
      <section className="empty-state" aria-labelledby="operator-heading">
        <h1 id="operator-heading" className="empty-state__title">
          Signed in as {username}, an operator
        </h1>
        <p className="empty-state__text">
          Operator accounts cannot see or change anything on this gateway yet: the clients, their tunnels and the system metrics
          are managed by admins.
        </p>
        <p className="empty-state__text">
          If you need access, ask an admin for an admin account: they create one on the gateway with{' '}
          <code>peergate user add --role admin</code>, or on the Users page of the admin pages. (Neither changes the role of an
          existing account.)
        </p>
      </section>
    </div>
  );
}
