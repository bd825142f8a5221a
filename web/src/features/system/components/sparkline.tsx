/** The span a sparkline shows (the gateway keeps 30 minutes of history). */
const WINDOW_SECS = 30 * 60;

type Props = {
  values: number[];
  /** Unix seconds of each value, ascending: the line is drawn at true time scale. */
  times: number[];
  max?: number;
};

/**
 * Tiny line chart of the last 30 minutes; decorative (the numbers are next to it). Drawn at true
 * time scale with the newest sample at the right edge, so three samples are a short line on the
 * right, not stretched over the whole width; with fewer than two it says "collecting…".
 */
export function Sparkline({ values, times, max }: Props) {
  const width = 160;
  const height = 36;
  if (values.length < 2 || times.length !== values.length) {
    return (
      <p className="sparkline sparkline--collecting" aria-hidden="true">
        collecting…
      </p>
    );
  }
  const end = times[times.length - 1]!;
  const top = max ?? Math.max(...values, 1);
  const x = (t: number) => Math.max(0, width - ((end - t) / WINDOW_SECS) * width);
  const points = values.map((v, i) => `${x(times[i]!).toFixed(1)},${(height - 2 - (Math.min(v, top) / top) * (height - 4)).toFixed(1)}`);
  const start = x(times[0]!).toFixed(1);
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <path className="sparkline__area" d={`M${start},${height} L${points.join(' L')} L${width},${height} Z`} />
      <path className="sparkline__line" d={`M${points.join(' L')}`} />
    </svg>
  );
}
