// @ts-check
// One browser session of the dashboard benchmark: a fresh Chromium profile, the in-page probes,
// and the dashboard's first render against a fake gateway.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
// Same Chromium flags as the e2e tests.
import { CHROMIUM_ARGS } from '../e2e/lib/chromium-args.mjs';
import { VIEWPORT, cfg } from './config.mjs';
import { instrument } from './instrument.mjs';

/** @typedef {Awaited<ReturnType<typeof openDashboard>>} Session */

/**
 * Opens the dashboard of `url` and waits until all `rows` client rows are painted.
 * @param {string} url
 * @param {number} rows
 */
export async function openDashboard(url, rows) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'peergate-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: cfg.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  /** @type {string[]} */
  const errors = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/the server responded with a status of 404|EventSource's response has a MIME type/i.test(m.text()))
        errors.push(`console: ${m.text()}`);
    });
    await page.addInitScript(instrument, rows);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    const t0 = performance.now();
    await page.goto(`${url}/`, { waitUntil: 'commit' });
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr.client-row').length >= n, rows, {
      timeout: 60_000,
      polling: 'raf',
    });
    const wallMs = performance.now() - t0;
    await page.waitForFunction(() => window.__bench.rowsFrameAt !== null, null, { timeout: 10_000 });
    const load = await page.evaluate(() => {
      const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        fcpMs: fcp ? fcp.startTime : null,
        rowsAtMs: window.__bench.rowsAt,
        rowsPaintedMs: window.__bench.rowsFrameAt,
        dclMs: nav ? nav.domContentLoadedEventEnd : null,
      };
    });
    return { page, cdp, errors, firstRender: { wallMs, ...load }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Starts recording the time between animation frames (into `window.__bench.frames`).
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number>} performance.now() in the page at the start
 */
export function startFrames(page) {
  return page.evaluate(() => {
    const b = window.__bench;
    /** @type {number[]} */
    const frames = [];
    b.frames = frames;
    b.stop = false;
    /** @type {number | null} */
    let last = null;
    /** @param {number} t */
    const loop = (t) => {
      if (b.stop || b.frames !== frames) return;
      if (last !== null) frames.push(t - last);
      last = t;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    return performance.now();
  });
}

/**
 * Stops the recording of `startFrames`.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ end: number; frames: number[] }>}
 */
export function stopFrames(page) {
  return page.evaluate(() => {
    const b = window.__bench;
    b.stop = true;
    return { end: performance.now(), frames: b.frames ?? [] };
  });
}

/**
 * CDP `Performance.getMetrics` as name -> value.
 * @param {{ metrics: { name: string; value: number }[] }} result
 * @returns {Record<string, number>}
 */
export function metricsOf(result) {
  return Object.fromEntries(result.metrics.map((m) => [m.name, m.value]));
}
