import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient, makeDetail } from '@/testing/fixtures';
import type { ClientUpdate } from '../api/types';

/** The detail of client 1 and a PATCH that records its bodies and answers with `answer`. */
function editable(answer?: (body: ClientUpdate) => Response | undefined) {
  const bodies: ClientUpdate[] = [];
  server.use(
    http.get('*/api/clients/1', () => HttpResponse.json(makeDetail({ name: 'site-a', notes: 'rack 4' }))),
    http.get('*/api/clients/1/pings', () => HttpResponse.json([])),
    http.get('*/api/clients/1/traffic', () => HttpResponse.json([])),
    http.patch('*/api/clients/1', async ({ request }) => {
      const body = (await request.json()) as ClientUpdate;
      bodies.push(body);
      return answer?.(body) ?? HttpResponse.json(makeClient({ name: body.name ?? 'site-a', notes: body.notes ?? 'rack 4' }));
    }),
  );
  return bodies;
}

async function openEdit() {
  const user = userEvent.setup();
  renderApp('/clients/1');
  await user.click(await screen.findByRole('button', { name: 'Edit name and notes' }));
  const form = screen.getByRole('region', { name: 'Edit name and notes' });
  return { user, form };
}

describe('client detail: name and notes', () => {
  beforeEach(signedIn);

  it('shows the display name as the title and the interface beside it', async () => {
    editable();
    server.use(http.get('*/api/clients/1', () => HttpResponse.json(makeDetail({ name: 'Zürich office (1)', interface: 'zurich-office-1' }))));
    renderApp('/clients/1');
    expect(await screen.findByRole('heading', { name: 'Zürich office (1)', level: 1 })).toBeVisible();
    expect(screen.getByText('zurich-office-1', { selector: '.detail-header__meta .mono' })).toBeVisible();
  });

  it('saves a new name and notes, sending only what changed', async () => {
    const bodies = editable();
    const { user, form } = await openEdit();
    const name = within(form).getByLabelText('Name');
    expect(name).toHaveFocus();
    expect(name).toHaveValue('site-a');
    expect(within(form).getByLabelText('Notes (optional)')).toHaveValue('rack 4');

    await user.clear(name);
    await user.type(name, 'Zürich office');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved the name and notes of Zürich office.')).toBeVisible();
    expect(await screen.findByRole('heading', { name: 'Zürich office', level: 1 })).toBeVisible();
    expect(screen.queryByRole('region', { name: 'Edit name and notes' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Edit name and notes' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Edit name and notes' }));
    const notes = screen.getByLabelText('Notes (optional)');
    await user.clear(notes);
    await user.type(notes, 'NOC: +41 44 000 00 00{Enter}rack 5');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByText(/rack 5/, { selector: '.notes' })).toBeVisible());
    expect(bodies).toEqual([{ name: 'Zürich office' }, { notes: 'NOC: +41 44 000 00 00\nrack 5' }]);
  });

  it('puts a refused name and refused notes next to their fields', async () => {
    const nameMessage = 'The client name cannot be used: the name is 65 characters long; names have at most 64';
    const notesMessage = 'Notes have at most 2000 characters; these have 2001';
    editable((body) =>
      body.name !== undefined
        ? problem(422, 'invalid_display_name', nameMessage, { errors: [{ field: 'name', line: null, message: nameMessage }] })
        : problem(422, 'invalid_notes', notesMessage, { errors: [{ field: 'notes', line: null, message: notesMessage }] }),
    );
    const { user, form } = await openEdit();
    const name = within(form).getByLabelText('Name');
    const notes = within(form).getByLabelText('Notes (optional)');
    await user.type(name, 'x');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(name).toBeInvalid());
    expect(name).toHaveAccessibleDescription(expect.stringContaining(nameMessage));
    expect(notes).toBeValid();
    expect(within(form).queryByRole('alert')).toBeNull();

    await user.clear(name);
    await user.type(name, 'site-a');
    expect(name).toBeValid();
    await user.type(notes, '!');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(notes).toBeInvalid());
    expect(notes).toHaveAccessibleDescription(expect.stringContaining(notesMessage));
    expect(name).toBeValid();
  });

  it('Escape and Cancel drop the edits without saving', async () => {
    const bodies = editable();
    const { user, form } = await openEdit();
    await user.type(within(form).getByLabelText('Name'), ' changed');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Edit name and notes' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'site-a', level: 1 })).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Edit name and notes' }));
    const name = screen.getByLabelText('Name');
    expect(name).toHaveValue('site-a');
    await user.type(screen.getByLabelText('Notes (optional)'), ' and more');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Edit name and notes' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Edit name and notes' }));
    expect(screen.getByLabelText('Notes (optional)')).toHaveValue('rack 4');

    // Saving without changes sends nothing (an empty PATCH is refused).
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.queryByRole('region', { name: 'Edit name and notes' })).toBeNull();
    expect(bodies).toEqual([]);
  });

  it('says so when the client has no notes', async () => {
    editable();
    server.use(http.get('*/api/clients/1', () => HttpResponse.json(makeDetail({ notes: '' }))));
    renderApp('/clients/1');
    const notes = (await screen.findByText('Notes')).closest('.fact')!;
    expect(notes).toHaveTextContent('None');
  });
});
