import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useToast } from '@/components/toast';
import { useRevokeToken } from '../api/revoke-token';
import type { TokenInfo } from '../api/types';
import { refusalMessage } from '../lib/refusals';

/** "Revoke" for a live token, behind a confirmation that names it and its user. */
export function TokenRevoke({ token }: { token: TokenInfo }) {
  const toast = useToast();
  const revoke = useRevokeToken();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="button button--danger-outline button--small" onClick={() => setConfirming(true)}>
        Revoke <span className="visually-hidden">{token.name}</span>
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Revoke the token “${token.name}” of ${token.username}?`}
          confirmLabel="Revoke token"
          busyLabel="Revoking…"
          busy={revoke.isPending}
          destructive
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            revoke.mutate(token.id, {
              onSuccess: () => {
                setConfirming(false);
                toast.show({ kind: 'success', message: `Revoked the token “${token.name}”.` });
              },
              onError: (error) => {
                setConfirming(false);
                toast.show({ kind: 'error', message: `Revoking the token “${token.name}” failed. ${refusalMessage(error, token.username)}` });
              },
            })
          }
        >
          <p>Every request with it is refused from now on. This cannot be undone: whatever uses it needs a new token.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
