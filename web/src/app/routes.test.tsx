import { screen } from '@testing-library/react';
import { http } from 'msw';
import { server, session } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { carol } from '@/testing/admin-fixtures';

describe('admin-only routes', () => {
  afterEach(() => server.events.removeAllListeners());

  it("tell an operator who opens a client's page what their account can do, without asking the client API", async () => {
    const requests: string[] = [];
    server.events.on('request:start', ({ request }) => void requests.push(new URL(request.url).pathname));
    // No handler for /api/clients/1: the route must not ask for it (the gateway would answer 403).
    server.use(http.get('*/api/auth/me', () => session(carol)));
    renderApp('/clients/1');

    expect(await screen.findByRole('heading', { name: 'Signed in as carol, an operator', level: 1 })).toBeVisible();
    expect(screen.getByText(/cannot see or change anything on this gateway yet/)).toBeVisible();
    expect(screen.queryByText(/Loading client|Could not load the client/)).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(document.title).toBe('Needs an admin account · peergate');
    // Give any query a moment to start: none of the client API may.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toContain('/api/auth/me');
    expect(requests.filter((p) => p.startsWith('/api/clients'))).toEqual([]);
  });
});
