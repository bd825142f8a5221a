import type { ReactNode } from 'react';
import { ApiError } from '@/lib/api';
import { actionErrorMessage } from '@/lib/errors';

/** An API error as an inline alert: the server's detail, the config line it points at, the code. */
export function ProblemAlert({ error, prefix, children }: { error: unknown; prefix?: string; children?: ReactNode }) {
  const line = error instanceof ApiError ? error.line : undefined;
  const full = actionErrorMessage(error);
  // The line is shown as a tag: drop the detail's own "line N: " prefix.
  const message = line !== undefined ? full.replace(/^line \d+:\s*/i, '') : full;
  return (
    <div className="form-error problem-alert" role="alert">
      <p>
        {line !== undefined && <span className="line-tag line-tag--danger">Line {line}</span>} {prefix && <strong>{prefix}: </strong>}
        {message}
      </p>
      {children}
    </div>
  );
}
