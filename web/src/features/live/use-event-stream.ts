// GET /api/events (Server-Sent Events): writes each event into the query cache (an `alert` only
// reaches the alerts list, which only admins load). `status` starts with every client's status,
// then carries only the ones that changed. While the stream is down (network loss,
// gateway restart) the live state says so and queries poll instead; the stream is retried with
// backoff and, once it is back, everything is refetched once to catch up.

import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { openEventSource, setLiveState, type EventSourceLike } from '@/lib/live';
import { applyPing, applyStatus, removeClient, upsertClient } from '@/features/clients/api/cache';
import { clientKeys, type Client, type ClientStatus, type PingResult } from '@/features/clients/api/types';
import { applySystemMetrics, type SystemSnapshot } from '@/features/system/api/get-metrics';
import { applyAlertEvent } from '@/features/admin/api/cache';
import { adminKeys, type Alert } from '@/features/admin/api/types';

export const EVENTS_URL = '/api/events';
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 30_000;

type Handlers = Record<string, (queryClient: QueryClient, data: unknown) => void>;

const handlers: Handlers = {
  status: (qc, data) => {
    const value = data as { at?: number; clients?: { id: number; status: ClientStatus | null }[] };
    if (Array.isArray(value.clients)) applyStatus(qc, value.at ?? Date.now() / 1000, value.clients);
  },
  ping: (qc, data) => {
    const value = data as { client_id?: number; result?: PingResult };
    if (typeof value.client_id === 'number' && value.result) applyPing(qc, value.client_id, value.result);
  },
  client: (qc, data) => {
    const client = data as Client;
    if (typeof client?.id !== 'number') return;
    upsertClient(qc, client);
    // A new client may have completed a pending upload.
    void qc.invalidateQueries({ queryKey: clientKeys.pending() });
  },
  client_deleted: (qc, data) => {
    const id = (data as { id?: number }).id;
    if (typeof id === 'number') removeClient(qc, id);
  },
  // The server dropped this stream for falling behind: catch up now (the browser reconnects).
  resync: (qc) => void qc.invalidateQueries({ queryKey: clientKeys.all }),
  system: (qc, data) => applySystemMetrics(qc, data as SystemSnapshot),
  alert: (qc, data) => applyAlertEvent(qc, data as Alert),
};

export function useEventStream(enabled = true): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!enabled) return;
    let source: EventSourceLike | null = null;
    let retryTimer: number | undefined;
    let delay = RETRY_MIN_MS;
    let wasDown = false;
    let stopped = false;

    const connect = () => {
      source = openEventSource(EVENTS_URL);
      source.onopen = () => {
        delay = RETRY_MIN_MS;
        setLiveState('live');
        // Events may have been missed while the stream was down: catch up once.
        if (wasDown) {
          void queryClient.invalidateQueries({ queryKey: clientKeys.all });
          void queryClient.invalidateQueries({ queryKey: adminKeys.alerts() });
        }
        wasDown = false;
      };
      source.onerror = () => {
        wasDown = true;
        setLiveState('down');
        // readyState 2 = CLOSED: the browser gave up (e.g. 404); retry ourselves with backoff.
        if (source && source.readyState === 2 && !stopped) {
          source.close();
          retryTimer = window.setTimeout(connect, delay);
          delay = Math.min(delay * 2, RETRY_MAX_MS);
        }
      };
      for (const [type, handle] of Object.entries(handlers)) {
        source.addEventListener(type, (event) => {
          let data: unknown;
          try {
            data = JSON.parse(event.data);
          } catch {
            return; // a malformed event is skipped, the next snapshot repairs it
          }
          if (data && typeof data === 'object') handle(queryClient, data);
        });
      }
    };

    setLiveState('connecting');
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retryTimer);
      source?.close();
      setLiveState('connecting');
    };
  }, [enabled, queryClient]);
}
