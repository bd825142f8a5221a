import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, delay, http } from 'msw';
import { alice, problem, server, session } from '@/testing/server';
import { renderApp } from '@/testing/render';

function loginSucceeds() {
  let signedIn = false;
  const received: unknown[] = [];
  server.use(
    http.post('*/api/auth/login', async ({ request }) => {
      received.push(await request.json());
      signedIn = true;
      return session(alice, 'token-1');
    }),
    http.get('*/api/auth/me', () =>
      signedIn ? session(alice, 'token-1') : problem(401, 'unauthenticated', 'Sign in first.'),
    ),
  );
  return received;
}

async function fillAndSubmit(username = 'alice', password = 'correct horse') {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Username'), username);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('login form', () => {
  it('shows labelled fields with autocomplete hints and focuses the username', async () => {
    renderApp('/login');
    const username = await screen.findByLabelText('Username');
    const password = screen.getByLabelText('Password');
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(username).toHaveAttribute('autocomplete', 'username');
    expect(password).toHaveAttribute('autocomplete', 'current-password');
    expect(password).toHaveAttribute('type', 'password');
    expect(username).toHaveFocus();
  });

  it('is titled "Sign in" and offers only what exists: a local account, the first one made on the gateway', async () => {
    renderApp('/login');
    await screen.findByLabelText('Username');
    expect(document.title).toBe('Sign in · peergate');
    const main = screen.getByRole('main');
    expect(main).toHaveTextContent('Sign in with your peergate account.');
    // The command wraps only between its words, so each word is an element of its own.
    const command = within(main).getByText((_, element) => element?.tagName === 'CODE' && element.textContent === 'peergate user add --username NAME --role admin');
    expect(command).toBeVisible();
    expect(main).not.toHaveTextContent(/PeeringDB|ZeroTier|portal|single sign-on|sign up/i);
    expect(within(main).getAllByRole('button').map((b) => b.textContent)).toEqual(['Sign in']);
  });

  it('sends the user to /login when signed out, then back to the dashboard after signing in', async () => {
    const received = loginSucceeds();
    const { router } = renderApp('/');
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(router.state.location.pathname).toBe('/login');

    await fillAndSubmit();

    expect(await screen.findByRole('heading', { name: 'Clients' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/');
    expect(received).toEqual([{ username: 'alice', password: 'correct horse' }]);
    expect(await screen.findByText('No clients yet.')).toBeVisible();
    const header = screen.getByRole('banner');
    expect(within(header).getByText('alice')).toBeVisible();
    // The role tag (a span), not the Admin link of the navigation.
    expect(within(header).getByText('Admin', { selector: 'span' })).toBeVisible();
    expect(await screen.findByText('Signed in as alice')).toBeVisible();
  });

  it("shows the server's detail when the password is wrong", async () => {
    server.use(http.post('*/api/auth/login', () => problem(401, 'invalid_credentials', 'Wrong username or password.')));
    renderApp('/login');
    await fillAndSubmit('alice', 'nope');

    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.queryByRole('heading', { name: 'Clients' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('says how long to wait when rate limited', async () => {
    server.use(
      http.post('*/api/auth/login', () =>
        problem(429, 'rate_limited', 'Too many attempts.', { headers: { 'Retry-After': '42' } }),
      ),
    );
    renderApp('/login');
    await fillAndSubmit();

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in 42 seconds.');
  });

  it('shows field errors from a 422 next to the field', async () => {
    server.use(
      http.post('*/api/auth/login', () =>
        problem(422, 'validation_failed', 'Some fields are invalid.', {
          errors: [{ field: 'username', message: 'Username must not be empty.' }],
        }),
      ),
    );
    renderApp('/login');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Username must not be empty.')).toBeVisible();
    expect(screen.getByLabelText('Username')).toHaveAccessibleDescription('Username must not be empty.');
    expect(screen.getByLabelText('Username')).toBeInvalid();
  });

  it("shows a field error only at its field, without the problem's detail as an alert", async () => {
    server.use(
      http.post('*/api/auth/login', () =>
        problem(422, 'validation_failed', 'username: Username must not be empty.', {
          errors: [{ field: 'username', message: 'Username must not be empty.' }],
        }),
      ),
    );
    renderApp('/login');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const username = screen.getByLabelText('Username');
    expect(await screen.findByText('Username must not be empty.')).toBeVisible();
    expect(username).toHaveAccessibleDescription('Username must not be empty.');
    expect(username).toBeInvalid();
    expect(screen.getByLabelText('Password')).toBeValid();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/username: /)).not.toBeInTheDocument();
    expect(username.closest('form')).not.toHaveAttribute('aria-describedby');
  });

  it('disables the button while signing in', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post('*/api/auth/login', async () => {
        await released;
        return problem(401, 'invalid_credentials', 'Wrong username or password.');
      }),
    );
    renderApp('/login');
    await fillAndSubmit();

    const button = await screen.findByRole('button', { name: 'Signing in…' });
    expect(button).toBeDisabled();
    release();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('tells the user when the gateway cannot be reached', async () => {
    server.use(http.post('*/api/auth/login', () => HttpResponse.error()));
    renderApp('/login');
    await fillAndSubmit();

    expect(await screen.findByText('Cannot reach the gateway. Check your connection and try again.')).toBeVisible();
    expect(screen.getByText('Connection to the gateway lost — retrying…')).toBeVisible();
  });

  it('signs out and returns to the login page', async () => {
    loginSucceeds();
    let loggedOutWith: string | null = null;
    server.use(
      http.post('*/api/auth/logout', async ({ request }) => {
        loggedOutWith = request.headers.get('X-CSRF-Token');
        await delay(1);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { router } = renderApp('/');
    const user = await fillAndSubmit();
    await screen.findByRole('heading', { name: 'Clients' });

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeVisible();
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(loggedOutWith).toBe('token-1');
  });
});
