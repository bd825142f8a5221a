import { formatDateTime } from '@/lib/format';
import type { AuditEvent } from '../api/types';

/** The events, newest first; before/after and the request id behind a disclosure per event. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table audit-table">
        <caption className="visually-hidden">Audit events, newest first</caption>
        <colgroup>
          <col className="audit-col-time" />
          <col className="audit-col-actor" />
          <col className="audit-col-action" />
          <col className="audit-col-target" />
          <col className="audit-col-details" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <th scope="row" className="admin-table__key">
                <time dateTime={new Date(event.at * 1000).toISOString()}>{formatDateTime(event.at)}</time>
              </th>
              <td data-label="Actor">{event.actor}</td>
              <td data-label="Action" className="admin-table__mono">
                {event.action}
              </td>
              <td data-label="Target" className="admin-table__mono">
                {event.target ?? <span className="cell-note">—</span>}
              </td>
              {/* Unlabelled on phones: the disclosure says what it is. */}
              <td>
                <EventDetails event={event} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventDetails({ event }: { event: AuditEvent }) {
  if (event.before == null && event.after == null && event.request_id == null) return <span className="cell-note">—</span>;
  return (
    <details className="audit-details">
      <summary>
        Details<span className="visually-hidden">: {event.action} at {formatDateTime(event.at)}</span>
      </summary>
      {event.before != null && <Json label="Before" value={event.before} />}
      {event.after != null && <Json label="After" value={event.after} />}
      {event.request_id != null && (
        <p>
          Request id <code>{event.request_id}</code>
        </p>
      )}
    </details>
  );
}

function Json({ label, value }: { label: string; value: object }) {
  return (
    <div className="audit-details__json">
      <p className="audit-details__label">{label}</p>
      {/* Focusable, so a keyboard can scroll long lines. */}
      <pre className="code-block" tabIndex={0} aria-label={`${label} (JSON)`}>
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}
