import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { useCompletePending } from '../api/complete-pending';
import type { Client, ConfWarning } from '../api/types';
import { checkSubnets } from '../lib/cidr';
import { ProblemAlert } from './problem-alert';
import { SubnetField } from './subnet-field';

export type PendingPrompt = {
  pendingId: string;
  name: string;
  /** The server's explanation (`detail` of needs_subnet), when we have it. */
  detail?: string;
  lines?: number[];
  warnings?: ConfWarning[];
  expiresAt?: number;
  probeHost?: string;
};

type Props = PendingPrompt & { onDone: (client: Client) => void; onCancel: () => void; headingLevel?: 2 | 3 };

/**
 * The subnet question for a full-tunnel upload: why it is asked, the subnet validated while typed,
 * then POST /api/clients/pending/{id}/subnet.
 */
export function SubnetPrompt({ pendingId, name, detail, lines = [], warnings = [], expiresAt, probeHost = '', onDone, onCancel, headingLevel = 2 }: Props) {
  const headingId = useId();
  const probeId = useId();
  const nameId = useId();
  const [subnet, setSubnet] = useState('');
  const [probe, setProbe] = useState(probeHost);
  const [newName, setNewName] = useState(name);
  const [submitted, setSubmitted] = useState(false);
  const complete = useCompletePending();
  const error = complete.error;
  const fieldError = (field: string) =>
    error instanceof ApiError ? error.fieldErrors.find((e) => e.field === field)?.message ?? (field === 'name' && error.code === 'name_taken' ? error.detail : undefined) : undefined;
  const subnetServerError = complete.variables?.subnet === subnet ? fieldError('subnet') : undefined;
  const probeError = complete.variables?.probe_host === probe ? fieldError('probe_host') : undefined;
  const nameError = fieldError('name');
  const generalError = error && !subnetServerError && !probeError && !nameError ? error : null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (complete.isPending || !checkSubnets(subnet).ok) return;
    complete.mutate(
      { pendingId, subnet, probe_host: probe, name: newName !== name ? newName : undefined },
      { onSuccess: onDone },
    );
  };

  const lineText = lines.length ? ` (AllowedIPs on line ${lines.join(', ')})` : '';
  const expired = error instanceof ApiError && error.status === 404;

  return (
    <section className="subnet-prompt" aria-labelledby={headingId}>
      <div className="subnet-prompt__explain">
        <Heading id={headingId} className="subnet-prompt__title">
          {name}: which subnet is behind this tunnel?
        </Heading>
        <p>
          This config is a <strong>full tunnel</strong>
          {lineText}: activated as it is, it would route <strong>all of the gateway’s traffic</strong> into the tunnel — the
          gateway would cut itself (and this page) off. Enter the remote site’s subnet instead; only that network will be routed
          through the tunnel.
        </p>
        {detail && <p className="subnet-prompt__server">Gateway: {detail}</p>}
        {warnings.length > 0 && <WarningList warnings={warnings} />}
        {expiresAt && <p className="field__hint">The upload is kept until {formatDateTime(expiresAt)}.</p>}
      </div>
      <form className="form subnet-prompt__form" onSubmit={submit} noValidate>
        {generalError && (
          <ProblemAlert error={generalError} prefix={expired ? undefined : 'The subnet was refused'}>
            {expired && (
              <button type="button" className="button button--secondary button--small" onClick={onCancel}>
                Upload again
              </button>
            )}
          </ProblemAlert>
        )}
        <SubnetField
          label="Remote subnet"
          required
          autoFocus
          value={subnet}
          onChange={setSubnet}
          showEmptyError={submitted}
          serverError={subnetServerError}
          hint="One or more networks in CIDR form, comma-separated, e.g. 10.77.0.0/24."
        />
        <div className="field">
          <label htmlFor={probeId}>
            Probe host<span className="field__optional"> (optional)</span>
          </label>
          <input
            id={probeId}
            name="probe_host"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="first host of the subnet"
            value={probe}
            onChange={(e) => setProbe(e.target.value)}
            aria-invalid={probeError ? true : undefined}
            aria-describedby={`${probeId}-error`}
          />
          <p id={`${probeId}-error`} className="field__error">
            {probeError ?? ''}
          </p>
        </div>
        {nameError && (
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input
              id={nameId}
              name="name"
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              aria-invalid={newName === name ? true : undefined}
              aria-describedby={`${nameId}-error`}
            />
            <p id={`${nameId}-error`} className="field__error">
              {newName === name ? nameError : ''}
            </p>
          </div>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={complete.isPending}>
            {complete.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {complete.isPending ? 'Saving…' : 'Save subnet'}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={complete.isPending}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

export function WarningList({ warnings }: { warnings: ConfWarning[] }) {
  return (
    <ul className="warning-list" aria-label="Validation warnings">
      {warnings.map((w, index) => (
        <li key={`${w.code}-${index}`}>
          {w.line != null && <span className="line-tag">Line {w.line}</span>} {w.message}
        </li>
      ))}
    </ul>
  );
}

