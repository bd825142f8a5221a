// @ts-check
// One measurement of the dashboard benchmark: a fresh Chromium profile against a fresh fake
// gateway, the first render, then the update window.

import { LONG_TASK_MS, SCENARIOS, SETTLE_MS, cfg } from './config.mjs';
import { startGateway } from './fake-gateway.mjs';
import { metricsOf, openDashboard, startFrames, stopFrames } from './session.mjs';
import { pct, sum } from './stats.mjs';

/** @typedef {Awaited<ReturnType<typeof measure>>} Measurement */

/** @param {import('./config.mjs').ScenarioKey} scenarioKey */
export async function measure(scenarioKey) {
  const scenario = SCENARIOS[scenarioKey];
  const gateway = await startGateway({ events: scenario.events, pollMs: scenario.pollMs, clients: cfg.clients });
  if (scenario.pollMs && !gateway.patched.applied) {
    await gateway.close();
    throw new Error('poll1: could not find POLL_INTERVAL_MS (=5e3 before clientKeys) in the bundle; update POLL_CONSTANT.');
  }
  /** @type {import('./session.mjs').Session | undefined} */
  let session;
  try {
    // 1. First render.
    session = await openDashboard(gateway.url, cfg.clients);
    const { page, cdp, errors, firstRender } = session;

    // 2. Updates.
    await page.waitForTimeout(SETTLE_MS);
    const before = metricsOf(await cdp.send('Performance.getMetrics'));
    const winStart = await startFrames(page);
    const serverStart = Date.now();
    await page.waitForTimeout(cfg.seconds * 1000);
    const { end: winEnd, frames } = await stopFrames(page);
    const serverEnd = Date.now();
    const after = metricsOf(await cdp.send('Performance.getMetrics'));
    const raw = await page.evaluate(() => {
      const b = window.__bench;
      return { longtasks: b.longtasks, shifts: b.shifts, commits: b.commits, dataAt: b.dataAt, handlerMs: b.handlerMs };
    });
    const rows = await page.locator('tbody tr.client-row').count();
    const liveText = await page.locator('.live-indicator').first().textContent().catch(() => '');

    const secs = (winEnd - winStart) / 1000;
    /** @param {number} t */
    const inWin = (t) => t >= winStart && t <= winEnd;
    const tasks = raw.longtasks.filter((e) => inWin(e.start));
    const loadTasks = raw.longtasks.filter((e) => e.start < winStart);
    const sortedFrames = [...frames].sort((a, b) => a - b);
    const commits = raw.commits.filter(inWin);
    const data = raw.dataAt.filter(inWin);
    // data -> DOM: from each data arrival to the first DOM commit after it.
    /** @type {number[]} */
    const latencies = [];
    for (const t of data) {
      const c = commits.find((x) => x >= t);
      if (c !== undefined) latencies.push(c - t);
    }
    // Requests the page made during the window (server side), by endpoint; stream bytes separately.
    const win = gateway.log.filter((e) => e.t >= serverStart && e.t <= serverEnd);
    /** @type {Record<string, number>} */
    const reqs = {};
    let bytes = 0;
    for (const e of win) {
      bytes += e.bytes;
      if (e.key.startsWith('/api/events (')) continue; // pushed messages, not requests
      reqs[e.key] = (reqs[e.key] ?? 0) + 1;
    }
    /** @param {number} n */
    const perMin = (n) => (n * 60) / ((serverEnd - serverStart) / 1000);
    const totalReqs = Object.values(reqs).reduce((a, b) => a + b, 0);

    return {
      scenario: scenarioKey,
      rows,
      live: (liveText || '').trim(),
      errors,
      firstRender: {
        ...firstRender,
        loadLongTasks: loadTasks.length,
        loadLongTaskMaxMs: Math.max(0, ...loadTasks.map((e) => e.dur)),
        loadCls: sum(raw.shifts.filter((s) => s.start < winStart).map((s) => s.value)),
      },
      updates: {
        seconds: secs,
        longTasks: tasks.length,
        longTaskMaxMs: Math.max(0, ...tasks.map((e) => e.dur)),
        frames: frames.length,
        fps: frames.length / secs,
        frameP50: pct(sortedFrames, 50),
        frameP99: pct(sortedFrames, 99),
        frameMax: sortedFrames[sortedFrames.length - 1] ?? 0,
        framesOver50: frames.filter((d) => d > LONG_TASK_MS).length,
        cls: sum(raw.shifts.filter((s) => inWin(s.start)).map((s) => s.value)),
        dataPerSec: data.length / secs,
        commitsPerSec: commits.length / secs,
        commitsPerUpdate: data.length ? commits.length / data.length : 0,
        dataToDomP50: pct([...latencies].sort((a, b) => a - b), 50),
        handlerMsP50: pct([...raw.handlerMs].sort((a, b) => a - b), 50),
        busyPct: (100 * (after.TaskDuration - before.TaskDuration)) / secs,
        scriptMsPerSec: (1000 * (after.ScriptDuration - before.ScriptDuration)) / secs,
        layoutMsPerSec: (1000 * (after.LayoutDuration - before.LayoutDuration + after.RecalcStyleDuration - before.RecalcStyleDuration)) / secs,
        layoutsPerSec: (after.LayoutCount - before.LayoutCount) / secs,
        heapMB: after.JSHeapUsedSize / 1024 / 1024,
        requestsPerMin: perMin(totalReqs),
        clientListRequestsPerMin: perMin(reqs['/api/clients'] ?? 0),
        eventsRetriesPerMin: perMin(reqs['/api/events'] ?? 0),
        kbPerMin: perMin(bytes) / 1024,
        requests: reqs,
      },
    };
  } finally {
    await session?.close();
    await gateway.close();
  }
}
