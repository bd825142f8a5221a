import { ClientList } from '@/features/clients/components/client-list';
import { SystemPanel } from '@/features/system/components/system-panel';

export function DashboardRoute() {
  return (
    <div className="page">
      <ClientList />
      <SystemPanel />
    </div>
  );
}
