import { fieldMessage } from '@/lib/errors';
import { useId, useState } from 'react';

export type PasswordMode = 'generate' | 'type';

type Props = {
  mode: PasswordMode;
  password: string;
  error: string | undefined;
  onMode: (mode: PasswordMode) => void;
  onPassword: (password: string) => void;
};

const MISSING = 'Type a password, or choose to generate one.';

/**
 * The state behind a PasswordChoice: `request` is the request's `password` member (only a typed
 * one), `ready()` refuses "Type one" with nothing typed (the field then says so), and
 * `props(sent, error)` wires the component, showing the server's refusal of the password `sent`
 * until it is changed.
 */
export function usePasswordChoice() {
  const [mode, setMode] = useState<PasswordMode>('generate');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  return {
    request: mode === 'type' ? { password } : {},
    ready: () => {
      if (mode === 'type' && !password) {
        setMissing(true);
        return false;
      }
      return true;
    },
    props: (sent: string | null | undefined, error: unknown): Props => ({
      mode,
      password,
      error: missing ? MISSING : sent === password ? fieldMessage(error, 'password') : undefined,
      onMode: (next) => {
        setMode(next);
        setMissing(false);
      },
      onPassword: (next) => {
        setPassword(next);
        setMissing(false);
      },
    }),
  };
}

/** "Generate one" (shown once by the server) or "Type one", with the typed password's field. */
export function PasswordChoice({ mode, password, error, onMode, onPassword }: Props) {
  const id = useId();
  return (
    <fieldset className="choice-group">
      <legend>Password</legend>
      <label className="choice">
        <input type="radio" name={`${id}-mode`} value="generate" checked={mode === 'generate'} onChange={() => onMode('generate')} />
        Generate one (shown once)
      </label>
      <label className="choice">
        <input type="radio" name={`${id}-mode`} value="type" checked={mode === 'type'} onChange={() => onMode('type')} />
        Type one
      </label>
      {mode === 'type' && (
        <div className="field">
          <label htmlFor={id}>New password</label>
          <input
            id={id}
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => onPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          />
          <p id={`${id}-hint`} className="field__hint">
            At least 12 characters.
          </p>
          {error && (
            <p id={`${id}-error`} className="field__error">
              {error}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}
