import { screen } from '@testing-library/react';
import { http } from 'msw';
import { server, session } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { carol } from '@/testing/admin-fixtures';
import { FakeEventSource } from '@/testing/fake-event-source';

describe('dashboard', () => {
  it('tells an operator what their account can do, without asking the client API or opening the event stream', async () => {
    const requests: string[] = [];
    server.events.on('request:start', ({ request }) => void requests.push(new URL(request.url).pathname));
    server.use(http.get('*/api/auth/me', () => session(carol)));
    renderApp('/');

    expect(await screen.findByRole('heading', { name: 'Signed in as carol, an operator', level: 1 })).toBeVisible();
    expect(screen.getByText(/cannot see or change anything on this gateway yet/)).toBeVisible();
    expect(screen.getByText('peergate user add --role admin')).toBeVisible();
    expect(screen.queryByRole('button', { name: /Upload/ })).not.toBeInTheDocument();
    expect(screen.queryByText(/Live updates unavailable/)).not.toBeInTheDocument();
    expect(document.title).toBe('Clients · peergate');
    // Give any query or stream a moment to start: none may.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests.filter((p) => p.startsWith('/api/clients') || p.startsWith('/api/events') || p.startsWith('/api/system'))).toEqual([]);
    expect(FakeEventSource.instances).toEqual([]);
    server.events.removeAllListeners();
  });
});
