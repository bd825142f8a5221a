// @ts-check
// The fake gateway of the dashboard benchmark: serves web/dist (optionally with the poll interval
// patched) and answers the API the dashboard uses from the simulated world, with the event stream
// when the scenario has one. Bodies are typed by the types generated from web/openapi.json.

import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CSP, distDir } from './config.mjs';
import { createWorld } from './fake-world.mjs';

/** @typedef {import('../src/lib/api-schema.js').components['schemas']} Schemas */
/** @typedef {{ t: number; key: string; bytes: number }} LogEntry */
/**
 * The `status` event (the event stream's payloads are not in the OpenAPI document).
 * @typedef {{ at: number; clients: { id: number; status: Schemas['ClientStatus'] | null | undefined }[] }} StatusEvent
 */
/**
 * `system` metrics as the server sends them: before its first sample, only the history.
 * @typedef {Schemas['SystemMetrics'] | Pick<Schemas['SystemMetrics'], 'history'>} SystemMetrics
 */
/**
 * @typedef {object} FakeGateway
 * @property {string} url
 * @property {LogEntry[]} log every response and pushed event, for the request figures
 * @property {{ applied: boolean; naive: number }} patched whether the poll interval patch found its
 *   constant; how many of the naive patches found their code
 * @property {() => Promise<void>} close
 */

/** @type {Record<string, string>} */
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

// The naive baseline of the search figures: React's memo, useMemo and useDeferredValue made no-ops in
// the served bundle (at their definitions in React, so every caller is affected), i.e. the same UI
// re-filtering, re-sorting and re-rendering every row synchronously on each keystroke.
/** @type {[RegExp, string][]} */
const NAIVE_PATCHES = [
  [/(\.memo=function\(([\w$]+),[\w$]+\)\{)return\{\$\$typeof:[^}]*\}\}/, '$1return $2}'],
  [/(\.useMemo=function\(([\w$]+),[\w$]+\)\{)return [\w$.]+\.useMemo\(\2,[\w$]+\)\}/, '$1return $2()}'],
  [/(\.useDeferredValue=function\(([\w$]+),[\w$]+\)\{)return [\w$.]+\.useDeferredValue\(\2,[\w$]+\)\}/, '$1return $2}'],
];

/**
 * @param {{ events: boolean; pollMs: number | null; clients: number; naive?: boolean }} options
 * @returns {Promise<FakeGateway>}
 */
export async function startGateway({ events, pollMs, clients, naive = false }) {
  const world = createWorld(clients);
  /** @type {LogEntry[]} */
  const log = [];
  /** @type {Set<http.ServerResponse>} */
  const streams = new Set();
  const patched = { applied: false, naive: 0 };
  /** @type {Map<string, Buffer>} */
  const fileCache = new Map();

  /** @param {string} file */
  const readAsset = (file) => {
    let body = fileCache.get(file);
    if (!body) {
      body = readFileSync(file);
      if (pollMs && file.endsWith('.js') && POLL_CONSTANT.test(body.toString('utf8'))) {
        body = Buffer.from(body.toString('utf8').replace(POLL_CONSTANT, `$1=${pollMs}$2`));
        patched.applied = true;
      }
      if (naive && file.endsWith('.js')) {
        let text = body.toString('utf8');
        for (const [pattern, replacement] of NAIVE_PATCHES) {
          if (!pattern.test(text)) continue;
          text = text.replace(pattern, replacement);
          patched.naive += 1;
        }
        body = Buffer.from(text);
      }
      fileCache.set(file, body);
    }
    return body;
  };
  // Patch eagerly so we know before the run whether the patches are in effect.
  if (pollMs || naive) for (const f of readdirSync(path.join(distDir, 'assets'))) if (f.endsWith('.js')) readAsset(path.join(distDir, 'assets', f));

  /**
   * @param {http.ServerResponse} res
   * @param {string} key
   * @param {number} status
   * @param {string} type
   * @param {Buffer | string} body
   * @param {Record<string, string>} [extra]
   */
  const send = (res, key, status, type, body, extra = {}) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, 'Content-Security-Policy': CSP, ...extra });
    res.end(buf);
    log.push({ t: Date.now(), key, bytes: buf.length });
  };
  /**
   * @param {http.ServerResponse} res
   * @param {string} key
   * @param {unknown} value
   */
  const json = (res, key, value, status = 200) =>
    send(res, key, status, status >= 400 ? 'application/problem+json' : 'application/json', JSON.stringify(value), { 'Cache-Control': 'no-store' });
  /**
   * @param {http.ServerResponse} res
   * @param {string} key
   * @param {number} status
   * @param {string} code
   * @param {string} detail
   */
  const problem = (res, key, status, code, detail) => {
    /** @type {Schemas['Problem']} */
    const body = { type: 'about:blank', title: http.STATUS_CODES[status] ?? 'Error', status, code, detail, request_id: null };
    return json(res, key, body, status);
  };
  /** @type {Schemas['SessionInfo']} */
  const session = { user: { id: 1, username: 'bench', role: 'admin' }, csrf_token: 'x' };
  /** @type {Schemas['PendingUpload'][]} */
  const pending = [];
  /** @returns {SystemMetrics} */
  const metrics = () => (world.system ? { ...world.system, history: world.history } : { history: world.history });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, `${req.method} ${p}`, 405, 'method_not_allowed', 'Read-only bench gateway.');
    if (p === '/healthz') return send(res, '/healthz', 200, 'text/plain', 'ok');
    if (p === '/api/auth/me') return json(res, p, session);
    if (p === '/api/clients') return json(res, p, world.clients);
    if (p === '/api/clients/pending') return json(res, p, pending);
    if (p === '/api/system/metrics') return json(res, p, metrics());
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

  /**
   * @param {string} event
   * @param {unknown} data
   */
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
    /** @type {StatusEvent} */
    const status = { at: Date.now() / 1000, clients: world.clients.map((c) => ({ id: c.id, status: c.status })) };
    push('status', status);
    if (world.tick % 10 === 0) push('system', world.system);
  }, 1000);

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the bench gateway has no TCP address');
  const { port } = address;
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

