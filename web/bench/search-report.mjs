// @ts-check
// The tables of the search figures (search-measure.mjs): each scenario's figures side by side and
// the naive one's ratio to ours.

import { BURST_DELAY_MS, SEARCH_SCENARIOS, cfg } from './config.mjs';
import { fmt, ratio, table } from './report.mjs';
import { BURST, STEPS } from './search-measure.mjs';
import { median, pct } from './stats.mjs';

/** @typedef {import('./config.mjs').SearchScenarioKey} SearchScenarioKey */
/** @typedef {import('./search-measure.mjs').SearchMeasurement} SearchMeasurement */
/** @typedef {(s: SearchScenarioKey) => number | null} Figure */

/**
 * @param {Record<string, SearchMeasurement[]>} results
 * @param {SearchScenarioKey[]} scenarios
 */
export function printSearch(results, scenarios) {
  const baseline = scenarios.includes('naive') ? 'naive' : scenarios[scenarios.length - 1];
  const ref = scenarios.includes('search') ? 'search' : scenarios[0];
  if (!baseline || !ref) return;
  const showRatio = baseline !== ref;
  const headers = (/** @type {string} */ first) => [first, ...scenarios.map((s) => SEARCH_SCENARIOS[s].label), ...(showRatio ? [`${baseline} / ${ref}`] : [])];
  /**
   * @param {string} label
   * @param {Figure} figure
   * @param {number} [digits]
   * @param {string} [unit]
   */
  const row = (label, figure, digits = 0, unit = '') => [
    label,
    ...scenarios.map((s) => fmt(figure(s), digits, unit)),
    ...(showRatio ? [ratio(figure(baseline), figure(ref))] : []),
  ];
  /**
   * Median over the runs of a per-run figure.
   * @param {(r: SearchMeasurement) => number | null} f
   * @returns {Figure}
   */
  const M = (f) => (s) => median(results[s].map(f));
  /**
   * A percentile of the values of all runs together.
   * @param {(r: SearchMeasurement) => number[]} f
   * @param {number} p
   * @returns {Figure}
   */
  const P = (f, p) => (s) => {
    const values = results[s].flatMap(f).sort((a, b) => a - b);
    return values.length ? pct(values, p) : null;
  };
  const runs = results[ref].length;

  console.log(`3. First render with ${cfg.searchClients} clients (median of ${runs} runs, from navigation start)`);
  console.log(
    table(headers('figure'), [
      row('first-contentful-paint', M((r) => r.firstRender.fcpMs), 0, ' ms'),
      row(`all ${cfg.searchClients} rows in DOM`, M((r) => r.firstRender.rowsAtMs), 0, ' ms'),
      row('rows painted (next frame)', M((r) => r.firstRender.rowsPaintedMs), 0, ' ms'),
      row('long tasks during load (count)', M((r) => r.firstRender.loadLongTasks)),
      row('longest load task', M((r) => r.firstRender.loadLongTaskMaxMs), 0, ' ms'),
    ]),
  );
  console.log('');

  const keys = (/** @type {SearchMeasurement} */ r) => r.keys;
  console.log(
    `4. Search as you type, one key at a time (${STEPS.length} keys per run: "site-042" typed and erased, "10.100.42.7", Escape; ` +
      `${runs} runs pooled = ${STEPS.length * runs} keystrokes; the event stream updates all rows every second meanwhile)`,
  );
  console.log(
    table(headers('keydown ->'), [
      row('search box painted, p50', P((r) => keys(r).map((k) => k.inputMs), 50), 1, ' ms'),
      row('search box painted, p95', P((r) => keys(r).map((k) => k.inputMs), 95), 1, ' ms'),
      row('search box painted, max', P((r) => keys(r).map((k) => k.inputMs), 100), 1, ' ms'),
      row('filtered rows painted, p50', P((r) => keys(r).map((k) => k.listMs), 50), 1, ' ms'),
      row('filtered rows painted, p95', P((r) => keys(r).map((k) => k.listMs), 95), 1, ' ms'),
      row('filtered rows painted, max', P((r) => keys(r).map((k) => k.listMs), 100), 1, ' ms'),
    ]),
  );
  console.log('');
  console.log('   per keystroke (median of runs, keydown -> filtered rows painted):');
  console.log(
    table(
      ['key', 'box then', 'shown', ...scenarios.map((s) => SEARCH_SCENARIOS[s].label), ...(showRatio ? [`${baseline} / ${ref}`] : [])],
      STEPS.map(([key, value], i) => {
        /** @type {Figure} */
        const f = (s) => median(results[s].map((r) => r.keys[i]?.listMs));
        return [key, JSON.stringify(value), results[ref][0]?.keys[i]?.shown ?? '', ...scenarios.map((s) => fmt(f(s), 1, ' ms')), ...(showRatio ? [ratio(f(baseline), f(ref))] : [])];
      }),
    ),
  );
  const agree = scenarios.every((s) => results[s].every((r) => r.keys.every((k, i) => k.shown === results[ref][0]?.keys[i]?.shown)));
  console.log(`   rows shown after each key: ${agree ? 'the same in every run of every scenario' : 'DIFFER between runs or scenarios'}`);
  console.log('');

  console.log(`5. Typing "${BURST}" in one go (${BURST.length} keys, ${BURST_DELAY_MS} ms apart; median of runs)`);
  console.log(
    table(headers('figure'), [
      row('last keydown -> rows for the word painted', M((r) => r.burst.lastKeyToListMs), 0, ' ms'),
      row('first keydown -> rows for the word painted', M((r) => r.burst.firstKeyToListMs), 0, ' ms'),
      row('frame delta p50', M((r) => r.burst.frames.p50), 1, ' ms'),
      row('frame delta p95', M((r) => r.burst.frames.p95), 1, ' ms'),
      row('frame delta max', M((r) => r.burst.frames.max), 1, ' ms'),
      row('frames > 50 ms (count)', M((r) => r.burst.frames.over50)),
      row('long tasks > 50 ms (count)', M((r) => r.burst.longTasks)),
    ]),
  );
  console.log('');

  console.log(`6. Scrolling all ${cfg.searchClients} rows with the mouse wheel, down and back up (median of runs)`);
  console.log(
    table(headers('figure'), [
      row('scrolled down', M((r) => r.scroll.scrolledPx), 0, ' px'),
      row('duration', M((r) => r.scroll.seconds), 1, ' s'),
      row('frame delta p50', M((r) => r.scroll.frames.p50), 1, ' ms'),
      row('frame delta p95', M((r) => r.scroll.frames.p95), 1, ' ms'),
      row('frame delta max', M((r) => r.scroll.frames.max), 1, ' ms'),
      row('frames > 50 ms (count)', M((r) => r.scroll.frames.over50)),
      row('long tasks > 50 ms (count)', M((r) => r.scroll.longTasks)),
    ]),
  );
  const errs = scenarios.flatMap((s) => results[s].flatMap((r) => r.errors.map((e) => `${s}: ${e}`)));
  console.log(`page/console errors: ${errs.length ? errs.slice(0, 5).join(' | ') : 'none'}`);
  console.log('');
}
