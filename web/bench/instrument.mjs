// @ts-check
// In-page instrumentation of the dashboard benchmark, installed (page.addInitScript) before any
// page script runs. Playwright sends the function's source to the page: it must not use anything
// from this module's scope.

/**
 * What the page collects, read back by measure().
 * @typedef {object} BenchState
 * @property {{ start: number; dur: number }[]} longtasks
 * @property {{ start: number; value: number }[]} shifts
 * @property {number | null} rowsAt when all rows were in the DOM
 * @property {number | null} rowsFrameAt when they had been painted
 * @property {number[]} commits MutationObserver callbacks = DOM commits (each React commit that changed the DOM)
 * @property {number[]} dataAt arrival of new client data (SSE `status` dispatched, or GET /api/clients answered)
 * @property {number[]} handlerMs synchronous cost of the app's `status` handler (cache writes)
 * @property {number[] | null} frames rAF deltas during the update window
 * @property {boolean} stop ends the rAF loop
 */

/** @typedef {PerformanceEntry & { hadRecentInput: boolean; value: number }} LayoutShift */

/** @param {number} rowCount */
export function instrument(rowCount) {
  /** @type {BenchState} */
  const b = {
    longtasks: [],
    shifts: [],
    rowsAt: null,
    rowsFrameAt: null,
    commits: [],
    dataAt: [],
    handlerMs: [],
    frames: null,
    stop: false,
  };
  window.__bench = b;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No Long Tasks API: no long tasks are counted.
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of /** @type {LayoutShift[]} */ (list.getEntries())) if (!e.hadRecentInput) b.shifts.push({ start: e.startTime, value: e.value });
    }).observe({ type: 'layout-shift', buffered: true });
  } catch {
    // No Layout Instability API: no shifts are counted.
  }
  new MutationObserver(() => {
    const now = performance.now();
    b.commits.push(now);
    if (b.rowsAt === null && document.querySelectorAll('tbody tr.client-row').length >= rowCount) {
      b.rowsAt = now;
      // Next frame + a task after it: the rows have been painted.
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => (b.rowsFrameAt = performance.now());
        ch.port2.postMessage(null);
      });
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });

  const ES = window.EventSource;
  if (ES) {
    const add = ES.prototype.addEventListener;
    /**
     * @this {EventSource}
     * @param {string} type
     * @param {EventListenerOrEventListenerObject} listener
     * @param {boolean | AddEventListenerOptions} [options]
     */
    const addTimed = function (type, listener, options) {
      if (type !== 'status' || typeof listener !== 'function') return add.call(this, type, listener, options);
      return add.call(
        this,
        type,
        /**
         * @this {EventSource}
         * @param {Event} event
         */
        function (event) {
          const t = performance.now();
          try {
            return listener.call(this, event);
          } finally {
            b.dataAt.push(t);
            b.handlerMs.push(performance.now() - t);
          }
        },
        options,
      );
    };
    ES.prototype.addEventListener = /** @type {EventSource['addEventListener']} */ (addTimed);
  }
  const realFetch = window.fetch;
  /**
   * @this {unknown}
   * @param {RequestInfo | URL} input
   * @param {RequestInit} [init]
   */
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const promise = realFetch.call(this, input, init);
    if (new URL(url, location.href).pathname === '/api/clients') {
      promise.then((r) => (r.ok ? b.dataAt.push(performance.now()) : undefined), () => {});
    }
    return promise;
  };
}
