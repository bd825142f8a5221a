import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import type { Client } from '../api/types';
import { BULK_WORDS, countClients, joinNames, planBulk, preview, type BulkAction } from '../lib/bulk';

const ACTIONS: { action: BulkAction; className: string }[] = [
  { action: 'activate', className: 'button--primary' },
  { action: 'deactivate', className: 'button--secondary' },
  { action: 'delete', className: 'button--danger-outline' },
];

const CONSEQUENCE: Record<BulkAction, string> = {
  activate: 'Each tunnel is brought up with its forwarding and firewall rules; one that fails is rolled back and marked failed.',
  deactivate: 'Their tunnels go down and hosts on the gateway’s LAN lose access to their subnets until you activate them again.',
  delete:
    'Active tunnels are taken down, then each config is removed from the gateway. This cannot be undone: to use a site again, upload its config again.',
};

type Props = {
  /** The clients shown (the selectable rows). */
  rows: Client[];
  /** Rows shown, pending uploads included, and how many there are in all. */
  shown: number;
  total: number;
  /** The selected clients among those shown. */
  selected: Client[];
  running: boolean;
  onSelectAll: (selected: boolean) => void;
  onClear: () => void;
  onRun: (action: BulkAction, targets: Client[], skipped: Client[]) => void;
};

/** Above the table: select all shown, how many are shown, and the actions on the selected clients. */
export function BulkBar({ rows, shown, total, selected, running, onSelectAll, onClear, onRun }: Props) {
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const all = rows.length > 0 && selected.length === rows.length;
  const some = selected.length > 0 && !all;
  const plan = confirming ? planBulk(confirming, selected) : null;

  return (
    <div className={`list-bar${selected.length ? ' list-bar--selecting' : ''}`}>
      <label className="select-all">
        <input
          type="checkbox"
          checked={all}
          ref={(input) => {
            if (input) input.indeterminate = some;
          }}
          disabled={rows.length === 0}
          onChange={(event) => onSelectAll(event.target.checked)}
        />
        <span className="visually-hidden">Select all {rows.length} shown clients</span>
      </label>
      <p className="list-bar__count" role="status">
        {shown === total ? `${total} clients` : `${shown} of ${total} clients`}
      </p>
      {selected.length > 0 && (
        <div className="bulk-actions" role="group" aria-label="Selected clients">
          <span className="bulk-actions__count">{selected.length} selected</span>
          {ACTIONS.map(({ action, className }) => (
            <button
              key={action}
              type="button"
              className={`button button--small ${className}`}
              disabled={running || planBulk(action, selected).targets.length === 0}
              onClick={() => setConfirming(action)}
            >
              {BULK_WORDS[action].verb} <span className="visually-hidden">selected clients</span>
            </button>
          ))}
          <button type="button" className="link-button" onClick={onClear}>
            Clear selection
          </button>
        </div>
      )}

      {confirming && plan && (
        <ConfirmDialog
          title={`${BULK_WORDS[confirming].verb} ${countClients(plan.targets)}?`}
          confirmLabel={`${BULK_WORDS[confirming].verb} ${countClients(plan.targets)}`}
          destructive={confirming !== 'activate'}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            onRun(confirming, plan.targets, plan.skipped);
          }}
        >
          <p>{CONSEQUENCE[confirming]}</p>
          <NameList clients={plan.targets} />
          {plan.skipped.length > 0 && (
            <p>
              Skipped, {BULK_WORDS[confirming].skipped}: {joinNames(plan.skipped.map((c) => c.name))}.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

function NameList({ clients }: { clients: Client[] }) {
  const { shown, more } = preview(clients);
  return (
    <ul className="name-list">
      {shown.map((c) => (
        <li key={c.id}>{c.name}</li>
      ))}
      {more > 0 && <li className="name-list__more">and {more} more</li>}
    </ul>
  );
}
