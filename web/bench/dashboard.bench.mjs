// @ts-check
// Browser performance benchmark of the dashboard: bundle size, time to first
// render with 100 clients, and frame time / long tasks / layout shift while 100 clients update every
// second; then, with 1,000 clients, the first render, search-as-you-type latency and frame time
// while typing and scrolling. Self-contained: serves web/dist from a fake gateway on 127.0.0.1
// (random port) that answers the API the dashboard uses, and drives Debian's Chromium through
// playwright-core (no downloads).
//
//   npm run build && npm run bench
//
// Scenarios, each in a fresh Chromium profile (1280x800), interleaved run by run:
//   sse    the real design: GET /api/events pushes `status` for 100 clients every second (+ `system`
//          every 10 s); the UI writes it into the query cache, no polling.
//   poll5  the stream is absent (/api/events answers 404): the UI's own fallback polls every 5 s.
//   poll1  the naive baseline (per-browser polling like wg-easy): same fallback, but the served bundle
//          has POLL_INTERVAL_MS patched to 1000, so GET /api/clients (full objects) every second.
// In every scenario the fake's data changes every second (rates, bytes, handshakes).
//
// Search scenarios (1,000 clients, event stream on; see search-measure.mjs), interleaved run by run:
//   search the real bundle: the search box's value is deferred (useDeferredValue), the list indexed
//          once per change of the clients, the rows memoized.
//   naive  the naive baseline: the same bundle served with React's memo, useMemo and useDeferredValue
//          patched into no-ops, so every keystroke re-filters and re-renders all rows synchronously.
//
// Environment: BENCH_RUNS (default 5), BENCH_SECONDS (update window, default 30), BENCH_CLIENTS
// (default 100), BENCH_SCENARIOS (comma list, default sse,poll5,poll1), BENCH_SEARCH_CLIENTS (default
// 1000), BENCH_SEARCH_SCENARIOS (comma list, default search,naive; empty: none), CHROMIUM (default
// /usr/bin/chromium), BENCH_JSON (optional path: write all raw per-run figures there), BENCH_DIST
// (another build to serve instead of web/dist, e.g. an unminified one for profiling).

// Modules: config.mjs (settings, scenarios), fake-world.mjs + fake-gateway.mjs (the fake gateway),
// instrument.mjs (in-page probes), session.mjs (browser, first render), measure.mjs (one run),
// search-measure.mjs + search-report.mjs (the search figures), stats.mjs, report.mjs (bundle, tables).

import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS } from '../e2e/lib/chromium-args.mjs';
import { BUNDLE_GOAL_KB, SCENARIOS, VIEWPORT, cfg, distDir, isScenario, isSearchScenario, webDir } from './config.mjs';
import { startGateway } from './fake-gateway.mjs';
import { instrument } from './instrument.mjs';
import { measure } from './measure.mjs';
import { bundleSize, environment, fmt, kb, ratio, table } from './report.mjs';
import { measureSearch } from './search-measure.mjs';
import { printSearch } from './search-report.mjs';
import { median } from './stats.mjs';

/** @typedef {import('./config.mjs').ScenarioKey} ScenarioKey */
/** @typedef {import('./measure.mjs').Measurement} Measurement */
/** @typedef {import('./config.mjs').SearchScenarioKey} SearchScenarioKey */
/** @typedef {import('./search-measure.mjs').SearchMeasurement} SearchMeasurement */

async function main() {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error('web/dist is missing: run `npm run build` first.');
    process.exit(2);
  }
  const distTime = statSync(path.join(distDir, 'index.html')).mtimeMs;
  const newestSrc = Math.max(...readdirSync(path.join(webDir, 'src'), { recursive: true, encoding: 'utf8' }).map((f) => statSync(path.join(webDir, 'src', f)).mtimeMs));
  if (newestSrc > distTime) console.warn('warning: web/src is newer than web/dist; run `npm run build` for current figures.\n');
  /** @type {ScenarioKey[]} */
  const scenarios = [];
  for (const s of cfg.scenarios) {
    if (!isScenario(s)) throw new Error(`unknown scenario ${s} (known: ${Object.keys(SCENARIOS).join(', ')})`);
    scenarios.push(s);
  }
  /** @type {SearchScenarioKey[]} */
  const searchScenarios = [];
  for (const s of cfg.searchScenarios) {
    if (!isSearchScenario(s)) throw new Error(`unknown search scenario ${s} (known: search, naive)`);
    searchScenarios.push(s);
  }

  console.log('peergate dashboard benchmark');
  console.log(`  ${environment()}`);
  console.log(`  ${cfg.clients} clients, ${cfg.runs} runs per scenario, ${cfg.seconds} s update window, viewport ${VIEWPORT.width}x${VIEWPORT.height}, fresh profile per run; medians`);
  if (searchScenarios.length) console.log(`  search figures: ${cfg.searchClients} clients, ${cfg.runs} runs per scenario (${searchScenarios.join(', ')})`);
  console.log('');

  // 3. Bundle.
  const bundle = bundleSize();
  console.log('Production bundle (web/dist/assets, gzip = zlib gzipSync default level)');
  console.log(
    table(
      ['asset', 'loaded', 'raw', 'gzip'],
      [
        ...bundle.assets.map((a) => [a.file, a.initial ? 'initial' : 'lazy', kb(a.raw), kb(a.gzip)]),
        ['initial JS + CSS', '', kb(bundle.initial.raw), kb(bundle.initial.gzip)],
        ['lazy chunks', '', kb(bundle.lazy.raw), kb(bundle.lazy.gzip)],
        ['total JS + CSS', '', kb(bundle.all.raw), kb(bundle.all.gzip)],
      ],
    ),
  );
  console.log(
    `goal < ${BUNDLE_GOAL_KB} KB gzipped: initial ${kb(bundle.initial.gzip)} ${bundle.initial.gzip < BUNDLE_GOAL_KB * 1024 ? 'PASS' : 'FAIL'}, ` +
      `total ${kb(bundle.all.gzip)} ${bundle.all.gzip < BUNDLE_GOAL_KB * 1024 ? 'PASS' : 'FAIL'}\n`,
  );

  // 1 + 2. Browser runs, scenarios interleaved so drift hits all of them alike.
  /** @type {Record<string, Measurement[]>} */
  const results = Object.fromEntries(scenarios.map((s) => [s, []]));
  for (let run = 1; run <= cfg.runs; run++) {
    for (const s of scenarios) {
      const r = await measure(s);
      results[s].push(r);
      const u = r.updates;
      process.stderr.write(
        `run ${run}/${cfg.runs} ${s.padEnd(5)}: rows ${r.rows} at ${fmt(r.firstRender.rowsAtMs)} ms, long tasks ${u.longTasks} (max ${fmt(u.longTaskMaxMs)} ms), ` +
          `frames p99 ${fmt(u.frameP99, 1)} ms, commits/s ${fmt(u.commitsPerSec, 1)}, busy ${fmt(u.busyPct, 1)} %, req/min ${fmt(u.requestsPerMin)}` +
          `${r.errors.length ? `, ${r.errors.length} errors` : ''}\n`,
      );
    }
  }
  /** @type {Record<string, SearchMeasurement[]>} */
  const searchResults = Object.fromEntries(searchScenarios.map((s) => [s, []]));
  for (let run = 1; run <= cfg.runs; run++) {
    for (const s of searchScenarios) {
      const r = await measureSearch(s);
      searchResults[s].push(r);
      const list = r.keys.map((k) => k.listMs).sort((a, b) => a - b);
      process.stderr.write(
        `search run ${run}/${cfg.runs} ${s.padEnd(6)}: rows painted at ${fmt(r.firstRender.rowsPaintedMs)} ms, keystroke -> rows p50 ${fmt(median(list), 1)} ms ` +
          `(max ${fmt(list[list.length - 1], 1)}), scroll frames p95 ${fmt(r.scroll.frames.p95, 1)} ms${r.errors.length ? `, ${r.errors.length} errors` : ''}\n`,
      );
    }
  }
  if (cfg.json) writeFileSync(cfg.json, JSON.stringify({ config: cfg, bundle, results, search: searchResults }, null, 2));

  /** @typedef {(r: Measurement) => number | null} Figure */
  /** @typedef {(s: ScenarioKey, f: Figure) => number | null} Aggregate */
  /** @type {Aggregate} */
  const M = (s, f) => median(results[s].map(f));
  /** @type {Aggregate} */
  const MAX = (s, f) => Math.max(...results[s].map((r) => Number(f(r))));
  const baseline = scenarios.includes('poll1') ? 'poll1' : scenarios[scenarios.length - 1];
  const ref = scenarios.includes('sse') ? 'sse' : scenarios[0];
  const showRatio = baseline !== ref;
  const headers = ['figure (median of runs)', ...scenarios.map((s) => SCENARIOS[s].label), ...(showRatio ? [`${baseline} / ${ref}`] : [])];
  /**
   * @param {string} label
   * @param {Figure} f
   * @param {number} [digits]
   * @param {string} [unit]
   * @param {Aggregate} [agg]
   */
  const row = (label, f, digits = 0, unit = '', agg = M) => {
    const values = scenarios.map((s) => agg(s, f));
    return [label, ...values.map((v) => fmt(v, digits, unit)), ...(showRatio ? [ratio(agg(baseline, f), agg(ref, f))] : [])];
  };

  console.log(`1. Time to first render, ${cfg.clients} clients (from navigation start)`);
  console.log(
    table(headers, [
      row('first-contentful-paint', (r) => r.firstRender.fcpMs, 0, ' ms'),
      row('DOMContentLoaded', (r) => r.firstRender.dclMs, 0, ' ms'),
      row(`all ${cfg.clients} rows in DOM (performance.now)`, (r) => r.firstRender.rowsAtMs, 0, ' ms'),
      row('rows painted (next frame)', (r) => r.firstRender.rowsPaintedMs, 0, ' ms'),
      row('rows seen by waitForFunction (wall, from goto)', (r) => r.firstRender.wallMs, 0, ' ms'),
      row('long tasks during load', (r) => r.firstRender.loadLongTasks),
      row('longest load task', (r) => r.firstRender.loadLongTaskMaxMs, 0, ' ms'),
      row('CLS during load', (r) => r.firstRender.loadCls, 4),
    ]),
  );
  console.log('');

  console.log(`2. While ${cfg.clients} clients update every second (${cfg.seconds} s window)`);
  console.log(
    table(headers, [
      row('long tasks > 50 ms (count)', (r) => r.updates.longTasks),
      row('long tasks, worst run (count)', (r) => r.updates.longTasks, 0, '', MAX),
      row('longest task', (r) => r.updates.longTaskMaxMs, 0, ' ms'),
      row('longest task, worst run', (r) => r.updates.longTaskMaxMs, 0, ' ms', MAX),
      row('frames (rAF) per second', (r) => r.updates.fps, 1),
      row('frame delta p50', (r) => r.updates.frameP50, 1, ' ms'),
      row('frame delta p99', (r) => r.updates.frameP99, 1, ' ms'),
      row('frame delta max', (r) => r.updates.frameMax, 1, ' ms'),
      row('frames > 50 ms (count)', (r) => r.updates.framesOver50),
      row('CLS while updating', (r) => r.updates.cls, 4),
      row('data updates received per second', (r) => r.updates.dataPerSec, 2),
      row('DOM commits per second', (r) => r.updates.commitsPerSec, 1),
      row('DOM commits per data update', (r) => r.updates.commitsPerUpdate, 1),
      row('data arrival -> first DOM commit p50', (r) => r.updates.dataToDomP50, 1, ' ms'),
      row('SSE status handler (sync) p50', (r) => (r.scenario === 'sse' ? r.updates.handlerMsP50 : null), 2, ' ms'),
      row('main thread busy (CDP TaskDuration)', (r) => r.updates.busyPct, 1, ' %'),
      row('script time per second', (r) => r.updates.scriptMsPerSec, 1, ' ms'),
      row('style + layout time per second', (r) => r.updates.layoutMsPerSec, 1, ' ms'),
      row('layouts per second', (r) => r.updates.layoutsPerSec, 1),
      row('JS heap used at end', (r) => r.updates.heapMB, 1, ' MB'),
      row('HTTP requests per minute (all)', (r) => r.updates.requestsPerMin, 1),
      row('  GET /api/clients per minute', (r) => r.updates.clientListRequestsPerMin, 1),
      row('  GET /api/events retries per minute', (r) => r.updates.eventsRetriesPerMin, 1),
      row('bytes sent to the browser per minute (KB)', (r) => r.updates.kbPerMin, 0),
    ]),
  );
  console.log('');

  for (const s of scenarios) {
    /** @type {Record<string, number[]>} */
    const reqs = {};
    for (const r of results[s]) for (const [k, v] of Object.entries(r.updates.requests)) (reqs[k] ??= []).push((v * 60) / r.updates.seconds);
    const parts = Object.entries(reqs).map(([k, v]) => `${k} ${fmt(median(v), 1)}`);
    console.log(`requests per minute, ${SCENARIOS[s].label}: ${parts.length ? parts.join(', ') : 'none'}`);
  }
  if (scenarios.includes('sse') && scenarios.includes('poll1')) {
    console.log(
      `requests per minute: SSE ${fmt(M('sse', (r) => r.updates.requestsPerMin), 1)} vs polling ${fmt(M('poll1', (r) => r.updates.requestsPerMin), 1)} ` +
        `(GET /api/clients: SSE ${fmt(M('sse', (r) => r.updates.clientListRequestsPerMin), 1)} vs polling ${fmt(M('poll1', (r) => r.updates.clientListRequestsPerMin), 1)})`,
    );
  }
  const live = scenarios.map((s) => `${s}: "${results[s][0]?.live}"`).join('; ');
  console.log(`live indicator at the end: ${live}`);
  const rowsOk = scenarios.every((s) => results[s].every((r) => r.rows === cfg.clients));
  const errs = scenarios.flatMap((s) => results[s].flatMap((r) => r.errors.map((e) => `${s}: ${e}`)));
  console.log(`rows at the end: ${rowsOk ? `${cfg.clients} in every run` : 'MISSING ROWS'}; page/console errors: ${errs.length ? errs.slice(0, 5).join(' | ') : 'none'}`);
  console.log('');

  if (searchScenarios.length) printSearch(searchResults, searchScenarios);

  console.log('Goals');
  console.log(`  bundle < ${BUNDLE_GOAL_KB} KB gzipped (initial): ${kb(bundle.initial.gzip)} -> ${bundle.initial.gzip < BUNDLE_GOAL_KB * 1024 ? 'PASS' : 'FAIL'}`);
  for (const s of scenarios) {
    const worst = MAX(s, (r) => r.updates.longTasks);
    const longest = MAX(s, (r) => r.updates.longTaskMaxMs);
    console.log(
      `  no long tasks > 50 ms while updating, ${SCENARIOS[s].label}: ${worst === 0 ? 'PASS' : 'FAIL'} (worst run ${worst} long tasks, longest ${fmt(longest)} ms)`,
    );
  }
}

export { CHROMIUM_ARGS, VIEWPORT, instrument, startGateway };

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
