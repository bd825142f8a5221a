import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '@/lib/api';
import { actionErrorMessage, shownOnFields } from '@/lib/errors';

type Props = {
  error: unknown;
  prefix?: string;
  children?: ReactNode;
  /** Fields the form shows their own errors on: those are left out here (nothing at all when that is every one). */
  fields?: readonly string[];
  /** Scroll the alert into view and move focus to it when it appears (a refusal below the fold on a phone). */
  focus?: boolean;
};

/**
 * An API error as an inline alert. A problem with field errors shows their messages (one, or a list
 * with the config lines they point at) instead of the `detail`, which only joins them up as
 * "field: message"; one without shows the detail, with the line it points at and the code.
 */
export function ProblemAlert({ error, prefix, children, fields = [], focus = false }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const hidden = shownOnFields(error, fields);

  useEffect(() => {
    const element = ref.current;
    if (!focus || !element) return;
    element.scrollIntoView?.({ block: 'center' });
    element.focus({ preventScroll: true });
  }, [error, focus]);

  if (hidden) return null;
  const rest = error instanceof ApiError ? error.fieldErrors.filter((e) => !fields.includes(e.field)) : [];
  const lead = prefix && <strong>{prefix}: </strong>;
  let body: ReactNode;
  if (rest.length > 1) {
    body = (
      <>
        <p>
          {lead}
          {rest.length} problems:
        </p>
        <ul className="problem-alert__list">
          {rest.map((e, index) => (
            <li key={`${e.field}-${e.line ?? ''}-${index}`}>
              {typeof e.line === 'number' && <span className="line-tag line-tag--danger">Line {e.line}</span>} {e.message}
            </li>
          ))}
        </ul>
      </>
    );
  } else {
    const only = rest[0];
    const line = only ? (typeof only.line === 'number' ? only.line : undefined) : error instanceof ApiError ? error.line : undefined;
    const full = only ? only.message : actionErrorMessage(error);
    // The line is shown as a tag: drop the detail's own "line N: " prefix.
    const message = line !== undefined ? full.replace(/^line \d+:\s*/i, '') : full;
    body = (
      <p>
        {line !== undefined && <span className="line-tag line-tag--danger">Line {line}</span>} {lead}
        {message}
      </p>
    );
  }
  return (
    <div ref={ref} className="form-error problem-alert" role="alert" tabIndex={-1}>
      {body}
      {children}
    </div>
  );
}
