import { SystemPanel } from './system-panel';

export function DashboardRoute() {
  return (
    <div className="page">
      <section className="page-section" aria-labelledby="clients-heading">
        <div className="page-section__header">
          <h1 id="clients-heading">Clients</h1>
          {/* The "Upload config" action lands here with the clients feature. */}
        </div>
        <div className="empty-state">
          <svg className="empty-state__icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
            <rect x="6" y="10" width="36" height="28" rx="4" />
            <path d="M14 24h20M24 17v14" />
          </svg>
          <p className="empty-state__title">No clients yet.</p>
          <p className="empty-state__text">Upload a WireGuard client config to connect a remote site.</p>
        </div>
      </section>
      <SystemPanel />
    </div>
  );
}
