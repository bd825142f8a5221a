import { useId, useState, type FormEvent } from 'react';
import { useToast } from '@/components/toast';
import { fieldMessage } from '@/lib/errors';
import { useUpdateProbeHost } from '../api/update-client';
import type { Client } from '../api/types';
import { ProblemAlert } from './problem-alert';

/** Shows the probe host with a "Change" button that turns into a small PATCH form. */
export function ProbeHostEditor({ client }: { client: Client }) {
  const id = useId();
  const toast = useToast();
  const update = useUpdateProbeHost();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(client.probe_host);

  if (!editing) {
    return (
      <div className="probe-host">
        <span className="mono">{client.probe_host}</span>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            setValue(client.probe_host);
            update.reset();
            setEditing(true);
          }}
        >
          Change{' '}
          <span className="visually-hidden">probe host</span>
        </button>
      </div>
    );
  }

  const error = update.error;
  const fieldError = fieldMessage(error, 'probe_host');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) return;
    update.mutate(
      { id: client.id, probe_host: value },
      {
        onSuccess: (updated) => {
          setEditing(false);
          toast.show({ kind: 'success', message: `Probe host of ${updated.name} is now ${updated.probe_host}.` });
        },
      },
    );
  };

  return (
    <form className="probe-form" onSubmit={submit} noValidate>
      <label htmlFor={id} className="visually-hidden">
        Probe host
      </label>
      <input
        id={id}
        type="text"
        className="input input--small mono"
        value={value}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
        aria-invalid={fieldError ? true : undefined}
        aria-describedby={fieldError ? `${id}-error` : undefined}
      />
      <button type="submit" className="button button--primary button--small" disabled={update.isPending || !value.trim()}>
        {update.isPending ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="button button--secondary button--small" onClick={() => setEditing(false)} disabled={update.isPending}>
        Cancel
      </button>
      {fieldError ? (
        <p id={`${id}-error`} className="field__error probe-form__error">
          {fieldError}
        </p>
      ) : (
        error && (
          <div className="probe-form__error">
            <ProblemAlert error={error} />
          </div>
        )
      )}
    </form>
  );
}
