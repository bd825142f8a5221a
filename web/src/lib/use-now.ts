import { useSyncExternalStore } from 'react';

// One shared clock for relative times ("12 s ago"): components re-render every 5 s while anything
// listens, and read the current time whenever they render (live data re-renders them too).
export const TICK_MS = 5000;
let tick = 0;
let timer: number | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (timer === undefined) {
    timer = window.setInterval(() => {
      tick += 1;
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

const getTick = () => tick;

/** The current time in ms, refreshed at least every 5 s. */
export function useNow(): number {
  useSyncExternalStore(subscribe, getTick, getTick);
  // Reading the clock while rendering is the point: a render for any reason (new live data) shows
  // the current time, the tick only bounds how stale it can get. A cached store value would lag by
  // up to TICK_MS, and getSnapshot must return a stable value, so it cannot be the clock itself.
  // eslint-disable-next-line react-hooks/purity -- the render-time clock read is intended (see above)
  return Date.now();
}
