import { memo } from 'react';
import { Link } from 'react-router';
import { formatAgo, formatDateTime, formatMs, formatPercent, formatRate } from '@/lib/format';
import { TICK_MS } from '@/lib/use-now';
import type { Client, PendingUpload } from '../api/types';
import { linkState, pingSummary } from '../lib/status';
import { ClientActions } from './client-actions';
import { PendingDiscard } from './pending-discard';
import { SubnetList } from './peer-key';
import { NeedsSubnetBadge, StateBadge } from './state-badge';
import { waitReason } from './subnet-prompt';

type RowProps = {
  client: Client;
  now: number;
  busy: boolean;
  selected: boolean;
  onSelect: (id: number, selected: boolean) => void;
};

// The clock alone re-renders a row once per tick of `useNow`, as before; a render for another
// reason (a keystroke in the search box, another row's checkbox) leaves it alone. New data for the
// client (a status every second while live) re-renders it with the current time anyway. With
// 1,000 rows this is what keeps a keystroke from re-rendering, and re-laying out, the whole table.
function sameRow(prev: RowProps, next: RowProps): boolean {
  return (
    prev.client === next.client &&
    prev.busy === next.busy &&
    prev.selected === next.selected &&
    prev.onSelect === next.onSelect &&
    Math.floor(prev.now / TICK_MS) === Math.floor(next.now / TICK_MS)
  );
}

export const ClientRow = memo(function ClientRow({ client, now, busy, selected, onSelect }: RowProps) {
  const status = client.status;
  const link = linkState(client, now);
  const ping = client.last_ping;
  return (
    <tr className={`client-row client-row--${client.state}${selected ? ' client-row--selected' : ''}`}>
      <td className="cell-select">
        <label className="row-check-label">
          <input
            type="checkbox"
            className="row-check"
            checked={selected}
            onChange={(event) => onSelect(client.id, event.target.checked)}
            aria-label={`Select ${client.name}`}
          />
        </label>
      </td>
      <td data-label="Name" className="cell-name">
        <Link to={`/clients/${client.id}`} className="client-name">
          {client.name}
        </Link>
        <span className="cell-sub">
          <span className="visually-hidden">interface </span>
          {client.interface}
        </span>
      </td>
      <td data-label="Subnet" className="cell-mono">
        <SubnetList subnets={client.subnets} />
      </td>
      <td data-label="Status">
        <StateBadge client={client} now={now} />
      </td>
      <td data-label="Last handshake" className={`cell-num${link === 'stale' ? ' cell-warn' : ''}`}>
        {status ? formatAgo(status.latest_handshake, now) : '—'}
      </td>
      <td data-label="Ping" className={`cell-num${ping && !ping.ok ? ' cell-bad' : ''}`}>
        {ping && ping.received > 0 ? (
          <>
            {formatMs(ping.rtt_avg_ms)}
            {ping.loss > 0 && <span className="cell-sub cell-sub--plain">{formatPercent(ping.loss)} loss</span>}
          </>
        ) : (
          // "no reply (100 % loss)" is longer than a latency: it wraps inside its own column.
          <span className="cell-wrap">{pingSummary(ping)}</span>
        )}
      </td>
      <td data-label="Traffic" className="cell-num">
        {status ? (
          <span className="traffic">
            <span>
              <span aria-hidden="true">↓</span>
              <span className="visually-hidden">received </span>
              {formatRate(status.rx_rate)}
            </span>
            <span>
              <span aria-hidden="true">↑</span>
              <span className="visually-hidden">sent </span>
              {formatRate(status.tx_rate)}
            </span>
          </span>
        ) : (
          '—'
        )}
      </td>
      <td data-label="Actions">
        <ClientActions client={client} busy={busy} />
      </td>
    </tr>
  );
}, sameRow);

type PendingProps = {
  pending: PendingUpload;
  now: number;
  onAnswer: (pending: PendingUpload) => void;
  onDiscarded: (pending: PendingUpload) => void;
};

/** A full-tunnel upload waiting for its subnet (not selectable: bulk actions need a client). */
export function PendingRow({ pending: p, now, onAnswer, onDiscarded }: PendingProps) {
  return (
    <tr className="client-row client-row--pending">
      <td className="cell-select" />
      <td data-label="Name" className="cell-name">
        <span className="client-name">{p.name}</span>
        <time className="cell-sub cell-sub--plain" dateTime={new Date(p.created_at * 1000).toISOString()} title={formatDateTime(p.created_at)}>
          uploaded {formatAgo(p.created_at, now)}
        </time>
      </td>
      <td data-label="Subnet" className="cell-muted">
        not set
      </td>
      <td data-label="Status">
        <NeedsSubnetBadge />
        <span className="cell-sub cell-sub--plain cell-sub--wrap">
          {waitReason(p.reason, p.lines)}
          {p.warnings.length > 0 && `; ${p.warnings.length} warning${p.warnings.length === 1 ? '' : 's'}`}
        </span>
      </td>
      <td data-label="Last handshake" className="cell-muted">
        —
      </td>
      <td data-label="Ping" className="cell-muted">
        —
      </td>
      <td data-label="Traffic" className="cell-muted">
        —
      </td>
      <td data-label="Actions">
        <div className="actions actions--row">
          <button type="button" className="button button--primary button--small" onClick={() => onAnswer(p)}>
            Enter subnet <span className="visually-hidden">for {p.name}</span>
          </button>
          <PendingDiscard pending={p} onDiscarded={() => onDiscarded(p)} />
        </div>
      </td>
    </tr>
  );
}
