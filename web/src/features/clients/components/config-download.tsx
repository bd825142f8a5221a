import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { downloadText } from '@/lib/download';
import { errorMessage } from '@/lib/errors';
import { useExportClient } from '../api/export-client';
import type { Client } from '../api/types';

/**
 * Downloads of the config peergate wrote: redacted at once; with the private key only after a
 * confirmation that says what the file holds and that the download is recorded.
 */
export function ConfigDownload({ client }: { client: Pick<Client, 'id' | 'interface'> }) {
  const download = useExportClient();
  const [confirming, setConfirming] = useState(false);
  const fileName = `${client.interface}.conf`;

  const run = (includeKeys: boolean) =>
    download.mutate(
      { id: client.id, includeKeys },
      {
        onSuccess: (text) => {
          setConfirming(false);
          downloadText(fileName, text);
        },
        onError: () => setConfirming(false),
      },
    );

  return (
    <div className="config-download">
      <button type="button" className="button button--secondary button--small" disabled={download.isPending} onClick={() => run(false)}>
        Download config (redacted)
      </button>
      <button type="button" className="button button--secondary button--small" disabled={download.isPending} onClick={() => setConfirming(true)}>
        Download config with private key…
      </button>
      {download.isError && (
        <p className="form-error" role="alert">
          The download failed: {errorMessage(download.error)}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Download ${fileName} with its private key?`}
          confirmLabel="Download with private key"
          busyLabel="Downloading…"
          busy={download.isPending}
          onConfirm={() => run(true)}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The file contains this gateway&apos;s private key for the tunnel: anyone who has it can impersonate this side.
            Keep it where only admins can read it. The download is recorded in the audit log.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
