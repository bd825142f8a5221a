import { useId, useState, type FormEvent } from 'react';
import { ApiError, NetworkError } from '@/lib/api';
import { errorMessage, shownOnFields } from '@/lib/errors';
import { useLogin } from '../api/login';
import type { Session } from '../api/session';

type Props = { onSuccess: (session: Session) => void };

export function LoginForm({ onSuccess }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin({ onSuccess });
  const ids = { username: useId(), password: useId(), error: useId() };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (login.isPending) return;
    login.mutate({ username: username.trim(), password });
  };

  const error = login.error;
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : [];
  const fieldError = (field: string) => fieldErrors.find((e) => e.field === field)?.message;
  const usernameError = fieldError('username');
  const passwordError = fieldError('password');
  // Field errors show on their fields; the alert is for the rest (and never repeats them as "username: …").
  const alert = error && !shownOnFields(error, ['username', 'password']) ? error : null;

  return (
    <form className="form" onSubmit={submit} noValidate aria-describedby={alert ? ids.error : undefined}>
      {alert && (
        <div id={ids.error} className="form-error" role="alert">
          {describeLoginError(alert)}
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.username}>Username</label>
        <input
          id={ids.username}
          name="username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          autoFocus
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={usernameError ? true : undefined}
          aria-describedby={usernameError ? `${ids.username}-error` : undefined}
        />
        {usernameError && (
          <p id={`${ids.username}-error`} className="field__error">
            {usernameError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={ids.password}>Password</label>
        <input
          id={ids.password}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={passwordError ? true : undefined}
          aria-describedby={passwordError ? `${ids.password}-error` : undefined}
        />
        {passwordError && (
          <p id={`${ids.password}-error`} className="field__error">
            {passwordError}
          </p>
        )}
      </div>
      <button type="submit" className="button button--primary button--block" disabled={login.isPending}>
        {login.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function describeLoginError(error: Error): string {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfterSeconds;
    const base = 'Too many sign-in attempts.';
    return wait === undefined ? `${base} Please wait a moment and try again.` : `${base} Try again in ${formatWait(wait)}.`;
  }
  if (error instanceof NetworkError) return 'Cannot reach the gateway. Check your connection and try again.';
  return errorMessage(error);
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
