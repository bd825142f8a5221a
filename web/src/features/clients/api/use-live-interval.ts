import { useSyncExternalStore } from 'react';
import { POLL_INTERVAL_MS, getLiveState, subscribeLive, type LiveState } from '@/lib/live';

export function useLiveState(): LiveState {
  return useSyncExternalStore(subscribeLive, getLiveState, getLiveState);
}

/** refetchInterval for live data: poll while the event stream is not delivering. */
export function useLiveInterval(): number | false {
  return useLiveState() === 'live' ? false : POLL_INTERVAL_MS;
}
