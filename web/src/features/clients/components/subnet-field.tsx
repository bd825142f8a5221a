import { useId, useState } from 'react';
import { checkSubnets } from '../lib/cidr';

type Props = {
  value: string;
  onChange: (value: string) => void;
  /** Error from the server (overlap, …), shown until the value changes. */
  serverError?: string;
  required?: boolean;
  /** Show the "required" message even before the user typed (after a submit attempt). */
  showEmptyError?: boolean;
  label?: string;
  hint?: string;
  autoFocus?: boolean;
};

/** Subnet input validated as the user types: CIDR syntax, no host bits (server errors on top). */
export function SubnetField({ value, onChange, serverError, required = false, showEmptyError = false, label = 'Subnet', hint, autoFocus }: Props) {
  const id = useId();
  const [touched, setTouched] = useState(false);
  const check = value.trim() === '' && !required ? { ok: true as const } : checkSubnets(value);
  const showLocal = !check.ok && (value.trim() !== '' ? true : touched || showEmptyError);
  const error = showLocal && !check.ok ? check.message : serverError;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {!required && <span className="field__optional"> (optional)</span>}
      </label>
      <input
        id={id}
        name="subnet"
        type="text"
        inputMode="text"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="10.77.0.0/24"
        autoFocus={autoFocus}
        required={required}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={(e) => {
          // Leaving for Cancel (or for nowhere: Safari does not focus a clicked button) does not
          // validate: the message would move the buttons between press and release, and the click
          // would miss Cancel. Submitting validates anyway.
          const next = e.relatedTarget;
          if (next instanceof HTMLElement && !next.hasAttribute('data-cancel')) setTouched(true);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      <p id={`${id}-error`} className="field__error" aria-live="polite">
        {error ?? ''}
      </p>
    </div>
  );
}
