import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient } from '@/testing/fixtures';
import type { Client } from '../api/types';

/** A fake gateway holding `clients`: activate, deactivate and delete change them; `fail` answers a problem instead. */
function gateway(clients: Client[], fail: Record<number, () => Response> = {}) {
  let list = clients;
  const calls: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const change = (id: number, state: Client['state']) => {
    list = list.map((c) => (c.id === id ? { ...c, state } : c));
    return HttpResponse.json(list.find((c) => c.id === id));
  };
  const handle = (label: string, act: (id: number) => Response) => async ({ params }: { params: Record<string, string | readonly string[] | undefined> }) => {
    const id = Number(params.id);
    calls.push(`${label} ${id}`);
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight -= 1;
    return fail[id]?.() ?? act(id);
  };
  server.use(
    http.get('*/api/clients', () => HttpResponse.json(list)),
    http.post('*/api/clients/:id/activate', handle('activate', (id) => change(id, 'active'))),
    http.post('*/api/clients/:id/deactivate', handle('deactivate', (id) => change(id, 'inactive'))),
    http.delete(
      '*/api/clients/:id',
      handle('delete', (id) => {
        list = list.filter((c) => c.id !== id);
        return new HttpResponse(null, { status: 204 });
      }),
    ),
  );
  return { calls, mostInFlight: () => mostInFlight };
}

const site = (id: number, state: Client['state'] = 'inactive') => makeClient({ id, name: `site-${id}`, interface: `site-${id}`, state });

describe('bulk actions on the client list', () => {
  beforeEach(signedIn);

  it('selects clients by name, all shown ones at once, and counts only the shown ones', async () => {
    gateway([site(1), site(2), site(3), makeClient({ id: 4, name: 'other', interface: 'other' })]);
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('checkbox', { name: 'Select site-2' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select other' }));
    expect(screen.getByText('2 selected')).toBeVisible();

    // Hidden by the search, `other` stays selected but is left out of what the actions would touch.
    const search = screen.getByRole('searchbox', { name: 'Search clients' });
    await user.type(search, 'site');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'other' })).not.toBeInTheDocument());
    expect(screen.getByText('1 selected')).toBeVisible();
    const all = screen.getByRole('checkbox', { name: 'Select all 3 shown clients' });
    expect(all).toHaveProperty('indeterminate', true);
    await user.click(all);
    expect(screen.getByText('3 selected')).toBeVisible();
    expect(all).toBeChecked();
    for (const n of [1, 2, 3]) expect(screen.getByRole('checkbox', { name: `Select site-${n}` })).toBeChecked();

    await user.clear(search);
    expect(await screen.findByRole('checkbox', { name: 'Select other' })).toBeChecked();
    expect(screen.getByText('4 selected')).toBeVisible();
    expect(screen.getByRole('checkbox', { name: 'Select all 4 shown clients' })).toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByText(/selected$/)).not.toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Select site-1' })).not.toBeChecked();
  });

  it('activates the selected clients after naming them, skips the active one, and reports each outcome', async () => {
    const api = gateway([site(1), site(2, 'active'), site(3, 'failed'), site(4)], {
      3: () => problem(422, 'activation_failed', 'wg-quick: RTNETLINK answers: File exists'),
    });
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('checkbox', { name: 'Select all 4 shown clients' }));
    await user.click(screen.getByRole('button', { name: 'Activate selected clients' }));

    const dialog = screen.getByRole('alertdialog', { name: 'Activate 3 clients?' });
    expect(within(dialog).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['site-1', 'site-3', 'site-4']);
    expect(dialog).toHaveTextContent('Skipped, already active: site-2.');
    expect(api.calls).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Activate 3 clients' }));

    const results = await screen.findByRole('region', { name: /Activat/ });
    expect(await within(results).findByRole('heading', { name: 'Activated 2 of 3 clients' })).toBeVisible();
    expect(within(results).getByText('1 failed: site-3.')).toBeVisible();
    expect(within(results).getByText('Skipped 1 already active: site-2.')).toBeVisible();
    const items = within(results).getAllByRole('listitem');
    // Failures first, with the server's detail.
    expect(items[0]).toHaveTextContent('site-3Failedwg-quick: RTNETLINK answers: File exists');
    expect(items.slice(1).map((li) => li.textContent)).toEqual(['site-1Activated', 'site-4Activated']);
    expect(api.calls.sort()).toEqual(['activate 1', 'activate 3', 'activate 4']);

    // Not a toast per client.
    expect(within(screen.getByRole('status', { name: 'Notifications' })).queryByText(/site-/)).not.toBeInTheDocument();
    // The rows show the new states, and the failed client stays selected to try again.
    expect(await within(screen.getByRole('link', { name: 'site-4' }).closest('tr')!).findByText('Active')).toBeVisible();
    expect(screen.getByRole('checkbox', { name: 'Select site-3' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Select site-1' })).not.toBeChecked();
    expect(screen.getByText('1 selected')).toBeVisible();

    await user.click(within(results).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: /Activat/ })).not.toBeInTheDocument();
  });

  it('deletes many clients four at a time after a confirmation listing ten and counting the rest', async () => {
    const clients = Array.from({ length: 13 }, (_, i) => site(i + 1, i % 2 ? 'active' : 'inactive'));
    const api = gateway(clients);
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('checkbox', { name: 'Select all 13 shown clients' }));
    await user.click(screen.getByRole('button', { name: 'Delete selected clients' }));

    const dialog = screen.getByRole('alertdialog', { name: 'Delete 13 clients?' });
    const names = within(dialog).getAllByRole('listitem').map((li) => li.textContent);
    expect(names).toHaveLength(11);
    expect(names[10]).toBe('and 3 more');
    expect(dialog).toHaveAccessibleDescription(/This cannot be undone/);
    await user.click(within(dialog).getByRole('button', { name: 'Delete 13 clients' }));

    const results = await screen.findByRole('region', { name: /Delet/ });
    expect(await within(results).findByRole('heading', { name: 'Deleted 13 clients' })).toBeVisible();
    expect(within(results).getByText('All succeeded.')).toBeVisible();
    expect(api.calls).toHaveLength(13);
    expect(api.mostInFlight()).toBe(4);
    expect(await screen.findByText('No clients yet.')).toBeVisible();
  });

  it('offers only the actions that would change something, and Cancel runs nothing', async () => {
    const api = gateway([site(1, 'active'), site(2, 'active')]);
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('checkbox', { name: 'Select all 2 shown clients' }));
    expect(screen.getByRole('button', { name: 'Activate selected clients' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Deactivate selected clients' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Deactivate 2 clients?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it('marks the rows busy while their operation runs', async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let state: Client['state'] = 'inactive';
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([site(1, state)])),
      http.post('*/api/clients/1/activate', async () => {
        await released;
        state = 'active';
        return HttpResponse.json(site(1, state));
      }),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('checkbox', { name: 'Select site-1' }));
    await user.click(screen.getByRole('button', { name: 'Activate selected clients' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Activate site-1' }));

    expect(await screen.findByRole('heading', { name: 'Activating site-1…' })).toHaveFocus();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Activate site-1' })).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Delete site-1' })).toBeDisabled();
    release();
    expect(await screen.findByRole('heading', { name: 'Activated site-1' })).toBeVisible();
    expect(await screen.findByRole('button', { name: 'Deactivate site-1' })).toBeEnabled();
  });
});
