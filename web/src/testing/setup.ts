import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { setEventSourceFactory, setLiveState } from '@/lib/live';
import { FakeEventSource } from './fake-event-source';
import { setCsrfToken } from '@/lib/api';
import { setConnectionState } from '@/lib/connection';
import { server } from './server';

// uPlot draws on a canvas jsdom does not have; the charts' text summaries are what tests read.
vi.mock('uplot', () => ({
  default: class {
    setData() {}
    setLegend() {}
    setSize() {}
    destroy() {}
  },
}));

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  FakeEventSource.reset();
  setEventSourceFactory((url) => new FakeEventSource(url));
});
afterEach(() => {
  cleanup();
  server.resetHandlers();
  setCsrfToken(null);
  setConnectionState('online');
  setLiveState('connecting');
});
afterAll(() => server.close());
