import { memo, type ReactNode } from 'react';
import { useNow } from '@/lib/use-now';
import { useBusyClientIds } from '../api/client-operations';
import type { Client, PendingUpload } from '../api/types';
import type { Sort, SortKey } from '../lib/client-sort';
import { ClientRow, PendingRow } from './client-row';

const COLUMNS: { key: SortKey | null; label: string; className: string }[] = [
  { key: null, label: 'Select', className: 'col-select' },
  { key: 'name', label: 'Name', className: 'col-name' },
  { key: 'subnet', label: 'Subnet', className: 'col-subnet' },
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: 'handshake', label: 'Last handshake', className: 'col-handshake' },
  { key: 'ping', label: 'Ping', className: 'col-ping' },
  { key: 'traffic', label: 'Traffic (rx / tx)', className: 'col-traffic' },
  { key: null, label: 'Actions', className: 'col-actions' },
];

type RowsProps = {
  rows: Client[];
  pending: PendingUpload[];
  selected: ReadonlySet<number>;
  onSelect: (id: number, selected: boolean) => void;
  onAnswer: (pending: PendingUpload) => void;
  onDiscarded: (pending: PendingUpload) => void;
};

type Props = RowsProps & {
  sort: Sort;
  onSort: (key: SortKey) => void;
  /**
   * True while the rows still show an earlier search (the new one is being rendered): `aria-busy`
   * only. Dimming the table instead costs a repaint of every row (a few hundred ms with 1,000).
   */
  stale: boolean;
  /** Shown in place of the rows when there are none. */
  empty: ReactNode;
};

export function ClientTable({ sort, onSort, stale, empty, ...rows }: Props) {
  const sortLabel = COLUMNS.find((c) => c.key === sort.key)?.label;
  const direction = sort.dir === 'asc' ? 'ascending' : 'descending';
  return (
    <div className="table-wrap" aria-busy={stale}>
      <table className="client-table">
        <caption className="visually-hidden">
          Clients, sorted by {sortLabel} ({direction})
        </caption>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.className} className={c.className} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.className} scope="col" className={c.className} aria-sort={c.key && sort.key === c.key ? direction : undefined}>
                {c.key ? (
                  <button type="button" className="sort-button" onClick={() => onSort(c.key as SortKey)}>
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
          <ClientRows {...rows} />
          {rows.rows.length === 0 && rows.pending.length === 0 && (
            <tr>
              <td colSpan={COLUMNS.length} className="cell-empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The rows, memoized: a keystroke in the search box re-renders the list around them, but they
 * re-render only when the rows, the selection, busy clients or the clock change.
 */
const ClientRows = memo(function ClientRows({ rows, pending, selected, onSelect, onAnswer, onDiscarded }: RowsProps) {
  const now = useNow();
  // One subscription for the whole list (not one per row): rows get a plain `busy` flag.
  const busyIds = useBusyClientIds();
  return (
    <>
      {pending.map((p) => (
        <PendingRow key={`pending-${p.id}`} pending={p} now={now} onAnswer={onAnswer} onDiscarded={onDiscarded} />
      ))}
      {rows.map((client) => (
        <ClientRow key={client.id} client={client} now={now} busy={busyIds.includes(client.id)} selected={selected.has(client.id)} onSelect={onSelect} />
      ))}
    </>
  );
});
