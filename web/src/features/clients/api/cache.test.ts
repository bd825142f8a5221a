import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { makeClient, makeDetail } from '@/testing/fixtures';
import { applyStatus } from './cache';
import { clientKeys, type Client, type ClientDetail, type ClientStatus, type TrafficSample } from './types';

const status = (rx_rate: number, observed_at = 1000): ClientStatus => ({
  observed_at,
  connected: true,
  latest_handshake: observed_at - 5,
  rx_bytes: 1,
  tx_bytes: 2,
  rx_rate,
  tx_rate: rx_rate / 2,
  endpoint: null,
});

describe('applyStatus', () => {
  it('writes the list once per event, and the details and traffic of the clients in it', async () => {
    const qc = new QueryClient();
    const a = makeClient({ id: 1, name: 'site-a' });
    const b = makeClient({ id: 2, name: 'site-b', status: status(5) });
    const c = makeClient({ id: 3, name: 'site-c', status: status(7) });
    qc.setQueryData(clientKeys.list(), [a, b, c]);
    qc.setQueryData(clientKeys.detail(1), makeDetail({ id: 1, conf: 'kept' }));
    qc.setQueryData<TrafficSample[]>(clientKeys.traffic(1), [{ at: 900, rx_rate: 1, tx_rate: 1 }]);

    let listWrites = 0;
    const unsubscribeCache = qc.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'success' && event.query.queryKey[1] === 'list') listWrites += 1;
    });
    const notified = vi.fn();
    const observer = new QueryObserver(qc, { queryKey: clientKeys.list(), enabled: false });
    const unsubscribeObserver = observer.subscribe(notified);

    applyStatus(qc, 1000, [
      { id: 1, status: status(100) },
      { id: 2, status: null },
      { id: 9, status: status(1) }, // not in the list: ignored
    ]);

    expect(listWrites).toBe(1);
    await vi.waitFor(() => expect(notified).toHaveBeenCalled());
    expect(notified).toHaveBeenCalledTimes(1);

    const list = qc.getQueryData<Client[]>(clientKeys.list())!;
    expect(list.map((x) => x.id)).toEqual([1, 2, 3]);
    expect(list[0]).toEqual({ ...a, status: status(100) });
    expect(list[1]!.status).toBeNull();
    expect(list[2]).toBe(c); // untouched clients keep their identity
    const detail = qc.getQueryData<ClientDetail>(clientKeys.detail(1))!;
    expect(detail.status).toEqual(status(100));
    expect(detail.conf).toBe('kept');
    expect(qc.getQueryData(clientKeys.traffic(1))).toEqual([
      { at: 900, rx_rate: 1, tx_rate: 1 },
      { at: 1000, rx_rate: 100, tx_rate: 50 },
    ]);
    expect(qc.getQueryData(clientKeys.detail(9))).toBeUndefined();

    unsubscribeObserver();
    unsubscribeCache();
  });
});
