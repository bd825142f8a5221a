// The numbers of the daily traffic chart: a byte axis whose labels share one unit and one precision
// ("0 MiB, 250 MiB, 500 MiB", never "0 B, 250 MiB, 0.5 GiB"), and which days get a label.

import type { DayTotal } from '../api/types';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** `intervals + 1` ticks from 0 to `top`, labelled. */
export type ByteAxis = { top: number; labels: string[] };

export function byteAxis(max: number, intervals = 4): ByteAxis {
  let unit = 0;
  while (unit < UNITS.length - 1 && max >= 1024 ** (unit + 1)) unit += 1;
  const size = 1024 ** unit;
  const raw = Math.max(max, 1) / size / intervals;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = NICE.find((n) => n * magnitude >= raw * (1 - 1e-9))! * magnitude;
  // Whole bytes only.
  const step = unit === 0 ? Math.max(1, Math.round(nice)) : nice;
  const decimals = [0, 1, 2, 3].find((d) => Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) ?? 3;
  const labels = Array.from({ length: intervals + 1 }, (_, i) => `${(i * step).toFixed(decimals)} ${UNITS[unit]}`);
  return { top: step * intervals * size, labels };
}

export function totals(days: DayTotal[]): { rx: number; tx: number } {
  return days.reduce((sum, d) => ({ rx: sum.rx + d.rx_bytes, tx: sum.tx + d.tx_bytes }), { rx: 0, tx: 0 });
}

/** Which days carry an axis label: all of a week; of a month today and every 7th day before it (room on a phone). */
export function labelled(index: number, count: number): boolean {
  return count <= 7 || (count - 1 - index) % 7 === 0;
}
