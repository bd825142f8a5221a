import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatShortDate, formatTime } from '@/lib/format';
import { resolveCssColor, useColorScheme } from '@/lib/use-color-scheme';

export type ChartSeries = {
  label: string;
  values: (number | null)[];
  /** Any CSS colour; `var(--color-chart-…)` follows the colour scheme (see styles/base.css). */
  color: string;
  /** Formats values in the legend (and on the axis, unless `ticks` is given). */
  format: (value: number) => string;
  /** Formats all labels of this series' axis at once, so they share one precision. */
  ticks?: (values: number[]) => string[];
  /** Second y axis (right side), e.g. loss next to latency. */
  axis?: 'left' | 'right';
  /** Drawn as filled area (e.g. loss), in a colour as `color`. */
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
 * data arrives); uPlot sets only CSSOM style properties, which the strict CSP allows. A canvas
 * keeps the colours it was drawn with, so they are read from the stylesheet's variables and the
 * plot is drawn again when the colour scheme changes.
 */
export function TimeChart({ title, times, series, summary, emptyText, height = 200 }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const empty = times.length === 0;
  const shape = series.map((s) => `${s.label}:${s.axis ?? 'left'}:${s.color}`).join('|');
  const scheme = useColorScheme();

  // Create the plot (uPlot is loaded on demand: only pages with charts pay for it).
  useEffect(() => {
    const host = hostRef.current;
    if (!host || empty) return;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !hostRef.current) return;
      const color = (value: string) => resolveCssColor(value, host);
      const axis = color('var(--color-chart-axis)');
      const grid = color('var(--color-chart-grid)');
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
          {
            stroke: axis,
            space: 70,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: color('var(--color-chart-tick)'), width: 1 },
            values: (_u, ticks) => timeLabels(ticks),
          },
          {
            scale: 'left',
            stroke: axis,
            size: 72,
            grid: { stroke: grid, width: 1 },
            ticks: { show: false },
            values: (_u, ticks) => axisLabels(series[0], ticks),
          },
          ...(series.some((s) => s.axis === 'right')
            ? [
                {
                  scale: 'right',
                  side: 1 as const,
                  stroke: axis,
                  size: 52,
                  grid: { show: false },
                  ticks: { show: false },
                  values: (_u: uPlot, ticks: number[]) => axisLabels(series.find((s) => s.axis === 'right'), ticks),
                },
              ]
            : []),
        ],
        series: [
          // Not hovering (idx null), the legend shows the latest values instead of dashes.
          { label: 'Time', value: (u, v, _s, idx) => legendValue(idx == null ? latest(u.data[0]) : v, formatTime) },
          ...series.map((s) => ({
            label: s.label,
            scale: s.axis === 'right' ? 'right' : 'left',
            stroke: color(s.color),
            width: 2,
            fill: s.fill && color(s.fill),
            spanGaps: false,
            points: { show: false },
            value: (u: uPlot, v: number | null, sidx: number, idx: number | null) => legendValue(idx == null ? latest(u.data[sidx]) : v, s.format),
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
    // Re-create only when the set of series or the colour scheme changes; data updates go through
    // setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, empty, height, scheme]);

  useEffect(() => {
    const plot = plotRef.current;
    if (!plot) return;
    plot.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData);
    // Refresh the legend's latest values (a hover keeps its point).
    plot.setLegend({});
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

/** Time axis labels in the formats of lib/format.ts: the clock, with the day when the axis spans days. */
function timeLabels(ticks: number[]): string[] {
  const spansDays = ticks.length > 1 && ticks[ticks.length - 1]! - ticks[0]! >= 86_400;
  return ticks.map((t) => (spansDays ? `${formatShortDate(t)}\n${formatClock(t)}` : formatClock(t)));
}

function axisLabels(series: ChartSeries | undefined, ticks: number[]): string[] {
  if (!series) return ticks.map(String);
  return series.ticks ? series.ticks(ticks) : ticks.map(series.format);
}

/** The last value that is not a gap, or null. */
export function latest(values: ArrayLike<number | null | undefined> | undefined): number | null {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i -= 1) {
    const v = values[i];
    if (v != null && Number.isFinite(v)) return v;
  }
  return null;
}

function legendValue(value: number | null | undefined, format: (value: number) => string): string {
  return value == null ? '—' : format(value);
}
