import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient, makePending } from '@/testing/fixtures';

const clients = [
  makeClient({ id: 1, name: 'Zürich office', interface: 'zurich-office', subnets: ['10.0.10.0/24'], endpoint: '198.51.100.7:51820' }),
  makeClient({ id: 2, name: 'Berlin', interface: 'berlin', subnets: ['10.0.2.0/24'], endpoint: '203.0.113.5:51820' }),
  makeClient({ id: 3, name: 'Lisbon', interface: 'lisbon', subnets: ['fd00:30::/64'], endpoint: '192.0.2.30:51820' }),
  makeClient({ id: 4, name: 'Oslo', interface: 'oslo', subnets: ['9.9.9.0/24'], endpoint: '192.0.2.40:51820' }),
];

const shown = () => screen.queryAllByRole('link').map((l) => l.textContent).filter((t) => clients.some((c) => c.name === t));

describe('client list search', () => {
  beforeEach(() => {
    signedIn();
    server.use(
      http.get('*/api/clients', () => HttpResponse.json(clients)),
      http.get('*/api/clients/pending', () => HttpResponse.json([makePending({ id: 'p1', name: 'Zürich lab' })])),
    );
  });

  it('filters as you type by name, interface, address in a subnet and endpoint, and counts what is shown', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('link', { name: 'Berlin' });
    expect(screen.getByText('5 clients')).toBeVisible();
    const search = screen.getByRole('searchbox', { name: 'Search clients' });

    await user.type(search, 'zurich');
    await waitFor(() => expect(shown()).toEqual(['Zürich office']));
    // The pending upload matches by name too.
    expect(screen.getByText('Zürich lab')).toBeVisible();
    expect(screen.getByText('2 of 5 clients')).toBeVisible();

    await user.clear(search);
    await user.type(search, '10.0.2.77');
    await waitFor(() => expect(shown()).toEqual(['Berlin']));
    expect(screen.getByText('1 of 5 clients')).toBeVisible();

    await user.clear(search);
    await user.type(search, '192.0.2.');
    await waitFor(() => expect(shown()).toEqual(['Lisbon', 'Oslo']));

    await user.clear(search);
    await user.type(search, 'fd00:30::1');
    await waitFor(() => expect(shown()).toEqual(['Lisbon']));
  });

  it('says when nothing matches and clears the search from there', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('link', { name: 'Berlin' });
    await user.type(screen.getByRole('searchbox', { name: 'Search clients' }), 'madrid');
    expect(await screen.findByText(/No client matches “madrid”/)).toBeVisible();
    expect(screen.getByText('0 of 5 clients')).toBeVisible();

    await user.click(within(screen.getByRole('table')).getByRole('button', { name: 'Clear search' }));
    await waitFor(() => expect(shown()).toHaveLength(4));
    const search = screen.getByRole('searchbox', { name: 'Search clients' });
    expect(search).toHaveValue('');

    await user.type(search, 'oslo');
    await waitFor(() => expect(shown()).toEqual(['Oslo']));
    await user.click(screen.getByRole('button', { name: 'Clear search' }));
    expect(search).toHaveValue('');
    expect(search).toHaveFocus();
  });

  it('focuses the search box on "/" and clears it on Escape', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('link', { name: 'Berlin' });
    const search = screen.getByRole('searchbox', { name: 'Search clients' });
    expect(search).toHaveAttribute('aria-keyshortcuts', '/');

    await user.keyboard('/');
    expect(search).toHaveFocus();
    expect(search).toHaveValue('');
    await user.keyboard('oslo');
    await waitFor(() => expect(shown()).toEqual(['Oslo']));
    await user.keyboard('{Escape}');
    expect(search).toHaveValue('');
    await waitFor(() => expect(shown()).toHaveLength(4));
  });

  it('combines the search with the state filter', async () => {
    server.use(
      http.get('*/api/clients', () =>
        HttpResponse.json([makeClient({ id: 1, name: 'Berlin A', state: 'active' }), makeClient({ id: 2, name: 'Berlin B', state: 'inactive' })]),
      ),
    );
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('link', { name: 'Berlin A' });
    await user.type(screen.getByRole('searchbox', { name: 'Search clients' }), 'berlin');
    await user.click(screen.getByRole('button', { name: /Active 1/ }));
    await waitFor(() => expect(screen.getAllByRole('link').map((l) => l.textContent)).toContain('Berlin A'));
    expect(screen.queryByRole('link', { name: 'Berlin B' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Failed 0/ }));
    expect(await screen.findByText(/No client matches “berlin” in this state/)).toBeVisible();
  });

  it('sorts the subnet column as numbers, IPv4 before IPv6', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('link', { name: 'Berlin' });
    await user.click(screen.getByRole('button', { name: /^Subnet/ }));
    expect(shown()).toEqual(['Oslo', 'Berlin', 'Zürich office', 'Lisbon']);
    expect(within(screen.getByRole('table')).getByRole('columnheader', { name: /Subnet/ })).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: /^Subnet/ }));
    expect(shown()).toEqual(['Lisbon', 'Zürich office', 'Berlin', 'Oslo']);
  });
});
