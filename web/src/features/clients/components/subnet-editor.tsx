import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { TextField } from '@/components/text-field';
import { useToast } from '@/components/toast';
import { fieldMessage } from '@/lib/errors';
import { useChangeSubnets } from '../api/change-config';
import type { ClientDetail } from '../api/types';
import { checkSubnets } from '../lib/cidr';
import { ProblemAlert } from './problem-alert';
import { SubnetField } from './subnet-field';

type Props = { client: ClientDetail; onClose: () => void };

const FIELDS = ['subnet', 'probe_host'] as const;

/**
 * Changes the subnets routed into a single-peer tunnel (the peer's AllowedIPs): checked as they are
 * typed, then by the server against the same rules as an upload. A running tunnel takes them in
 * place; one that does not is left as it was.
 */
export function SubnetEditor({ client, onClose }: Props) {
  const headingId = useId();
  const toast = useToast();
  const change = useChangeSubnets(client.id);
  const current = client.subnets.join(', ');
  const [subnet, setSubnet] = useState(current);
  const [probe, setProbe] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const running = client.state === 'active';

  const error = change.error;
  const sent = change.variables;
  // A field's refusal shows until that field is changed.
  const refusal = (field: string, changed: boolean) => (changed ? undefined : fieldMessage(error, field));
  const subnetError = refusal('subnet', sent?.subnet !== subnet);
  const probeError = refusal('probe_host', (sent?.probe_host ?? '') !== probe);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (change.isPending || !checkSubnets(subnet).ok) return;
    if (subnet.trim() === current && !probe.trim()) {
      onClose();
      return;
    }
    change.mutate(
      { subnet, probe_host: probe },
      {
        onSuccess: (updated) => {
          const how = running ? ' The running tunnel took them without a restart.' : '';
          toast.show({ kind: 'success', message: `${updated.name} now routes ${updated.subnets.join(', ')}.${how}` });
          onClose();
        },
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !change.isPending) {
      event.stopPropagation();
      onClose();
    }
  };

  return (
    <section className="panel client-edit" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel__title">
        Change subnets
      </h2>
      <p className="field__hint">
        The remote networks routed into the tunnel (the peer&apos;s AllowedIPs), checked like an upload&apos;s.{' '}
        {running
          ? 'The running tunnel takes them in place, without a restart; if it cannot, nothing changes.'
          : 'They are written into the config and used when the client is activated.'}
      </p>
      <form className="form" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        {error && <ProblemAlert error={error} prefix="Not changed" fields={FIELDS} focus />}
        <SubnetField
          value={subnet}
          onChange={setSubnet}
          serverError={subnetError}
          required
          showEmptyError={submitted}
          label="Subnets"
          hint="One or more, comma-separated, such as 10.77.0.0/24, 10.78.0.0/24."
          autoFocus
        />
        <TextField
          label="Probe host"
          optional
          name="probe_host"
          placeholder={client.probe_host}
          value={probe}
          onChange={setProbe}
          hint={`Now ${client.probe_host}; kept while it lies inside the new subnets, otherwise the first host of the first one.`}
          error={probeError}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={change.isPending}>
            {change.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {change.isPending ? 'Saving…' : 'Save subnets'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={change.isPending} data-cancel>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
