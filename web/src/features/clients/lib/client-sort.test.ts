import { makeClient, makePing, makeStatus } from '@/testing/fixtures';
import type { Client } from '../api/types';
import { indexClients } from './client-search';
import { sortEntries, type Sort } from './client-sort';

const names = (clients: Client[], sort: Sort) => sortEntries(indexClients(clients), sort).map((e) => e.client.name);

describe('client sort', () => {
  const bySubnet = [
    makeClient({ id: 1, name: 'v6', subnets: ['fd00::/64'] }),
    makeClient({ id: 2, name: 'ten', subnets: ['10.0.10.0/24'] }),
    makeClient({ id: 3, name: 'two', subnets: ['10.0.2.0/24'] }),
    makeClient({ id: 4, name: 'none', subnets: [] }),
    makeClient({ id: 5, name: 'wide', subnets: ['10.0.0.0/8'] }),
    makeClient({ id: 6, name: 'big', subnets: ['192.168.0.0/24'] }),
  ];

  it('sorts subnets as numbers, IPv4 before IPv6, clients without one last', () => {
    expect(names(bySubnet, { key: 'subnet', dir: 'asc' })).toEqual(['wide', 'two', 'ten', 'big', 'v6', 'none']);
    expect(names(bySubnet, { key: 'subnet', dir: 'desc' })).toEqual(['none', 'v6', 'big', 'ten', 'two', 'wide']);
  });

  it('sorts names naturally and without regard to case or accents', () => {
    const clients = ['zurich 10', 'Zürich 2', 'alpha', 'Bravo'].map((name, i) => makeClient({ id: i + 1, name }));
    expect(names(clients, { key: 'name', dir: 'asc' })).toEqual(['alpha', 'Bravo', 'Zürich 2', 'zurich 10']);
  });

  it('sorts by status, handshake, ping and traffic, ties by name', () => {
    const clients = [
      makeClient({ id: 1, name: 'b', state: 'active', status: makeStatus({ latest_handshake: 100, rx_rate: 5, tx_rate: 5 }), last_ping: makePing({ rtt_avg_ms: 30 }) }),
      makeClient({ id: 2, name: 'a', state: 'inactive' }),
      makeClient({ id: 3, name: 'c', state: 'failed', status: makeStatus({ latest_handshake: 200, rx_rate: 1, tx_rate: 0 }), last_ping: makePing({ rtt_avg_ms: 5 }) }),
      makeClient({ id: 4, name: 'd', state: 'active' }),
    ];
    expect(names(clients, { key: 'status', dir: 'asc' })).toEqual(['c', 'b', 'd', 'a']);
    expect(names(clients, { key: 'handshake', dir: 'desc' })).toEqual(['c', 'b', 'a', 'd']);
    expect(names(clients, { key: 'ping', dir: 'asc' })).toEqual(['c', 'b', 'a', 'd']);
    expect(names(clients, { key: 'traffic', dir: 'desc' })).toEqual(['b', 'c', 'a', 'd']);
  });
});
