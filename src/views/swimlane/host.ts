// The host side of the swimlane protocol: answers the webview's requests from a `TimelineStore` through a
// `LaneIndex`, and turns `reveal` and `exportImage` into callbacks, so that the extension only forwards
// messages (see the glue contract in protocol.ts). Runs in Node (the extension host, the browser tests'
// bridge, the benchmark); never bundled into the page. No `vscode` import.

import { groupFailures, occurrences } from '../../correlate/failure-groups.ts';
import { LaneIndex } from '../../correlate/lanes.ts';
import type { TimelineEvent } from '../../correlate/model.ts';
import { headline } from '../../parsers/messages/values.ts';
import type { TimelineStore } from '../../correlate/store.ts';
import type { BundleFile } from '../../parsers/bundle.ts';
import { FAILURE_CHOICES, PROTOCOL_VERSION, parseWebviewMessage, requestId } from './protocol.ts';
import type {
  FailureGroupInfo,
  HostToWebview,
  InitMessage,
  RecordDetail,
  TimeZoneMode,
  WebviewToHost,
} from './protocol.ts';

/** Where `reveal` asks the editor to go. */
export interface RevealTarget {
  readonly row: number;
  /** Path inside the bundle, forward slashes (as in the timeline's events). */
  readonly file: string;
  /** The file on disk, when the bundle is a folder (not inside a .zip) and was given. */
  readonly diskPath: string | undefined;
  /** 1-based, VS Code's lines. */
  readonly line: number;
  readonly endLine: number;
}

export interface ExportedImage {
  readonly format: 'png' | 'svg';
  /** `data:image/png;base64,…` or the SVG document. */
  readonly data: string;
  readonly suggestedName: string;
}

export interface SwimlaneDataOptions {
  /** Sends a message to the webview (`panel.webview.postMessage`). Needed for `receive` and `focus*`. */
  readonly post?: (message: HostToWebview) => void;
  readonly onReveal?: (target: RevealTarget) => void;
  readonly onExport?: (image: ExportedImage) => void;
  /** The bundle's files: lets `reveal` give disk paths and `focusEvent` accept them. */
  readonly files?: readonly Pick<BundleFile, 'path' | 'diskPath'>[];
  /** `utc`, or the local clock of the named host. */
  readonly timeZone?: { readonly kind: 'utc' } | { readonly kind: 'host'; readonly host: string };
  /** Bins of the overview strip. */
  readonly overviewBins?: number;
  /** Time a window may spend reading text for a text filter before it answers in part. */
  readonly textBudgetMs?: number;
  /** Failures the picker lists one by one before it lists groups (FAILURE_CHOICES). */
  readonly failureChoices?: number;
}

type FocusMessage = Extract<HostToWebview, { type: 'focusFlow' | 'focusFailure' | 'focusEvent' }>;

export class SwimlaneData {
  readonly index: LaneIndex;
  private ready = false;
  private readonly queued: FocusMessage[] = [];
  private readonly diskByFile = new Map<string, string>();
  private readonly fileByDisk = new Map<string, string>();

  /** Builds the lane index: one pass over the rows and a sort per lane (about 1 s per million rows). */
  constructor(
    private readonly store: TimelineStore,
    private readonly options: SwimlaneDataOptions = {},
  ) {
    this.index = new LaneIndex(store);
    for (const f of options.files ?? []) {
      if (f.diskPath !== undefined) {
        this.diskByFile.set(f.path, f.diskPath);
        this.fileByDisk.set(f.diskPath, f.path);
      }
    }
  }

  init(): InitMessage {
    const ix = this.index;
    const zone = this.options.timeZone;
    const zoneHost = zone?.kind === 'host' ? ix.hosts.findIndex((h) => h.name === zone.host) : -1;
    const timeZone: TimeZoneMode = zoneHost >= 0 ? { kind: 'host', host: zoneHost } : { kind: 'utc' };
    return {
      type: 'init',
      version: PROTOCOL_VERSION,
      bundle: this.store.bundle,
      hosts: ix.hosts,
      lanes: ix.lanes,
      start: ix.start,
      end: ix.end,
      flows: {
        start: ix.flows.map((f) => f.start),
        end: ix.flows.map((f) => f.end),
        status: ix.flows.map((f) => (f.status === 'ok' ? 0 : f.status === 'failed' ? 1 : 2)),
      },
      failures: ix.failures,
      ...(ix.failures.length > (this.options.failureChoices ?? FAILURE_CHOICES) && {
        failureGroups: this.failureGroups(),
      }),
      overview: ix.overview(this.options.overviewBins ?? 600),
      timeZone,
      eventCount: this.store.eventCount,
    };
  }

  /**
   * The failures grouped by story, for a picker that cannot list them all. Reads the text of each record a
   * failure cites once (the wording decides the group): 439 failures at 100 MB.
   */
  private failureGroups(): FailureGroupInfo[] {
    const ix = this.index;
    const read = new Map<number, TimelineEvent>();
    const at = (row: number): TimelineEvent => {
      let e = read.get(row);
      if (e === undefined) {
        e = this.store.event(row, 'text');
        read.set(row, e);
      }
      return e;
    };
    const items = this.store.failures.map((f, index) => ({ ...f, index }));
    const { inFlows, others } = groupFailures(
      items,
      (f) => at(f.upstreamCause),
      (f) => at(f.event),
    );
    return [...inFlows, ...others].map((group) => {
      const first = group[0]!;
      const cited = at(first.flow === undefined ? first.event : first.upstreamCause);
      return {
        first: first.index,
        count: occurrences(group),
        hosts: new Set(group.map((f) => ix.lanes[ix.laneOf[f.event]!]!.host)).size,
        name: first.code ?? headline(first.meaning, 60),
        recovered: first.recovered,
        inFlow: first.flow !== undefined,
        file: cited.file.slice(cited.file.lastIndexOf('/') + 1),
      };
    });
  }

  /** Answers one message from the webview; undefined for messages that need no reply. */
  handle(raw: unknown): Promise<HostToWebview | undefined> {
    const m = parseWebviewMessage(raw);
    if (!m) {
      const id = requestId(raw);
      return Promise.resolve(id === undefined ? undefined : { type: 'error', id, message: 'malformed request' });
    }
    try {
      return Promise.resolve(this.answer(m));
    } catch (e) {
      const id = requestId(m);
      return Promise.resolve(id === undefined ? undefined : { type: 'error', id, message: (e as Error).message });
    }
  }

  /**
   * `handle`, with the reply posted; then any focus commands that waited for the webview. The promise
   * settles once that is done (nobody need wait for it; it never rejects).
   */
  async receive(raw: unknown): Promise<void> {
    const reply = await this.handle(raw);
    if (reply) {
      this.post(reply);
    }
    if (reply?.type === 'init') {
      for (const m of this.queued.splice(0)) {
        this.post(m);
      }
    }
  }

  /** Lights up a flow by its id (`scan:…`, `state-message:…`). */
  focusFlow(flowId: string): void {
    const flow = this.index.flowById(flowId);
    if (flow !== undefined) {
      this.push({ type: 'focusFlow', flowId, flow });
    }
  }

  /** Shows a failure's upstream cause and its chain (index into the timeline's failures). */
  focusFailure(failureIndex: number): void {
    this.push({ type: 'focusFailure', failureIndex });
  }

  /** Selects the record at a file's line; `file` is a bundle path or, with `files` given, a disk path. */
  focusEvent(file: string, line: number): void {
    this.push({ type: 'focusEvent', file: this.fileByDisk.get(file) ?? file, line });
  }

  /** The webview went away (panel closed or reloading): focus commands wait for the next `ready`. */
  detach(): void {
    this.ready = false;
  }

  private push(m: FocusMessage): void {
    if (this.ready) {
      this.post(m);
    } else {
      this.queued.push(m);
    }
  }

  private post(m: HostToWebview): void {
    this.options.post?.(m);
  }

  private answer(m: WebviewToHost): HostToWebview | undefined {
    const ix = this.index;
    switch (m.type) {
      case 'ready':
        if (m.version !== PROTOCOL_VERSION) {
          throw new Error(`webview speaks protocol ${m.version}, host ${PROTOCOL_VERSION}`);
        }
        this.ready = true;
        return this.init();
      case 'window': {
        const w = ix.window(m.start, m.end, m.width, m.groups, m.filter, this.options.textBudgetMs);
        return { type: 'window', id: m.id, ...w };
      }
      case 'record':
        return { type: 'record', id: m.id, record: this.detail(m.row) };
      case 'reveal': {
        const e = this.store.event(this.checkRow(m.row), false);
        this.options.onReveal?.({
          row: m.row,
          file: e.file,
          diskPath: this.diskByFile.get(e.file),
          line: e.line,
          endLine: e.endLine,
        });
        return undefined;
      }
      case 'exportImage':
        this.options.onExport?.({ format: m.format, data: m.data, suggestedName: m.suggestedName });
        return undefined;
      case 'flow': {
        const h = ix.flowHighlight(m.flow);
        return h
          ? { type: 'highlight', id: m.id, highlight: h }
          : { type: 'error', id: m.id, message: `no flow ${m.flow}` };
      }
      case 'chain': {
        const h = ix.chainHighlight(m.failure);
        return h
          ? { type: 'highlight', id: m.id, highlight: h }
          : { type: 'error', id: m.id, message: `no failure ${m.failure}` };
      }
      case 'step': {
        const row = ix.step(this.checkRow(m.row), m.direction, m.lanes, m.filter);
        return this.rowReply(m.id, row);
      }
      case 'locate':
        return this.rowReply(m.id, ix.locate(m.file, m.line));
      case 'flowSummaries':
        return { type: 'flowSummaries', id: m.id, summaries: m.flows.map((f) => ix.flows[f]?.summary ?? '') };
    }
  }

  private rowReply(id: number, row: number): HostToWebview {
    return row < 0
      ? { type: 'row', id, row: undefined, time: 0, lane: -1 }
      : { type: 'row', id, row, time: this.store.eventTime(row), lane: this.index.laneOf[row]! };
  }

  private checkRow(row: number): number {
    if (row >= this.store.eventCount) {
      throw new Error(`no row ${row}`);
    }
    return row;
  }

  private detail(row: number): RecordDetail {
    const e = this.store.event(this.checkRow(row));
    return {
      row,
      time: e.time,
      loggedTime: e.loggedTime,
      host: e.host,
      component: e.component,
      severity: this.index.severityOf(row),
      file: e.file,
      line: e.line,
      kind: e.kind,
      thread: e.thread,
      text: e.text,
      lane: this.index.laneOf[row]!,
      flow: this.index.flowOf[row]!,
      flowSummary: this.index.flows[this.index.flowOf[row]!]?.summary ?? '',
      failure: this.index.failures.findIndex((f) => f.row === row),
    };
  }
}
