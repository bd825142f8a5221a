import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '@/components/dialog';
import { TextField } from '@/components/text-field';
import { useMe } from '@/features/auth/api/get-me';
import { fieldMessage, shownOnFields } from '@/lib/errors';
import { useCreateToken } from '../api/create-token';
import { useUsers } from '../api/get-users';
import type { NewToken } from '../api/types';
import { refusalMessage } from '../lib/refusals';
import { SecretOnce } from './secret-once';

const FIELDS = ['name', 'username', 'expires_in_days'];

/**
 * Creates an API token (name, whose, expiry), then shows its secret once. The secret is read from
 * the mutation only, which is dropped when the dialog closes.
 */
export function TokenCreateDialog({ onClose }: { onClose: () => void }) {
  const userId = useId();
  const create = useCreateToken();
  const me = useMe().data?.user.username;
  const others = (useUsers().data ?? []).filter((u) => u.username !== me && u.disabled_at == null);
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [days, setDays] = useState('');
  const [checked, setChecked] = useState<Partial<Record<'name' | 'days', string>>>({});

  const issued = create.data;
  if (issued) {
    return (
      <Dialog key="secret" title="Token created" onClose={onClose}>
        <div className="dialog__body">
          <p>
            Scripts send it as <code>Authorization: Bearer &lt;token&gt;</code> and act as {issued.info.username}.
          </p>
        </div>
        <SecretOnce label={`Token “${issued.info.name}” of ${issued.info.username}`} secret={issued.token} />
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const error = create.error;
  const nameError = checked.name ?? fieldMessage(error, 'name');
  const userError = fieldMessage(error, 'username');
  const daysError = checked.days ?? fieldMessage(error, 'expires_in_days');
  const generalError = error && !shownOnFields(error, FIELDS) ? error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    const request: NewToken = { name: name.trim() };
    const problems: typeof checked = {};
    if (!request.name) problems.name = 'Give the token a name, such as “backup script”.';
    if (days.trim()) {
      const n = Number(days);
      if (!Number.isInteger(n) || n < 1 || n > 3650) problems.days = 'Enter a whole number of days from 1 to 3650, or leave it empty.';
      request.expires_in_days = n;
    }
    if (username) request.username = username;
    setChecked(problems);
    if (Object.keys(problems).length === 0) create.mutate(request);
  };

  return (
    <Dialog title="Create an API token" busy={create.isPending} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {generalError && (
          <div className="form-error" role="alert">
            <strong>Not created: </strong>
            {refusalMessage(generalError, username || me || '')}
          </div>
        )}
        <TextField
          label="Name"
          name="name"
          maxLength={64}
          spellCheck={undefined}
          value={name}
          onChange={setName}
          hint="What it is for, such as “backup script”."
          error={nameError}
        />
        <div className="field">
          <label htmlFor={userId}>User</label>
          <select
            id={userId}
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-invalid={userError ? true : undefined}
            aria-describedby={`${userId}-hint${userError ? ` ${userId}-error` : ''}`}
          >
            <option value="">Yourself{me ? ` (${me})` : ''}</option>
            {others.map((u) => (
              <option key={u.id} value={u.username}>
                {u.username} ({u.role})
              </option>
            ))}
          </select>
          <p id={`${userId}-hint`} className="field__hint">
            The token acts with this user’s role.
          </p>
          {userError && (
            <p id={`${userId}-error`} className="field__error">
              {userError}
            </p>
          )}
        </div>
        <TextField
          label="Expires after (days)"
          optional
          name="expires_in_days"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          step={1}
          autoComplete={undefined}
          spellCheck={undefined}
          value={days}
          onChange={setDays}
          hint="1 to 3650. Left empty, it never expires."
          error={daysError}
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={create.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
