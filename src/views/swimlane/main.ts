// The swimlane webview: wires the host client, the lane layout, d3 zoom and axis, the canvas renderer, the
// overview, the toolbar, hover cards and keyboard navigation. State that survives a reload is navigation
// only (window, lanes, filters, selection, highlight): the data always comes from the host again.

import { axisTop, select, zoom } from 'd3';
import type { ZoomBehavior } from 'd3';
import { HostClient } from './client.ts';
import { TITLE_PX, drawExport, exportSvg } from './export.ts';
import type { ExportFrame } from './export.ts';
import { expandHosts, layoutLanes, moveHost, moveLane, restoreLaneView, rowAt, rowsIn, toggleHost } from './layout.ts';
import type { Layout, LaneView } from './layout.ts';
import { Overview } from './overview.ts';
import { EVIDENCE_NAMES, PROTOCOL_VERSION, SEVERITY_NAMES } from './protocol.ts';
import { failureChoices } from './pickers.ts';
import type {
  FlowSummariesReply,
  Highlight,
  HighlightReply,
  HostToWebview,
  InitMessage,
  RecordDetail,
  RecordReply,
  RowReply,
  SeverityLevel,
  TimeZoneMode,
  WindowFilter,
  WindowReply,
} from './protocol.ts';
import { drawSwimlanes } from './render.ts';
import type { ArrowHit, DrawInput, Theme } from './render.ts';
import {
  clampWindow,
  dayLabel,
  fitWindow,
  formatCorrection,
  formatInstant,
  maxZoom,
  panWindow,
  ticks,
  timeScale,
  transformFor,
  windowFor,
  zoneLabel,
  zoneOffsetMs,
  zoomWindow,
} from './scales.ts';
import type { TimeWindow } from './scales.ts';
import { buildScene, groupKey, nearestMark, nearestSegment, nextFailure } from './scene.ts';
import type { Scene } from './scene.ts';
import { Toolbar } from './toolbar.ts';
import type { Choice } from './toolbar.ts';

const STATE_VERSION = 1;
/** Rows above and below the viewport fetched with it, so scrolling a little needs no new window. */
const ROW_MARGIN = 12;
/** Flows listed in the flow picker: failed ones first, then those in view. */
const FLOW_CHOICES = 100;

interface SavedState {
  readonly v: number;
  readonly bundle: string;
  readonly view: TimeWindow;
  readonly lanes: LaneView;
  readonly scrollTop: number;
  readonly minSeverity: SeverityLevel;
  readonly text: string;
  readonly flow: number;
  readonly onlyFlow: boolean;
  readonly highlight: { readonly kind: 'flow' | 'chain'; readonly index: number } | undefined;
  readonly selected: number | undefined;
  readonly zone: TimeZoneMode;
}

/** A role as a host's lane group names it: MP and site short, the rest as they are. */
function shortRole(role: string): string {
  return role === 'management-point' ? 'MP' : role === 'site-server' ? 'site' : role;
}

function byId<T extends Element>(id: string): T {
  const el = document.getElementById(id);
  if (!el) {
    throw new Error(`swimlane page lacks #${id}`);
  }
  return el as unknown as T;
}

function readTheme(): Theme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--sl-bg', '#1f1f1f'),
    foreground: v('--sl-fg', '#cccccc'),
    muted: v('--sl-muted', '#9d9d9d'),
    grid: v('--sl-grid', '#303030'),
    stripe: v('--sl-stripe', '#262626'),
    hostRow: v('--sl-host-row', '#2b2b2b'),
    severity: [v('--sl-info', '#3794ff'), v('--sl-warning', '#cca700'), v('--sl-error', '#f14c4c')],
    evidence: [v('--sl-ev-id', '#89d185'), v('--sl-ev-derived', '#b180d7'), v('--sl-ev-time', '#d18616')],
    focus: v('--sl-focus', '#0078d4'),
    font: v('--sl-font', 'sans-serif'),
  };
}

class SwimlaneApp {
  private readonly app = byId<HTMLDivElement>('app');
  private readonly plot = byId<HTMLCanvasElement>('plot');
  private readonly scroller = byId<HTMLDivElement>('scroller');
  private readonly spacer = byId<HTMLDivElement>('spacer');
  private readonly labels = byId<HTMLDivElement>('labels');
  private readonly axis = byId<SVGSVGElement>('axis');
  private readonly zoneEl = byId<HTMLDivElement>('zone');
  private readonly card = byId<HTMLDivElement>('card');
  private readonly statusText = byId<HTMLSpanElement>('status-text');
  private readonly client: HostClient;
  private toolbar: Toolbar | undefined;
  private overview: Overview | undefined;
  private zoomBehavior: ZoomBehavior<HTMLCanvasElement> | undefined;
  private theme = readTheme();

  private init: InitMessage | undefined;
  private extent: TimeWindow = { start: 0, end: 1 };
  private view: TimeWindow = { start: 0, end: 1 };
  private laneView: LaneView | undefined;
  private layout: Layout = { rows: [], height: 0, rowOfLane: new Int32Array(0) };
  private filter: WindowFilter = { minSeverity: 0, text: '', flow: -1 };
  private flow = -1;
  private onlyFlow = false;
  private zone: TimeZoneMode = { kind: 'utc' };
  private scene: Scene | undefined;
  private sceneRows = new Int32Array(0);
  private highlight: { kind: 'flow' | 'chain'; index: number; data: Highlight } | undefined;
  private highlightRows: ReadonlySet<number> = new Set();
  private selected: { row: number; time: number; lane: number } | undefined;
  private hovered = -1;
  private hits: ArrowHit[] = [];
  private readonly records = new Map<number, RecordDetail>();
  private plotWidth = 1;
  private plotHeight = 1;
  private inFlight = false;
  private dirty = false;
  private frame = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private firstPaint = false;

  constructor() {
    this.client = new HostClient(acquireVsCodeApi(), (m) => this.onPush(m));
  }

  start(): void {
    // Marks for devtools and the benchmark: where the time to the first frame goes.
    performance.mark('swimlane:ready');
    this.client.post({ type: 'ready', version: PROTOCOL_VERSION });
  }

  // ------------------------------------------------------------------ messages from the host

  private onPush(m: HostToWebview): void {
    switch (m.type) {
      case 'init':
        this.onInit(m);
        break;
      case 'focusFlow':
        void this.showFlow(m.flow, true);
        break;
      case 'focusFailure':
        void this.showFailure(m.failureIndex);
        break;
      case 'focusEvent':
        void this.locate(m.file, m.line);
        break;
      default:
        break;
    }
  }

  private onInit(init: InitMessage): void {
    performance.mark('swimlane:init');
    if (init.version !== PROTOCOL_VERSION) {
      this.status(`This view speaks protocol ${PROTOCOL_VERSION}, the extension ${init.version}: reload the window`);
      return;
    }
    this.init = init;
    // A little room at both ends, so the first and last records are not cut in half by the edges.
    const pad = Math.max((init.end - init.start) * 0.015, 250);
    this.extent = { start: init.start - pad, end: init.end + pad };
    this.records.clear();
    const saved = this.client.getState() as Partial<SavedState> | undefined;
    const usable = saved?.v === STATE_VERSION && saved.bundle === init.bundle ? saved : undefined;
    this.laneView = restoreLaneView(usable?.lanes, init.hosts.length, init.lanes);
    this.view = usable?.view ? clampWindow(usable.view, this.extent) : this.extent;
    this.filter = {
      minSeverity: usable?.minSeverity ?? 0,
      text: usable?.text ?? '',
      flow: usable?.onlyFlow && (usable.flow ?? -1) >= 0 ? usable.flow! : -1,
    };
    this.flow = usable?.flow ?? -1;
    this.onlyFlow = usable?.onlyFlow ?? false;
    this.zone = usable?.zone ?? init.timeZone;
    this.selected = undefined;
    this.highlight = undefined;
    this.highlightRows = new Set();
    this.scene = undefined;

    this.buildToolbar(init);
    this.buildLegend();
    this.overview = new Overview(
      byId('overview-canvas'),
      byId('overview-brush'),
      init.overview,
      init.failures,
      this.extent,
      (view) => this.setView(view),
    );
    this.setupZoom();
    this.relayout();
    this.resize();
    if (usable?.scrollTop !== undefined) {
      this.scroller.scrollTop = usable.scrollTop;
    }
    this.setView(this.view);
    if (usable?.highlight) {
      if (usable.highlight.kind === 'flow') {
        void this.showFlow(usable.highlight.index, false);
      } else {
        void this.showFailure(usable.highlight.index, false);
      }
    }
    if (usable?.selected !== undefined) {
      void this.select(usable.selected, false);
    }
    this.status(
      `${init.bundle}: ${init.eventCount.toLocaleString('en-US')} records, ${init.lanes.length} lanes on ${init.hosts.length} hosts, ${init.flows.start.length} flows, ${init.failures.length} failures`,
    );
  }

  // ------------------------------------------------------------------ toolbar

  private buildToolbar(init: InitMessage): void {
    const root = byId<HTMLDivElement>('toolbar');
    root.replaceChildren();
    this.toolbar = new Toolbar(root, {
      flow: (i) => {
        if (i < 0) {
          this.clearHighlight();
        } else {
          void this.showFlow(i, false);
        }
      },
      onlyFlow: (on) => {
        this.onlyFlow = on;
        this.setFilter({ ...this.filter, flow: on ? this.flow : -1 });
      },
      failure: (i) => {
        if (i >= 0) {
          void this.showFailure(i);
        }
      },
      host: (h) => this.setLaneView({ ...this.laneView!, host: h }),
      component: (c) => this.setLaneView({ ...this.laneView!, component: c }),
      severity: (s) => this.setFilter({ ...this.filter, minSeverity: s }),
      text: (t) => this.setFilter({ ...this.filter, text: t }),
      zone: (z) => {
        this.zone = z === 'utc' ? { kind: 'utc' } : { kind: 'host', host: Number(z) };
        this.draw();
        this.save();
      },
      fit: () => this.setView(this.extent),
      zoomToFlow: () => this.zoomToHighlight(),
      cause: () => this.showCauseOfSelection(),
      export: (format) => this.exportImage(format),
    });
    const tb = this.toolbar;
    this.flowChoices = '';
    tb.setChoices('failure', failureChoices(init), '-1');
    tb.setChoices(
      'host',
      [{ value: '-1', label: 'All hosts' }, ...init.hosts.map((h, i) => ({ value: String(i), label: h.name }))],
      String(this.laneView!.host),
    );
    const components = [...new Set(init.lanes.map((l) => l.component))].sort((a, b) => a.localeCompare(b));
    tb.setChoices(
      'component',
      [{ value: '', label: 'All components' }, ...components.map((c) => ({ value: c, label: c }))],
      this.laneView!.component,
    );
    tb.setValue('severity', String(this.filter.minSeverity));
    tb.setText(this.filter.text);
    tb.setOnlyFlow(this.onlyFlow);
    const zones: Choice[] = [{ value: 'utc', label: 'UTC' }];
    const seen = new Set<number>();
    init.hosts.forEach((h, i) => {
      if (h.biasMinutes !== undefined && !seen.has(h.biasMinutes)) {
        seen.add(h.biasMinutes);
        zones.push({ value: String(i), label: `Local: ${zoneLabel({ kind: 'host', host: i }, init.hosts)}` });
      }
    });
    tb.setChoices('zone', zones, this.zone.kind === 'utc' ? 'utc' : String(this.zone.host));
    this.refreshFlowChoices();
    this.updateButtons();
  }

  private flowChoices = '';

  /** Summaries of flows asked for so far (they are long: the host sends them on request). */
  private readonly summaries = new Map<number, string>();

  /** Failed flows first, then those overlapping the view: a picker of 30 000 flows helps nobody. */
  private refreshFlowChoices(): void {
    const init = this.init;
    if (!init || !this.toolbar) {
      return;
    }
    const { start, end, status } = init.flows;
    const failed: number[] = [];
    const inView: number[] = [];
    for (let i = 0; i < status.length && failed.length < FLOW_CHOICES; i++) {
      if (status[i] === 1) {
        failed.push(i);
      }
    }
    for (let i = 0; i < status.length && failed.length + inView.length < FLOW_CHOICES; i++) {
      if (status[i] !== 1 && end[i]! >= this.view.start && start[i]! <= this.view.end) {
        inView.push(i);
      }
    }
    const list = [...failed, ...inView];
    if (this.flow >= 0 && !list.includes(this.flow)) {
      list.unshift(this.flow);
    }
    // Rebuilding a hundred options on every window would cost frames while panning: only on change.
    const key = `${this.flow}:${list.join(',')}`;
    if (key === this.flowChoices) {
      return;
    }
    this.flowChoices = key;
    void this.fillFlowChoices(list, key);
  }

  private async fillFlowChoices(list: number[], key: string): Promise<void> {
    const init = this.init!;
    const missing = list.filter((i) => !this.summaries.has(i));
    if (missing.length > 0) {
      try {
        const reply = await this.client.request<FlowSummariesReply>({ type: 'flowSummaries', flows: missing });
        missing.forEach((i, k) => this.summaries.set(i, reply.summaries[k] ?? ''));
      } catch {
        return;
      }
    }
    if (key !== this.flowChoices || !this.toolbar) {
      return;
    }
    this.toolbar.setChoices(
      'flow',
      [
        { value: '-1', label: `Flows (${init.flows.status.length})` },
        ...list.map((i) => ({
          value: String(i),
          label: `${init.flows.status[i] === 1 ? '✖ ' : ''}${this.summaries.get(i) ?? ''}`,
        })),
      ],
      String(this.flow),
    );
  }

  private updateButtons(): void {
    const tb = this.toolbar;
    if (!tb) {
      return;
    }
    tb.enable('zoomFlow', this.highlight !== undefined);
    tb.enable('onlyFlow', this.flow >= 0);
    tb.enable('cause', (this.init?.failures.length ?? 0) > 0);
  }

  private buildLegend(): void {
    const legend = byId<HTMLSpanElement>('legend');
    const key = (cls: string, label: string): HTMLSpanElement => {
      const k = document.createElement('span');
      k.className = 'key';
      const s = document.createElement('span');
      s.className = cls;
      k.append(s, document.createTextNode(label));
      return k;
    };
    legend.replaceChildren(
      key('swatch info', 'info'),
      key('swatch warning', 'warning'),
      key('swatch error', 'error'),
      key('line id', 'same id'),
      key('line derived', 'derived'),
      key('line time', 'by time'),
    );
  }

  // ------------------------------------------------------------------ layout, size, zoom

  private setLaneView(view: LaneView): void {
    this.laneView = view;
    this.relayout();
    this.draw();
    this.fetchIfNeeded();
    this.save();
  }

  private relayout(): void {
    if (!this.init || !this.laneView) {
      return;
    }
    this.layout = layoutLanes(this.laneView, this.init.lanes);
    this.spacer.style.height = `${Math.max(0, this.layout.height - this.scroller.clientHeight)}px`;
    this.mapScene();
    this.renderLabels();
  }

  private resize(): void {
    const rect = this.plot.getBoundingClientRect();
    this.plotWidth = Math.max(1, Math.floor(rect.width));
    this.plotHeight = Math.max(1, Math.floor(this.scroller.clientHeight));
    const dpr = window.devicePixelRatio || 1;
    this.plot.width = Math.round(this.plotWidth * dpr);
    this.plot.height = Math.round(this.plotHeight * dpr);
    this.plot.style.height = `${this.plotHeight}px`;
    this.spacer.style.height = `${Math.max(0, this.layout.height - this.plotHeight)}px`;
    const ov = byId<HTMLDivElement>('overview').getBoundingClientRect();
    this.overview?.resize(Math.max(1, ov.width), Math.max(1, ov.height), this.theme);
    this.overview?.show(this.view);
    if (this.zoomBehavior) {
      this.zoomBehavior
        .extent([
          [0, 0],
          [this.plotWidth, this.plotHeight],
        ])
        .translateExtent([
          [0, 0],
          [this.plotWidth, this.plotHeight],
        ]);
    }
    this.renderLabels();
  }

  private setupZoom(): void {
    const z = zoom<HTMLCanvasElement>()
      .scaleExtent([1, maxZoom(this.extent)])
      // Plain wheel scrolls the lanes; ctrl/cmd-wheel (and pinch) zooms; dragging with the main button pans.
      .filter((e) =>
        e.type === 'wheel'
          ? (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey
          : e.type !== 'dblclick' && !(e as MouseEvent).button,
      )
      .wheelDelta((e) => -e.deltaY * (e.deltaMode === 1 ? 0.05 : e.deltaMode ? 1 : 0.002) * 2)
      .on('zoom', (event) => {
        if (!event.sourceEvent) {
          return;
        }
        this.view = clampWindow(windowFor(event.transform, this.extent, this.plotWidth), this.extent);
        this.afterViewChange();
      });
    this.zoomBehavior = z;
    select(this.plot).call(z);
    // Horizontal scrolling (trackpads, shift+wheel) pans.
    this.plot.addEventListener(
      'wheel',
      (e) => {
        const dx = e.shiftKey && e.deltaX === 0 ? e.deltaY : e.deltaX;
        if (!e.ctrlKey && !e.metaKey && Math.abs(dx) > Math.abs(e.shiftKey ? 0 : e.deltaY)) {
          e.preventDefault();
          this.setView(panWindow(this.view, (dx / this.plotWidth) * (this.view.end - this.view.start), this.extent));
        }
      },
      { passive: false },
    );
  }

  /** Moves the view (from code, the brush, the keyboard) and keeps d3-zoom's transform in step. */
  private setView(view: TimeWindow): void {
    this.view = clampWindow(view, this.extent);
    if (this.zoomBehavior) {
      this.zoomBehavior.transform(select(this.plot), transformFor(this.view, this.extent, this.plotWidth));
    }
    this.afterViewChange();
  }

  private afterViewChange(): void {
    this.overview?.show(this.view);
    this.draw();
    this.fetchIfNeeded();
    this.save();
  }

  // ------------------------------------------------------------------ windows of data

  /** Rows in view plus a margin, as lane groups. */
  private wantedGroups(): number[][] {
    const top = this.scroller.scrollTop - ROW_MARGIN * 22;
    const bottom = this.scroller.scrollTop + this.plotHeight + ROW_MARGIN * 22;
    const { first, last } = rowsIn(this.layout, top, bottom);
    const groups: number[][] = [];
    for (let i = first; i <= last; i++) {
      const lanes = this.layout.rows[i]!.lanes;
      if (lanes.length > 0) {
        groups.push([...lanes]);
      }
    }
    return groups;
  }

  private needsFetch(): boolean {
    const s = this.scene;
    if (!s) {
      return true;
    }
    if (s.partial) {
      return true;
    }
    if (JSON.stringify(s.filter) !== JSON.stringify(this.filter)) {
      return true;
    }
    // Every row in view must be in the scene.
    const { first, last } = rowsIn(this.layout, this.scroller.scrollTop, this.scroller.scrollTop + this.plotHeight);
    const have = new Set(s.groupKeys);
    for (let i = first; i <= last; i++) {
      const lanes = this.layout.rows[i]!.lanes;
      if (lanes.length > 0 && !have.has(groupKey(lanes))) {
        return true;
      }
    }
    if (this.view.start < s.window.start || this.view.end > s.window.end) {
      return true;
    }
    const pxPerMs = this.plotWidth / (this.view.end - this.view.start);
    return pxPerMs > s.pxPerMs * 1.8;
  }

  private fetchIfNeeded(): void {
    if (!this.init) {
      return;
    }
    if (this.inFlight) {
      this.dirty = true;
      return;
    }
    if (!this.needsFetch()) {
      return;
    }
    void this.fetch();
  }

  private async fetch(): Promise<void> {
    this.inFlight = true;
    this.dirty = false;
    const span = this.view.end - this.view.start;
    // Half a view on each side: panning by up to that needs no new data.
    const window = clampWindow({ start: this.view.start - span / 2, end: this.view.end + span / 2 }, this.extent);
    const width = Math.max(1, Math.round(this.plotWidth * ((window.end - window.start) / span)));
    const groups = this.wantedGroups();
    const filter = this.filter;
    try {
      const reply = await this.client.request<WindowReply>({
        type: 'window',
        start: window.start,
        end: window.end,
        width,
        groups,
        filter,
      });
      if (!this.scene) {
        performance.mark('swimlane:first-window');
      }
      this.scene = buildScene(reply, groups, window, width, filter);
      this.mapScene();
      this.draw();
      if (reply.partial || filter.text !== '') {
        this.status(
          reply.partial
            ? `Searching message text… ${Math.round(reply.searched * 100)}% of records read`
            : `Text filter: ${reply.totals.reduce((a, b) => a + b, 0).toLocaleString('en-US')} matching records in the window`,
        );
      } else if (reply.arrowsOmitted) {
        this.status('Too many messages in this window to draw their arrows: zoom in to see them');
      }
      this.refreshFlowChoices();
    } catch (e) {
      this.status(`The window could not be read: ${(e as Error).message}`);
    } finally {
      this.inFlight = false;
    }
    if (this.dirty || this.needsFetch()) {
      this.fetchIfNeeded();
    }
  }

  /** Scene group → layout row, by the groups' lane keys. */
  private mapScene(): void {
    const s = this.scene;
    if (!s) {
      this.sceneRows = new Int32Array(0);
      return;
    }
    const rowOfKey = new Map<string, number>();
    this.layout.rows.forEach((r, i) => {
      if (r.lanes.length > 0) {
        rowOfKey.set(groupKey(r.lanes), i);
      }
    });
    this.sceneRows = Int32Array.from(s.groupKeys, (k) => rowOfKey.get(k) ?? -1);
  }

  private setFilter(filter: WindowFilter): void {
    this.filter = filter;
    this.fetchIfNeeded();
    this.save();
  }

  // ------------------------------------------------------------------ drawing

  private draw(): void {
    if (this.frame) {
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private drawInput(): DrawInput {
    const offset = zoneOffsetMs(this.zone, this.init?.hosts ?? []);
    return {
      width: this.plotWidth,
      height: this.plotHeight,
      layout: this.layout,
      scrollTop: this.scroller.scrollTop,
      view: this.view,
      theme: this.theme,
      scene: this.scene,
      sceneRows: this.sceneRows,
      highlight: this.highlight?.data,
      highlightRows: this.highlightRows,
      chain: this.highlight?.kind === 'chain',
      chainRecovered: this.highlight?.kind === 'chain' && this.init?.failures[this.highlight.index]?.recovered === true,
      selected: this.selected,
      hovered: this.hovered,
      gridTimes: ticks(this.view, offset, Math.max(2, Math.floor(this.plotWidth / 110))).map((t) => t.time),
    };
  }

  private paint(): void {
    const started = performance.now();
    const ctx = this.plot.getContext('2d');
    if (!ctx || !this.init) {
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.hits = drawSwimlanes(ctx, this.drawInput());
    this.drawAxis();
    this.renderLabels(false);
    const s = this.scene;
    // What a test (or a curious user in devtools) can read about the last frame.
    this.app.dataset.rows = String(this.layout.rows.length);
    this.app.dataset.marks = String(s ? s.rows.length : 0);
    this.app.dataset.arrows = String(this.hits.filter((h) => h.kind === 'arrow').length);
    this.app.dataset.highlight = this.highlight ? `${this.highlight.kind}:${this.highlight.index}` : '';
    this.app.dataset.selected = this.selected ? String(this.selected.row) : '';
    if (s && !this.firstPaint) {
      this.firstPaint = true;
      this.app.dataset.state = 'ready';
      performance.mark('swimlane:first-paint');
    }
    performance.measure('swimlane:frame', { start: started, end: performance.now() });
    if (performance.getEntriesByName('swimlane:frame').length > 2000) {
      performance.clearMeasures('swimlane:frame');
    }
  }

  private drawAxis(): void {
    const offset = zoneOffsetMs(this.zone, this.init?.hosts ?? []);
    const t = ticks(this.view, offset, Math.max(2, Math.floor(this.plotWidth / 110)));
    const svg = select(this.axis);
    svg.selectAll('g').remove();
    const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    g.setAttribute('transform', 'translate(0,25)');
    this.axis.append(g);
    // d3's axis places ticks on the view's UTC scale; values and labels come from `ticks`, chosen on the
    // display zone's clock so that they are round there.
    const labels = new Map(t.map((x) => [x.time, x.label]));
    select(g).call(
      axisTop(timeScale(this.view, this.plotWidth))
        .tickValues(t.map((x) => x.time))
        .tickFormat((v) => labels.get(Number(v)) ?? '')
        .tickSizeOuter(0),
    );
    const day = dayLabel(this.view, offset);
    const zone = zoneLabel(this.zone, this.init?.hosts ?? []);
    // The host's name goes in the tooltip: the column is narrow.
    this.zoneEl.textContent = `${zone.split(' ')[0]} · ${day}`;
    this.zoneEl.title = `Times in ${zone}`;
  }

  // ------------------------------------------------------------------ labels (DOM, virtualised)

  private dragging: { kind: 'lane' | 'host'; host: number; lane: number } | undefined;

  private labelsDrawn = '';

  /** Label elements for the rows in view; rebuilt only when those rows or the selection changed. */
  private renderLabels(force = true): void {
    const init = this.init;
    if (!init) {
      return;
    }
    const scrollTop = this.scroller.scrollTop;
    const key = `${scrollTop}|${this.plotHeight}|${this.selected?.lane ?? -1}`;
    if (!force && key === this.labelsDrawn) {
      return;
    }
    this.labelsDrawn = key;
    const { first, last } = rowsIn(this.layout, scrollTop, scrollTop + this.plotHeight);
    const nodes: HTMLElement[] = [];
    for (let i = first; i <= last; i++) {
      const r = this.layout.rows[i]!;
      const el = document.createElement('div');
      el.className = 'label';
      el.style.top = `${r.y - scrollTop}px`;
      el.setAttribute('role', 'listitem');
      el.draggable = true;
      const count = document.createElement('span');
      count.className = 'count';
      if (r.kind === 'host') {
        const h = init.hosts[r.host]!;
        el.classList.add('host');
        const chevron = document.createElement('span');
        chevron.className = 'chevron';
        chevron.textContent = r.collapsed ? '▸' : '▾';
        const role = document.createElement('span');
        role.className = 'role';
        role.textContent = h.roles.map(shortRole).join(' · ');
        el.append(chevron, document.createTextNode(h.name), role);
        const lanes = this.laneView?.laneOrder[r.host] ?? [];
        const errors = lanes.reduce((a, l) => a + (init.lanes[l]?.errors ?? 0), 0);
        if (errors > 0) {
          count.classList.add('errors');
          count.textContent = `${errors} err`;
          el.append(count);
        }
        el.title = `${h.name} (${h.roles.join(', ')})\n${h.reference ? 'reference clock' : `clock ${formatCorrection(h.clockSkewMs)}${h.skewUncertaintyMs === undefined ? '' : ` ± ${formatCorrection(h.skewUncertaintyMs).slice(1)}`}`}\n${h.skewBasis}${h.fileClocks.map((c) => `\n${c}`).join('')}\nclick: ${r.collapsed ? 'expand' : 'collapse'}`;
        el.addEventListener('click', () => this.setLaneView(toggleHost(this.laneView!, r.host)));
        el.addEventListener('dragstart', () => (this.dragging = { kind: 'host', host: r.host, lane: -1 }));
      } else {
        const lane = init.lanes[r.lane]!;
        el.textContent = lane.component;
        if (lane.errors > 0) {
          count.classList.add('errors');
          count.textContent = String(lane.errors);
          el.append(count);
        }
        el.title = `${lane.component} on ${init.hosts[lane.host]?.name ?? ''}: ${lane.count} records, ${lane.warnings} warnings, ${lane.errors} errors\ndrag to reorder`;
        if (this.selected && this.selected.lane === r.lane) {
          el.classList.add('selected');
        }
        el.addEventListener('dragstart', () => (this.dragging = { kind: 'lane', host: r.host, lane: r.lane }));
      }
      el.addEventListener('dragover', (e) => {
        const d = this.dragging;
        if (d && d.host === r.host && d.kind === 'lane' && r.kind === 'lane') {
          e.preventDefault();
          el.classList.add('drop-target');
        } else if (d && d.kind === 'host' && r.kind === 'host') {
          e.preventDefault();
          el.classList.add('drop-target');
        }
      });
      el.addEventListener('dragleave', () => el.classList.remove('drop-target'));
      el.addEventListener('drop', (e) => {
        e.preventDefault();
        const d = this.dragging;
        this.dragging = undefined;
        if (!d || !this.laneView) {
          return;
        }
        if (d.kind === 'lane' && r.kind === 'lane') {
          const order = this.laneView.laneOrder[r.host] ?? [];
          this.setLaneView(moveLane(this.laneView, r.host, d.lane, order.indexOf(r.lane) - order.indexOf(d.lane)));
        } else if (d.kind === 'host' && r.kind === 'host') {
          const order = this.laneView.hostOrder;
          this.setLaneView(moveHost(this.laneView, d.host, order.indexOf(r.host) - order.indexOf(d.host)));
        }
      });
      nodes.push(el);
    }
    this.labels.replaceChildren(...nodes);
  }

  // ------------------------------------------------------------------ pointer

  private markAt(x: number, y: number): number {
    const s = this.scene;
    if (!s) {
      return -1;
    }
    const row = rowAt(this.layout, y + this.scroller.scrollTop);
    if (row < 0) {
      return -1;
    }
    const g = this.sceneRows.indexOf(row);
    if (g < 0) {
      return -1;
    }
    const msPerPx = (this.view.end - this.view.start) / this.plotWidth;
    return nearestMark(s, g, this.view.start + x * msPerPx, 5 * msPerPx);
  }

  private pointer(e: MouseEvent): { x: number; y: number } {
    const r = this.plot.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  wirePointer(): void {
    this.plot.addEventListener('mousemove', (e) => {
      const { x, y } = this.pointer(e);
      const j = this.markAt(x, y);
      if (j !== this.hovered) {
        this.hovered = j;
        this.draw();
      }
      if (j >= 0 && this.scene) {
        void this.showCard(this.scene.rows[j]!, e.clientX, e.clientY, this.scene.counts[j]!);
        return;
      }
      const a = nearestSegment(this.hits, x, y, 4);
      if (a >= 0) {
        this.showArrowCard(this.hits[a]!, e.clientX, e.clientY);
      } else {
        this.card.hidden = true;
      }
    });
    this.plot.addEventListener('mouseleave', () => {
      this.card.hidden = true;
      this.hovered = -1;
      this.draw();
    });
    this.plot.addEventListener('click', (e) => {
      const { x, y } = this.pointer(e);
      const j = this.markAt(x, y);
      if (j >= 0 && this.scene) {
        const row = this.scene.rows[j]!;
        void this.select(row, false);
        this.client.post({ type: 'reveal', row });
      }
    });
    this.plot.addEventListener('dblclick', (e) => {
      const { x, y } = this.pointer(e);
      const j = this.markAt(x, y);
      if (j >= 0 && this.scene) {
        void this.openContext(this.scene.rows[j]!);
      }
    });
    this.scroller.addEventListener('scroll', () => {
      this.card.hidden = true;
      this.draw();
      this.fetchIfNeeded();
      this.save();
    });
    new ResizeObserver(() => {
      this.resize();
      this.setView(this.view);
    }).observe(this.scroller);
    // VS Code changes the theme by rewriting the root's style and the body's class.
    const retheme = new MutationObserver(() => {
      this.theme = readTheme();
      this.overview?.draw(this.theme);
      this.draw();
    });
    retheme.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    retheme.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  private async record(row: number): Promise<RecordDetail> {
    const known = this.records.get(row);
    if (known) {
      return known;
    }
    const reply = await this.client.request<RecordReply>({ type: 'record', row });
    if (this.records.size > 2000) {
      this.records.clear();
    }
    this.records.set(row, reply.record);
    return reply.record;
  }

  private cardFor = -1;

  private async showCard(row: number, cx: number, cy: number, count: number): Promise<void> {
    this.cardFor = row;
    this.placeCard(cx, cy);
    const init = this.init!;
    let detail: RecordDetail;
    try {
      detail = await this.record(row);
    } catch (e) {
      this.fillCard([`record ${row}: ${(e as Error).message}`], '', undefined);
      return;
    }
    if (this.cardFor !== row) {
      return;
    }
    const offset = zoneOffsetMs(this.zone, init.hosts);
    const head = [
      `${formatInstant(detail.time, offset)} ${zoneLabel(this.zone, init.hosts).split(' ')[0]}`,
      `${detail.host} · ${detail.component} · ${SEVERITY_NAMES[detail.severity]}`,
      `${detail.file}:${detail.line}`,
    ];
    if (Math.abs(detail.loggedTime - detail.time) >= 1) {
      head.push(
        `logged ${formatInstant(detail.loggedTime, offset)} (clock corrected by ${formatCorrection(detail.time - detail.loggedTime)})`,
      );
    }
    if (count > 1) {
      head.push(`one of ${count} records in this pixel column — zoom in to separate them`);
    }
    const failure = detail.failure >= 0 ? init.failures[detail.failure] : undefined;
    const hint = failure
      ? `Failure${failure.code ? ` ${failure.code}` : ''}${failure.recovered ? ' (recovered: its flow completed afterwards)' : ''}: ${failure.meaning} — press C for its upstream cause`
      : detail.flow >= 0
        ? `Flow: ${detail.flowSummary} — double-click to light it up`
        : undefined;
    this.fillCard(head, detail.text, hint, detail.severity);
  }

  private placeCard(cx: number, cy: number): void {
    this.card.hidden = false;
    const w = this.card.offsetWidth || 300;
    const h = this.card.offsetHeight || 80;
    const x = cx + 14 + w > window.innerWidth ? Math.max(0, cx - 14 - w) : cx + 14;
    const y = cy + 14 + h > window.innerHeight ? Math.max(0, cy - 14 - h) : cy + 14;
    this.card.style.left = `${x}px`;
    this.card.style.top = `${y}px`;
  }

  /** Fills the hover card. Everything goes in as text: log messages are hostile. */
  private fillCard(head: string[], text: string, hint: string | undefined, severity?: SeverityLevel): void {
    const headEl = document.createElement('div');
    headEl.className = 'head';
    head.forEach((line, i) => {
      const d = document.createElement('div');
      d.textContent = line;
      if (i === 1 && severity !== undefined && severity > 0) {
        d.className = `sev-${SEVERITY_NAMES[severity]}`;
      }
      headEl.append(d);
    });
    const textEl = document.createElement('div');
    textEl.className = 'text';
    textEl.textContent = text;
    const parts: HTMLElement[] = [headEl, textEl];
    if (hint) {
      const h = document.createElement('div');
      h.className = 'hint';
      h.textContent = hint;
      parts.push(h);
    }
    this.card.replaceChildren(...parts);
  }

  private showArrowCard(hit: ArrowHit, cx: number, cy: number): void {
    this.cardFor = -1;
    const init = this.init!;
    if (hit.kind === 'highlight') {
      const link = this.highlight?.data.links[hit.index];
      if (!link) {
        return;
      }
      this.fillCard([`evidence: ${EVIDENCE_NAMES[link.evidence]}`], link.key, undefined);
    } else {
      const a = this.scene!.arrows;
      const lanes = (row: number): string => {
        const r = this.layout.rows[row];
        if (!r) {
          return '';
        }
        const host = init.hosts[r.host]?.name ?? '';
        return r.kind === 'lane' ? `${host} ${init.lanes[r.lane]?.component ?? ''}` : host;
      };
      const from = this.sceneRows[a.fromGroups[hit.index]!] ?? -1;
      const to = this.sceneRows[a.toGroups[hit.index]!] ?? -1;
      const n = a.counts[hit.index]!;
      this.fillCard(
        [
          `${lanes(from)} → ${lanes(to)}`,
          `evidence: ${EVIDENCE_NAMES[a.evidence[hit.index]!]}${n > 1 ? ` (${n} messages)` : ''}`,
        ],
        '',
        'double-click either end to light up its flow',
      );
    }
    this.placeCard(cx, cy);
  }

  // ------------------------------------------------------------------ selection, highlight, navigation

  private async select(row: number, center: boolean): Promise<void> {
    let detail: RecordDetail;
    try {
      detail = await this.record(row);
    } catch {
      return;
    }
    this.selected = { row, time: detail.time, lane: detail.lane };
    this.ensureLaneVisible(detail.lane);
    if (center || detail.time < this.view.start || detail.time > this.view.end) {
      const span = this.view.end - this.view.start;
      this.setView({ start: detail.time - span / 2, end: detail.time + span / 2 });
    } else {
      this.draw();
    }
    this.save();
  }

  /** Expands the lane's host if it is collapsed and scrolls its row into view. */
  private ensureLaneVisible(lane: number): void {
    const info = this.init?.lanes[lane];
    if (!info || !this.laneView) {
      return;
    }
    if (this.laneView.collapsed.includes(info.host)) {
      this.setLaneView(expandHosts(this.laneView, [info.host]));
    }
    const row = this.layout.rowOfLane[lane] ?? -1;
    const r = this.layout.rows[row];
    if (r && (r.y < this.scroller.scrollTop || r.y + r.height > this.scroller.scrollTop + this.plotHeight)) {
      this.scroller.scrollTop = Math.max(0, r.y - this.plotHeight / 3);
    }
  }

  private async showFlow(index: number, zoomTo: boolean): Promise<void> {
    try {
      const reply = await this.client.request<HighlightReply>({ type: 'flow', flow: index });
      this.flow = index;
      this.setHighlight('flow', index, reply.highlight);
      this.refreshFlowChoices();
      this.toolbar?.setValue('flow', String(index));
      if (this.onlyFlow) {
        this.setFilter({ ...this.filter, flow: index });
      }
      this.status(`Flow: ${reply.highlight.summary ?? ''}`);
      if (zoomTo) {
        this.zoomToHighlight();
      }
    } catch (e) {
      this.status(`Flow ${index}: ${(e as Error).message}`);
    }
    this.updateButtons();
  }

  private async showFailure(index: number, zoomTo = true): Promise<void> {
    const f = this.init?.failures[index];
    if (!f) {
      this.status(`No failure ${index} in this bundle`);
      return;
    }
    try {
      const reply = await this.client.request<HighlightReply>({ type: 'chain', failure: index });
      this.setHighlight('chain', index, reply.highlight);
      this.toolbar?.setValue('failure', String(index));
      this.selected = { row: f.row, time: f.time, lane: f.lane };
      if (zoomTo) {
        this.zoomToHighlight();
      }
      this.status(
        `Failure ${f.code ?? f.type} at ${f.where}${f.recovered ? ' (recovered: its flow completed afterwards)' : ''}: ${f.meaning} — upstream cause and ${Math.max(0, reply.highlight.rows.length - 2)} steps between lit up`,
      );
    } catch (e) {
      this.status(`Failure ${index}: ${(e as Error).message}`);
    }
    this.updateButtons();
  }

  private setHighlight(kind: 'flow' | 'chain', index: number, data: Highlight): void {
    this.highlight = { kind, index, data };
    this.highlightRows = new Set(data.rows);
    // Every lane of the flow gets its own row, so each hop shows.
    if (this.laneView && this.init) {
      const hosts = new Set(data.lanes.map((l) => this.init!.lanes[l]?.host ?? -1));
      this.setLaneView(expandHosts(this.laneView, hosts));
    }
    this.draw();
    this.save();
  }

  private clearHighlight(): void {
    this.highlight = undefined;
    this.highlightRows = new Set();
    this.flow = -1;
    this.toolbar?.setValue('flow', '-1');
    this.toolbar?.setValue('failure', '-1');
    if (this.filter.flow >= 0) {
      this.setFilter({ ...this.filter, flow: -1 });
    }
    this.updateButtons();
    this.draw();
    this.save();
  }

  private zoomToHighlight(): void {
    const h = this.highlight?.data;
    if (!h) {
      return;
    }
    this.setView(fitWindow(h.start, h.end, this.extent));
    const lanes = h.lanes.map((l) => this.layout.rowOfLane[l] ?? -1).filter((r) => r >= 0);
    if (lanes.length > 0) {
      const top = Math.min(...lanes.map((r) => this.layout.rows[r]!.y));
      this.scroller.scrollTop = Math.max(0, top - 2 * 22 - 22);
    }
  }

  /** A double-click: a failure shows its chain, any other record its flow. */
  private async openContext(row: number): Promise<void> {
    const detail = await this.record(row);
    if (detail.failure >= 0) {
      await this.showFailure(detail.failure);
    } else if (detail.flow >= 0) {
      await this.showFlow(detail.flow, false);
    }
  }

  private showCauseOfSelection(): void {
    const init = this.init;
    if (!init || init.failures.length === 0) {
      return;
    }
    const sel = this.selected;
    let index = sel ? init.failures.findIndex((f) => f.row === sel.row) : -1;
    if (index < 0 && this.highlight?.kind === 'chain') {
      index = this.highlight.index;
    }
    if (index < 0) {
      // The failure nearest the middle of the view.
      const mid = (this.view.start + this.view.end) / 2;
      index = init.failures.reduce(
        (best, f, i) => (best < 0 || Math.abs(f.time - mid) < Math.abs(init.failures[best]!.time - mid) ? i : best),
        -1,
      );
    }
    void this.showFailure(index);
  }

  private async locate(file: string, line: number): Promise<void> {
    const reply = await this.client.request<RowReply>({ type: 'locate', file, line });
    if (reply.row === undefined) {
      this.status(`No record of ${file} near line ${line} in this timeline`);
      return;
    }
    await this.select(reply.row, true);
  }

  private async step(direction: 1 | -1, allLanes: boolean): Promise<void> {
    const sel = this.selected;
    if (!sel) {
      this.selectFirstInView();
      return;
    }
    const row = this.layout.rows[this.layout.rowOfLane[sel.lane] ?? -1];
    const lanes = allLanes ? this.layout.rows.flatMap((r) => r.lanes) : row ? [...row.lanes] : [sel.lane];
    const reply = await this.client.request<RowReply>({
      type: 'step',
      row: sel.row,
      direction,
      lanes,
      filter: this.filter,
    });
    if (reply.row !== undefined) {
      await this.select(reply.row, false);
      const span = this.view.end - this.view.start;
      if (reply.time < this.view.start + span * 0.05 || reply.time > this.view.end - span * 0.05) {
        this.setView({ start: reply.time - span / 2, end: reply.time + span / 2 });
      }
    }
  }

  private selectFirstInView(): void {
    const s = this.scene;
    if (!s) {
      return;
    }
    for (let g = 0; g < s.groupKeys.length; g++) {
      const j = nearestMark(s, g, this.view.start, this.view.end - this.view.start);
      if (j >= 0) {
        void this.select(s.rows[j]!, false);
        return;
      }
    }
  }

  /** Up/down: the mark nearest in time in the row above or below. */
  private moveRow(delta: 1 | -1): void {
    const s = this.scene;
    const sel = this.selected;
    if (!s || !sel) {
      this.selectFirstInView();
      return;
    }
    let row = this.layout.rowOfLane[sel.lane] ?? -1;
    for (let tries = 0; tries < this.layout.rows.length; tries++) {
      row += delta;
      if (row < 0 || row >= this.layout.rows.length) {
        return;
      }
      const g = this.sceneRows.indexOf(row);
      if (g < 0) {
        continue;
      }
      const j = nearestMark(s, g, sel.time, this.view.end - this.view.start);
      if (j >= 0) {
        void this.select(s.rows[j]!, false);
        return;
      }
    }
  }

  wireKeys(): void {
    this.plot.addEventListener('keydown', (e) => {
      const init = this.init;
      if (!init) {
        return;
      }
      const span = this.view.end - this.view.start;
      const anchor = this.selected?.time ?? (this.view.start + this.view.end) / 2;
      let handled = true;
      switch (e.key) {
        case 'ArrowRight':
          void this.step(1, e.shiftKey);
          break;
        case 'ArrowLeft':
          void this.step(-1, e.shiftKey);
          break;
        case 'ArrowDown':
          this.moveRow(1);
          break;
        case 'ArrowUp':
          this.moveRow(-1);
          break;
        case 'n':
        case 'p': {
          const current = this.highlight?.kind === 'chain' ? this.highlight.index : -1;
          const i = nextFailure(init.failures, this.selected?.time ?? this.view.start, e.key === 'n' ? 1 : -1, current);
          if (i >= 0) {
            void this.showFailure(i);
          } else {
            this.status(e.key === 'n' ? 'No failure after this one' : 'No failure before this one');
          }
          break;
        }
        case 'c':
          this.showCauseOfSelection();
          break;
        case 'f':
          if (this.selected) {
            void this.openContext(this.selected.row);
          }
          break;
        case 'z':
          this.zoomToHighlight();
          break;
        case 'Enter':
          if (this.selected) {
            this.client.post({ type: 'reveal', row: this.selected.row });
          }
          break;
        case 'Escape':
          if (this.highlight) {
            this.clearHighlight();
          } else {
            this.selected = undefined;
            this.draw();
          }
          break;
        case '+':
        case '=':
          this.setView(zoomWindow(this.view, anchor, 0.5, this.extent));
          break;
        case '-':
          this.setView(zoomWindow(this.view, anchor, 2, this.extent));
          break;
        case '0':
          this.setView(this.extent);
          break;
        case 'PageDown':
          this.setView(panWindow(this.view, span * 0.8, this.extent));
          break;
        case 'PageUp':
          this.setView(panWindow(this.view, -span * 0.8, this.extent));
          break;
        default:
          handled = false;
      }
      if (handled) {
        e.preventDefault();
      }
    });
  }

  // ------------------------------------------------------------------ export, state, status

  private exportFrame(): ExportFrame {
    const init = this.init!;
    const offset = zoneOffsetMs(this.zone, init.hosts);
    const { first, last } = rowsIn(this.layout, this.scroller.scrollTop, this.scroller.scrollTop + this.plotHeight);
    const labels: Array<{ row: number; text: string; host: boolean }> = [];
    for (let i = first; i <= last; i++) {
      const r = this.layout.rows[i]!;
      labels.push(
        r.kind === 'host'
          ? { row: i, text: init.hosts[r.host]?.name ?? '', host: true }
          : { row: i, text: init.lanes[r.lane]?.component ?? '', host: false },
      );
    }
    return {
      draw: { ...this.drawInput(), hovered: -1 },
      labelWidth: 230,
      axisHeight: TITLE_PX + 22,
      labels,
      ticks: ticks(this.view, offset, Math.max(2, Math.floor(this.plotWidth / 110))),
      title: `${init.bundle} · ${zoneLabel(this.zone, init.hosts)} · ${formatInstant(this.view.start, offset)}`,
    };
  }

  private exportImage(format: 'png' | 'svg'): void {
    const frame = this.exportFrame();
    const name = `${this.init?.bundle ?? 'swimlane'}-swimlane.${format}`;
    if (format === 'svg') {
      this.client.post({ type: 'exportImage', format, data: exportSvg(frame), suggestedName: name });
      return;
    }
    const canvas = document.createElement('canvas');
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round((frame.labelWidth + frame.draw.width) * dpr);
    canvas.height = Math.round((frame.axisHeight + frame.draw.height) * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    ctx.scale(dpr, dpr);
    drawExport(ctx, frame);
    this.client.post({ type: 'exportImage', format, data: canvas.toDataURL('image/png'), suggestedName: name });
  }

  /** Navigation state only, a moment after it settles (no log data). */
  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      if (!this.init || !this.laneView) {
        return;
      }
      const state: SavedState = {
        v: STATE_VERSION,
        bundle: this.init.bundle,
        view: this.view,
        lanes: this.laneView,
        scrollTop: this.scroller.scrollTop,
        minSeverity: this.filter.minSeverity,
        text: this.filter.text,
        flow: this.flow,
        onlyFlow: this.onlyFlow,
        highlight: this.highlight ? { kind: this.highlight.kind, index: this.highlight.index } : undefined,
        selected: this.selected?.row,
        zone: this.zone,
      };
      this.client.setState(state);
    }, 200);
  }

  private status(text: string): void {
    this.statusText.textContent = text;
  }
}

const app = new SwimlaneApp();
app.wirePointer();
app.wireKeys();
app.start();
