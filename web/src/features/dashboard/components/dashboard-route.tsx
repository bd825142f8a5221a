import { useMe } from '@/features/auth/api/get-me';
import { OperatorHome } from '@/features/auth/components/operator-home';
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
