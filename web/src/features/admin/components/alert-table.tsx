import { Link } from 'react-router';
import { formatDateTime } from '@/lib/format';
import type { Alert } from '../api/types';
import { KIND_LABEL, deliveryText } from '../lib/alert-text';

/** The alerts, newest first: when, which client, down / up / test, why, and how delivery stands. */
export function AlertTable({ alerts }: { alerts: Alert[] }) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table alerts-table">
        <caption className="visually-hidden">Alerts, newest first</caption>
        <colgroup>
          <col className="alerts-col-time" />
          <col className="alerts-col-client" />
          <col className="alerts-col-kind" />
          <col className="alerts-col-reason" />
          <col className="alerts-col-delivery" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Client</th>
            <th scope="col">Alert</th>
            <th scope="col">Reason</th>
            <th scope="col">Delivery</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id}>
              <th scope="row" className="admin-table__key">
                <time dateTime={new Date(alert.at * 1000).toISOString()}>{formatDateTime(alert.at)}</time>
              </th>
              <td data-label="Client">
                <AlertClient alert={alert} />
              </td>
              <td data-label="Alert">
                <span className={`badge badge--alert-${alert.kind}`}>{KIND_LABEL[alert.kind]}</span>
              </td>
              <td data-label="Reason" className="alerts-table__reason">
                {alert.reason}
              </td>
              <td data-label="Delivery">
                <Delivery alert={alert} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AlertClient({ alert }: { alert: Alert }) {
  if (alert.kind === 'test') return <span className="cell-note">—</span>;
  return (
    <>
      {alert.client_id != null ? <Link to={`/clients/${alert.client_id}`}>{alert.client_name}</Link> : alert.client_name}
      <span className="cell-note">
        <span className="admin-table__mono">{alert.interface}</span>
        {alert.client_id == null && ', removed since'}
      </span>
    </>
  );
}

function Delivery({ alert }: { alert: Alert }) {
  const { label, note, error } = deliveryText(alert);
  return (
    <>
      <span className={`delivery delivery--${alert.delivery}`}>{label}</span>
      {note && <span className="cell-note">{note}</span>}
      {error && <span className="cell-note delivery__error">{error}</span>}
    </>
  );
}
