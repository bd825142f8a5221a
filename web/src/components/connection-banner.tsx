import { useEffect, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { CONNECTION_LOST_MESSAGE, probeGateway } from '@/lib/api';
import { getConnectionState, subscribeConnection } from '@/lib/connection';

const PROBE_INTERVAL_MS = 3000;

/** Shown while the gateway is unreachable; probes it and refetches everything once it is back. */
export function ConnectionBanner() {
  const state = useSyncExternalStore(subscribeConnection, getConnectionState, getConnectionState);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (state !== 'lost') return;
    const timer = window.setInterval(() => void probeGateway(), PROBE_INTERVAL_MS);
    return () => {
      window.clearInterval(timer);
      void queryClient.invalidateQueries();
    };
  }, [state, queryClient]);

  if (state !== 'lost') return null;
  return (
    <div className="connection-banner" role="alert">
      <span className="spinner spinner--small" aria-hidden="true" />
      {CONNECTION_LOST_MESSAGE}
    </div>
  );
}
