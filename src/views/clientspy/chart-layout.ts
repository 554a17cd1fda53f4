// Layout of the Client Deployment chart: ccmsetup runs that failed and that installed, per UTC day, as
// grouped bars. d3 scales place the days and counts; this module returns plain rectangles, ticks and labels,
// DOM-free and unit-tested, and chart-view.ts draws them into SVG. Days with no outcome between the first and
// the last are drawn as empty days, so that the x axis is time and gaps read as gaps.

import { scaleBand, scaleLinear } from 'd3';
import type { DeploymentChart } from '../../spy/model.ts';

export type Series = 'failed' | 'installed';
export const SERIES: readonly Series[] = ['failed', 'installed'];

export interface DayCount {
  readonly day: string;
  readonly failed: number;
  readonly installed: number;
}

export interface Bar {
  readonly day: string;
  readonly series: Series;
  readonly count: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  /** The plotting area, in the chart's coordinates. */
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly days: readonly DayCount[];
  /** Bars with a count above zero, in plot coordinates (add `plot.x`/`plot.y`). */
  readonly bars: readonly Bar[];
  /** Day labels on the x axis (thinned so that they never overlap), at the centre of their day. */
  readonly xTicks: ReadonlyArray<{ readonly day: string; readonly x: number; readonly label: string }>;
  /** Whole numbers on the y axis. */
  readonly yTicks: ReadonlyArray<{ readonly value: number; readonly y: number }>;
  /** Whether the count fits above each bar. */
  readonly countLabels: boolean;
}

export const CHART_MARGIN = { top: 14, right: 16, bottom: 44, left: 52 } as const;
/** A day's pair of bars never grows wider than this, so one day does not become one slab. */
export const MAX_GROUP_WIDTH = 88;
/** Below this spacing day labels are thinned. */
export const MIN_LABEL_SPACING = 64;
/** Beyond this span empty days are not filled in (the bars would be hairlines anyway). */
export const MAX_FILLED_DAYS = 400;

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The chart's days sorted, with the days between the first and the last filled in at zero. */
export function continuousDays(days: DeploymentChart['days']): DayCount[] {
  const valid = days.filter((d) => Number.isFinite(dayMs(d.day)));
  const sorted = [...valid].sort((a, b) => dayMs(a.day) - dayMs(b.day));
  if (sorted.length < 2) {
    return sorted.map((d) => ({ day: d.day, failed: d.failed, installed: d.installed }));
  }
  const first = dayMs(sorted[0]!.day);
  const lastDay = dayMs(sorted[sorted.length - 1]!.day);
  const span = Math.round((lastDay - first) / DAY_MS) + 1;
  if (span > MAX_FILLED_DAYS) {
    return sorted.map((d) => ({ day: d.day, failed: d.failed, installed: d.installed }));
  }
  const byDay = new Map(sorted.map((d) => [d.day, d]));
  const out: DayCount[] = [];
  for (let i = 0; i < span; i++) {
    const day = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
    const d = byDay.get(day);
    out.push({ day, failed: d?.failed ?? 0, installed: d?.installed ?? 0 });
  }
  return out;
}

/** `Feb 17`, or `2025-02-17` when the chart crosses a year (the year would otherwise be lost). */
export function dayLabel(day: string, withYear: boolean): string {
  if (withYear) {
    return day;
  }
  const month = Number(day.slice(5, 7));
  return `${MONTHS[month - 1] ?? day.slice(5, 7)} ${Number(day.slice(8, 10))}`;
}

export function layoutDeploymentChart(chartDays: DeploymentChart['days'], width: number, height: number): ChartLayout {
  const days = continuousDays(chartDays);
  const plot = {
    x: CHART_MARGIN.left,
    y: CHART_MARGIN.top,
    width: Math.max(40, width - CHART_MARGIN.left - CHART_MARGIN.right),
    height: Math.max(40, height - CHART_MARGIN.top - CHART_MARGIN.bottom),
  };
  const x = scaleBand<string>()
    .domain(days.map((d) => d.day))
    .range([0, plot.width])
    .paddingInner(0.3)
    .paddingOuter(0.2);
  const maxCount = days.reduce((m, d) => Math.max(m, d.failed, d.installed), 0);
  const y = scaleLinear()
    .domain([0, Math.max(1, maxCount)])
    .nice(Math.min(5, Math.max(1, maxCount)))
    .range([plot.height, 0]);

  const groupWidth = Math.min(x.bandwidth(), MAX_GROUP_WIDTH);
  const gap = groupWidth >= 12 ? 2 : 0;
  const barWidth = Math.max(1, (groupWidth - gap) / SERIES.length);
  const bars: Bar[] = [];
  for (const d of days) {
    const left = (x(d.day) ?? 0) + (x.bandwidth() - groupWidth) / 2;
    SERIES.forEach((series, s) => {
      const count = d[series];
      if (count > 0) {
        const top = y(count);
        bars.push({
          day: d.day,
          series,
          count,
          x: left + s * (barWidth + gap),
          y: top,
          width: barWidth,
          height: plot.height - top,
        });
      }
    });
  }

  const withYear = days.length > 0 && days[0]!.day.slice(0, 4) !== days[days.length - 1]!.day.slice(0, 4);
  const labelSpacing = withYear ? MIN_LABEL_SPACING + 16 : MIN_LABEL_SPACING;
  const every = Math.max(1, Math.ceil(labelSpacing / Math.max(1, x.step())));
  const xTicks = days
    .filter((_, i) => i % every === 0)
    .map((d) => ({ day: d.day, x: (x(d.day) ?? 0) + x.bandwidth() / 2, label: dayLabel(d.day, withYear) }));

  const yTicks = y
    .ticks(Math.min(5, Math.max(1, maxCount)))
    .filter((v) => Number.isInteger(v))
    .map((value) => ({ value, y: y(value) }));

  return { width, height, plot, days, bars, xTicks, yTicks, countLabels: barWidth >= 14 };
}
