import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient } from '@/testing/fixtures';

const CONF = '[Interface]\nPrivateKey = x\nAddress = 10.204.0.2/32\n\n[Peer]\nPublicKey = y\nAllowedIPs = 10.77.0.0/24\nEndpoint = 192.0.2.10:51820\n';
const RULE = '1–15 letters, digits or _ = . -, not starting with -; leave empty to derive it from the name.';

async function openUpload(fileName = 'site-a.conf') {
  const user = userEvent.setup();
  renderApp('/');
  await user.click(await screen.findByRole('button', { name: 'Upload your first config' }));
  await user.upload(screen.getByLabelText('Choose file'), new File([CONF], fileName, { type: 'text/plain' }));
  return user;
}

/** Records the multipart fields of every upload and answers with `answer` (a created client by default). */
function recordUploads(answer: () => Response = () => HttpResponse.json(makeClient(), { status: 201 })) {
  const forms: Record<string, FormDataEntryValue | null>[] = [];
  server.use(
    http.post('*/api/clients/upload', async ({ request }) => {
      const form = await request.formData();
      forms.push({ name: form.get('name'), interface: form.get('interface') });
      return answer();
    }),
  );
  return forms;
}

describe('upload: name and interface name', () => {
  beforeEach(signedIn);

  it('shows the interface derived from the file name, then from the name as it is typed (debounced)', async () => {
    const asked: string[] = [];
    // Records, then falls through to the default handler (which derives the name).
    server.use(
      http.get('*/api/clients/interface-name', ({ request }) => {
        asked.push(new URL(request.url).searchParams.get('name') ?? '');
      }),
    );
    const user = await openUpload('Zürich office (1).conf');
    const name = screen.getByLabelText('Name');
    expect(name).toHaveAttribute('placeholder', 'Zürich office (1)');
    await waitFor(() => expect(name).toHaveAccessibleDescription(expect.stringContaining('Interface zurich-office-1 (derived from the name)')));
    // No interface field until the user asks for one: the derived name is just shown.
    expect(screen.queryByLabelText('Interface name')).toBeNull();

    await user.type(name, 'Genève');
    await waitFor(() => expect(name).toHaveAccessibleDescription(expect.stringContaining('Interface geneve (derived from the name)')));
    expect(asked).toEqual(['Zürich office (1)', 'Genève']);
  });

  it('sends the display name as typed and no interface when it is derived', async () => {
    const forms = recordUploads();
    const user = await openUpload();
    await user.type(screen.getByLabelText('Name'), 'Zürich office (1)');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(forms).toEqual([{ name: 'Zürich office (1)', interface: null }]));
  });

  it('lets the user choose the interface name, explains the rule, and goes back to deriving it', async () => {
    const forms = recordUploads();
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Edit interface name' }));
    const iface = screen.getByLabelText('Interface name');
    expect(iface).toHaveFocus();
    expect(iface).toHaveAccessibleDescription(RULE);
    await user.type(iface, 'wg-zh');
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription(expect.stringContaining('Interface wg-zh (chosen below)'));

    await user.click(screen.getByRole('button', { name: 'Derive it from the name' }));
    expect(screen.queryByLabelText('Interface name')).toBeNull();
    expect(screen.getByRole('button', { name: 'Edit interface name' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Edit interface name' }));
    await user.type(screen.getByLabelText('Interface name'), 'wg-zh');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(forms).toEqual([{ name: null, interface: 'wg-zh' }]));
  });

  it('puts a taken interface name next to the interface field, until it is changed', async () => {
    const forms = recordUploads(() =>
      problem(409, 'name_taken', 'Another client already uses the interface `site-a`; choose another interface name or leave the field empty to get a free one'),
    );
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Edit interface name' }));
    await user.type(screen.getByLabelText('Interface name'), 'site-a');
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    const iface = screen.getByLabelText('Interface name');
    await waitFor(() => expect(iface).toBeInvalid());
    expect(iface).toHaveAccessibleDescription(expect.stringContaining('Another client already uses the interface `site-a`'));
    expect(screen.getByLabelText('Name')).toBeValid();
    expect(forms).toEqual([{ name: null, interface: 'site-a' }]);
    await user.type(iface, '2');
    expect(iface).toBeValid();
  });

  it('opens the interface field for a taken interface even when it was derived', async () => {
    recordUploads(() => problem(409, 'name_taken', 'Another client took the interface `site-a` meanwhile; leave the field empty to get a free one'));
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    const iface = await screen.findByLabelText('Interface name');
    expect(iface).toBeInvalid();
    expect(iface).toHaveAccessibleDescription(expect.stringContaining('took the interface `site-a` meanwhile'));
  });

  it('puts a refused interface name next to the interface field', async () => {
    const message = 'The interface name cannot be used: it starts with -';
    recordUploads(() => problem(422, 'invalid_name', message, { errors: [{ field: 'interface', line: null, message }] }));
    const user = await openUpload();
    await user.click(screen.getByRole('button', { name: 'Edit interface name' }));
    await user.type(screen.getByLabelText('Interface name'), '-x');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(screen.getByLabelText('Interface name')).toHaveAccessibleDescription(expect.stringContaining(message)));
    expect(screen.getByLabelText('Name')).toBeValid();
  });

  it('puts a refused display name next to the name field', async () => {
    const message = 'The client name cannot be used: the name is 65 characters long; names have at most 64';
    recordUploads(() => problem(422, 'invalid_display_name', message, { errors: [{ field: 'name', line: null, message }] }));
    const user = await openUpload();
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    const name = screen.getByLabelText('Name');
    await waitFor(() => expect(name).toBeInvalid());
    expect(name).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(screen.queryByLabelText('Interface name')).toBeNull();
  });

  it('says while typing that the gateway refuses a name', async () => {
    const message = 'The client name cannot be used: it holds a control character';
    server.use(http.get('*/api/clients/interface-name', () => problem(422, 'invalid_display_name', message, { errors: [{ field: 'name', line: null, message }] })));
    await openUpload();
    const name = screen.getByLabelText('Name');
    await waitFor(() => expect(name).toBeInvalid());
    expect(name).toHaveAccessibleDescription(expect.stringContaining(message));
  });
});
