// Whether the browser can currently reach the gateway. The API client reports every outcome here;
// the connection banner subscribes with useSyncExternalStore.

export type ConnectionState = 'online' | 'lost';

let state: ConnectionState = 'online';
const listeners = new Set<() => void>();

export function getConnectionState(): ConnectionState {
  return state;
}

export function setConnectionState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener();
}

export function subscribeConnection(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
