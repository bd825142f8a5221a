import { useId } from 'react';
import { CopyButton } from '@/components/copy-button';

type Props = {
  /** What the secret is: "New password of bob", "Token backup script". */
  label: string;
  secret: string;
};

/** A password or token the server shows this once: the value, a copy button and the warning. */
export function SecretOnce({ label, secret }: Props) {
  const id = useId();
  return (
    <div className="secret-once">
      <label htmlFor={id} className="secret-once__label">
        {label}
      </label>
      <div className="secret-once__row">
        <input
          id={id}
          className="secret-once__value"
          type="text"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={secret} label={label} />
      </div>
      <p id={`${id}-warning`} className="secret-once__warning">
        <strong>Copy it now:</strong> it will not be shown again.
      </p>
    </div>
  );
}
