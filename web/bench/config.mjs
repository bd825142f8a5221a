// @ts-check
// Settings of the dashboard benchmark (see dashboard.bench.mjs for what the figures are).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.resolve(process.env.BENCH_DIST || path.join(webDir, 'dist'));

/** @typedef {'sse' | 'poll5' | 'poll1'} ScenarioKey */
/** @typedef {{ label: string; events: boolean; pollMs: number | null }} Scenario */
/** @typedef {'search' | 'naive'} SearchScenarioKey */

export const cfg = {
  runs: intEnv('BENCH_RUNS', 5),
  seconds: intEnv('BENCH_SECONDS', 30),
  clients: intEnv('BENCH_CLIENTS', 100),
  /** @type {string[]} checked against SCENARIOS by main() */
  scenarios: (process.env.BENCH_SCENARIOS || 'sse,poll5,poll1').split(',').map((s) => s.trim()).filter(Boolean),
  searchClients: intEnv('BENCH_SEARCH_CLIENTS', 1000),
  /** @type {string[]} checked against SEARCH_SCENARIOS by main(); empty: no search figures */
  searchScenarios: (process.env.BENCH_SEARCH_SCENARIOS ?? 'search,naive').split(',').map((s) => s.trim()).filter(Boolean),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  json: process.env.BENCH_JSON || '',
};
export const BUNDLE_GOAL_KB = 250;
export const LONG_TASK_MS = 50;
export const SETTLE_MS = 2000; // after the rows appear, before the update window opens

export const VIEWPORT = { width: 1280, height: 800 };

// The CSP the gateway sends (web/README.md), so a CSP problem would show up here too.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** @type {Record<ScenarioKey, Scenario>} */
export const SCENARIOS = {
  sse: { label: 'SSE (1 s push)', events: true, pollMs: null },
  poll5: { label: 'poll 5 s (fallback)', events: false, pollMs: null },
  poll1: { label: 'poll 1 s (naive)', events: false, pollMs: 1000 },
};

/**
 * The search figures: the real bundle, and the same bundle with React's memoization and deferral
 * switched off (fake-gateway.mjs), both with the event stream pushing every client's status each second.
 * @type {Record<SearchScenarioKey, { label: string; naive: boolean }>}
 */
export const SEARCH_SCENARIOS = {
  search: { label: 'memoized + deferred (ours)', naive: false },
  naive: { label: 'no memo, synchronous (naive)', naive: true },
};

/** Between keystrokes typed one at a time (after the previous one's list was painted), and in a burst. */
export const KEY_GAP_MS = 150;
export const BURST_DELAY_MS = 40;

/**
 * @param {string} key
 * @returns {key is SearchScenarioKey}
 */
export function isSearchScenario(key) {
  return Object.hasOwn(SEARCH_SCENARIOS, key);
}

/**
 * @param {string} key
 * @returns {key is ScenarioKey}
 */
export function isScenario(key) {
  return Object.hasOwn(SCENARIOS, key);
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function intEnv(name, fallback) {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
