import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient } from '@/testing/fixtures';

function gate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

describe('activation controls', () => {
  beforeEach(signedIn);

  it('shows a loading state and disables every control of the client while activating', async () => {
    const { released, release } = gate();
    let csrf: string | null = null;
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([makeClient()])),
      http.post('*/api/clients/1/activate', async ({ request }) => {
        csrf = request.headers.get('X-CSRF-Token');
        await released;
        return HttpResponse.json(makeClient({ state: 'active' }));
      }),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Activate site-a' }));

    const busy = await screen.findByRole('button', { name: 'Activating… site-a' });
    expect(busy).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete site-a' })).toBeDisabled();
    release();

    expect(await screen.findByText('site-a is active: the tunnel is up.')).toBeVisible();
    expect(await screen.findByRole('button', { name: 'Deactivate site-a' })).toBeEnabled();
    expect(csrf).toBe('token-1');
  });

  it('keeps the controls of the other clients enabled while one client is busy', async () => {
    const { released, release } = gate();
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([makeClient(), makeClient({ id: 2, name: 'site-b', interface: 'site-b' })])),
      http.post('*/api/clients/1/activate', async () => {
        await released;
        return HttpResponse.json(makeClient({ state: 'active' }));
      }),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Activate site-a' }));

    expect(await screen.findByRole('button', { name: 'Activating… site-a' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete site-a' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Activate site-b' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Delete site-b' })).toBeEnabled();
    release();
    expect(await screen.findByRole('button', { name: 'Deactivate site-a' })).toBeEnabled();
  });

  it('shows wg-quick’s captured output when activation fails', async () => {
    const output = '[#] ip link add site-a type wireguard\nRTNETLINK answers: Operation not permitted';
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([makeClient()])),
      http.post('*/api/clients/1/activate', () => problem(422, 'activation_failed', output)),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Activate site-a' }));

    const notifications = screen.getByRole('status', { name: 'Notifications' });
    expect(await within(notifications).findByText('Activating site-a failed:')).toBeVisible();
    expect(within(notifications).getByText(/RTNETLINK answers: Operation not permitted/)).toBeVisible();
    expect(await screen.findByRole('button', { name: 'Activate site-a' })).toBeEnabled();
  });

  it('reports an operation already running', async () => {
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([makeClient()])),
      http.post('*/api/clients/1/activate', () => problem(409, 'operation_in_progress', 'Another operation on site-a is running.')),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Activate site-a' }));
    expect(await screen.findByText('Activating site-a failed: Another operation on site-a is running.')).toBeVisible();
  });

  it('asks before deactivating, and Cancel changes nothing', async () => {
    let deactivated = 0;
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([makeClient({ state: 'active' })])),
      http.post('*/api/clients/1/deactivate', () => {
        deactivated += 1;
        return HttpResponse.json(makeClient({ state: 'inactive' }));
      }),
    );
    const user = userEvent.setup();
    renderApp('/');
    const open = await screen.findByRole('button', { name: 'Deactivate site-a' });
    await user.click(open);
    let dialog = screen.getByRole('alertdialog', { name: 'Deactivate site-a?' });
    expect(dialog).toHaveAccessibleDescription(/LAN lose access to 10.77.0.0\/24/);
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(open).toHaveFocus();
    expect(deactivated).toBe(0);

    await user.click(open);
    dialog = screen.getByRole('alertdialog', { name: 'Deactivate site-a?' });
    await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    expect(await screen.findByText('site-a is inactive: the tunnel is down.')).toBeVisible();
    expect(deactivated).toBe(1);
    expect(await screen.findByRole('button', { name: 'Activate site-a' })).toBeVisible();
  });

  it('deletes after confirmation and shows the empty state', async () => {
    let deleted = false;
    server.use(
      http.get('*/api/clients', () => HttpResponse.json(deleted ? [] : [makeClient()])),
      http.delete('*/api/clients/1', () => {
        deleted = true;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Delete site-a' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete site-a?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete client' }));
    expect(await screen.findByText('Deleted site-a.')).toBeVisible();
    expect(await screen.findByText('No clients yet.')).toBeVisible();
  });

  it('shows the detail of a failed delete', async () => {
    server.use(
      http.get('*/api/clients', () => HttpResponse.json([makeClient()])),
      http.delete('*/api/clients/1', () => problem(500, 'internal', 'Could not remove /etc/wireguard/site-a.conf: permission denied.')),
    );
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Delete site-a' }));
    await user.click(screen.getByRole('button', { name: 'Delete client' }));
    expect(await screen.findByText('Deleting site-a failed: Could not remove /etc/wireguard/site-a.conf: permission denied.')).toBeVisible();
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'site-a' })).toBeVisible();
  });
});
