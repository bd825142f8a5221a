// Browser performance benchmark of the dashboard (issue 5, "Figures"): bundle size, time to first
// render with 100 clients, and frame time / long tasks / layout shift while 100 clients update every
// second. Self-contained: serves web/dist from a fake gateway on 127.0.0.1 (random port) that answers
// the API the dashboard uses, and drives Debian's Chromium through playwright-core (no downloads).
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
// Environment: BENCH_RUNS (default 5), BENCH_SECONDS (update window, default 30), BENCH_CLIENTS
// (default 100), BENCH_SCENARIOS (comma list, default sse,poll5,poll1), CHROMIUM (default
// /usr/bin/chromium), BENCH_JSON (optional path: write all raw per-run figures there), BENCH_DIST
// (another build to serve instead of web/dist, e.g. an unminified one for profiling).

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

// Same Chromium flags as the e2e tests.
import { CHROMIUM_ARGS } from '../e2e/lib/browser.mjs';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.resolve(process.env.BENCH_DIST || path.join(webDir, 'dist'));

const cfg = {
  runs: intEnv('BENCH_RUNS', 5),
  seconds: intEnv('BENCH_SECONDS', 30),
  clients: intEnv('BENCH_CLIENTS', 100),
  scenarios: (process.env.BENCH_SCENARIOS || 'sse,poll5,poll1').split(',').map((s) => s.trim()).filter(Boolean),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  json: process.env.BENCH_JSON || '',
};
const BUNDLE_GOAL_KB = 250;
const LONG_TASK_MS = 50;
const SETTLE_MS = 2000; // after the rows appear, before the update window opens

const VIEWPORT = { width: 1280, height: 800 };

// The CSP the gateway sends (web/README.md), so a CSP problem would show up here too.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const SCENARIOS = {
  sse: { label: 'SSE (1 s push)', events: true, pollMs: null },
  poll5: { label: 'poll 5 s (fallback)', events: false, pollMs: null },
  poll1: { label: 'poll 1 s (naive)', events: false, pollMs: 1000 },
};

function intEnv(name, fallback) {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// ---------------------------------------------------------------------------------------------
// Fake gateway: the simulated world (100 clients whose status changes every second) and the API.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createWorld(count) {
  const rand = mulberry32(0x9e3779b9);
  const start = Math.floor(Date.now() / 1000);
  const created = start - 86_400 * 7;
  const clients = [];
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(3, '0');
    const iface = `pg-c${n}`;
    clients.push({
      id: i + 1,
      name: `site-${n}`,
      interface: iface,
      conf_path: `/var/lib/peergate/clients/${iface}.conf`,
      subnets: [`10.100.${i}.0/24`],
      peer_public_keys: [createHash('sha256').update(`peer-${i}`).digest('base64')],
      endpoint: `203.0.113.${(i % 250) + 1}:51820`,
      probe_host: `10.100.${i}.1`,
      state: 'active',
      last_error: null,
      status: null,
      last_ping: null,
      warnings: [],
      created_by: 'bench',
      created_at: created + i * 60,
      updated_at: created + i * 60,
    });
  }
  const world = { clients, tick: 0, system: null, history: [] };
  const memTotal = 8 * 1024 ** 3;
  const systemAt = (at) => ({
    at,
    cpu_percent: 5 + rand() * 40,
    memory_used_bytes: Math.round(memTotal * (0.25 + rand() * 0.2)),
    memory_total_bytes: memTotal,
    load_average: [rand() * 2, rand() * 1.5, rand()],
    uptime_secs: 3 * 86_400 + (at - start),
    interfaces: [],
  });
  for (let k = 180; k > 0; k--) {
    const s = systemAt(start - k * 10);
    world.history.push({ at: s.at, cpu_percent: s.cpu_percent, memory_used_bytes: s.memory_used_bytes });
  }
  world.advance = () => {
    const now = Date.now() / 1000;
    world.tick += 1;
    for (const c of clients) {
      const rx = Math.round(rand() * 2_000_000);
      const tx = Math.round(rand() * 500_000);
      c.status = {
        observed_at: now,
        connected: true,
        latest_handshake: Math.floor(now - rand() * 110),
        rx_bytes: (c.status?.rx_bytes ?? 1e9) + rx,
        tx_bytes: (c.status?.tx_bytes ?? 2e8) + tx,
        rx_rate: rx,
        tx_rate: tx,
        endpoint: c.endpoint,
      };
      if (!c.last_ping || world.tick % 10 === c.id % 10) {
        const avg = 5 + rand() * 40;
        c.last_ping = {
          at: Math.floor(now),
          sent: 3,
          received: 3,
          loss: 0,
          rtt_avg_ms: avg,
          rtt_min_ms: avg * 0.8,
          rtt_max_ms: avg * 1.3,
          ok: true,
          error: null,
        };
      }
    }
    if (!world.system || world.tick % 10 === 0) {
      world.system = systemAt(Math.floor(now));
      const p = world.system;
      world.history = [...world.history.slice(-179), { at: p.at, cpu_percent: p.cpu_percent, memory_used_bytes: p.memory_used_bytes }];
    }
  };
  world.advance();
  return world;
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// POLL_INTERVAL_MS in the minified bundle: `var gs=5e3,U={all:[`clients`],...` (src/lib/live.ts and
// the clientKeys object that follows it in the bundle).
const POLL_CONSTANT = /([\w$]+)=5e3(,[\w$]+=\{all:\[`clients`\])/;

async function startGateway({ events, pollMs, clients }) {
  const world = createWorld(clients);
  const log = []; // { t, key, bytes }
  const streams = new Set();
  const patched = { applied: false };
  const fileCache = new Map();

  const readAsset = (file) => {
    if (!fileCache.has(file)) {
      let body = readFileSync(file);
      if (pollMs && file.endsWith('.js') && POLL_CONSTANT.test(body.toString('utf8'))) {
        body = Buffer.from(body.toString('utf8').replace(POLL_CONSTANT, `$1=${pollMs}$2`));
        patched.applied = true;
      }
      fileCache.set(file, body);
    }
    return fileCache.get(file);
  };
  // Patch eagerly so we know before the run whether the forced interval is in effect.
  if (pollMs) for (const f of readdirSync(path.join(distDir, 'assets'))) if (f.endsWith('.js')) readAsset(path.join(distDir, 'assets', f));

  const send = (res, key, status, type, body, extra = {}) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, 'Content-Security-Policy': CSP, ...extra });
    res.end(buf);
    log.push({ t: Date.now(), key, bytes: buf.length });
  };
  const json = (res, key, value, status = 200) =>
    send(res, key, status, status >= 400 ? 'application/problem+json' : 'application/json', JSON.stringify(value), { 'Cache-Control': 'no-store' });
  const problem = (res, key, status, code, detail) => json(res, key, { status, code, detail, title: http.STATUS_CODES[status] }, status);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, `${req.method} ${p}`, 405, 'method_not_allowed', 'Read-only bench gateway.');
    if (p === '/healthz') return send(res, '/healthz', 200, 'text/plain', 'ok');
    if (p === '/api/auth/me') return json(res, p, { user: { id: 1, username: 'bench', role: 'admin' }, csrf_token: 'x' });
    if (p === '/api/clients') return json(res, p, world.clients);
    if (p === '/api/clients/pending') return json(res, p, []);
    if (p === '/api/system/metrics') return json(res, p, { ...world.system, history: world.history });
    if (p === '/api/events') {
      if (!events) return problem(res, p, 404, 'not_found', 'No event stream on this gateway.');
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
        'Content-Security-Policy': CSP,
      });
      res.write(': hello\n\n');
      log.push({ t: Date.now(), key: p, bytes: 0 });
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return undefined;
    }
    if (p.startsWith('/api/')) return problem(res, p, 404, 'not_found', `No route ${p} in the bench gateway.`);
    // Static files, SPA fallback to index.html.
    const file = path.join(distDir, path.normalize(decodeURIComponent(p)).replace(/^([/\\])+/, ''));
    if (file.startsWith(distDir + path.sep) && existsSync(file) && statSync(file).isFile()) {
      const cache = p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return send(res, 'static', 200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', readAsset(file), { 'Cache-Control': cache });
    }
    return send(res, 'static', 200, CONTENT_TYPES['.html'], readAsset(path.join(distDir, 'index.html')), { 'Cache-Control': 'no-cache' });
  });

  const push = (event, data) => {
    if (streams.size === 0) return;
    const chunk = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of streams) {
      res.write(chunk);
      log.push({ t: Date.now(), key: `/api/events (${event})`, bytes: Buffer.byteLength(chunk) });
    }
  };
  const timer = setInterval(() => {
    world.advance();
    push('status', { at: Date.now() / 1000, clients: world.clients.map((c) => ({ id: c.id, status: c.status })) });
    if (world.tick % 10 === 0) push('system', world.system);
  }, 1000);

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    patched,
    async close() {
      clearInterval(timer);
      for (const res of streams) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// In-page instrumentation, installed before any page script runs.

function instrument(rowCount) {
  const b = {
    longtasks: [],
    shifts: [],
    rowsAt: null,
    rowsFrameAt: null,
    commits: [], // MutationObserver callbacks = DOM commits (each React commit that changed the DOM)
    dataAt: [], // arrival of new client data (SSE `status` dispatched, or GET /api/clients answered)
    handlerMs: [], // synchronous cost of the app's `status` handler (cache writes)
    frames: null,
    stop: false,
  };
  window.__bench = b;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) b.shifts.push({ start: e.startTime, value: e.value });
    }).observe({ type: 'layout-shift', buffered: true });
  } catch {}
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
    ES.prototype.addEventListener = function (type, listener, options) {
      if (type !== 'status' || typeof listener !== 'function') return add.call(this, type, listener, options);
      return add.call(
        this,
        type,
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
  }
  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const promise = realFetch.call(this, input, init);
    if (new URL(url, location.href).pathname === '/api/clients') {
      promise.then((r) => (r.ok ? b.dataAt.push(performance.now()) : undefined), () => {});
    }
    return promise;
  };
}

// ---------------------------------------------------------------------------------------------
// One measurement: fresh profile, first render, then the update window.

async function measure(scenarioKey) {
  const scenario = SCENARIOS[scenarioKey];
  const gateway = await startGateway({ events: scenario.events, pollMs: scenario.pollMs, clients: cfg.clients });
  if (scenario.pollMs && !gateway.patched.applied) {
    await gateway.close();
    throw new Error('poll1: could not find POLL_INTERVAL_MS (=5e3 before clientKeys) in the bundle; update POLL_CONSTANT.');
  }
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'peergate-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: cfg.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
  });
  const errors = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/the server responded with a status of 404|EventSource's response has a MIME type/i.test(m.text()))
        errors.push(`console: ${m.text()}`);
    });
    await page.addInitScript(instrument, cfg.clients);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    // 1. First render.
    const t0 = performance.now();
    await page.goto(`${gateway.url}/`, { waitUntil: 'commit' });
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr.client-row').length >= n, cfg.clients, {
      timeout: 30_000,
      polling: 'raf',
    });
    const wallMs = performance.now() - t0;
    await page.waitForFunction(() => window.__bench.rowsFrameAt !== null, null, { timeout: 10_000 });
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        fcp: fcp ? fcp.startTime : null,
        rowsAt: window.__bench.rowsAt,
        rowsFrameAt: window.__bench.rowsFrameAt,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
      };
    });

    // 2. Updates.
    await page.waitForTimeout(SETTLE_MS);
    const before = metricsOf(await cdp.send('Performance.getMetrics'));
    const winStart = await page.evaluate(() => {
      const b = window.__bench;
      b.frames = [];
      let last = null;
      const loop = (t) => {
        if (last !== null) b.frames.push(t - last);
        last = t;
        if (!b.stop) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
      return performance.now();
    });
    const serverStart = Date.now();
    await page.waitForTimeout(cfg.seconds * 1000);
    const winEnd = await page.evaluate(() => {
      window.__bench.stop = true;
      return performance.now();
    });
    const serverEnd = Date.now();
    const after = metricsOf(await cdp.send('Performance.getMetrics'));
    const raw = await page.evaluate(() => {
      const b = window.__bench;
      return { longtasks: b.longtasks, shifts: b.shifts, commits: b.commits, dataAt: b.dataAt, handlerMs: b.handlerMs, frames: b.frames };
    });
    const rows = await page.locator('tbody tr.client-row').count();
    const liveText = await page.locator('.live-indicator').first().textContent().catch(() => '');

    const secs = (winEnd - winStart) / 1000;
    const inWin = (t) => t >= winStart && t <= winEnd;
    const tasks = raw.longtasks.filter((e) => inWin(e.start));
    const loadTasks = raw.longtasks.filter((e) => e.start < winStart);
    const frames = raw.frames;
    const sortedFrames = [...frames].sort((a, b) => a - b);
    const commits = raw.commits.filter(inWin);
    const data = raw.dataAt.filter(inWin);
    // data -> DOM: from each data arrival to the first DOM commit after it.
    const latencies = [];
    for (const t of data) {
      const c = commits.find((x) => x >= t);
      if (c !== undefined) latencies.push(c - t);
    }
    // Requests the page made during the window (server side), by endpoint; stream bytes separately.
    const win = gateway.log.filter((e) => e.t >= serverStart && e.t <= serverEnd);
    const reqs = {};
    let bytes = 0;
    for (const e of win) {
      bytes += e.bytes;
      if (e.key.startsWith('/api/events (')) continue; // pushed messages, not requests
      reqs[e.key] = (reqs[e.key] ?? 0) + 1;
    }
    const perMin = (n) => (n * 60) / ((serverEnd - serverStart) / 1000);
    const totalReqs = Object.values(reqs).reduce((a, b) => a + b, 0);

    return {
      scenario: scenarioKey,
      rows,
      live: (liveText || '').trim(),
      errors,
      firstRender: {
        wallMs,
        rowsAtMs: load.rowsAt,
        rowsPaintedMs: load.rowsFrameAt,
        fcpMs: load.fcp,
        dclMs: load.domContentLoaded,
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
    await context.close().catch(() => {});
    await gateway.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

function metricsOf(result) {
  return Object.fromEntries(result.metrics.map((m) => [m.name, m.value]));
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

/** Nearest-rank percentile of an ascending array. */
function pct(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Bundle size.

function bundleSize() {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const referenced = new Set();
  for (const m of html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)) referenced.add(m[1]);
  const assets = readdirSync(path.join(distDir, 'assets'))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const buf = readFileSync(path.join(distDir, 'assets', f));
      return { file: f, raw: buf.length, gzip: gzipSync(buf).length, initial: referenced.has(`assets/${f}`) };
    })
    .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
  const total = (list, key) => sum(list.map((a) => a[key]));
  const initial = assets.filter((a) => a.initial);
  const lazy = assets.filter((a) => !a.initial);
  return { assets, initial: { raw: total(initial, 'raw'), gzip: total(initial, 'gzip') }, lazy: { raw: total(lazy, 'raw'), gzip: total(lazy, 'gzip') }, all: { raw: total(assets, 'raw'), gzip: total(assets, 'gzip') } };
}

// ---------------------------------------------------------------------------------------------
// Output.

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

function fmt(value, digits = 0, unit = '') {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(digits)}${unit}`;
}

function ratio(a, b) {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return 'n/a';
  if (b === 0) return a === 0 ? '1.00x' : '∞ (vs 0)';
  return `${(a / b).toFixed(2)}x`;
}

function environment() {
  let version = 'unknown';
  try {
    version = execFileSync(cfg.chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop();
  } catch {}
  return `${version}; node ${process.version}; ${os.cpus().length} CPU (${os.cpus()[0]?.model?.trim() ?? '?'}); ${os.platform()} ${os.release()}`;
}

async function main() {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error('web/dist is missing: run `npm run build` first.');
    process.exit(2);
  }
  const distTime = statSync(path.join(distDir, 'index.html')).mtimeMs;
  const newestSrc = Math.max(...readdirSync(path.join(webDir, 'src'), { recursive: true }).map((f) => statSync(path.join(webDir, 'src', f)).mtimeMs));
  if (newestSrc > distTime) console.warn('warning: web/src is newer than web/dist; run `npm run build` for current figures.\n');
  for (const s of cfg.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s} (known: ${Object.keys(SCENARIOS).join(', ')})`);

  console.log('peergate dashboard benchmark');
  console.log(`  ${environment()}`);
  console.log(`  ${cfg.clients} clients, ${cfg.runs} runs per scenario, ${cfg.seconds} s update window, viewport ${VIEWPORT.width}x${VIEWPORT.height}, fresh profile per run; medians\n`);

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
  const results = Object.fromEntries(cfg.scenarios.map((s) => [s, []]));
  for (let run = 1; run <= cfg.runs; run++) {
    for (const s of cfg.scenarios) {
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
  if (cfg.json) writeFileSync(cfg.json, JSON.stringify({ config: cfg, bundle, results }, null, 2));

  const M = (s, f) => median(results[s].map(f));
  const MAX = (s, f) => Math.max(...results[s].map(f));
  const baseline = cfg.scenarios.includes('poll1') ? 'poll1' : cfg.scenarios[cfg.scenarios.length - 1];
  const ref = cfg.scenarios.includes('sse') ? 'sse' : cfg.scenarios[0];
  const showRatio = baseline !== ref;
  const headers = ['figure (median of runs)', ...cfg.scenarios.map((s) => SCENARIOS[s].label), ...(showRatio ? [`${baseline} / ${ref}`] : [])];
  const row = (label, f, digits = 0, unit = '', agg = M) => {
    const values = cfg.scenarios.map((s) => agg(s, f));
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

  for (const s of cfg.scenarios) {
    const reqs = {};
    for (const r of results[s]) for (const [k, v] of Object.entries(r.updates.requests)) (reqs[k] ??= []).push((v * 60) / r.updates.seconds);
    const parts = Object.entries(reqs).map(([k, v]) => `${k} ${fmt(median(v), 1)}`);
    console.log(`requests per minute, ${SCENARIOS[s].label}: ${parts.length ? parts.join(', ') : 'none'}`);
  }
  if (cfg.scenarios.includes('sse') && cfg.scenarios.includes('poll1')) {
    console.log(
      `requests per minute: SSE ${fmt(M('sse', (r) => r.updates.requestsPerMin), 1)} vs polling ${fmt(M('poll1', (r) => r.updates.requestsPerMin), 1)} ` +
        `(GET /api/clients: SSE ${fmt(M('sse', (r) => r.updates.clientListRequestsPerMin), 1)} vs polling ${fmt(M('poll1', (r) => r.updates.clientListRequestsPerMin), 1)})`,
    );
  }
  const live = cfg.scenarios.map((s) => `${s}: "${results[s][0]?.live}"`).join('; ');
  console.log(`live indicator at the end: ${live}`);
  const rowsOk = cfg.scenarios.every((s) => results[s].every((r) => r.rows === cfg.clients));
  const errs = cfg.scenarios.flatMap((s) => results[s].flatMap((r) => r.errors.map((e) => `${s}: ${e}`)));
  console.log(`rows at the end: ${rowsOk ? `${cfg.clients} in every run` : 'MISSING ROWS'}; page/console errors: ${errs.length ? errs.slice(0, 5).join(' | ') : 'none'}`);
  console.log('');

  console.log('Goals (issue 5)');
  console.log(`  bundle < ${BUNDLE_GOAL_KB} KB gzipped (initial): ${kb(bundle.initial.gzip)} -> ${bundle.initial.gzip < BUNDLE_GOAL_KB * 1024 ? 'PASS' : 'FAIL'}`);
  for (const s of cfg.scenarios) {
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
