import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { cacheHolds, makeToken, makeUser } from '@/testing/admin-fixtures';
import type { NewToken, TokenInfo } from '../api/types';

const now = () => Math.floor(Date.now() / 1000);
const SECRET = 'pg_tok_8fJ2kQ9xVb3nLm7pRt5wYz1a';

function rowOf(name: string) {
  return screen.getByRole('rowheader', { name }).closest('tr')!;
}

const notifications = () => screen.getByRole('status', { name: 'Notifications' });

describe('API tokens page', () => {
  beforeEach(() => {
    signedIn();
    server.use(http.get('*/api/users', () => HttpResponse.json([makeUser(), makeUser({ id: 2, username: 'bob', role: 'operator' })])));
  });

  it('lists tokens as live, expired or revoked, with revoke only for live ones', async () => {
    server.use(
      http.get('*/api/tokens', () =>
        HttpResponse.json([
          makeToken({ id: 1, name: 'backup script', last_used_at: now() - 120 }),
          makeToken({ id: 2, name: 'old monitor', username: 'bob', expires_at: now() - 60 }),
          makeToken({ id: 3, name: 'leaked', revoked_at: now() - 30 }),
        ]),
      ),
    );
    renderApp('/admin/tokens');
    await screen.findByRole('rowheader', { name: 'backup script' });
    expect(document.title).toBe('API tokens · peergate');

    const live = within(rowOf('backup script'));
    expect(live.getByText('Live')).toBeVisible();
    expect(live.getByText('2 min ago')).toBeVisible();
    expect(live.getByText('Never')).toBeVisible();
    expect(live.getByRole('button', { name: 'Revoke backup script' })).toBeVisible();

    const expired = within(rowOf('old monitor'));
    expect(expired.getByText('Expired')).toBeVisible();
    expect(expired.getByText('bob')).toBeVisible();
    expect(expired.queryByRole('button')).not.toBeInTheDocument();

    const revoked = within(rowOf('leaked'));
    expect(revoked.getByText('Revoked')).toBeVisible();
    expect(revoked.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says when there are no tokens yet', async () => {
    server.use(http.get('*/api/tokens', () => HttpResponse.json([])));
    renderApp('/admin/tokens');
    expect(await screen.findByText('No API tokens yet.')).toBeVisible();
  });

  it('shows a new token once, then keeps it nowhere', async () => {
    const tokens: TokenInfo[] = [];
    const received: NewToken[] = [];
    server.use(
      http.get('*/api/tokens', () => HttpResponse.json(tokens)),
      http.post('*/api/tokens', async ({ request }) => {
        const body = (await request.json()) as NewToken;
        received.push(body);
        const info = makeToken({ id: 9, name: body.name, username: body.username ?? 'alice', expires_at: now() + 30 * 86_400 });
        tokens.push(info);
        return HttpResponse.json({ token: SECRET, info }, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    const { queryClient } = renderApp('/admin/tokens');
    const opener = await screen.findByRole('button', { name: 'Create token' });
    await user.click(opener);

    let dialog = screen.getByRole('dialog', { name: 'Create an API token' });
    expect(within(dialog).getByLabelText('Name')).toHaveFocus();
    await user.type(within(dialog).getByLabelText('Name'), 'ci deploy');
    await user.selectOptions(within(dialog).getByLabelText('User'), 'bob');
    await user.type(within(dialog).getByLabelText(/Expires after/), '30');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    dialog = await screen.findByRole('dialog', { name: 'Token created' });
    expect(within(dialog).getByLabelText('Token “ci deploy” of bob')).toHaveValue(SECRET);
    expect(dialog).toHaveTextContent('Copy it now: it will not be shown again.');
    expect(within(dialog).getByRole('button', { name: 'Copy Token “ci deploy” of bob' })).toBeVisible();
    expect(received).toEqual([{ name: 'ci deploy', username: 'bob', expires_in_days: 30 }]);
    expect(await screen.findByRole('rowheader', { name: 'ci deploy' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(opener).toHaveFocus();
    await waitFor(() => expect(cacheHolds(queryClient, SECRET)).toBe(false));
  });

  it('checks the name and expiry before sending, and closes on Escape', async () => {
    server.use(http.get('*/api/tokens', () => HttpResponse.json([])));
    const user = userEvent.setup();
    renderApp('/admin/tokens');
    const opener = await screen.findByRole('button', { name: 'Create token' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Create an API token' });
    await user.type(within(dialog).getByLabelText(/Expires after/), '9999');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription(/Give the token a name/);
    expect(within(dialog).getByLabelText(/Expires after/)).toHaveAccessibleDescription(/from 1 to 3650/);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it('shows the server’s field error on its field', async () => {
    server.use(
      http.get('*/api/tokens', () => HttpResponse.json([])),
      http.post('*/api/tokens', () =>
        problem(422, 'validation_failed', 'Some fields are invalid.', { errors: [{ field: 'name', message: 'At most 64 characters.' }] }),
      ),
    );
    const user = userEvent.setup();
    renderApp('/admin/tokens');
    await user.click(await screen.findByRole('button', { name: 'Create token' }));
    const dialog = screen.getByRole('dialog', { name: 'Create an API token' });
    await user.type(within(dialog).getByLabelText('Name'), 'x');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    await waitFor(() => expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription(/At most 64 characters\.$/));
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('revokes a token after a confirmation', async () => {
    let tokens = [makeToken()];
    const revoked: string[] = [];
    server.use(
      http.get('*/api/tokens', () => HttpResponse.json(tokens)),
      http.delete('*/api/tokens/:id', ({ params }) => {
        revoked.push(String(params.id));
        tokens = tokens.map((t) => ({ ...t, revoked_at: now() }));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const user = userEvent.setup();
    renderApp('/admin/tokens');
    await user.click(await screen.findByRole('button', { name: 'Revoke backup script' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Revoke the token “backup script” of alice?' });
    expect(dialog).toHaveAccessibleDescription(/refused from now on/);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(revoked).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Revoke backup script' }));
    dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    expect(await within(notifications()).findByText('Revoked the token “backup script”.')).toBeVisible();
    expect(revoked).toEqual(['1']);
    expect(within(rowOf('backup script')).getByText('Revoked')).toBeVisible();
  });

  it('says when a token to revoke is already gone', async () => {
    server.use(
      http.get('*/api/tokens', () => HttpResponse.json([makeToken()])),
      http.delete('*/api/tokens/1', () => problem(404, 'not_found', 'No such token.')),
    );
    const user = userEvent.setup();
    renderApp('/admin/tokens');
    await user.click(await screen.findByRole('button', { name: 'Revoke backup script' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke token' }));
    expect(
      await within(notifications()).findByText('Revoking the token “backup script” failed. It does not exist any more; the list has been refreshed.'),
    ).toBeVisible();
  });
});
