import { memo, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useToast } from '@/components/toast';
import { ApiError, NetworkError } from '@/lib/api';
import { errorMessage } from '@/lib/errors';
import {
  useActivateClient,
  useDeactivateClient,
  useDeleteClient,
  usePingClient,
} from '../api/client-operations';
import type { Client } from '../api/types';
import { pingSentence } from '../lib/status';

/** The only fields of a client the actions use: a change of anything else (status, pings) skips them. */
const TARGET_FIELDS = ['id', 'name', 'state', 'interface', 'conf_path', 'subnets', 'probe_host'] as const;
export type ClientActionTarget = Pick<Client, (typeof TARGET_FIELDS)[number]>;

type Props = {
  client: ClientActionTarget;
  /** True while any operation on this client runs (`useClientBusy`, or `useBusyClientIds` for a list). */
  busy: boolean;
  /** `row`: compact buttons in the list; `page`: the detail page's toolbar (adds Ping). */
  variant?: 'row' | 'page';
  onDeleted?: () => void;
};

function sameTarget(a: ClientActionTarget, b: ClientActionTarget): boolean {
  if (a === b) return true;
  return TARGET_FIELDS.every((field) => {
    const x = a[field];
    const y = b[field];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i]);
    return x === y;
  });
}

function sameProps(prev: Props, next: Props): boolean {
  return (
    prev.busy === next.busy &&
    prev.variant === next.variant &&
    prev.onDeleted === next.onDeleted &&
    sameTarget(prev.client, next.client)
  );
}

/**
 * Activate / deactivate / (ping) / delete with loading states, confirmations and outcome toasts.
 * Memoized on the fields it shows, so the list's live updates (every second for every row) do not
 * re-render it.
 */
export const ClientActions = memo(function ClientActions({ client, busy, variant = 'row', onDeleted }: Props) {
  const toast = useToast();
  const activate = useActivateClient(client.id);
  const deactivate = useDeactivateClient(client.id);
  const ping = usePingClient(client.id);
  const remove = useDeleteClient(client.id);
  const [confirm, setConfirm] = useState<'deactivate' | 'delete' | null>(null);

  const failed = (action: string, error: unknown) => {
    if (error instanceof ApiError && error.code === 'activation_failed') {
      toast.show({ kind: 'error', message: `${action} ${client.name} failed:`, detail: error.detail });
      return;
    }
    const message =
      error instanceof NetworkError ? 'the gateway could not be reached. Try again once the connection is back.' : errorMessage(error);
    toast.show({ kind: 'error', message: `${action} ${client.name} failed: ${message}` });
  };

  const onActivate = () =>
    activate.mutate(undefined, {
      onSuccess: (updated) => toast.show({ kind: 'success', message: `${updated.name} is active: the tunnel is up.` }),
      onError: (error) => failed('Activating', error),
    });

  const onDeactivate = () =>
    deactivate.mutate(undefined, {
      onSuccess: (updated) => {
        setConfirm(null);
        toast.show({ kind: 'success', message: `${updated.name} is inactive: the tunnel is down.` });
      },
      onError: (error) => {
        setConfirm(null);
        failed('Deactivating', error);
      },
    });

  const onDelete = () =>
    remove.mutate(undefined, {
      onSuccess: () => {
        setConfirm(null);
        toast.show({ kind: 'success', message: `Deleted ${client.name}.` });
        onDeleted?.();
      },
      onError: (error) => {
        setConfirm(null);
        failed('Deleting', error);
      },
    });

  const onPing = () =>
    ping.mutate(undefined, {
      onSuccess: (result) => toast.show({ kind: result.ok ? 'success' : 'error', message: pingSentence(client, result) }),
      onError: (error) => failed(`Pinging ${client.probe_host} via`, error),
    });

  const small = variant === 'row' ? ' button--small' : '';
  const isActive = client.state === 'active';
  const subnets = client.subnets.join(', ');
  // In the list every row has the same buttons: name the client for screen readers.
  const who =
    variant === 'row' ? (
      <>
        {' '}
        <span className="visually-hidden">{client.name}</span>
      </>
    ) : null;

  return (
    <div className={`actions actions--${variant}`}>
      {isActive ? (
        <button
          type="button"
          className={`button button--secondary${small}`}
          onClick={() => setConfirm('deactivate')}
          disabled={busy}
        >
          {deactivate.isPending && <span className="spinner spinner--small" aria-hidden="true" />}
          {deactivate.isPending ? 'Deactivating…' : 'Deactivate'}
          {who}
        </button>
      ) : (
        <button
          type="button"
          className={`button button--primary${small}`}
          onClick={onActivate}
          disabled={busy}
        >
          {activate.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
          {activate.isPending ? 'Activating…' : 'Activate'}
          {who}
        </button>
      )}
      {variant === 'page' && (
        <button type="button" className="button button--secondary" onClick={onPing} disabled={busy || !isActive} title={isActive ? undefined : 'Activate the client to ping through it'}>
          {ping.isPending && <span className="spinner spinner--small" aria-hidden="true" />}
          {ping.isPending ? 'Pinging…' : 'Ping now'}
        </button>
      )}
      <button
        type="button"
        className={`button button--danger-outline${small}`}
        onClick={() => setConfirm('delete')}
        disabled={busy}
      >
        {remove.isPending ? 'Deleting…' : 'Delete'}
        {who}
      </button>

      {confirm === 'deactivate' && (
        <ConfirmDialog
          title={`Deactivate ${client.name}?`}
          confirmLabel="Deactivate"
          busyLabel="Deactivating…"
          busy={deactivate.isPending}
          destructive
          onConfirm={onDeactivate}
          onCancel={() => setConfirm(null)}
        >
          <p>
            The tunnel <code>{client.interface}</code> goes down and hosts on the gateway’s LAN lose access to {subnets} until you
            activate it again.
          </p>
        </ConfirmDialog>
      )}
      {confirm === 'delete' && (
        <ConfirmDialog
          title={`Delete ${client.name}?`}
          confirmLabel="Delete client"
          busyLabel="Deleting…"
          busy={remove.isPending}
          destructive
          onConfirm={onDelete}
          onCancel={() => setConfirm(null)}
        >
          <p>
            {isActive ? 'The tunnel is taken down, then its' : 'Its'} config <code>{client.conf_path}</code> is removed from the
            gateway. This cannot be undone: to use the site again, upload its config again.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}, sameProps);
