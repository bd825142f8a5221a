/** Tiny line chart of the last 30 minutes; decorative (the numbers are next to it). */
export function Sparkline({ values, max }: { values: number[]; max?: number }) {
  const width = 160;
  const height = 36;
  if (values.length < 2) return <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false" />;
  const top = max ?? Math.max(...values, 1);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (Math.min(v, top) / top) * (height - 4)).toFixed(1)}`);
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <path className="sparkline__area" d={`M0,${height} L${points.join(' L')} L${width},${height} Z`} />
      <path className="sparkline__line" d={`M${points.join(' L')}`} />
    </svg>
  );
}
