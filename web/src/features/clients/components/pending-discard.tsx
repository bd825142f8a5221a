import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useToast } from '@/components/toast';
import { errorMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useDiscardPending } from '../api/discard-pending';
import type { PendingUpload } from '../api/types';

/** "Discard" for a held upload, behind a confirmation that names it. */
export function PendingDiscard({ pending, onDiscarded }: { pending: PendingUpload; onDiscarded?: () => void }) {
  const toast = useToast();
  const discard = useDiscardPending();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="button button--secondary button--small" aria-label={`Discard ${pending.name}`} onClick={() => setConfirming(true)}>
        Discard
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Discard the upload ${pending.name}?`}
          confirmLabel="Discard"
          busyLabel="Discarding…"
          busy={discard.isPending}
          destructive
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            discard.mutate(pending.id, {
              onSuccess: () => {
                setConfirming(false);
                onDiscarded?.();
                toast.show({ kind: 'success', message: `Discarded the upload ${pending.name}.` });
              },
              onError: (error) => {
                setConfirming(false);
                toast.show({ kind: 'error', message: `Discarding ${pending.name} failed: ${errorMessage(error)}` });
              },
            })
          }
        >
          <p>
            It was uploaded {formatDateTime(pending.created_at)} and waits for its subnet. Discarding deletes the uploaded file,
            with its private key; to add the site later, upload the config again.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
