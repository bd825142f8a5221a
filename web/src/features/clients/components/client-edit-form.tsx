import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { TextField } from '@/components/text-field';
import { useToast } from '@/components/toast';
import { fieldMessage } from '@/lib/errors';
import { useUpdateClient } from '../api/update-client';
import type { Client, ClientUpdate } from '../api/types';
import { ProblemAlert } from './problem-alert';

type Props = { client: Client; onClose: () => void };

/**
 * Edits the display name and the notes (PATCH with only the changed fields). Escape or Cancel
 * closes it and drops the edits; the interface name stays what it is.
 */
export function ClientEditForm({ client, onClose }: Props) {
  const ids = { heading: useId(), notes: useId() };
  const toast = useToast();
  const update = useUpdateClient();
  const [name, setName] = useState(client.name);
  const [notes, setNotes] = useState(client.notes);

  const error = update.error;
  const sent = update.variables?.changes;
  // A field's refusal shows until that field is changed; anything else is an alert above the form.
  const refusal = (field: 'name' | 'notes', value: string) =>
    sent?.[field] === value ? fieldMessage(error, field) : undefined;
  const nameError = refusal('name', name.trim());
  const notesError = refusal('notes', notes);
  const generalError = error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (update.isPending) return;
    const changes: ClientUpdate = {};
    if (name.trim() !== client.name) changes.name = name.trim();
    if (notes !== client.notes) changes.notes = notes;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { id: client.id, changes },
      {
        onSuccess: (updated) => {
          toast.show({ kind: 'success', message: `Saved the name and notes of ${updated.name}.` });
          onClose();
        },
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !update.isPending) {
      event.stopPropagation();
      onClose();
    }
  };

  return (
    <section className="panel client-edit" aria-labelledby={ids.heading}>
      <h2 id={ids.heading} className="panel__title">
        Edit name and notes
      </h2>
      <form className="form" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        {generalError && <ProblemAlert error={generalError} prefix="Not saved" fields={['name', 'notes']} />}
        <TextField
          label="Name"
          name="name"
          autoFocus
          spellCheck={undefined}
          value={name}
          onChange={setName}
          hint={
            <>
              Any text, up to 64 characters. The interface stays <code>{client.interface}</code>.
            </>
          }
          error={nameError}
        />
        <div className="field">
          <label htmlFor={ids.notes}>
            Notes<span className="field__optional"> (optional)</span>
          </label>
          <textarea
            id={ids.notes}
            name="notes"
            rows={4}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            aria-invalid={notesError ? true : undefined}
            aria-describedby={`${ids.notes}-hint${notesError ? ` ${ids.notes}-error` : ''}`}
          />
          <p id={`${ids.notes}-hint`} className="field__hint">
            Contacts, location, anything admins should know; up to 2000 characters.
          </p>
          {notesError && (
            <p id={`${ids.notes}-error`} className="field__error">
              {notesError}
            </p>
          )}
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={update.isPending}>
            {update.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={update.isPending} data-cancel>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
