import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { TextField } from '@/components/text-field';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api';
import { useUploadClient } from '../api/upload-client';
import type { Client, NeedsSubnetProblem } from '../api/types';
import { checkSubnets } from '../lib/cidr';
import { ConfFilePicker } from './conf-file-picker';
import { ProblemAlert } from './problem-alert';
import { SubnetField } from './subnet-field';
import { SubnetPrompt, type PendingPrompt } from './subnet-prompt';
import { UploadNameFields } from './upload-name-fields';

/** The fields that show their own refusals (the file's problems go to the alert, with their lines). */
const FORM_FIELDS = ['name', 'interface', 'subnet', 'probe_host'] as const;

export function createdMessage(client: Client): string {
  const count = client.warnings.length;
  const warnings = count ? ` ${count} warning${count === 1 ? '' : 's'}: see its details.` : '';
  return `Uploaded ${client.name} (interface ${client.interface}). It is inactive until you activate it.${warnings}`;
}

type Props = { onClose: () => void; onCreated?: (client: Client) => void };

/** Upload a wg-quick .conf: drop or pick the file; the display name (and interface), subnet, probe host. */
export function UploadPanel({ onClose, onCreated }: Props) {
  const toast = useToast();
  const upload = useUploadClient();
  const headingId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [iface, setIface] = useState('');
  const fileStem = file ? file.name.replace(/\.conf$/i, '') : '';
  const [subnet, setSubnet] = useState('');
  const [probe, setProbe] = useState('');
  const [pending, setPending] = useState<PendingPrompt | null>(null);

  // Focus starts on the first field (the file), not on <body> behind the panel.
  useEffect(() => inputRef.current?.focus(), []);

  const created = (client: Client) => {
    toast.show({ kind: 'success', message: createdMessage(client) });
    onCreated?.(client);
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (upload.isPending) return;
    if (!file) {
      setFileError('Choose a WireGuard .conf file to upload.');
      inputRef.current?.scrollIntoView?.({ block: 'center' });
      inputRef.current?.focus({ preventScroll: true });
      return;
    }
    if (subnet.trim() && !checkSubnets(subnet).ok) return;
    upload.mutate(
      { file, name, interface: iface, subnet, probe_host: probe },
      {
        onSuccess: created,
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'needs_subnet') {
            const p = error.problem as Partial<NeedsSubnetProblem>;
            setPending({
              pendingId: String(p.pending_id),
              name: name.trim() || fileStem,
              interfaceName: iface.trim() || null,
              reason: typeof p.reason === 'string' ? p.reason : undefined,
              uploadedAt: Math.floor(Date.now() / 1000),
              detail: error.detail,
              lines: Array.isArray(p.lines) ? p.lines : [],
              warnings: Array.isArray(p.warnings) ? p.warnings : [],
              expiresAt: typeof p.expires_at === 'number' ? p.expires_at : undefined,
              probeHost: probe,
            });
          }
        },
      },
    );
  };

  // Escape closes the panel, as Cancel does (not while the upload is on its way).
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !upload.isPending) {
      event.stopPropagation();
      onClose();
    }
  };

  if (pending) {
    return (
      <div className="panel upload-panel" onKeyDown={onKeyDown}>
        <SubnetPrompt {...pending} onDone={created} onCancel={onClose} />
      </div>
    );
  }

  const error = upload.error;
  const fieldError = (field: string) => {
    if (!(error instanceof ApiError)) return undefined;
    if (field === 'interface' && error.code === 'name_taken') return error.detail;
    return error.fieldErrors.find((e) => e.field === field)?.message;
  };
  // A name or interface refusal goes away once that field is changed.
  const sent = upload.variables;
  const nameError = sent?.name === name ? fieldError('name') : undefined;
  const ifaceError = sent?.interface === iface ? fieldError('interface') : undefined;
  const subnetError = fieldError('subnet');
  const probeError = fieldError('probe_host');
  // needs_subnet opens the prompt; name_taken is shown on the interface field.
  const showAlert = error && !(error instanceof ApiError && (error.code === 'needs_subnet' || error.code === 'name_taken'));

  return (
    <section className="panel upload-panel" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <div className="upload-panel__header">
        <h2 id={headingId}>Upload a client config</h2>
        <p className="field__hint">A wg-quick <code>.conf</code> of the remote site. peergate checks it and stores it inactive.</p>
      </div>
      <form className="form" onSubmit={submit} noValidate>
        {showAlert && <ProblemAlert error={error} prefix="Upload refused" fields={FORM_FIELDS} focus />}
        <ConfFilePicker
          file={file}
          error={fileError}
          inputRef={inputRef}
          onChange={(chosen, refused) => {
            upload.reset();
            setFile(chosen);
            setFileError(refused);
          }}
        />
        <div className="form__grid">
          <UploadNameFields
            name={name}
            onNameChange={setName}
            iface={iface}
            onIfaceChange={setIface}
            defaultName={fileStem}
            nameError={nameError}
            ifaceError={ifaceError}
          />
          <SubnetField
            value={subnet}
            onChange={setSubnet}
            serverError={subnetError}
            hint="Needed when the config routes all traffic (0.0.0.0/0)."
          />
          <TextField
            label="Probe host"
            optional
            name="probe_host"
            placeholder="first host of the subnet"
            value={probe}
            onChange={setProbe}
            hint="An address in the subnet that connectivity checks ping."
            error={probeError}
          />
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={upload.isPending}>
            {upload.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
            {upload.isPending ? 'Uploading…' : 'Upload'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={upload.isPending} data-cancel>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
