import { makeClient, makePending, makeStatus } from '@/testing/fixtures';
import { indexClients, parseQuery, searchClients, searchPending } from './client-search';

const clients = [
  makeClient({ id: 1, name: 'Zürich office', interface: 'zurich-office', subnets: ['10.1.2.0/24'], endpoint: '198.51.100.7:51820' }),
  makeClient({
    id: 2,
    name: 'Berlin',
    interface: 'berlin',
    subnets: ['10.20.0.0/16', 'fd00:20::/64'],
    endpoint: '203.0.113.5:51820',
    public_key: 'SELFkeyBerlin0000000000000000000000000000000=',
    peer_public_keys: ['PEERkeyBerlin000000000000000000000000000000='],
    status: makeStatus({ endpoint: '192.0.2.99:40000' }),
  }),
  makeClient({ id: 3, name: 'Lisbon 2', interface: 'lisbon-2', subnets: ['10.30.0.0/24'], endpoint: 'vpn.example.org:51820', public_key: null }),
];
const entries = indexClients(clients);
const ids = (query: string) => searchClients(entries, parseQuery(query)).map((e) => e.client.id);

describe('client search', () => {
  it.each([
    ['', [1, 2, 3]],
    ['   ', [1, 2, 3]],
    ['zurich', [1]],
    ['ZÜRICH', [1]],
    ['office', [1]],
    ['lisbon-2', [3]],
    ['10.1.2.0/24', [1]],
    ['10.20.', [2]],
    ['10.1.2.3', [1]],
    ['10.20.200.1', [2]],
    ['10.30.1.1', []],
    ['10.0.0.0/8', [1, 2, 3]],
    ['fd00:20::5', [2]],
    ['198.51.100.7', [1]],
    ['example.org', [3]],
    ['192.0.2.99', [2]],
    ['selfkeyberlin', [2]],
    ['PEERkeyBerlin', [2]],
    ['10. berlin', [2]],
    ['berlin lisbon', []],
    ['nothing-like-this', []],
  ])('%j finds %j', (query, expected) => expect(ids(query)).toEqual(expected));

  it('keeps the list itself for an empty query', () => {
    expect(searchClients(entries, parseQuery(''))).toBe(entries);
  });

  it('does not match across fields', () => {
    // The name ends in "office", the interface starts with "zurich": no "office\nzurich" match.
    expect(ids('officezurich')).toEqual([]);
  });

  it('finds pending uploads by name and interface', () => {
    const pending = [makePending({ id: 'p1', name: 'Zürich lab', interface: null }), makePending({ id: 'p2', name: 'Oslo', interface: 'oslo-fw' })];
    const found = (query: string) => searchPending(pending, parseQuery(query)).map((p) => p.id);
    expect(found('zurich')).toEqual(['p1']);
    expect(found('fw')).toEqual(['p2']);
    expect(found('10.1.2.3')).toEqual([]);
    expect(searchPending(pending, parseQuery(''))).toBe(pending);
  });
});
