import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { server, session, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { carol, makeUser } from '@/testing/admin-fixtures';

describe('admin pages', () => {
  it('are linked from the header for admins and open on the users page', async () => {
    signedIn();
    server.use(http.get('*/api/users', () => HttpResponse.json([makeUser()])));
    const user = userEvent.setup();
    const { router } = renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    await user.click(within(nav).getByRole('link', { name: 'Admin' }));

    expect(await screen.findByRole('heading', { name: 'Users' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/admin/users');
    expect(document.title).toBe('Users · peergate');
    const adminNav = screen.getByRole('navigation', { name: 'Admin' });
    expect(within(adminNav).getByRole('link', { name: 'Users' })).toHaveAttribute('aria-current', 'page');
    expect(within(adminNav).getByRole('link', { name: 'API tokens' })).toBeVisible();
    expect(within(adminNav).getByRole('link', { name: 'Audit log' })).toBeVisible();
    expect(within(adminNav).getByRole('link', { name: 'Alerts' })).toHaveAttribute('href', '/admin/alerts');
  });

  it('tell an operator they need an admin account, without asking the admin API', async () => {
    // No handler for /api/users, /api/tokens, /api/audit or /api/alerts: any such request fails the test.
    server.use(http.get('*/api/auth/me', () => session(carol)));
    for (const path of ['/admin/users', '/admin/tokens', '/admin/audit', '/admin/alerts']) {
      const { unmount } = renderApp(path);
      expect(await screen.findByRole('heading', { name: 'This page needs an admin account' })).toBeVisible();
      expect(screen.getByText(/You are signed in as carol, an operator/)).toBeVisible();
      expect(screen.getByRole('link', { name: 'Back to the dashboard' })).toHaveAttribute('href', '/');
      expect(document.title).toBe('Needs an admin account · peergate');
      expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
      unmount();
    }
  });

  it('put the previous title back when leaving', async () => {
    signedIn();
    server.use(http.get('*/api/users', () => HttpResponse.json([])));
    document.title = 'peergate';
    const user = userEvent.setup();
    const { unmount } = renderApp('/admin/users');
    await screen.findByRole('heading', { name: 'Users' });
    expect(document.title).toBe('Users · peergate');
    // The dashboard has a title of its own; leaving the app puts the first one back.
    await user.click(screen.getByRole('link', { name: 'Dashboard' }));
    await waitFor(() => expect(document.title).toBe('Clients · peergate'));
    unmount();
    expect(document.title).toBe('peergate');
  });
});
