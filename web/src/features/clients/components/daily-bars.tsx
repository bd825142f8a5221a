import type { DayTotal } from '../api/types';
import { formatShortDate } from '@/lib/format';
import { byteAxis, labelled } from '../lib/daily-traffic';

const INTERVALS = 4;
// Each day is 10 units wide in the SVG's coordinates, 100 high; the SVG stretches to its box.
const DAY = 10;
const BAR = 3.6;

type Props = {
  days: DayTotal[];
  hovered: number | null;
  onHover: (index: number | null) => void;
};

/**
 * Received and sent bars per day. The axis labels are HTML beside the SVG (the SVG stretches, text
 * in it would too); positions come from classes, as the CSP allows no inline styles.
 */
export function DailyBars({ days, hovered, onHover }: Props) {
  const axis = byteAxis(Math.max(0, ...days.map((d) => Math.max(d.rx_bytes, d.tx_bytes))), INTERVALS);
  // A day with any traffic stays visible, however small next to the biggest.
  const height = (bytes: number) => (bytes > 0 ? Math.max(0.8, (bytes / axis.top) * 100) : 0);
  return (
    <div className={`daily-bars daily-bars--${days.length}`} aria-hidden="true">
      <div className="daily-bars__y">
        {axis.labels.map((label, i) => (
          <span key={label} className={`daily-bars__tick daily-bars__tick--${i}`}>
            {label}
          </span>
        ))}
      </div>
      <svg
        className="daily-bars__plot"
        viewBox={`0 0 ${days.length * DAY} 100`}
        preserveAspectRatio="none"
        onPointerLeave={(event) => event.pointerType === 'mouse' && onHover(null)}
      >
        {axis.labels.map((label, i) => (
          <line
            key={label}
            className="daily-bars__grid"
            x1={0}
            x2={days.length * DAY}
            y1={100 - (i * 100) / INTERVALS}
            y2={100 - (i * 100) / INTERVALS}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        {days.map((d, i) => (
          <g
            key={d.day}
            className={`daily-bars__day${hovered === i ? ' daily-bars__day--on' : ''}`}
            onPointerEnter={() => onHover(i)}
            onPointerDown={() => onHover(i)}
          >
            <rect className="daily-bars__hit" x={i * DAY} y={0} width={DAY} height={100} />
            <rect className="daily-bars__bar daily-bars__bar--rx" x={i * DAY + 1.2} y={100 - height(d.rx_bytes)} width={BAR} height={height(d.rx_bytes)} />
            <rect className="daily-bars__bar daily-bars__bar--tx" x={i * DAY + 1.2 + BAR} y={100 - height(d.tx_bytes)} width={BAR} height={height(d.tx_bytes)} />
          </g>
        ))}
      </svg>
      <div className="daily-bars__x">
        {days.map((d, i) => (
          <span key={d.day}>{labelled(i, days.length) ? formatShortDate(d.day, true) : ''}</span>
        ))}
      </div>
    </div>
  );
}
