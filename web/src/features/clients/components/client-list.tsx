import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { formatAgo, formatDateTime, formatMs, formatPercent, formatRate } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { errorMessage } from '@/lib/errors';
import { LiveIndicator } from '@/features/live/live-indicator';
import { useBusyClientIds } from '../api/client-operations';
import { useClients } from '../api/get-clients';
import { usePendingUploads } from '../api/get-pending';
import type { Client, PendingUpload } from '../api/types';
import { linkState, pingSummary } from '../lib/status';
import { ClientActions } from './client-actions';
import { PendingDiscard } from './pending-discard';
import { NeedsSubnetBadge, StateBadge } from './state-badge';
import { SubnetPrompt, waitReason } from './subnet-prompt';
import { UploadPanel, createdMessage } from './upload-panel';
import { useToast } from '@/components/toast';

type Filter = 'all' | 'active' | 'inactive' | 'failed' | 'needs_subnet';
type SortKey = 'name' | 'subnet' | 'status' | 'handshake' | 'ping' | 'traffic';
type Sort = { key: SortKey; dir: 'asc' | 'desc' };

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
  { value: 'failed', label: 'Failed' },
  { value: 'needs_subnet', label: 'Needs subnet' },
];

const COLUMNS: { key: SortKey | null; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'col-name' },
  { key: 'subnet', label: 'Subnet', className: 'col-subnet' },
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: 'handshake', label: 'Last handshake', className: 'col-handshake' },
  { key: 'ping', label: 'Ping', className: 'col-ping' },
  { key: 'traffic', label: 'Traffic (rx / tx)', className: 'col-traffic' },
  { key: null, label: 'Actions', className: 'col-actions' },
];

// Stable empty lists while loading, so the memoized rows do not recompute on every render.
const NO_CLIENTS: Client[] = [];
const NO_PENDING: PendingUpload[] = [];

const STATUS_ORDER = { failed: 0, active: 1, inactive: 2 } as const;

// Display names are in any script: compared as people read them ("Zürich 2" before "zurich 10").
const byName = (a: Client, b: Client) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

function compareBy(a: Client, b: Client, key: SortKey): number {
  if (key === 'name') return byName(a, b);
  const x = sortValue(a, key);
  const y = sortValue(b, key);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortValue(client: Client, key: Exclude<SortKey, 'name'>): string | number {
  switch (key) {
    case 'subnet':
      return client.subnets[0] ?? '';
    case 'status':
      return STATUS_ORDER[client.state];
    case 'handshake':
      return client.status?.latest_handshake ?? -1;
    case 'ping':
      return client.last_ping?.rtt_avg_ms ?? Number.POSITIVE_INFINITY;
    case 'traffic':
      return (client.status?.rx_rate ?? 0) + (client.status?.tx_rate ?? 0);
  }
}

/** The dashboard's client table: live, sortable, filterable, with the upload entry point. */
export function ClientList() {
  const clients = useClients();
  const pending = usePendingUploads();
  const now = useNow();
  const toast = useToast();
  const [uploading, setUploading] = useState(false);
  const [filter, setFilter] = useState<Filter>('all');
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  const [answering, setAnswering] = useState<PendingUpload | null>(null);
  // One subscription for the whole list (not one per row): rows get a plain `busy` flag.
  const busyIds = useBusyClientIds();

  const all = clients.data ?? NO_CLIENTS;
  const pendingList = pending.data ?? NO_PENDING;
  const counts: Record<Filter, number> = {
    all: all.length + pendingList.length,
    active: all.filter((c) => c.state === 'active').length,
    inactive: all.filter((c) => c.state === 'inactive').length,
    failed: all.filter((c) => c.state === 'failed').length,
    needs_subnet: pendingList.length,
  };

  const rows = useMemo(() => {
    const list = filter === 'all' ? all : filter === 'needs_subnet' ? [] : all.filter((c) => c.state === filter);
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...list].sort((a, b) => sign * compareBy(a, b, sort.key) || byName(a, b));
  }, [all, filter, sort]);
  const pendingRows = filter === 'all' || filter === 'needs_subnet' ? pendingList : [];

  const toggleSort = (key: SortKey) =>
    setSort((current) => (current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));

  const empty = clients.isSuccess && all.length === 0 && pendingList.length === 0;

  return (
    <section className="page-section" aria-labelledby="clients-heading">
      <div className="page-section__header">
        <div className="page-section__title">
          <h1 id="clients-heading">Clients</h1>
          <LiveIndicator />
        </div>
        {!uploading && (
          <button type="button" className="button button--primary" onClick={() => setUploading(true)}>
            Upload config
          </button>
        )}
      </div>

      {uploading && <UploadPanel onClose={() => setUploading(false)} />}

      {answering && (
        <div className="panel upload-panel">
          <SubnetPrompt
            pendingId={answering.id}
            name={answering.name}
            interfaceName={answering.interface}
            reason={answering.reason}
            detail={answering.message || undefined}
            lines={answering.lines}
            warnings={answering.warnings}
            uploadedAt={answering.created_at}
            expiresAt={answering.expires_at}
            onDone={(client) => {
              setAnswering(null);
              toast.show({ kind: 'success', message: createdMessage(client) });
            }}
            onCancel={() => setAnswering(null)}
          />
        </div>
      )}

      {clients.isPending && (
        <div className="panel table-placeholder" role="status">
          <span className="spinner" aria-hidden="true" /> Loading clients…
        </div>
      )}

      {clients.isError && !clients.data && (
        <div className="form-error" role="alert">
          Could not load the clients: {errorMessage(clients.error)}
        </div>
      )}

      {empty && !uploading && (
        <div className="empty-state">
          <svg className="empty-state__icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
            <rect x="6" y="10" width="36" height="28" rx="4" />
            <path d="M14 24h20M24 17v14" />
          </svg>
          <p className="empty-state__title">No clients yet.</p>
          <p className="empty-state__text">
            Start by uploading the WireGuard config (<code>.conf</code>) of a remote site. peergate checks it, asks for the site’s
            subnet if the config would route everything, and keeps it inactive until you activate it.
          </p>
          <button type="button" className="button button--primary" onClick={() => setUploading(true)}>
            Upload your first config
          </button>
        </div>
      )}

      {clients.data && !empty && (
        <>
          <div className="filter-bar" role="group" aria-label="Filter by state">
            {FILTERS.map((f) => (
              <button
                key={f.value}
                type="button"
                className="chip"
                aria-pressed={filter === f.value}
                onClick={() => setFilter(f.value)}
              >
                {f.label} <span className="chip__count">{counts[f.value]}</span>
              </button>
            ))}
          </div>
          <div className="table-wrap">
            <table className="client-table">
              <caption className="visually-hidden">
                Clients, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label} ({sort.dir === 'asc' ? 'ascending' : 'descending'})
              </caption>
              <colgroup>
                {COLUMNS.map((c) => (
                  <col key={c.className} className={c.className} />
                ))}
              </colgroup>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.className}
                      scope="col"
                      className={c.className}
                      aria-sort={c.key && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      {c.key ? (
                        <button type="button" className="sort-button" onClick={() => toggleSort(c.key as SortKey)}>
                          {c.label}
                          <span className={`sort-button__arrow${sort.key === c.key ? ' sort-button__arrow--on' : ''}`} aria-hidden="true">
                            {sort.key === c.key && sort.dir === 'desc' ? '▼' : '▲'}
                          </span>
                        </button>
                      ) : (
                        <span className="visually-hidden">{c.label}</span>
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {pendingRows.map((p) => (
                  <tr key={`pending-${p.id}`} className="client-row client-row--pending">
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
                        <button type="button" className="button button--primary button--small" onClick={() => setAnswering(p)}>
                          Enter subnet{' '}
                          <span className="visually-hidden">for {p.name}</span>
                        </button>
                        <PendingDiscard pending={p} onDiscarded={() => setAnswering((a) => (a?.id === p.id ? null : a))} />
                      </div>
                    </td>
                  </tr>
                ))}
                {rows.map((client) => (
                  <ClientRow key={client.id} client={client} now={now} busy={busyIds.includes(client.id)} />
                ))}
                {rows.length === 0 && pendingRows.length === 0 && (
                  <tr>
                    <td colSpan={COLUMNS.length} className="cell-empty">
                      No clients in this state.{' '}
                      <button type="button" className="link-button" onClick={() => setFilter('all')}>
                        Show all
                      </button>
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function ClientRow({ client, now, busy }: { client: Client; now: number; busy: boolean }) {
  const status = client.status;
  const link = linkState(client, now);
  const ping = client.last_ping;
  return (
    <tr className={`client-row client-row--${client.state}`}>
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
        {client.subnets.join(', ')}
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
          pingSummary(ping)
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
}
