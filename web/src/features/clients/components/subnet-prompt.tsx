import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { formatAgo, formatDateTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { useCompletePending } from '../api/complete-pending';
import { useInterfaceSuggestion } from '../api/suggest-interface';
import type { Client, ConfWarning } from '../api/types';
import { checkSubnets } from '../lib/cidr';
import { ProblemAlert } from './problem-alert';
import { SubnetField } from './subnet-field';
import { InterfaceRule } from './upload-name-fields';

export type PendingPrompt = {
  pendingId: string;
  /** The display name given at upload. */
  name: string;
  /** The interface name asked for at upload; null when it is derived from the name. */
  interfaceName?: string | null;
  /** `full_tunnel` or `wide_public_route`. */
  reason?: string;
  /** The server's explanation (`detail` of needs_subnet, `message` of a pending upload), when we have it. */
  detail?: string;
  lines?: number[];
  warnings?: ConfWarning[];
  uploadedAt?: number;
  expiresAt?: number;
  probeHost?: string;
};

type Props = PendingPrompt & { onDone: (client: Client) => void; onCancel: () => void; headingLevel?: 2 | 3 };

/** Which field of the prompt a refusal is about (`name_taken` is about the interface name). */
function refusedField(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.code === 'name_taken' ? 'interface' : error.fieldErrors[0]?.field;
}

const PROMPT_FIELDS = ['subnet', 'probe_host', 'name', 'interface'] as const;

/** "Routes all traffic (line 7)": why an upload waits, in a few words. */
export function waitReason(reason: string | undefined, lines: number[] = []): string {
  const what = reason === 'wide_public_route' ? 'Routes too much public address space' : 'Routes all traffic';
  return lines.length ? `${what} (line ${lines.join(', ')})` : what;
}

/**
 * The subnet question for a full-tunnel (or too wide) upload: why it is asked, the subnet validated
 * while typed, then POST /api/clients/pending/{id}/subnet. A refused display or interface name opens
 * a field for it, so the upload can be completed without uploading again.
 */
export function SubnetPrompt(props: Props) {
  const { pendingId, name, interfaceName = null, reason, detail, lines = [], warnings = [], uploadedAt, expiresAt, probeHost = '' } = props;
  const { onDone, onCancel, headingLevel = 2 } = props;
  const ids = { heading: useId(), probe: useId(), name: useId(), iface: useId() };
  const now = useNow();
  const [subnet, setSubnet] = useState('');
  const [probe, setProbe] = useState(probeHost);
  const [newName, setNewName] = useState(name);
  const [newIface, setNewIface] = useState(interfaceName ?? '');
  const [ask, setAsk] = useState({ name: false, iface: false });
  const [submitted, setSubmitted] = useState(false);
  const complete = useCompletePending();
  const free = useInterfaceSuggestion(ask.iface ? newName.trim() || name : '').data?.interface;
  const error = complete.error;
  const sent = complete.variables;
  // Each field shows its own refusal (never the detail, which reads "field: message"), until it is changed.
  const message = (f: string) =>
    error instanceof ApiError ? (f === 'interface' && error.code === 'name_taken' ? error.detail : error.fieldErrors.find((e) => e.field === f)?.message) : undefined;
  const subnetServerError = sent?.subnet === subnet ? message('subnet') : undefined;
  const probeError = sent?.probe_host === probe ? message('probe_host') : undefined;
  const nameError = (sent?.name ?? name) === newName ? message('name') : undefined;
  const ifaceError = (sent?.interface ?? interfaceName ?? '') === newIface ? message('interface') : undefined;
  // What no field shows goes to the alert (ProblemAlert leaves the fields' own errors out).
  const generalError = error && !(error instanceof ApiError && error.code === 'name_taken') ? error : null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (complete.isPending || !checkSubnets(subnet).ok) return;
    complete.mutate(
      {
        pendingId,
        subnet,
        probe_host: probe,
        name: newName.trim() !== name ? newName : undefined,
        interface: newIface.trim() && newIface.trim() !== interfaceName ? newIface : undefined,
      },
      {
        onSuccess: onDone,
        onError: (e) => {
          const refused = refusedField(e);
          if (refused === 'name') setAsk((a) => ({ ...a, name: true }));
          if (refused === 'interface') setAsk((a) => ({ ...a, iface: true }));
        },
      },
    );
  };

  const lineText = lines.length ? ` (AllowedIPs on line ${lines.join(', ')})` : '';
  const expired = error instanceof ApiError && error.status === 404;

  return (
    <section className="subnet-prompt" aria-labelledby={ids.heading}>
      <div className="subnet-prompt__explain">
        <Heading id={ids.heading} className="subnet-prompt__title">
          {name}: which subnet is behind this tunnel?
        </Heading>
        {reason === 'wide_public_route' ? (
          <p>
            This config routes <strong>more public address space</strong>
            {lineText} than the gateway accepts for one site: activated as it is, much of the gateway’s internet traffic would
            go into the tunnel. Enter the remote site’s subnet instead; only that network will be routed through the tunnel.
          </p>
        ) : (
          <p>
            This config is a <strong>full tunnel</strong>
            {lineText}: activated as it is, it would route <strong>all of the gateway’s traffic</strong> into the tunnel — the
            gateway would cut itself (and this page) off. Enter the remote site’s subnet instead; only that network will be routed
            through the tunnel.
          </p>
        )}
        {detail && <p className="subnet-prompt__server">Gateway: {detail}</p>}
        {warnings.length > 0 && <WarningList warnings={warnings} />}
        {(uploadedAt || expiresAt) && (
          <p className="field__hint">
            {uploadedAt && (
              <>
                Uploaded <time dateTime={new Date(uploadedAt * 1000).toISOString()}>{formatDateTime(uploadedAt)}</time> (
                {formatAgo(uploadedAt, now)}).{' '}
              </>
            )}
            {expiresAt && <>The upload is kept until {formatDateTime(expiresAt)}.</>}
          </p>
        )}
      </div>
      <form className="form subnet-prompt__form" onSubmit={submit} noValidate>
        {generalError && (
          <ProblemAlert error={generalError} prefix={expired ? undefined : 'The subnet was refused'} fields={PROMPT_FIELDS} focus>
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
          <label htmlFor={ids.probe}>
            Probe host<span className="field__optional"> (optional)</span>
          </label>
          <input
            id={ids.probe}
            name="probe_host"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="first host of the subnet"
            value={probe}
            onChange={(e) => setProbe(e.target.value)}
            aria-invalid={probeError ? true : undefined}
            aria-describedby={`${ids.probe}-error`}
          />
          <p id={`${ids.probe}-error`} className="field__error">
            {probeError ?? ''}
          </p>
        </div>
        {ask.name && (
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              id={ids.name}
              name="name"
              type="text"
              autoComplete="off"
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={`${ids.name}-error`}
            />
            <p id={`${ids.name}-error`} className="field__error">
              {nameError ?? ''}
            </p>
          </div>
        )}
        {ask.iface && (
          <div className="field">
            <label htmlFor={ids.iface}>Interface name</label>
            <input
              id={ids.iface}
              name="interface"
              type="text"
              className="mono"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={15}
              placeholder={free}
              value={newIface}
              onChange={(e) => setNewIface(e.target.value)}
              aria-invalid={ifaceError ? true : undefined}
              aria-describedby={`${ids.iface}-hint ${ids.iface}-error`}
            />
            <p id={`${ids.iface}-hint`} className="field__hint">
              <InterfaceRule />.
              {free && free !== newIface && (
                <>
                  {' '}
                  <code>{free}</code> is free.{' '}
                  <button type="button" className="link-button" onClick={() => setNewIface(free)}>
                    Use {free}
                  </button>
                </>
              )}
            </p>
            <p id={`${ids.iface}-error`} className="field__error">
              {ifaceError ?? ''}
            </p>
          </div>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={complete.isPending}>
            {complete.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {complete.isPending ? 'Saving…' : 'Save subnet'}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={complete.isPending} data-cancel>
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

