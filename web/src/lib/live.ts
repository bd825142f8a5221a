// The live-update stream (Server-Sent Events from /api/events) behind a tiny seam, so tests can
// replace EventSource with a fake, and a store of the stream's state for the UI and for polling.

export type EventSourceLike = {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
};

export type EventSourceFactory = (url: string) => EventSourceLike;

let factory: EventSourceFactory = (url) => new EventSource(url) as unknown as EventSourceLike;

/** Tests install a fake here. */
export function setEventSourceFactory(next: EventSourceFactory): void {
  factory = next;
}

export function openEventSource(url: string): EventSourceLike {
  return factory(url);
}

/** `connecting` until the first open; `live` while open; `down` while it is failing (UI polls). */
export type LiveState = 'connecting' | 'live' | 'down';

let state: LiveState = 'connecting';
const listeners = new Set<() => void>();

export function getLiveState(): LiveState {
  return state;
}

export function setLiveState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener();
}

export function subscribeLive(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** How often queries refetch while the stream is not delivering (ms), `false` while it is. */
export const POLL_INTERVAL_MS = 5000;

export function pollInterval(): number | false {
  return state === 'live' ? false : POLL_INTERVAL_MS;
}
