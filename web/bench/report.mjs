// @ts-check
// Bundle size and the printed tables of the dashboard benchmark.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { cfg, distDir } from './config.mjs';
import { sum } from './stats.mjs';

/** @typedef {{ file: string; raw: number; gzip: number; initial: boolean }} Asset */

/** The JS and CSS of web/dist/assets, raw and gzipped, split into initial (in index.html) and lazy. */
export function bundleSize() {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  /** @type {Set<string | undefined>} */
  const referenced = new Set();
  for (const m of html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)) referenced.add(m[1]);
  /** @type {Asset[]} */
  const assets = readdirSync(path.join(distDir, 'assets'))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const buf = readFileSync(path.join(distDir, 'assets', f));
      return { file: f, raw: buf.length, gzip: gzipSync(buf).length, initial: referenced.has(`assets/${f}`) };
    })
    .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
  /**
   * @param {Asset[]} list
   * @param {'raw' | 'gzip'} key
   */
  const total = (list, key) => sum(list.map((a) => a[key]));
  const initial = assets.filter((a) => a.initial);
  const lazy = assets.filter((a) => !a.initial);
  return { assets, initial: { raw: total(initial, 'raw'), gzip: total(initial, 'gzip') }, lazy: { raw: total(lazy, 'raw'), gzip: total(lazy, 'gzip') }, all: { raw: total(assets, 'raw'), gzip: total(assets, 'gzip') } };
}

/** @param {number} n bytes */
export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * A Markdown table, the first column left-aligned, the others right-aligned.
 * @param {string[]} headers
 * @param {(string | number)[][]} rows
 */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  /** @param {(string | number)[]} cells */
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * @param {number | null | undefined} value
 * @param {number} [digits]
 * @param {string} [unit]
 */
export function fmt(value, digits = 0, unit = '') {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(digits)}${unit}`;
}

/**
 * @param {number | null} a
 * @param {number | null} b
 */
export function ratio(a, b) {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return 'n/a';
  if (b === 0) return a === 0 ? '1.00x' : '∞ (vs 0)';
  return `${(a / b).toFixed(2)}x`;
}

/** Chromium, node and machine, for the report's header. */
export function environment() {
  let version = 'unknown';
  try {
    version = execFileSync(cfg.chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop() ?? version;
  } catch {
    // No Chromium at that path: the runs will say so.
  }
  return `${version}; node ${process.version}; ${os.cpus().length} CPU (${os.cpus()[0]?.model?.trim() ?? '?'}); ${os.platform()} ${os.release()}`;
}
