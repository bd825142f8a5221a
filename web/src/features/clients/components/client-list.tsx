import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { LiveIndicator } from '@/features/live/live-indicator';
import { useToast } from '@/components/toast';
import { useBulkOperation } from '../api/bulk-operations';
import { useClients } from '../api/get-clients';
import { usePendingUploads } from '../api/get-pending';
import type { Client, PendingUpload } from '../api/types';
import type { BulkAction } from '../lib/bulk';
import { indexClients, parseQuery, searchClients, searchPending } from '../lib/client-search';
import { sortEntries, type Sort, type SortKey } from '../lib/client-sort';
import { BulkBar } from './bulk-bar';
import { BulkResults } from './bulk-results';
import { ClientSearch } from './client-search';
import { ClientTable } from './client-table';
import { SubnetPrompt } from './subnet-prompt';
import { UploadPanel, createdMessage } from './upload-panel';

type Filter = 'all' | 'active' | 'inactive' | 'failed' | 'needs_subnet';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
  { value: 'failed', label: 'Failed' },
  { value: 'needs_subnet', label: 'Needs subnet' },
];

// Stable empty lists while loading, so the memoized rows do not recompute on every render.
const NO_CLIENTS: Client[] = [];
const NO_PENDING: PendingUpload[] = [];

/** The dashboard's client table: live, searchable, sortable, filterable, with bulk actions and the upload entry point. */
export function ClientList() {
  const clients = useClients();
  const pending = usePendingUploads();
  const toast = useToast();
  const bulk = useBulkOperation();
  const [uploading, setUploading] = useState(false);
  const [filter, setFilter] = useState<Filter>('all');
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  const [query, setQuery] = useState('');
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<number>>(() => new Set());
  const [answering, setAnswering] = useState<PendingUpload | null>(null);
  // One form at a time: opening the upload panel closes a pending row's prompt, and the other way round.
  const startUpload = () => {
    setAnswering(null);
    setUploading(true);
  };
  const answer = useCallback((p: PendingUpload) => {
    setUploading(false);
    setAnswering(p);
  }, []);

  const live = clients.data ?? NO_CLIENTS;
  // The live status re-renders every row once a second; deferred, that work gives way to typing and
  // scrolling instead of blocking them (1,000 rows take a few hundred ms). The first list shows at once.
  const deferred = useDeferredValue(live);
  const all = deferred.length === 0 ? live : deferred;
  const pendingList = pending.data ?? NO_PENDING;
  const counts = useMemo<Record<Filter, number>>(
    () => ({
      all: all.length + pendingList.length,
      active: all.filter((c) => c.state === 'active').length,
      inactive: all.filter((c) => c.state === 'inactive').length,
      failed: all.filter((c) => c.state === 'failed').length,
      needs_subnet: pendingList.length,
    }),
    [all, pendingList],
  );

  // The box shows every keystroke at once; the rows follow when React gets to them (an older
  // search meanwhile stays on screen, with aria-busy), so typing never waits for 1,000 rows.
  const search = useDeferredValue(query);
  const terms = useMemo(() => parseQuery(search), [search]);
  // Indexed and sorted when the list changes (live: once a second); a keystroke only filters.
  const sorted = useMemo(() => sortEntries(indexClients(all), sort), [all, sort]);
  const rows = useMemo(() => {
    const inState = filter === 'all' ? sorted : filter === 'needs_subnet' ? [] : sorted.filter((e) => e.client.state === filter);
    return searchClients(inState, terms).map((e) => e.client);
  }, [sorted, filter, terms]);
  const pendingRows = useMemo(
    () => (filter === 'all' || filter === 'needs_subnet' ? searchPending(pendingList, terms) : NO_PENDING),
    [pendingList, filter, terms],
  );
  const selected = useMemo(() => rows.filter((c) => selectedIds.has(c.id)), [rows, selectedIds]);

  const toggleSort = useCallback(
    (key: SortKey) => setSort((current) => (current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' })),
    [],
  );
  const select = useCallback((id: number, on: boolean) => setSelectedIds((current) => withIds(current, [id], on)), []);
  const onDiscarded = useCallback((p: PendingUpload) => setAnswering((a) => (a?.id === p.id ? null : a)), []);
  const runBulk = async (action: BulkAction, targets: Client[], skipped: Client[]) => {
    const failed = await bulk.start(action, targets, skipped);
    // Failed clients stay selected, to try again after fixing the cause.
    setSelectedIds(new Set(failed));
  };

  const empty = clients.isSuccess && all.length === 0 && pendingList.length === 0;
  const searching = search.trim() !== '';

  return (
    <section className="page-section" aria-labelledby="clients-heading">
      <div className="page-section__header">
        <div className="page-section__title">
          <h1 id="clients-heading">Clients</h1>
          <LiveIndicator />
        </div>
        {!uploading && (
          <button type="button" className="button button--primary" onClick={startUpload}>
            Upload config
          </button>
        )}
      </div>

      {uploading && <UploadPanel onClose={() => setUploading(false)} />}

      {answering && (
        <div
          className="panel upload-panel"
          onKeyDown={(event) => {
            if (event.key === 'Escape') setAnswering(null);
          }}
        >
          <SubnetPrompt
            key={answering.id}
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

      {/* Outside the table's block: it stays when a bulk delete leaves no client. */}
      {bulk.run && <BulkResults key={bulk.run.id} run={bulk.run} onDismiss={bulk.dismiss} />}

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
          <button type="button" className="button button--primary" onClick={startUpload}>
            Upload your first config
          </button>
        </div>
      )}

      {clients.data && !empty && (
        <>
          <div className="list-toolbar">
            <ClientSearch value={query} onChange={setQuery} />
            <div className="filter-bar" role="group" aria-label="Filter by state">
              {FILTERS.map((f) => (
                <button key={f.value} type="button" className="chip" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)}>
                  {f.label} <span className="chip__count">{counts[f.value]}</span>
                </button>
              ))}
            </div>
          </div>
          <BulkBar
            rows={rows}
            shown={rows.length + pendingRows.length}
            total={counts.all}
            selected={selected}
            running={bulk.run !== null && !bulk.run.finished}
            onSelectAll={(on) => setSelectedIds((current) => withIds(current, rows.map((c) => c.id), on))}
            onClear={() => setSelectedIds(new Set())}
            onRun={(action, targets, skipped) => void runBulk(action, targets, skipped)}
          />
          <ClientTable
            rows={rows}
            pending={pendingRows}
            selected={selectedIds}
            onSelect={select}
            onAnswer={answer}
            onDiscarded={onDiscarded}
            sort={sort}
            onSort={toggleSort}
            stale={query !== search}
            empty={
              searching ? (
                <>
                  No client matches “{search.trim()}”{filter === 'all' ? '' : ' in this state'}.{' '}
                  <button type="button" className="link-button" onClick={() => setQuery('')}>
                    Clear search
                  </button>
                </>
              ) : (
                <>
                  No clients in this state.{' '}
                  <button type="button" className="link-button" onClick={() => setFilter('all')}>
                    Show all
                  </button>
                </>
              )
            }
          />
        </>
      )}
    </section>
  );
}

function withIds(current: ReadonlySet<number>, ids: number[], on: boolean): ReadonlySet<number> {
  const next = new Set(current);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}
