import type { FormEvent } from 'react';
import { Dialog } from '@/components/dialog';
import { shownOnFields } from '@/lib/errors';
import { useResetPassword } from '../api/reset-password';
import type { UserAccount } from '../api/types';
import { refusalMessage } from '../lib/refusals';
import { PasswordChoice, usePasswordChoice } from './password-choice';
import { SecretOnce } from './secret-once';

type Props = {
  user: UserAccount;
  /** The signed-in user's own account: the reset signs them out. */
  own: boolean;
  /** `signedOut`: the own session ended with the reset. */
  onClose: (result: { done: boolean; signedOut: boolean }) => void;
};

/** Resets a password to a typed or generated one (shown once); every session of the user ends. */
export function PasswordResetDialog({ user, own, onClose }: Props) {
  const reset = useResetPassword({ own });
  const choice = usePasswordChoice();
  const answer = reset.data;
  const close = () => onClose({ done: Boolean(answer), signedOut: own && Boolean(answer) });

  const error = reset.error;
  const generalError = error && !shownOnFields(error, ['password']) ? error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reset.isPending) return;
    if (!choice.ready()) return;
    reset.mutate(
      { username: user.username, ...choice.request },
      // A typed password needs nothing more from the dialog.
      { onSuccess: (result) => !result.password && onClose({ done: true, signedOut: own }) },
    );
  };

  if (answer?.password) {
    return (
      <Dialog key="secret" title={`New password of ${user.username}`} onClose={close}>
        <div className="dialog__body">
          <p>{endedSentence(user.username, answer.sessions_ended, own)}</p>
        </div>
        <SecretOnce label={`New password of ${user.username}`} secret={answer.password} />
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={close}>
            {own ? 'Done, sign in again' : 'Done'}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Reset the password of ${user.username}?`} busy={reset.isPending} onClose={close}>
      <form className="form" onSubmit={submit} noValidate>
        {generalError && (
          <div className="form-error" role="alert">
            <strong>Not reset: </strong>
            {refusalMessage(generalError, user.username)}
          </div>
        )}
        <div className="dialog__body">
          <p>
            {own
              ? 'This is your own account: all your sessions end, this one too, so you will be signed out and sign in again with the new password.'
              : `All sessions of ${user.username} end (${user.sessions} live now); they sign in again with the new password.`}
          </p>
        </div>
        <PasswordChoice {...choice.props(reset.variables?.password, error)} />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={close} disabled={reset.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={reset.isPending}>
            {reset.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {reset.isPending ? 'Resetting…' : 'Reset password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function endedSentence(username: string, ended: number, own: boolean): string {
  if (own) return 'Your sessions have ended: once you close this, you sign in again with this password.';
  const sessions = ended === 1 ? '1 session' : `${ended} sessions`;
  return ended === 0 ? `${username} had no live session.` : `${sessions} of ${username} ended.`;
}
