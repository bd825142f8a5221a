import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { formatBytes, formatDate } from '@/lib/format';
import { useDailyTraffic, type TrafficPeriod } from '../api/get-daily-traffic';
import { totals } from '../lib/daily-traffic';
import { DailyBars } from './daily-bars';

const PERIODS: TrafficPeriod[] = [7, 30];

/** Bytes received and sent per UTC day over the last 7 or 30 days, with their totals. */
export function DailyTrafficChart({ clientId }: { clientId: number }) {
  const [days, setDays] = useState<TrafficPeriod>(7);
  const [hovered, setHovered] = useState<number | null>(null);
  const query = useDailyTraffic(clientId, days);
  // While the other period loads, the previous one stays (placeholder data): say which is shown.
  const list = query.data ?? [];
  const shownDays = list.length;
  const day = hovered === null ? undefined : list[hovered];
  const sum = day ? { rx: day.rx_bytes, tx: day.tx_bytes } : totals(list);
  const empty = query.isSuccess && list.every((d) => d.rx_bytes === 0 && d.tx_bytes === 0);

  const choose = (period: TrafficPeriod) => {
    setHovered(null);
    setDays(period);
  };

  return (
    <figure className="chart daily-chart">
      <figcaption className="chart__caption">
        <span className="chart__title">Traffic per day (UTC)</span>
        {query.data && !empty && (
          <span className="daily-chart__legend">
            <span className="daily-chart__when">{day ? formatDate(day.day, true) : `Last ${shownDays} days`}</span>
            <span className="daily-chart__value">
              <span className="daily-chart__swatch daily-chart__swatch--rx" aria-hidden="true" />
              Received <strong>{formatBytes(sum.rx)}</strong>
            </span>
            <span className="daily-chart__value">
              <span className="daily-chart__swatch daily-chart__swatch--tx" aria-hidden="true" />
              Sent <strong>{formatBytes(sum.tx)}</strong>
            </span>
          </span>
        )}
      </figcaption>
      <div className="daily-chart__period" role="group" aria-label="Period">
        {PERIODS.map((period) => (
          <button key={period} type="button" className="chip" aria-pressed={days === period} onClick={() => choose(period)}>
            {period} days
          </button>
        ))}
      </div>
      <div className="daily-chart__body" aria-busy={query.isPlaceholderData}>
        {query.isPending ? (
          <p className="chart__empty">Loading…</p>
        ) : query.isError && !query.data ? (
          <p className="chart__empty">Could not load the daily totals: {errorMessage(query.error)}</p>
        ) : empty ? (
          <p className="chart__empty">No traffic in the last {shownDays} days. Totals are counted while the client is active.</p>
        ) : (
          <DailyBars days={list} hovered={hovered} onHover={setHovered} />
        )}
      </div>
      {query.data && !empty && (
        <details className="daily-chart__numbers">
          <summary>Show the numbers</summary>
          <table className="daily-chart__table">
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Received</th>
                <th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{formatDate(d.day, true)}</th>
                  <td>{formatBytes(d.rx_bytes)}</td>
                  <td>{formatBytes(d.tx_bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
