import { useMemo } from 'react';
import { TimeChart } from '@/components/time-chart';
import { formatMs, formatMsTicks, formatRate, formatRateTicks } from '@/lib/format';
import { usePings } from '../api/get-pings';
import { useTraffic } from '../api/get-traffic';

/** Latency and loss of the stored pings. */
export function PingChart({ clientId, active }: { clientId: number; active: boolean }) {
  const pings = usePings(clientId);
  const data = pings.data;
  const chart = useMemo(() => {
    const list = data ?? [];
    const times = list.map((p) => p.at);
    const latency = list.map((p) => p.rtt_avg_ms ?? null);
    const loss = list.map((p) => Math.round(p.loss * 100));
    const rtts = latency.filter((v): v is number => v != null);
    const avg = rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null;
    const lost = list.reduce((acc, p) => acc + (p.sent - p.received), 0);
    const sent = list.reduce((acc, p) => acc + p.sent, 0);
    const summary = list.length
      ? `${list.length} pings: average ${formatMs(avg)}, worst ${formatMs(rtts.length ? Math.max(...rtts) : null)}, ${sent ? Math.round((lost / sent) * 100) : 0} % loss.`
      : 'No pings yet.';
    return {
      times,
      summary,
      series: [
        { label: 'Latency', values: latency, color: 'var(--color-chart-latency)', format: (v: number) => formatMs(v), ticks: formatMsTicks },
        {
          label: 'Loss',
          values: loss,
          color: 'var(--color-chart-loss)',
          fill: 'var(--color-chart-loss-fill)',
          axis: 'right' as const,
          range: [0, 100] as [number, number],
          format: (v: number) => `${Math.round(v)} %`,
        },
      ],
    };
  }, [data]);

  return (
    <TimeChart
      title="Latency and loss"
      times={chart.times}
      series={chart.series}
      summary={pings.isPending ? 'Loading…' : chart.summary}
      emptyText={
        pings.isPending
          ? 'Loading…'
          : // "Ping now" is disabled while the client is inactive: suggest it only when it can be pressed.
            active
            ? 'No pings yet. Press “Ping now”, or wait for the next check.'
            : 'No pings yet. Activate the client to ping through it.'
      }
    />
  );
}

/** Receive and transmit rates of the last 30 minutes. */
export function TrafficChart({ clientId }: { clientId: number }) {
  const traffic = useTraffic(clientId);
  const data = traffic.data;
  const chart = useMemo(() => {
    const list = data ?? [];
    const last = list[list.length - 1];
    return {
      times: list.map((s) => s.at),
      summary: last ? `Now: ↓ ${formatRate(last.rx_rate)} received, ↑ ${formatRate(last.tx_rate)} sent.` : 'No traffic samples yet.',
      series: [
        { label: 'Received', values: list.map((s) => s.rx_rate), color: 'var(--color-chart-rx)', format: (v: number) => formatRate(v), ticks: formatRateTicks },
        { label: 'Sent', values: list.map((s) => s.tx_rate), color: 'var(--color-chart-tx)', format: (v: number) => formatRate(v), ticks: formatRateTicks },
      ],
    };
  }, [data]);

  return (
    <TimeChart
      title="Traffic, last 30 minutes"
      times={chart.times}
      series={chart.series}
      summary={traffic.isPending ? 'Loading…' : chart.summary}
      emptyText={traffic.isPending ? 'Loading…' : 'No traffic samples yet: they are recorded while the client is active.'}
    />
  );
}
