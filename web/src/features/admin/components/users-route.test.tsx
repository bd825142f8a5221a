import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { cacheHolds, makeUser } from '@/testing/admin-fixtures';
import type { NewUser, UserAccount } from '../api/types';

const alice = makeUser();
const bob = makeUser({ id: 2, username: 'bob', role: 'operator', sessions: 2 });
const dora = makeUser({ id: 4, username: 'dora', role: 'admin', sessions: 0, disabled_at: Math.floor(Date.now() / 1000) - 60 });

function listUsers(users: UserAccount[] = [alice, bob, dora]) {
  server.use(http.get('*/api/users', () => HttpResponse.json(users)));
}

function rowOf(username: string) {
  return screen.getByRole('rowheader', { name: new RegExp(`^${username}`) }).closest('tr')!;
}

const notifications = () => screen.getByRole('status', { name: 'Notifications' });

async function openAddForm() {
  const user = userEvent.setup();
  const { queryClient } = renderApp('/admin/users');
  await user.click(await screen.findByRole('button', { name: 'Add user' }));
  return { user, queryClient };
}

describe('users page', () => {
  beforeEach(signedIn);

  it('lists every account with role, status, live sessions and marks your own', async () => {
    listUsers();
    renderApp('/admin/users');
    await screen.findByRole('rowheader', { name: /^bob/ });

    const own = within(rowOf('alice'));
    expect(own.getByText('you')).toBeVisible();
    expect(own.getByText('Enabled')).toBeVisible();
    // Your own account cannot be disabled or removed.
    expect(own.queryByRole('button', { name: 'Disable alice' })).not.toBeInTheDocument();
    expect(own.queryByRole('button', { name: 'Remove alice' })).not.toBeInTheDocument();

    const b = within(rowOf('bob'));
    expect(b.getByText('Operator')).toBeVisible();
    expect(b.getByText('2')).toBeVisible();
    expect(b.queryByText('you')).not.toBeInTheDocument();
    expect(b.getByRole('button', { name: 'Disable bob' })).toBeVisible();

    const d = within(rowOf('dora'));
    expect(d.getByText('Disabled')).toBeVisible();
    expect(d.getByRole('button', { name: 'Enable dora' })).toBeVisible();
  });

  it('shows a generated password once, and forgets it when closed', async () => {
    const users = [alice];
    const received: unknown[] = [];
    const erin = makeUser({ id: 5, username: 'erin', role: 'operator', sessions: 0 });
    server.use(
      http.get('*/api/users', () => HttpResponse.json(users)),
      http.post('*/api/users', async ({ request }) => {
        received.push(await request.json());
        users.push(erin);
        return HttpResponse.json({ user: erin, password: 'gen-Secret-1234' }, { status: 201 });
      }),
    );
    const { user, queryClient } = await openAddForm();
    await user.type(screen.getByLabelText('Username'), 'erin');
    await user.click(screen.getByRole('button', { name: 'Add user' }));

    const dialog = await screen.findByRole('dialog', { name: 'Added erin' });
    expect(within(dialog).getByLabelText('Password of erin')).toHaveValue('gen-Secret-1234');
    expect(dialog).toHaveTextContent('it will not be shown again');
    expect(within(dialog).getByRole('button', { name: 'Copy Password of erin' })).toBeVisible();
    expect(received).toEqual([{ username: 'erin', role: 'operator' } satisfies NewUser]);
    expect(await screen.findByRole('rowheader', { name: 'erin' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue('gen-Secret-1234')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add user' })).toHaveFocus();
    await waitFor(() => expect(cacheHolds(queryClient, 'gen-Secret-1234')).toBe(false));
  });

  it('sends a typed password and says so', async () => {
    listUsers([alice]);
    let body: NewUser | undefined;
    server.use(
      http.post('*/api/users', async ({ request }) => {
        body = (await request.json()) as NewUser;
        return HttpResponse.json({ user: makeUser({ id: 6, username: 'fay', role: 'admin' }), password: null }, { status: 201 });
      }),
    );
    const { user } = await openAddForm();
    await user.type(screen.getByLabelText('Username'), ' fay ');
    await user.selectOptions(screen.getByLabelText('Role'), 'admin');
    await user.click(screen.getByRole('radio', { name: 'Type one' }));
    await user.type(screen.getByLabelText('New password'), 'a long password!');
    await user.click(screen.getByRole('button', { name: 'Add user' }));

    expect(await within(notifications()).findByText('Added fay. They can sign in with the password you chose.')).toBeVisible();
    expect(body).toEqual({ username: 'fay', role: 'admin', password: 'a long password!' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows each field error on its field, not as a toast', async () => {
    listUsers([alice]);
    server.use(
      http.post('*/api/users', () =>
        problem(422, 'validation_failed', 'Some fields are invalid.', {
          errors: [
            { field: 'username', message: 'Use 1 to 32 of a-z, 0-9, dot, dash, underscore.' },
            { field: 'password', message: 'At least 12 characters.' },
          ],
        }),
      ),
    );
    const { user } = await openAddForm();
    await user.type(screen.getByLabelText('Username'), 'Bad Name');
    await user.click(screen.getByRole('radio', { name: 'Type one' }));
    await user.type(screen.getByLabelText('New password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Add user' }));

    const username = screen.getByLabelText('Username');
    await waitFor(() => expect(username).toHaveAccessibleDescription('Use 1 to 32 of a-z, 0-9, dot, dash, underscore.'));
    expect(username).toBeInvalid();
    const password = screen.getByLabelText('New password');
    expect(password).toHaveAccessibleDescription(/At least 12 characters\.$/);
    expect(password).toBeInvalid();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(notifications()).toBeEmptyDOMElement();
    expect(notifications()).not.toHaveTextContent('username');

    // Changing the field clears its error.
    await user.type(username, 'x');
    expect(username).not.toBeInvalid();
    expect(password).toBeInvalid();
  });

  it('says a taken username on the username field', async () => {
    listUsers([alice]);
    server.use(http.post('*/api/users', () => problem(409, 'user_exists', 'A user with that name exists.')));
    const { user } = await openAddForm();
    await user.type(screen.getByLabelText('Username'), 'bob');
    await user.click(screen.getByRole('button', { name: 'Add user' }));

    await waitFor(() => expect(screen.getByLabelText('Username')).toHaveAccessibleDescription('There is already a user named bob. Choose another name.'));
  });

  it('explains in plain words that the last admin cannot be disabled', async () => {
    listUsers();
    server.use(http.patch('*/api/users/bob', () => problem(409, 'last_admin', 'last_admin')));
    const user = userEvent.setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: 'Disable bob' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Disable bob?' });
    expect(dialog).toHaveAccessibleDescription(/API tokens stop working/);
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));

    expect(
      await within(notifications()).findByText(
        'Disabling bob failed. bob is the last enabled admin. Add or enable another admin first, so that someone can still manage peergate.',
      ),
    ).toBeVisible();
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('removes a user after a confirmation that names them', async () => {
    let users = [alice, bob];
    const removed: string[] = [];
    server.use(
      http.get('*/api/users', () => HttpResponse.json(users)),
      http.delete('*/api/users/:username', ({ params }) => {
        removed.push(String(params.username));
        users = users.filter((u) => u.username !== params.username);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: 'Remove bob' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Remove the user bob?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(removed).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Remove bob' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove bob' }));
    expect(await within(notifications()).findByText('Removed the user bob.')).toBeVisible();
    expect(removed).toEqual(['bob']);
    expect(screen.queryByRole('rowheader', { name: 'bob' })).not.toBeInTheDocument();
  });

  it('resets a password to a generated one, shown once, after saying that the sessions end', async () => {
    listUsers();
    const bodies: unknown[] = [];
    server.use(
      http.put('*/api/users/bob/password', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ password: 'new-Generated-99', sessions_ended: 2 });
      }),
    );
    const user = userEvent.setup();
    const { queryClient } = renderApp('/admin/users');
    const opener = await screen.findByRole('button', { name: 'Reset password of bob' });
    await user.click(opener);
    let dialog = screen.getByRole('dialog', { name: 'Reset the password of bob?' });
    expect(dialog).toHaveTextContent('All sessions of bob end (2 live now)');
    expect(within(dialog).getByRole('radio', { name: 'Generate one (shown once)' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));

    dialog = await screen.findByRole('dialog', { name: 'New password of bob' });
    expect(within(dialog).getByLabelText('New password of bob')).toHaveValue('new-Generated-99');
    expect(dialog).toHaveTextContent('2 sessions of bob ended.');
    expect(bodies).toEqual([{}]);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue('new-Generated-99')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    await waitFor(() => expect(cacheHolds(queryClient, 'new-Generated-99')).toBe(false));
  });

  it('warns that resetting your own password signs you out, and does', async () => {
    listUsers();
    server.use(http.put('*/api/users/alice/password', () => HttpResponse.json({ password: null, sessions_ended: 1 })));
    const user = userEvent.setup();
    const { router } = renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: 'Reset password of alice' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the password of alice?' });
    expect(dialog).toHaveTextContent('you will be signed out');
    await user.click(within(dialog).getByRole('radio', { name: 'Type one' }));
    await user.type(within(dialog).getByLabelText('New password'), 'my new long password');
    // The server has ended this session: /me now says so.
    server.use(http.get('*/api/auth/me', () => problem(401, 'unauthenticated', 'Sign in first.')));
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/login');
    expect(within(notifications()).getByText('Your password changed and you were signed out. Sign in with the new password.')).toBeVisible();
  });

  it('says in plain words that a disabled account needs enabling before its password is reset', async () => {
    listUsers();
    server.use(http.put('*/api/users/dora/password', () => problem(409, 'user_disabled', 'user_disabled')));
    const user = userEvent.setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: 'Reset password of dora' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the password of dora?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Not reset: dora is disabled. Enable the account first, then set its password.');
    expect(notifications()).toBeEmptyDOMElement();
  });

  it('ends the sessions of a user', async () => {
    listUsers();
    server.use(http.delete('*/api/users/bob/sessions', () => HttpResponse.json({ sessions_ended: 2 })));
    const user = userEvent.setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: 'End sessions of bob' }));
    const dialog = screen.getByRole('alertdialog', { name: 'End all sessions of bob?' });
    await user.click(within(dialog).getByRole('button', { name: 'End sessions' }));
    expect(await within(notifications()).findByText('Ended 2 sessions of bob.')).toBeVisible();
  });

  it('says when the list cannot be loaded', async () => {
    server.use(http.get('*/api/users', () => problem(403, 'forbidden', 'Admins only.')));
    renderApp('/admin/users');
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the users: Admins only.');
  });
});
