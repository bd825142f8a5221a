/** Semicircle gauge (SVG attributes only, no inline styles). `value` is 0..1. */
export function Gauge({ value, label, valueText }: { value: number; label: string; valueText: string }) {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const length = Math.PI * 40; // half circle, r = 40
  const tone = v >= 0.9 ? 'bad' : v >= 0.75 ? 'warn' : 'ok';
  return (
    <div className="gauge" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v * 100)} aria-valuetext={valueText}>
      <svg viewBox="0 0 100 56" className="gauge__svg" aria-hidden="true" focusable="false">
        <path d="M10 50a40 40 0 0 1 80 0" className="gauge__track" />
        <path d="M10 50a40 40 0 0 1 80 0" className={`gauge__bar gauge__bar--${tone}`} strokeDasharray={`${v * length} ${length}`} />
      </svg>
      <span className="gauge__value">{Math.round(v * 100)}<span className="gauge__unit"> %</span></span>
    </div>
  );
}
