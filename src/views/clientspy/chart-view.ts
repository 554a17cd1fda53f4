// The Client Deployment chart in the DOM: the layout from chart-layout.ts as SVG (bars, whole-number axis,
// day labels, axis titles), a legend, and under it every ccmsetup outcome with the record that settled it.
// Redrawn when its width changes. Colours come from the stylesheet (classes), never from inline styles.

import type { DeploymentChart, SpyEvidence } from '../../spy/model.ts';
import type { ChartLayout } from './chart-layout.ts';
import { layoutDeploymentChart } from './chart-layout.ts';
import { h, stateIcon, svg } from './dom.ts';
import { evidenceShortText, evidenceText } from './tree-model.ts';

export const CHART_HEIGHT = 200;

export class DeploymentChartView {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private chart: DeploymentChart | undefined;
  private width = 0;

  constructor(private readonly onReveal: (evidence: SpyEvidence) => void) {
    this.element = h('section', 'spy-chart');
    this.plotHost = h('div', 'chart-plot');
    new ResizeObserver(() => this.draw()).observe(this.plotHost);
  }

  show(chart: DeploymentChart | undefined): void {
    this.chart = chart;
    this.element.hidden = chart === undefined;
    this.element.replaceChildren();
    if (chart === undefined) {
      return;
    }
    const head = h('div', 'chart-head');
    head.append(h('h3', 'chart-title', chart.title));
    const legend = h('div', 'chart-legend');
    const failed = chart.days.reduce((n, d) => n + d.failed, 0);
    const installed = chart.days.reduce((n, d) => n + d.installed, 0);
    for (const [series, word, count] of [
      ['failed', 'Failed', failed],
      ['installed', 'Installed', installed],
    ] as const) {
      const item = h('span', `legend-item legend-${series}`);
      item.append(h('span', 'swatch'), document.createTextNode(`${word} (${count})`));
      legend.append(item);
    }
    head.append(legend);
    this.element.append(head, this.plotHost);
    if (chart.days.length === 0) {
      this.plotHost.replaceChildren(h('p', 'spy-empty', 'No ccmsetup run finished in the logs at hand.'));
    }
    this.element.append(this.outcomes(chart));
    this.width = 0;
    this.draw();
  }

  private draw(): void {
    const chart = this.chart;
    const width = Math.floor(this.plotHost.clientWidth);
    if (chart === undefined || chart.days.length === 0 || width <= 0 || width === this.width) {
      return;
    }
    this.width = width;
    this.plotHost.replaceChildren(renderSvg(layoutDeploymentChart(chart.days, width, CHART_HEIGHT)));
  }

  /** Every outcome with its record, newest last, as Client Spy's text save lists them. */
  private outcomes(chart: DeploymentChart): HTMLElement {
    const list = h('ul', 'chart-points');
    list.setAttribute('aria-label', 'ccmsetup outcomes');
    for (const p of chart.points) {
      const li = h('li', `point point-${p.state}`);
      const marker = h('span', 'marker');
      marker.append(stateIcon(p.state === 'failed' ? 'error' : 'ok'));
      const when = h('span', 'point-time', p.utc.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'));
      const host = h('span', 'point-host', p.host);
      const what = h('span', 'point-state', p.state + (p.errorCode === undefined ? '' : ` ${p.errorCode}`));
      const ev = h('button', 'ev', evidenceShortText(p.evidence));
      ev.type = 'button';
      ev.title = `Open ${evidenceText(p.evidence)}`;
      ev.setAttribute('aria-label', `Open ${p.evidence.file} at line ${p.evidence.line}`);
      ev.addEventListener('click', () => this.onReveal(p.evidence));
      li.append(marker, when, host, what, ev);
      list.append(li);
    }
    return list;
  }
}

function renderSvg(layout: ChartLayout): SVGSVGElement {
  const { plot } = layout;
  const root = svg('svg', {
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
  });
  root.classList.add('chart-svg');
  root.setAttribute('role', 'img');
  root.setAttribute(
    'aria-label',
    'ccmsetup outcomes per UTC day: ' +
      layout.days
        .filter((d) => d.failed + d.installed > 0)
        .map((d) => `${d.day} ${d.failed} failed, ${d.installed} installed`)
        .join('; '),
  );
  const g = svg('g', { transform: `translate(${plot.x},${plot.y})` });

  const grid = svg('g');
  grid.classList.add('grid');
  const yAxis = svg('g');
  yAxis.classList.add('axis', 'axis-y');
  for (const t of layout.yTicks) {
    const line = svg('line', { x1: 0, x2: plot.width, y1: t.y, y2: t.y });
    if (t.value === 0) {
      line.classList.add('baseline');
    }
    grid.append(line);
    const label = svg('text', { x: -8, y: t.y, dy: '0.32em', 'text-anchor': 'end' });
    label.textContent = String(t.value);
    yAxis.append(label);
  }
  const yTitle = svg('text', {
    transform: `translate(${-plot.x + 14},${plot.height / 2}) rotate(-90)`,
    'text-anchor': 'middle',
  });
  yTitle.classList.add('axis-title');
  yTitle.textContent = 'ccmsetup runs';
  yAxis.append(yTitle);

  const xAxis = svg('g', { transform: `translate(0,${plot.height})` });
  xAxis.classList.add('axis', 'axis-x');
  for (const t of layout.xTicks) {
    xAxis.append(svg('line', { x1: t.x, x2: t.x, y1: 0, y2: 5 }));
    const label = svg('text', { x: t.x, y: 18, 'text-anchor': 'middle' });
    label.textContent = t.label;
    xAxis.append(label);
  }
  const xTitle = svg('text', { x: plot.width / 2, y: 38, 'text-anchor': 'middle' });
  xTitle.classList.add('axis-title');
  xTitle.textContent = 'UTC day';
  xAxis.append(xTitle);

  const bars = svg('g');
  for (const b of layout.bars) {
    const rect = svg('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: Math.min(2, b.width / 4) });
    rect.classList.add('bar', `bar-${b.series}`);
    const title = svg('title');
    title.textContent = `${b.day}: ${b.count} ${b.series}`;
    rect.append(title);
    bars.append(rect);
    if (layout.countLabels) {
      const count = svg('text', { x: b.x + b.width / 2, y: b.y - 4, 'text-anchor': 'middle' });
      count.classList.add('bar-count', `bar-count-${b.series}`);
      count.textContent = String(b.count);
      bars.append(count);
    }
  }
  g.append(grid, yAxis, xAxis, bars);
  root.append(g);
  return root;
}
