// Number and time formatting shared by the dashboard widgets. Rates are shown in bits per second,
// as network people read them.

const RATE_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond == null || !Number.isFinite(bytesPerSecond)) return '—';
  let value = Math.max(0, bytesPerSecond * 8);
  let unit = 0;
  while (value >= 1000 && unit < RATE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${RATE_UNITS[unit]}`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return '—';
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for 0. */
export function formatAgo(unixSeconds: number | null | undefined, nowMs = Date.now()): string {
  if (!unixSeconds) return 'never';
  const seconds = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min`;
}

export function formatDateTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A calendar day in the reader's locale ("Dec 3, 2025", the date of `formatDateTime`); `utc` for UTC days. */
export function formatDate(unixSeconds: number, utc = false): string {
  return new Date(unixSeconds * 1000).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: utc ? 'UTC' : undefined });
}

/** A day without its year, for chart axes ("Dec 3"). */
export function formatShortDate(unixSeconds: number, utc = false): string {
  return new Date(unixSeconds * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: utc ? 'UTC' : undefined });
}

/** A time of day to the minute, for chart axes ("14:03"). */
export function formatClock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString(undefined, { timeStyle: 'short' });
}

/** A time of day, to the second (for "by 14:03:27"). */
export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString(undefined, { timeStyle: 'medium' });
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** Decimals the ticks of one axis need, the same for every label ("0.5 ms", "1.0 ms", "1.5 ms"). */
export function tickDecimals(ticks: number[]): number {
  let step = Infinity;
  for (let i = 1; i < ticks.length; i += 1) step = Math.min(step, Math.abs(ticks[i]! - ticks[i - 1]!));
  if (!Number.isFinite(step) || step >= 1) return ticks.every(Number.isInteger) ? 0 : 1;
  return step >= 0.1 ? 1 : 2;
}

/** Latency axis labels, all with one precision (never "0.0 ms" next to "20 ms"). */
export function formatMsTicks(ticks: number[]): string[] {
  const decimals = tickDecimals(ticks);
  return ticks.map((t) => `${t.toFixed(decimals)} ms`);
}

/** Rate axis labels, all in the unit of the largest tick and with one precision. */
export function formatRateTicks(ticks: number[]): string[] {
  const top = Math.max(0, ...ticks.map((t) => t * 8));
  let unit = 0;
  let scale = 1;
  while (top / scale >= 1000 && unit < RATE_UNITS.length - 1) {
    scale *= 1000;
    unit += 1;
  }
  const scaled = ticks.map((t) => Math.max(0, (t * 8) / scale));
  const decimals = tickDecimals(scaled);
  return scaled.map((v) => `${v.toFixed(decimals)} ${RATE_UNITS[unit]}`);
}
