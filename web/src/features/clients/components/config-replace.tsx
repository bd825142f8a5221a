import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { TextField } from '@/components/text-field';
import { useToast } from '@/components/toast';
import { fieldMessage } from '@/lib/errors';
import { useReplaceConfig, type ReplaceInput } from '../api/change-config';
import type { ClientDetail } from '../api/types';
import { checkSubnets } from '../lib/cidr';
import { ConfFilePicker } from './conf-file-picker';
import { ProblemAlert } from './problem-alert';
import { SubnetField } from './subnet-field';

type Props = { client: ClientDetail; onClose: () => void };

const FIELDS = ['subnet', 'probe_host'] as const;

/**
 * A new wg-quick file for the same site (rotated keys, a new endpoint): the client keeps its names,
 * notes, history and state. A running tunnel is moved to the new file after a confirmation, and
 * keeps the old one if the new one does not come up.
 */
export function ConfigReplace({ client, onClose }: Props) {
  const headingId = useId();
  const toast = useToast();
  const replace = useReplaceConfig(client.id);
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [subnet, setSubnet] = useState('');
  const [probe, setProbe] = useState('');
  const [confirming, setConfirming] = useState<ReplaceInput | null>(null);
  const running = client.state === 'active';
  const current = client.subnets.join(', ');

  useEffect(() => fileRef.current?.focus(), []);

  const error = replace.error;
  const sent = replace.variables;
  const refusal = (field: string, changed: boolean) => (changed ? undefined : fieldMessage(error, field));
  const subnetError = refusal('subnet', (sent?.subnet ?? '') !== subnet);
  const probeError = refusal('probe_host', (sent?.probe_host ?? '') !== probe);

  const send = (input: ReplaceInput) =>
    replace.mutate(input, {
      onSuccess: (updated) => {
        setConfirming(null);
        const how = running ? ' The tunnel runs on the new file.' : '';
        toast.show({ kind: 'success', message: `Replaced the config of ${updated.name}.${how}` });
        onClose();
      },
      onError: () => setConfirming(null),
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (replace.isPending) return;
    if (!file) {
      setFileError('Choose the new WireGuard .conf file.');
      fileRef.current?.focus();
      return;
    }
    if (subnet.trim() && !checkSubnets(subnet).ok) return;
    const input = { file, subnet, probe_host: probe };
    if (running) setConfirming(input);
    else send(input);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !replace.isPending && !confirming) {
      event.stopPropagation();
      onClose();
    }
  };

  return (
    <section className="panel client-edit" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <h2 id={headingId} className="panel__title">
        Replace the config
      </h2>
      <p className="field__hint">
        A new file for the same site, when it rotated its keys or moved: the name, notes, history and state stay. It is checked
        like an upload; a file that routes all traffic keeps the current subnets ({current}).
      </p>
      <form className="form" onSubmit={submit} noValidate>
        {error && <ProblemAlert error={error} prefix="Not replaced" fields={FIELDS} focus />}
        <ConfFilePicker
          file={file}
          error={fileError}
          inputRef={fileRef}
          onChange={(chosen, refused) => {
            replace.reset();
            setFile(chosen);
            setFileError(refused);
          }}
        />
        <div className="form__grid">
          <SubnetField
            value={subnet}
            onChange={setSubnet}
            serverError={subnetError}
            label="Subnets"
            hint="Other subnets than the file's AllowedIPs (or, for a full tunnel, than the current ones)."
          />
          <TextField
            label="Probe host"
            optional
            name="probe_host"
            placeholder={client.probe_host}
            value={probe}
            onChange={setProbe}
            hint={`Now ${client.probe_host}; kept while it lies inside the subnets.`}
            error={probeError}
          />
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={replace.isPending}>
            {replace.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {replace.isPending ? 'Replacing…' : running ? 'Replace…' : 'Replace'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={replace.isPending} data-cancel>
            Cancel
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Move the running tunnel ${client.interface} to ${confirming.file.name}?`}
          confirmLabel="Replace and restart"
          busyLabel="Replacing…"
          busy={replace.isPending}
          onConfirm={() => send(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            The tunnel is restarted on the new file, which interrupts traffic to {client.subnets.join(', ')} for a moment. If it
            does not come up, the old file is put back and the tunnel runs on it again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
