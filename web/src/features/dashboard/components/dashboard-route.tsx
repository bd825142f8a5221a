import { useClientsSettled } from '@/features/clients/api/get-clients';
import { ClientList } from '@/features/clients/components/client-list';
import { SystemPanel } from '@/features/system/components/system-panel';

export function DashboardRoute() {
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
