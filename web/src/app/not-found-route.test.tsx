import { screen } from '@testing-library/react';
import { signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';

describe('an unknown address', () => {
  it('says there is no such page, in the title too, and links back to the dashboard', async () => {
    signedIn();
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeVisible();
    expect(document.title).toBe('Page not found · peergate');
    expect(screen.getByRole('link', { name: 'Back to the dashboard' })).toHaveAttribute('href', '/');
  });

  it('asks a visitor who is not signed in to sign in first', async () => {
    const { router } = renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/login');
    expect(document.title).toBe('Sign in · peergate');
  });
});
