// @ts-check
// One run of the search figures: N clients (1,000 by default) whose status the event stream pushes
// every second, the dashboard's first render, then the search box: keystrokes one at a time (each
// from keydown to the frame that shows the box's new value, and to the frame that shows the rows
// for it), a fast burst of typing, and scrolling the whole list (time between frames).

import { BURST_DELAY_MS, KEY_GAP_MS, LONG_TASK_MS, SEARCH_SCENARIOS, SETTLE_MS, cfg } from './config.mjs';
import { startGateway } from './fake-gateway.mjs';
import { openDashboard, startFrames, stopFrames } from './session.mjs';
import { pct } from './stats.mjs';

/**
 * The page side of one keystroke (window.__search.key), times from performance.now().
 * @typedef {{ value: string; t0: number | null; input: number | null; list: number | null; shown: string | null }} KeyProbe
 * @typedef {{ key: KeyProbe | null; arm: (value: string) => void; settled: (value: string) => boolean }} SearchProbe
 */

/** @typedef {Awaited<ReturnType<typeof measureSearch>>} SearchMeasurement */

/**
 * Each key of `text` and the box's value after it.
 * @param {string} text
 * @returns {[string, string][]}
 */
const typed = (text) => [...text].map((ch, i) => [ch, text.slice(0, i + 1)]);
/**
 * Backspace until `text` is gone.
 * @param {string} text
 * @returns {[string, string][]}
 */
const erased = (text) => [...text].map((_, i) => ['Backspace', text.slice(0, text.length - i - 1)]);

// A name narrowed down to one client and back to all of them, an address inside one client's
// subnet, then Escape (back to all).
/** @type {[string, string][]} */
export const STEPS = [...typed('site-042'), ...erased('site-042'), ...typed('10.100.42.7'), ['Escape', '']];
export const BURST = 'site-05';

/** @param {import('./config.mjs').SearchScenarioKey} key */
export async function measureSearch(key) {
  const gateway = await startGateway({ events: true, pollMs: null, clients: cfg.searchClients, naive: SEARCH_SCENARIOS[key].naive });
  if (SEARCH_SCENARIOS[key].naive && gateway.patched.naive !== 3) {
    await gateway.close();
    throw new Error(`naive: ${gateway.patched.naive} of 3 React patches applied; update NAIVE_PATCHES in fake-gateway.mjs.`);
  }
  /** @type {import('./session.mjs').Session | undefined} */
  let session;
  try {
    session = await openDashboard(gateway.url, cfg.searchClients);
    const { page, errors, firstRender } = session;
    await page.waitForTimeout(SETTLE_MS);
    await page.evaluate(installProbe);
    const search = page.getByRole('searchbox', { name: 'Search clients' });
    await search.click();
    /** @param {string} value */
    const settled = (value) => page.waitForFunction((v) => window.__search.settled(v), value, { polling: 'raf', timeout: 30_000 });
    const start = await page.evaluate(() => performance.now());

    // 1. One key at a time.
    /** @type {{ key: string; value: string; inputMs: number; listMs: number; shown: string | null }[]} */
    const keys = [];
    for (const [k, value] of STEPS) {
      await page.evaluate((v) => window.__search.arm(v), value);
      await page.keyboard.press(k);
      const handle = await page.waitForFunction(() => {
        const p = window.__search.key;
        return p && p.t0 !== null && p.input !== null && p.input >= 0 && p.list !== null ? p : null;
      }, null, { polling: 'raf', timeout: 30_000 });
      const p = /** @type {KeyProbe & { t0: number; input: number; list: number }} */ (await handle.jsonValue());
      keys.push({ key: k, value, inputMs: p.input - p.t0, listMs: p.list - p.t0, shown: p.shown });
      await page.waitForTimeout(KEY_GAP_MS);
    }

    // 2. A burst: from its first keydown to the frame that shows the rows for the whole word.
    const burstStart = await startFrames(page);
    await page.keyboard.type(BURST, { delay: BURST_DELAY_MS });
    const lastKeyAt = await page.evaluate(() => performance.now());
    await settled(BURST);
    const burstDone = await page.evaluate(() => performance.now());
    const burst = await stopFrames(page);
    await page.keyboard.press('Escape');
    await settled('');
    await page.waitForTimeout(500);

    // 3. Scrolling all rows down and back up with the mouse wheel.
    await page.mouse.move(640, 500);
    const scrollStart = await startFrames(page);
    /** @param {number} dy */
    const wheel = async (dy) => {
      for (let i = 0; i < 40; i++) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(25);
      }
    };
    await wheel(1000);
    const scrolledPx = await page.evaluate(() => window.scrollY);
    await wheel(-1000);
    const scroll = await stopFrames(page);

    const longtasks = await page.evaluate(() => window.__bench.longtasks);
    /** @param {number} from @param {number} to */
    const tasksIn = (from, to) => longtasks.filter((t) => t.start >= from && t.start <= to);
    /** @param {number[]} frames */
    const frameStats = (frames) => {
      const sorted = [...frames].sort((a, b) => a - b);
      return { p50: pct(sorted, 50), p95: pct(sorted, 95), max: sorted[sorted.length - 1] ?? 0, over50: frames.filter((f) => f > LONG_TASK_MS).length };
    };
    return {
      scenario: key,
      errors,
      firstRender: {
        ...firstRender,
        loadLongTasks: tasksIn(0, start).length,
        loadLongTaskMaxMs: Math.max(0, ...tasksIn(0, start).map((t) => t.dur)),
      },
      keys,
      burst: {
        keys: BURST.length,
        lastKeyToListMs: burstDone - lastKeyAt,
        firstKeyToListMs: burstDone - burstStart,
        frames: frameStats(burst.frames),
        longTasks: tasksIn(burstStart, burst.end).length,
      },
      scroll: {
        seconds: (scroll.end - scrollStart) / 1000,
        scrolledPx,
        frames: frameStats(scroll.frames),
        longTasks: tasksIn(scrollStart, scroll.end).length,
      },
    };
  } finally {
    await session?.close();
    await gateway.close();
  }
}

/**
 * Runs in the page: window.__search, which times one keystroke (`arm`, before pressing it) and
 * tells whether the rows show a value (`settled`: the box shows it and the table is not marked
 * busy with an older search). "Painted" is a task after the frame that showed it.
 */
function installProbe() {
  const input = /** @type {HTMLInputElement} */ (document.querySelector('input[type="search"]'));
  const table = /** @type {HTMLElement} */ (document.querySelector('.table-wrap'));
  const count = document.querySelector('.list-bar__count');
  /** @param {(t: number) => void} done */
  const afterPaint = (done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done(performance.now());
    channel.port2.postMessage(null);
  };
  /** @param {string} value */
  const settled = (value) => input.value === value && table.getAttribute('aria-busy') !== 'true';
  /** @type {SearchProbe} */
  const probe = {
    key: null,
    settled,
    arm(value) {
      /** @type {KeyProbe} */
      const key = { value, t0: null, input: null, list: null, shown: null };
      probe.key = key;
      const frame = () => {
        if (probe.key !== key) return;
        if (key.t0 !== null && input.value === value) {
          if (key.input === null) {
            key.input = -1;
            afterPaint((t) => (key.input = t));
          }
          if (settled(value)) {
            key.shown = count ? count.textContent : null;
            afterPaint((t) => (key.list = t));
            return;
          }
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
  };
  addEventListener(
    'keydown',
    (event) => {
      if (probe.key && probe.key.t0 === null) probe.key.t0 = event.timeStamp;
    },
    true,
  );
  window.__search = probe;
}
