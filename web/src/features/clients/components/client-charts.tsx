import { useMemo } from 'react';
import { TimeChart } from '@/components/time-chart';
import { formatMs, formatRate } from '@/lib/format';
import { usePings } from '../api/get-pings';
import { useTraffic } from '../api/get-traffic';

/** Latency and loss of the stored pings. */
export function PingChart({ clientId }: { clientId: number }) {
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
        { label: 'Latency', values: latency, color: '#1d4ed8', format: (v: number) => formatMs(v) },
        { label: 'Loss', values: loss, color: '#b91c1c', fill: 'rgba(185, 28, 28, 0.12)', axis: 'right' as const, range: [0, 100] as [number, number], format: (v: number) => `${Math.round(v)} %` },
      ],
    };
  }, [data]);

  return (
    <TimeChart
      title="Latency and loss"
      times={chart.times}
      series={chart.series}
      summary={pings.isPending ? 'Loading…' : chart.summary}
      emptyText={pings.isPending ? 'Loading…' : 'No pings yet. Activate the client, or press “Ping now”.'}
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
        { label: 'Received', values: list.map((s) => s.rx_rate), color: '#15803d', format: (v: number) => formatRate(v) },
        { label: 'Sent', values: list.map((s) => s.tx_rate), color: '#7c3aed', format: (v: number) => formatRate(v) },
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
