// @ts-check
// The fake gateway's simulated world: N clients whose status changes every second, and the host's
// CPU and memory. Its shapes are the API's, typed by the types generated from web/openapi.json
// (`npm run typecheck` checks this file).

import { createHash } from 'node:crypto';

/** @typedef {import('../src/lib/api-schema.js').components['schemas']} Schemas */
/** @typedef {Schemas['Client']} Client */
/** @typedef {Schemas['HostSample']} HostSample */
/** @typedef {Schemas['HistoryPoint']} HistoryPoint */

/**
 * @typedef {object} World
 * @property {Client[]} clients
 * @property {number} tick seconds simulated so far
 * @property {HostSample | null} system the latest host sample (`null` before the first)
 * @property {HistoryPoint[]} history
 * @property {() => void} advance one second on
 */

/** @param {number} seed */
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

/**
 * @param {number} count
 * @returns {World}
 */
export function createWorld(count) {
  const rand = mulberry32(0x9e3779b9);
  const start = Math.floor(Date.now() / 1000);
  const created = start - 86_400 * 7;
  /** @type {Client[]} */
  const clients = [];
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(3, '0');
    const iface = `pg-c${n}`;
    // 10.100.0.0/24, 10.100.1.0/24, … 10.100.255.0/24, 10.101.0.0/24, …: valid for any count.
    const net = `10.${100 + (i >> 8)}.${i & 255}`;
    clients.push({
      id: i + 1,
      name: `site-${n}`,
      interface: iface,
      notes: '',
      public_key: createHash('sha256').update(`self-${i}`).digest('base64'),
      conf_path: `/var/lib/peergate/clients/${iface}.conf`,
      subnets: [`${net}.0/24`],
      peer_public_keys: [createHash('sha256').update(`peer-${i}`).digest('base64')],
      endpoint: `203.0.113.${(i % 250) + 1}:51820`,
      probe_host: `${net}.1`,
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
  /** @type {World} */
  const world = { clients, tick: 0, system: null, history: [], advance: () => {} };
  const memTotal = 8 * 1024 ** 3;
  /**
   * @param {number} at
   * @returns {HostSample}
   */
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
      const p = systemAt(Math.floor(now));
      world.system = p;
      world.history = [...world.history.slice(-179), { at: p.at, cpu_percent: p.cpu_percent, memory_used_bytes: p.memory_used_bytes }];
    }
  };
  world.advance();
  return world;
}
