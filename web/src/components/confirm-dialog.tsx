import { useId, useRef, type ReactNode } from 'react';
import { Dialog } from './dialog';

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Shown on the confirm button while the action runs. */
  busyLabel?: string;
  busy?: boolean;
  destructive?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/** Modal confirmation (role="alertdialog", see `Dialog`): focus starts on Cancel. */
export function ConfirmDialog({ title, children, confirmLabel, busyLabel, busy = false, destructive = false, onConfirm, onCancel }: Props) {
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);

  return (
    <Dialog title={title} role="alertdialog" busy={busy} initialFocus={cancelRef} describedBy={bodyId} onClose={onCancel}>
      <div id={bodyId} className="dialog__body">
        {children}
      </div>
      <div className="dialog__actions">
        <button ref={cancelRef} type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${destructive ? 'button--danger' : 'button--primary'}`}
          onClick={onConfirm}
          disabled={busy}
        >
          {busy && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
          {busy ? (busyLabel ?? confirmLabel) : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
