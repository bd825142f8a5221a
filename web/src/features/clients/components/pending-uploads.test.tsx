import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { formatDateTime } from '@/lib/format';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient, makePending } from '@/testing/fixtures';
import type { PendingUpload } from '../api/types';

const now = () => Math.floor(Date.now() / 1000);

function listPending(...pending: PendingUpload[]) {
  let list = pending;
  server.use(http.get('*/api/clients/pending', () => HttpResponse.json<PendingUpload[]>(list)));
  return { set: (next: PendingUpload[]) => (list = next) };
}

async function openPrompt(name: string) {
  const user = userEvent.setup();
  renderApp('/');
  const row = (await screen.findByText(name)).closest('tr')!;
  await user.click(within(row).getByRole('button', { name: `Enter subnet for ${name}` }));
  const prompt = await screen.findByRole('region', { name: `${name}: which subnet is behind this tunnel?` });
  return { user, row, prompt };
}

describe('pending uploads', () => {
  beforeEach(signedIn);

  it('says in the list when each was uploaded (relative, with the absolute time) and why it waits', async () => {
    const uploaded = now() - 5 * 60;
    listPending(
      makePending({ id: 'p1', name: 'Zürich office', created_at: uploaded, lines: [7, 9], warnings: [{ line: 4, code: 'dns_dropped', message: 'DNS was removed.' }] }),
      makePending({ id: 'p2', name: 'Lab', reason: 'wide_public_route', lines: [] }),
    );
    renderApp('/');
    const row = within((await screen.findByText('Zürich office')).closest('tr')!);
    const time = row.getByText('uploaded 5 min ago');
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('title', formatDateTime(uploaded));
    expect(time).toHaveAttribute('datetime', new Date(uploaded * 1000).toISOString());
    expect(row.getByText('Routes all traffic (line 7, 9); 1 warning')).toBeVisible();
    expect(within(screen.getByText('Lab').closest('tr')!).getByText('Routes too much public address space')).toBeVisible();
  });

  it('reopens with the upload time, the gateway’s reason with its lines, and the warnings', async () => {
    const uploaded = now() - 3 * 3600;
    listPending(makePending({ id: 'p1', name: 'site-b', created_at: uploaded, lines: [7], warnings: [{ line: 4, code: 'dns_dropped', message: 'DNS was removed.' }] }));
    const { prompt } = await openPrompt('site-b');
    expect(prompt).toHaveTextContent(`Uploaded ${formatDateTime(uploaded)} (3 h ago).`);
    expect(prompt).toHaveTextContent('This config is a full tunnel (AllowedIPs on line 7)');
    expect(prompt).toHaveTextContent("Gateway: line 7: AllowedIPs route all traffic into the tunnel; enter the remote site's subnet");
    expect(within(prompt).getByText('Line 4')).toBeVisible();
    expect(within(prompt).getByText('DNS was removed.')).toBeVisible();
  });

  it('explains a too wide public route differently from a full tunnel', async () => {
    listPending(makePending({ id: 'p1', name: 'Lab', reason: 'wide_public_route', message: 'line 5: AllowedIPs route 2^24 public addresses', lines: [5] }));
    const { prompt } = await openPrompt('Lab');
    expect(prompt).toHaveTextContent('This config routes more public address space (AllowedIPs on line 5) than the gateway accepts');
    expect(prompt).not.toHaveTextContent('full tunnel');
  });

  it('asks for another interface name when the one asked for was taken, and sends it as `interface`', async () => {
    const bodies: unknown[] = [];
    listPending(makePending({ id: 'p1', name: 'Zürich', interface: 'zurich' }));
    server.use(
      http.get('*/api/clients/interface-name', () => HttpResponse.json({ interface: 'zurich-2' })),
      http.post('*/api/clients/pending/p1/subnet', async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        if (body.interface !== 'zurich-2') return problem(409, 'name_taken', 'Another client already uses the interface `zurich`.');
        return HttpResponse.json(makeClient({ id: 5, name: 'Zürich', interface: 'zurich-2' }), { status: 201 });
      }),
    );
    const { user, prompt } = await openPrompt('Zürich');
    await user.type(within(prompt).getByLabelText('Remote subnet'), '10.77.0.0/24');
    await user.click(within(prompt).getByRole('button', { name: 'Save subnet' }));

    const iface = await within(prompt).findByLabelText('Interface name');
    expect(iface).toHaveValue('zurich');
    expect(iface).toBeInvalid();
    expect(iface).toHaveAccessibleDescription(expect.stringContaining('Another client already uses the interface `zurich`.'));
    expect(within(prompt).queryByRole('alert')).toBeNull();
    await user.click(await within(prompt).findByRole('button', { name: 'Use zurich-2' }));
    expect(iface).toHaveValue('zurich-2');
    expect(iface).toBeValid();
    await user.click(within(prompt).getByRole('button', { name: 'Save subnet' }));

    expect(await screen.findByText(/Uploaded Zürich \(interface zurich-2\)/)).toBeVisible();
    expect(bodies).toEqual([{ subnet: '10.77.0.0/24' }, { subnet: '10.77.0.0/24', interface: 'zurich-2' }]);
  });

  it('asks for another display name when the gateway refuses it, and sends it as `name`', async () => {
    const bodies: unknown[] = [];
    const message = 'The client name cannot be used: it looks like a WireGuard key';
    listPending(makePending({ id: 'p1', name: 'site-b' }));
    server.use(
      http.post('*/api/clients/pending/p1/subnet', async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        if (!body.name) return problem(422, 'invalid_display_name', message, { errors: [{ field: 'name', line: null, message }] });
        return HttpResponse.json(makeClient({ id: 5, name: 'Site B' }), { status: 201 });
      }),
    );
    const { user, prompt } = await openPrompt('site-b');
    await user.type(within(prompt).getByLabelText('Remote subnet'), '10.77.0.0/24');
    await user.click(within(prompt).getByRole('button', { name: 'Save subnet' }));
    const name = await within(prompt).findByLabelText('Name');
    expect(name).toHaveAccessibleDescription(message);
    expect(within(prompt).queryByLabelText('Interface name')).toBeNull();
    await user.clear(name);
    await user.type(name, 'Site B');
    await user.click(within(prompt).getByRole('button', { name: 'Save subnet' }));
    expect(await screen.findByText(/Uploaded Site B/)).toBeVisible();
    expect(bodies).toEqual([{ subnet: '10.77.0.0/24' }, { subnet: '10.77.0.0/24', name: 'Site B' }]);
  });

  it('discards an upload only after a confirmation that names it; Cancel keeps it', async () => {
    const deleted: string[] = [];
    const pending = listPending(makePending({ id: 'p1', name: 'Zürich office', created_at: now() - 60 }));
    server.use(
      http.delete('*/api/clients/pending/:id', ({ params }) => {
        deleted.push(String(params.id));
        pending.set([]);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user, row } = await openPrompt('Zürich office');
    const discard = within(row).getByRole('button', { name: 'Discard Zürich office' });
    await user.click(discard);
    let dialog = await screen.findByRole('alertdialog', { name: 'Discard the upload Zürich office?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(discard).toHaveFocus();
    expect(deleted).toEqual([]);

    await user.click(discard);
    dialog = await screen.findByRole('alertdialog', { name: 'Discard the upload Zürich office?' });
    await user.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Discarded the upload Zürich office.')).toBeVisible();
    expect(deleted).toEqual(['p1']);
    // The list refreshes, and the prompt that was open for it closes.
    await waitFor(() => expect(screen.queryByText('Zürich office')).toBeNull());
    expect(screen.queryByRole('region', { name: /which subnet/ })).toBeNull();
  });

  it('says when discarding failed', async () => {
    listPending(makePending({ id: 'p1', name: 'site-b' }));
    server.use(http.delete('*/api/clients/pending/p1', () => problem(404, 'not_found', 'No such pending upload: it expired.')));
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Discard site-b' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Discarding site-b failed: No such pending upload: it expired.')).toBeVisible();
  });
});
