import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Dialog } from '@/components/dialog';
import { TextField } from '@/components/text-field';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api';
import { fieldMessage, shownOnFields } from '@/lib/errors';
import { useCreateUser } from '../api/create-user';
import type { Role } from '../api/types';
import { refusalMessage } from '../lib/refusals';
import { PasswordChoice, usePasswordChoice } from './password-choice';
import { SecretOnce } from './secret-once';

/** Adds an account: username, role, and a typed or generated password (shown once). */
export function UserAddForm({ onClose }: { onClose: () => void }) {
  const ids = { heading: useId(), role: useId() };
  const toast = useToast();
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const choice = usePasswordChoice();
  // The generated password is read from the mutation only: it goes away with the form.
  const created = create.data;

  // A refusal shows on its field until that field is changed; anything else above the form.
  const error = create.error;
  const sent = create.variables;
  const taken = error instanceof ApiError && error.code === 'user_exists';
  const usernameError =
    sent?.username === username.trim() ? (taken ? refusalMessage(error, username.trim()) : fieldMessage(error, 'username')) : undefined;
  const generalError = error && !taken && !shownOnFields(error, ['username', 'password']) ? error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    if (!choice.ready()) return;
    const name = username.trim();
    create.mutate(
      { username: name, role, ...choice.request },
      {
        onSuccess: (answer) => {
          if (answer.password) return;
          toast.show({ kind: 'success', message: `Added ${answer.user.username}. They can sign in with the password you chose.` });
          onClose();
        },
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !create.isPending) {
      event.stopPropagation();
      onClose();
    }
  };

  if (created?.password) {
    return (
      <Dialog title={`Added ${created.user.username}`} onClose={onClose}>
        <div className="dialog__body">
          <p>Give {created.user.username} this password; they can sign in with it now.</p>
        </div>
        <SecretOnce label={`Password of ${created.user.username}`} secret={created.password} />
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <section className="panel admin-form" aria-labelledby={ids.heading}>
      <h2 id={ids.heading} className="panel__title">
        Add a user
      </h2>
      <form className="form" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        {generalError && (
          <div className="form-error" role="alert">
            <strong>Not added: </strong>
            {refusalMessage(generalError, username.trim())}
          </div>
        )}
        <div className="form__grid">
          <TextField
            label="Username"
            name="username"
            autoCapitalize="none"
            autoCorrect="off"
            autoFocus
            value={username}
            onChange={setUsername}
            error={usernameError}
          />
          <div className="field">
            <label htmlFor={ids.role}>Role</label>
            <select id={ids.role} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={`${ids.role}-hint`}>
              <option value="operator">Operator</option>
              <option value="admin">Admin</option>
            </select>
            <p id={`${ids.role}-hint`} className="field__hint">
              Admins manage the clients, users and API tokens and read the audit log; operators cannot change anything on this gateway yet.
            </p>
          </div>
        </div>
        <PasswordChoice {...choice.props(sent?.password, error)} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {create.isPending ? 'Adding…' : 'Add user'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={create.isPending}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
