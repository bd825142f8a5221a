import { act, renderHook } from '@testing-library/react';
import { resolveCssColor, useColorScheme } from './use-color-scheme';

/** A matchMedia whose dark query can be flipped, as the system setting would. */
function stubMatchMedia(dark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    get matches() {
      return dark;
    },
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal('matchMedia', (text: string) => {
    expect(text).toBe('(prefers-color-scheme: dark)');
    return query;
  });
  return {
    set(next: boolean) {
      dark = next;
      listeners.forEach((listener) => listener());
    },
    listeners,
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('useColorScheme', () => {
  it('is light where the browser cannot tell (no matchMedia)', () => {
    vi.stubGlobal('matchMedia', undefined);
    expect(renderHook(() => useColorScheme()).result.current).toBe('light');
  });

  it('follows prefers-color-scheme as it changes, and stops listening when unmounted', () => {
    const media = stubMatchMedia(true);
    const { result, unmount } = renderHook(() => useColorScheme());
    expect(result.current).toBe('dark');
    act(() => media.set(false));
    expect(result.current).toBe('light');
    unmount();
    expect(media.listeners.size).toBe(0);
  });
});

describe('resolveCssColor', () => {
  it('reads a var() from the element’s style, and passes other colours through', () => {
    const element = document.createElement('div');
    element.style.setProperty('--color-chart-grid', ' #2a3548 ');
    document.body.append(element);
    expect(resolveCssColor('var(--color-chart-grid)', element)).toBe('#2a3548');
    expect(resolveCssColor('#15803d', element)).toBe('#15803d');
    expect(resolveCssColor('rgba(185, 28, 28, 0.12)', element)).toBe('rgba(185, 28, 28, 0.12)');
    expect(resolveCssColor('var(--not-defined)', element, '#808080')).toBe('#808080');
    element.remove();
  });
});
