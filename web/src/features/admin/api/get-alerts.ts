// GET /api/alerts: how alerting is configured and the newest alerts. New alerts are pushed by the
// event stream (`alert` events); their delivery state is not, so the list is fetched again now
// and then while a delivery is pending, and every 5 s while the stream is down.

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { useLiveInterval } from '@/features/clients/api/use-live-interval';
import { adminKeys, type AlertList } from './types';

/** The newest alerts shown (the server keeps the newest 1000). */
export const ALERTS_LIMIT = 100;
/** How often the list is fetched while a webhook delivery is pending (retries are 30 s or more apart). */
export const PENDING_REFRESH_MS = 15_000;

export function getAlerts(signal?: AbortSignal): Promise<AlertList> {
  return api.get<AlertList>(`/api/alerts?limit=${ALERTS_LIMIT}`, signal);
}

export function useAlerts() {
  const live = useLiveInterval();
  return useQuery({
    queryKey: adminKeys.alerts(),
    queryFn: ({ signal }) => getAlerts(signal),
    refetchInterval: (query) =>
      live !== false ? live : query.state.data?.alerts.some((a) => a.delivery === 'pending') ? PENDING_REFRESH_MS : false,
  });
}
