import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartSeries = {
  label: string;
  values: (number | null)[];
  color: string;
  /** Formats values on the axis and in the legend. */
  format: (value: number) => string;
  /** Second y axis (right side), e.g. loss next to latency. */
  axis?: 'left' | 'right';
  /** Drawn as filled area (e.g. loss). */
  fill?: string;
  /** Fixed range for this series' axis. */
  range?: [number, number];
};

type Props = {
  title: string;
  /** Unix seconds, ascending. */
  times: number[];
  series: ChartSeries[];
  /** Short text for screen readers and the figure caption. */
  summary: string;
  emptyText: string;
  height?: number;
};

/**
 * A time-series chart drawn by uPlot on a canvas. The space is reserved by CSS (no layout shift as
 * data arrives); uPlot sets only CSSOM style properties, which the strict CSP allows.
 */
export function TimeChart({ title, times, series, summary, emptyText, height = 200 }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const empty = times.length === 0;
  const shape = series.map((s) => `${s.label}:${s.axis ?? 'left'}`).join('|');

  // Create the plot (uPlot is loaded on demand: only pages with charts pay for it).
  useEffect(() => {
    const host = hostRef.current;
    if (!host || empty) return;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !hostRef.current) return;
      const opts: uPlot.Options = {
        width: Math.max(200, host.clientWidth),
        height,
        cursor: { drag: { x: false, y: false } },
        legend: { show: true, live: true },
        scales: {
          x: { time: true },
          left: { auto: true, range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.15 : 1] },
          right: { range: series.find((s) => s.axis === 'right')?.range ?? [0, 100] },
        },
        axes: [
          { stroke: '#4b5563', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d8dee8', width: 1 } },
          {
            scale: 'left',
            stroke: '#4b5563',
            size: 72,
            grid: { stroke: '#e5e7eb', width: 1 },
            ticks: { show: false },
            values: (_u, ticks) => ticks.map((t) => (series[0] ? series[0].format(t) : String(t))),
          },
          ...(series.some((s) => s.axis === 'right')
            ? [
                {
                  scale: 'right',
                  side: 1 as const,
                  stroke: '#4b5563',
                  size: 52,
                  grid: { show: false },
                  ticks: { show: false },
                  values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (series.find((s) => s.axis === 'right')?.format(t) ?? String(t))),
                },
              ]
            : []),
        ],
        series: [
          { label: 'Time', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
          ...series.map((s) => ({
            label: s.label,
            scale: s.axis === 'right' ? 'right' : 'left',
            stroke: s.color,
            width: 2,
            fill: s.fill,
            spanGaps: false,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v == null ? '—' : s.format(v)),
          })),
        ],
      };
      const plot = new UPlot(opts, [times, ...series.map((s) => s.values)] as uPlot.AlignedData, host);
      plotRef.current = plot;
      observer = new ResizeObserver(() => {
        if (hostRef.current) plot.setSize({ width: Math.max(200, hostRef.current.clientWidth), height });
      });
      observer.observe(host);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plotRef.current?.destroy();
      plotRef.current = null;
    };
    // Re-create only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, empty, height]);

  useEffect(() => {
    plotRef.current?.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [times, series]);

  return (
    <figure className="chart">
      <figcaption className="chart__caption">
        <span className="chart__title">{title}</span>
        <span className="chart__summary">{summary}</span>
      </figcaption>
      <div className={`chart__plot chart__plot--h${height}`} aria-hidden="true">
        {empty ? <p className="chart__empty">{emptyText}</p> : <div ref={hostRef} className="chart__canvas" />}
      </div>
    </figure>
  );
}
