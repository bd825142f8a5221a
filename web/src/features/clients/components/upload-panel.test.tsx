import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient, makePending } from '@/testing/fixtures';
import type { PendingUpload } from '../api/types';

const FULL_TUNNEL = '[Interface]\nPrivateKey = x\nAddress = 10.204.0.2/32\n\n[Peer]\nPublicKey = y\nAllowedIPs = 0.0.0.0/0\nEndpoint = 192.0.2.10:51820\n';

async function openUpload() {
  const user = userEvent.setup();
  renderApp('/');
  await user.click(await screen.findByRole('button', { name: 'Upload your first config' }));
  await user.upload(screen.getByLabelText('Choose file'), new File([FULL_TUNNEL], 'site-a.conf', { type: 'text/plain' }));
  return user;
}

describe('upload', () => {
  beforeEach(signedIn);

  it('asks for the subnet of a full-tunnel config, validates it while typing and completes the upload', async () => {
    const uploads: { name: FormDataEntryValue | null; file: boolean; csrf: string | null }[] = [];
    const completions: unknown[] = [];
    let created = false;
    server.use(
      http.post('*/api/clients/upload', async ({ request }) => {
        const form = await request.formData();
        // (jsdom's File does not survive Node's multipart encoder intact: the e2e test checks the bytes.)
        uploads.push({ name: form.get('name'), file: form.has('file'), csrf: request.headers.get('X-CSRF-Token') });
        return problem(422, 'needs_subnet', 'line 7: AllowedIPs route all traffic into the tunnel (a full tunnel), which would cut the gateway off; enter the remote site\'s subnet, such as 10.77.0.0/24', {
          extra: { pending_id: 'abc123', expires_at: Math.floor(Date.now() / 1000) + 3600, lines: [7], warnings: [{ line: 4, code: 'dns_dropped', message: 'DNS is dropped.' }] },
        });
      }),
      http.post('*/api/clients/pending/abc123/subnet', async ({ request }) => {
        completions.push(await request.json());
        created = true;
        return HttpResponse.json(makeClient({ id: 7, name: 'site-a' }), { status: 201 });
      }),
      http.get('*/api/clients', () => HttpResponse.json(created ? [makeClient({ id: 7, name: 'site-a' })] : [])),
    );
    const user = await openUpload();
    expect(screen.getByText('site-a.conf')).toBeVisible();
    await user.type(screen.getByLabelText('Name'), 'site-a');
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    const prompt = await screen.findByRole('region', { name: 'site-a: which subnet is behind this tunnel?' });
    expect(prompt).toHaveTextContent('would route all of the gateway’s traffic into the tunnel');
    expect(prompt).toHaveTextContent('AllowedIPs on line 7');
    expect(within(prompt).getByText('DNS is dropped.')).toBeVisible();
    expect(uploads).toEqual([{ name: 'site-a', file: true, csrf: 'token-1' }]);

    const subnet = within(prompt).getByLabelText('Remote subnet');
    expect(subnet).toHaveFocus();
    await user.type(subnet, '10.77.0.5/24');
    expect(subnet).toBeInvalid();
    expect(subnet).toHaveAccessibleDescription(expect.stringContaining('10.77.0.5/24 has host bits set: did you mean 10.77.0.0/24?'));
    // Invalid input is never sent.
    await user.click(within(prompt).getByRole('button', { name: 'Save subnet' }));
    expect(completions).toEqual([]);

    await user.clear(subnet);
    await user.type(subnet, '10.77.0.0/24');
    expect(subnet).toBeValid();
    await user.click(within(prompt).getByRole('button', { name: 'Save subnet' }));

    expect(await screen.findByText(/Uploaded site-a \(interface site-a\)/)).toBeVisible();
    expect(completions).toEqual([{ subnet: '10.77.0.0/24' }]);
    expect(await screen.findByRole('link', { name: 'site-a' })).toBeVisible();
    expect(screen.queryByRole('region', { name: /which subnet/ })).not.toBeInTheDocument();
  });

  it('shows the server’s reason for a refused subnet under the field', async () => {
    server.use(
      http.post('*/api/clients/upload', () => problem(422, 'needs_subnet', 'line 7: full tunnel', { extra: { pending_id: 'p1', lines: [7], warnings: [] } })),
      http.post('*/api/clients/pending/p1/subnet', () =>
        problem(422, 'subnet_overlap', '10.201.0.0/24 overlaps the gateway’s LAN 10.201.0.0/24', {
          errors: [{ field: 'subnet', line: null, message: '10.201.0.0/24 overlaps the gateway’s LAN 10.201.0.0/24' }],
        }),
      ),
    );
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    const subnet = await screen.findByLabelText('Remote subnet');
    await user.type(subnet, '10.201.0.0/24');
    await user.click(screen.getByRole('button', { name: 'Save subnet' }));

    await waitFor(() => expect(subnet).toHaveAccessibleDescription(expect.stringContaining('overlaps the gateway’s LAN 10.201.0.0/24')));
    expect(subnet).toBeInvalid();
  });

  it('shows a refusal with its line number', async () => {
    server.use(
      http.post('*/api/clients/upload', () =>
        problem(422, 'hook_refused', 'line 5: PostUp runs shell commands as root; peergate does not accept hooks', {
          errors: [{ field: 'file', line: 5, message: 'line 5: PostUp runs shell commands as root; peergate does not accept hooks' }],
        }),
      ),
    );
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Line 5 Upload refused: PostUp runs shell commands as root; peergate does not accept hooks');
    expect(screen.getByRole('button', { name: 'Upload' })).toBeEnabled();
  });

  it('refuses files over 64 KiB before sending them', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Upload your first config' }));
    await user.upload(screen.getByLabelText('Choose file'), new File(['x'.repeat(70 * 1024)], 'big.conf'));
    expect(screen.getByRole('alert')).toHaveTextContent('big.conf is 70 KiB; a WireGuard config is at most 64 KiB.');
  });

  it('says which upload is pending and lets the user enter its subnet from the list', async () => {
    server.use(
      http.get('*/api/clients/pending', () =>
        HttpResponse.json<PendingUpload[]>([makePending({ id: 'p9', name: 'site-b', created_at: Math.floor(Date.now() / 1000) - 60, expires_at: Math.floor(Date.now() / 1000) + 3000 })]),
      ),
      http.post('*/api/clients/pending/p9/subnet', () => HttpResponse.json(makeClient({ id: 9, name: 'site-b' }), { status: 201 })),
    );
    const user = userEvent.setup();
    renderApp('/');
    const row = (await screen.findByText('site-b')).closest('tr')!;
    expect(within(row).getByText('Needs subnet')).toBeVisible();
    await user.click(within(row).getByRole('button', { name: 'Enter subnet for site-b' }));
    await user.type(await screen.findByLabelText('Remote subnet'), '10.88.0.0/16');
    await user.click(screen.getByRole('button', { name: 'Save subnet' }));
    expect(await screen.findByText(/Uploaded site-b/)).toBeVisible();
  });

  it('reopens a pending upload with why it waits, and discards one after confirming', async () => {
    const deleted: string[] = [];
    let pending = [
      makePending({ id: 'p9', name: 'Home office', lines: [7], warnings: [{ line: 4, code: 'dns_dropped', message: 'DNS was removed.' }] }),
    ];
    server.use(
      http.get('*/api/clients/pending', () => HttpResponse.json<PendingUpload[]>(pending)),
      http.delete('*/api/clients/pending/:id', ({ params }) => {
        deleted.push(String(params.id));
        pending = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderApp('/');
    const row = (await screen.findByText('Home office')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: 'Enter subnet for Home office' }));
    const prompt = await screen.findByRole('region', { name: 'Home office: which subnet is behind this tunnel?' });
    expect(prompt).toHaveTextContent('AllowedIPs on line 7');
    expect(prompt).toHaveTextContent('Gateway: line 7: AllowedIPs route all traffic');
    expect(within(prompt).getByText('DNS was removed.')).toBeVisible();
    await user.click(within(prompt).getByRole('button', { name: 'Cancel' }));

    await user.click(within(row).getByRole('button', { name: 'Discard Home office' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Discard the upload Home office?' });
    expect(dialog).toHaveTextContent('private key');
    await user.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Discarded the upload Home office.')).toBeVisible();
    expect(deleted).toEqual(['p9']);
    await waitFor(() => expect(screen.queryByText('Home office')).toBeNull());
  });
});

describe('upload panel, rough edges', () => {
  beforeEach(signedIn);

  it('starts on the file field, and Escape closes it', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Upload your first config' }));
    expect(screen.getByLabelText('Choose file')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Upload a client config' })).not.toBeInTheDocument();
  });

  it('lists every problem of a refused file with its line, once, and moves focus to the list', async () => {
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    server.use(
      http.post('*/api/clients/upload', () =>
        problem(422, 'invalid_config', '3 problems in this file: line 2: bad key; line 5: bad address; line 9: unknown section', {
          errors: [
            { field: 'file', line: 2, message: 'PrivateKey is not a WireGuard key.' },
            { field: 'file', line: 5, message: 'Address is not an address.' },
            { field: 'file', line: 9, message: 'Unknown section [Foo].' },
          ],
        }),
      ),
    );
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Upload refused: 3 problems:');
    const items = within(alert).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Line 2 PrivateKey is not a WireGuard key.',
      'Line 5 Address is not an address.',
      'Line 9 Unknown section [Foo].',
    ]);
    expect(alert).not.toHaveTextContent('3 problems in this file');
    expect(alert).toHaveFocus();
    expect(scrolled).toHaveBeenCalled();
  });

  it('shows a refused field’s message on the field only, without the “field: message” detail', async () => {
    server.use(
      http.post('*/api/clients/upload', () =>
        problem(422, 'invalid_input', 'probe_host: not an address', { errors: [{ field: 'probe_host', message: 'not an address' }] }),
      ),
    );
    const user = await openUpload();
    await user.type(screen.getByLabelText(/Probe host/), 'nope');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByText('not an address')).toBeVisible();
    expect(screen.queryByText(/probe_host:/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Upload refused/)).not.toBeInTheDocument();
  });

  it('closes the prompt with one click on Cancel, and opens only one form at a time', async () => {
    server.use(http.get('*/api/clients/pending', () => HttpResponse.json<PendingUpload[]>([makePending({ id: 'p1', name: 'Lab' })])));
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Enter subnet for Lab' }));
    const prompt = await screen.findByRole('region', { name: 'Lab: which subnet is behind this tunnel?' });
    expect(within(prompt).getByLabelText('Remote subnet')).toHaveFocus();
    await user.click(within(prompt).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('region', { name: /which subnet/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Enter subnet for Lab' }));
    await screen.findByRole('region', { name: /which subnet/ });
    await user.click(screen.getByRole('button', { name: 'Upload config' }));
    expect(screen.getByRole('region', { name: 'Upload a client config' })).toBeVisible();
    expect(screen.queryByRole('region', { name: /which subnet/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Enter subnet for Lab' }));
    expect(screen.queryByRole('region', { name: 'Upload a client config' })).not.toBeInTheDocument();
  });
});
