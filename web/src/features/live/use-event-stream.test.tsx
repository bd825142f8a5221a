import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { HttpResponse, http } from 'msw';
import type { ReactNode } from 'react';
import { createQueryClient } from '@/lib/query-client';
import { FakeEventSource } from '@/testing/fake-event-source';
import { server } from '@/testing/server';
import { makeAlert, makeAlertList } from '@/testing/admin-fixtures';
import { makeClient } from '@/testing/fixtures';
import { useAlerts } from '@/features/admin/api/get-alerts';
import { adminKeys, type AlertList } from '@/features/admin/api/types';
import { clientKeys, type Client } from '@/features/clients/api/types';
import { useClients } from '@/features/clients/api/get-clients';
import { useEventStream } from './use-event-stream';

/** The stream, alone or (`withAlerts`) next to the alerts list as the alerts page has it. */
function renderStream({ withAlerts = false } = {}) {
  const queryClient = createQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  renderHook(() => useEventStream(), { wrapper });
  if (withAlerts) renderHook(() => useAlerts(), { wrapper });
  const stream = FakeEventSource.latest();
  act(() => stream.open());
  return { queryClient, stream };
}

const alertIds = (queryClient: ReturnType<typeof createQueryClient>) =>
  queryClient.getQueryData<AlertList>(adminKeys.alerts())?.alerts.map((a) => [a.id, a.delivery]);

describe('event stream', () => {
  it('puts an alert on top of the loaded alerts list at once, then fetches the list again', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let fetches = 0;
    server.use(
      http.get('*/api/alerts', async () => {
        fetches += 1;
        if (fetches === 1) return HttpResponse.json(makeAlertList([makeAlert({ id: 1 })]));
        await released;
        return HttpResponse.json(makeAlertList([makeAlert({ id: 2, delivery: 'sent' }), makeAlert({ id: 1 })]));
      }),
    );
    const { queryClient, stream } = renderStream({ withAlerts: true });
    await waitFor(() => expect(alertIds(queryClient)).toEqual([[1, 'off']]));

    act(() => stream.emit('alert', makeAlert({ id: 2, delivery: 'pending' })));
    expect(alertIds(queryClient)).toEqual([
      [2, 'pending'],
      [1, 'off'],
    ]);
    await waitFor(() => expect(fetches).toBe(2));
    release();
    await waitFor(() => expect(alertIds(queryClient)).toEqual([
      [2, 'sent'],
      [1, 'off'],
    ]));
  });

  it('asks nothing when no alerts list is loaded (an operator), and skips a malformed alert', () => {
    // No handler for /api/alerts: a request would fail the test.
    const { queryClient, stream } = renderStream();
    act(() => stream.emit('alert', makeAlert()));
    act(() => stream.emit('alert', { reason: 'no id' }));
    expect(queryClient.getQueryData(adminKeys.alerts())).toBeUndefined();
    expect(queryClient.isFetching()).toBe(0);
  });

  it('still writes the other events next to alerts', () => {
    const { queryClient, stream } = renderStream();
    queryClient.setQueryData<Client[]>(clientKeys.list(), []);
    queryClient.setQueryData<AlertList>(adminKeys.alerts(), makeAlertList());
    act(() => stream.emit('client', makeClient({ id: 7, name: 'site-new' })));
    act(() => stream.emit('alert', makeAlert({ id: 3, client_id: 7, client_name: 'site-new' })));
    expect(queryClient.getQueryData<Client[]>(clientKeys.list())?.map((c) => c.name)).toEqual(['site-new']);
    expect(queryClient.getQueryData<AlertList>(adminKeys.alerts())?.alerts.map((a) => a.id)).toEqual([3]);
  });

  it('fetches the client list again when the server says this stream fell behind', async () => {
    let fetches = 0;
    server.use(
      http.get('*/api/clients', () => {
        fetches += 1;
        return HttpResponse.json([makeClient({ id: 1, name: fetches === 1 ? 'before' : 'after' })]);
      }),
    );
    const queryClient = createQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
    renderHook(() => useEventStream(), { wrapper });
    renderHook(() => useClients(), { wrapper });
    const stream = FakeEventSource.latest();
    act(() => stream.open());
    await waitFor(() => expect(queryClient.getQueryData<Client[]>(clientKeys.list())?.[0]?.name).toBe('before'));
    act(() => stream.emit('resync', {}));
    await waitFor(() => expect(queryClient.getQueryData<Client[]>(clientKeys.list())?.[0]?.name).toBe('after'));
    expect(fetches).toBe(2);
  });

  it('fetches the alerts again when the stream is back after being down', async () => {
    let fetches = 0;
    server.use(
      http.get('*/api/alerts', () => {
        fetches += 1;
        return HttpResponse.json(makeAlertList(fetches === 1 ? [] : [makeAlert({ id: 4 })]));
      }),
    );
    const { queryClient, stream } = renderStream({ withAlerts: true });
    await waitFor(() => expect(alertIds(queryClient)).toEqual([]));
    act(() => stream.fail());
    act(() => stream.open());
    await waitFor(() => expect(alertIds(queryClient)).toEqual([[4, 'off']]));
    expect(fetches).toBe(2);
  });
});
