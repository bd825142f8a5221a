import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useToast } from '@/components/toast';
import { signOutLocally } from '../api/cache';
import { useDeleteUser } from '../api/delete-user';
import { useEndSessions } from '../api/end-sessions';
import { useSetUserEnabled } from '../api/update-user';
import type { UserAccount } from '../api/types';
import { refusalMessage } from '../lib/refusals';
import { PasswordResetDialog } from './password-reset-dialog';

type Props = { user: UserAccount; own: boolean };
type Open = 'disable' | 'password' | 'sessions' | 'remove' | null;

/**
 * One account's actions. Your own account cannot be disabled or removed (the server refuses), so
 * those are not offered; resetting your password or ending your sessions signs you out.
 */
export function UserActions({ user, own }: Props) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const setEnabled = useSetUserEnabled();
  const endSessions = useEndSessions();
  const remove = useDeleteUser();
  const [open, setOpen] = useState<Open>(null);
  const name = user.username;
  const enabled = user.disabled_at == null;
  const refused = (what: string) => (error: unknown) => {
    setOpen(null);
    toast.show({ kind: 'error', message: `${what} ${name} failed. ${refusalMessage(error, name)}` });
  };

  const enable = () =>
    setEnabled.mutate(
      { username: name, enabled: true },
      { onSuccess: () => toast.show({ kind: 'success', message: `${name} is enabled again and can sign in.` }), onError: refused('Enabling') },
    );

  return (
    <div className="admin-actions">
      {!own &&
        (enabled ? (
          <button type="button" className="button button--secondary button--small" onClick={() => setOpen('disable')}>
            Disable <span className="visually-hidden">{name}</span>
          </button>
        ) : (
          <button type="button" className="button button--secondary button--small" onClick={enable} disabled={setEnabled.isPending}>
            {setEnabled.isPending ? 'Enabling…' : 'Enable'} <span className="visually-hidden">{name}</span>
          </button>
        ))}
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen('password')}>
        Reset password <span className="visually-hidden">of {name}</span>
      </button>
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen('sessions')}>
        End sessions <span className="visually-hidden">of {name}</span>
      </button>
      {!own && (
        <button type="button" className="button button--danger-outline button--small" onClick={() => setOpen('remove')}>
          Remove <span className="visually-hidden">{name}</span>
        </button>
      )}

      {open === 'disable' && (
        <ConfirmDialog
          title={`Disable ${name}?`}
          confirmLabel="Disable"
          busyLabel="Disabling…"
          busy={setEnabled.isPending}
          destructive
          onCancel={() => setOpen(null)}
          onConfirm={() =>
            setEnabled.mutate(
              { username: name, enabled: false },
              {
                onSuccess: () => {
                  setOpen(null);
                  toast.show({ kind: 'success', message: `${name} is disabled: signed out, and their API tokens are refused.` });
                },
                onError: refused('Disabling'),
              },
            )
          }
        >
          <p>
            {name} is signed out everywhere and cannot sign in, and their API tokens stop working, until an admin enables the
            account again.
          </p>
        </ConfirmDialog>
      )}

      {open === 'sessions' && (
        <ConfirmDialog
          title={own ? 'End all your sessions?' : `End all sessions of ${name}?`}
          confirmLabel="End sessions"
          busyLabel="Ending…"
          busy={endSessions.isPending}
          destructive
          onCancel={() => setOpen(null)}
          onConfirm={() =>
            endSessions.mutate(name, {
              onSuccess: ({ sessions_ended }) => {
                setOpen(null);
                if (own) {
                  toast.show({ kind: 'info', message: 'All your sessions ended. Sign in again.' });
                  signOutLocally(queryClient);
                  return;
                }
                const count = sessions_ended === 1 ? '1 session' : `${sessions_ended} sessions`;
                toast.show({ kind: 'success', message: sessions_ended ? `Ended ${count} of ${name}.` : `${name} had no live session.` });
              },
              onError: refused('Ending the sessions of'),
            })
          }
        >
          <p>
            {own
              ? 'You will be signed out here and in every other browser.'
              : `${name} is signed out in every browser (${user.sessions} live now) and can sign in again. API tokens keep working.`}
          </p>
        </ConfirmDialog>
      )}

      {open === 'remove' && (
        <ConfirmDialog
          title={`Remove the user ${name}?`}
          confirmLabel={`Remove ${name}`}
          busyLabel="Removing…"
          busy={remove.isPending}
          destructive
          onCancel={() => setOpen(null)}
          onConfirm={() =>
            remove.mutate(name, {
              onSuccess: () => {
                setOpen(null);
                toast.show({ kind: 'success', message: `Removed the user ${name}.` });
              },
              onError: refused('Removing'),
            })
          }
        >
          <p>
            {name} can no longer sign in; their sessions end and their API tokens stop working. The audit log keeps what they did.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}

      {open === 'password' && (
        <PasswordResetDialog
          user={user}
          own={own}
          onClose={({ done, signedOut }) => {
            setOpen(null);
            if (signedOut) {
              toast.show({ kind: 'info', message: 'Your password changed and you were signed out. Sign in with the new password.' });
              signOutLocally(queryClient);
            } else if (done) {
              toast.show({ kind: 'success', message: `The password of ${name} changed; their sessions ended.` });
            }
          }}
        />
      )}
    </div>
  );
}
