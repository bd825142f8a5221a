import { useSyncExternalStore } from 'react';

// The reader's colour scheme (`prefers-color-scheme`), for what CSS cannot restyle by itself:
// canvases (the uPlot charts) read their colours once, when they are drawn.

export type ColorScheme = 'light' | 'dark';

const DARK = '(prefers-color-scheme: dark)';

// jsdom (the unit tests) has no matchMedia: the scheme is then light.
function darkQuery(): MediaQueryList | undefined {
  return typeof window.matchMedia === 'function' ? window.matchMedia(DARK) : undefined;
}

function subscribe(listener: () => void): () => void {
  const query = darkQuery();
  query?.addEventListener('change', listener);
  return () => query?.removeEventListener('change', listener);
}

function getScheme(): ColorScheme {
  return darkQuery()?.matches ? 'dark' : 'light';
}

/** `dark` while the system or browser asks for a dark scheme; re-renders when that changes. */
export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, getScheme, () => 'light');
}

/**
 * A colour a canvas can use: `var(--name)` is read from the stylesheet as it applies to `element`
 * (a canvas cannot resolve CSS variables itself); any other colour is returned as it is.
 */
export function resolveCssColor(color: string, element: Element, fallback = '#6b7280'): string {
  const name = /^var\((--[\w-]+)\)$/.exec(color.trim())?.[1];
  if (!name) return color;
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}
