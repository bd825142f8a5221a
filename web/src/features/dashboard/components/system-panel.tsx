/**
 * Slot for the gateway's system metrics (interfaces, handshakes, CPU, traffic). The system feature
 * replaces the placeholder with its own query-backed cards.
 */
export function SystemPanel() {
  return (
    <section className="page-section" aria-labelledby="system-heading">
      <div className="page-section__header">
        <h2 id="system-heading">System</h2>
      </div>
      <div className="panel panel--muted">
        <p>Gateway metrics will appear here.</p>
      </div>
    </section>
  );
}
