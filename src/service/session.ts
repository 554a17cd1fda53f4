// One opened bundle and its analysis, with the questions an editor asks of it: the summary the trees show,
// a flow's events, where a GUID occurs, what a log line's time is in UTC and on the corrected clock, the
// severities of a file's lines, lines appended since (tail), a file's text (for files inside a .zip) and
// exports. Plain Node: the extension runs it on a worker thread (`worker.ts`), tests run it in process.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { open as openFile } from 'node:fs/promises';
import { analyzeToStore } from '../correlate/analyze.ts';
import type { AnalyzedBundle } from '../correlate/analyze.ts';
import { writeTimeline } from '../correlate/export.ts';
import type { ExportFormat } from '../correlate/export.ts';
import type { TimeoutWindows } from '../correlate/failures.ts';
import { offsetAtLine } from '../correlate/file-clocks.ts';
import type { TimelineEvent, TimelineHost } from '../correlate/model.ts';
import { skewAt } from '../correlate/model.ts';
import type { StoredFlow } from '../correlate/store.ts';
import type { Bundle, BundleFile, HostOverride } from '../parsers/bundle.ts';
import { openBundle } from '../parsers/bundle.ts';
import { classifyRecord } from '../parsers/classify.ts';
import { parseBytes } from '../parsers/file-parser.ts';
import { FileParser } from '../parsers/file-parser.ts';
import type { MessageFields } from '../parsers/messages/fields.ts';
import type { LogRecord, Severity, TextEncoding } from '../parsers/record.ts';
import type { SpyData } from '../spy/data.ts';
import { loadSpyData } from '../spy/data.ts';
import type { SpyTabId, SpyTree } from '../spy/model.ts';
import { SPY_TABS } from '../spy/model.ts';
import { renderAllTabsText, renderTabText } from '../spy/render.ts';
import { buildTab } from '../spy/spy.ts';
import { SwimlaneData } from '../views/swimlane/host.ts';
import type { SwimlaneDataOptions } from '../views/swimlane/host.ts';

export interface OpenOptions {
  readonly hosts?: Readonly<Record<string, HostOverride>>;
  readonly timeouts?: Partial<TimeoutWindows>;
}

export interface Progress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly phase: 'reading' | 'correlating' | 'done';
}

/** An event as the editor shows it: where it is, when, and the start of its message. */
export interface EventRef {
  readonly id: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly endLine: number;
  /** Corrected UTC, ms since the epoch. */
  readonly time: number;
  /** UTC as logged, before skew correction. */
  readonly loggedTime: number;
  readonly host: string;
  readonly component: string;
  readonly severity: Severity;
  /** Message text, at most `TEXT_LIMIT` characters. */
  readonly text: string;
  readonly kind: string | undefined;
}

export interface FlowRef extends Omit<StoredFlow, 'events'> {
  readonly eventCount: number;
  readonly start: number;
  readonly end: number;
}

export interface FailureRef {
  /** Position in `BundleSummary.failures`: how commands name a failure. */
  readonly index: number;
  readonly event: EventRef;
  readonly upstreamCause: EventRef;
  /** From the upstream cause to the failing event. */
  readonly chain: readonly EventRef[];
  readonly code: string | undefined;
  readonly meaning: string;
  readonly hint: string;
  readonly source: string | undefined;
  readonly flow: string | undefined;
  readonly type: 'record' | 'timeout';
  readonly occurrences: number;
  /** Its flow went on to complete afterwards (see TimelineFailure.recovered). */
  readonly recovered: boolean;
}

export interface FileRef {
  readonly path: string;
  readonly host: string;
  readonly size: number;
  /** Absolute path on disk; undefined for files inside a .zip. */
  readonly diskPath: string | undefined;
}

export interface BundleSummary {
  readonly bundle: string;
  /** What was opened: folder, .zip or file, absolute. */
  readonly source: string;
  readonly isZip: boolean;
  readonly referenceHost: string | undefined;
  readonly hosts: readonly TimelineHost[];
  readonly files: readonly FileRef[];
  readonly flows: readonly FlowRef[];
  readonly failures: readonly FailureRef[];
  readonly eventCount: number;
  readonly linkCount: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

export interface Occurrence {
  readonly file: string;
  /** 1-based line and 0-based column, as VS Code counts them. */
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

export interface OccurrenceResult {
  readonly occurrences: readonly Occurrence[];
  /** True when the search stopped at its limit. */
  readonly truncated: boolean;
  /** The occurrence that comes first on the corrected clock among correlated events, else the first found. */
  readonly definition: Occurrence | undefined;
  /** Flows whose keys hold the needle. */
  readonly flows: readonly string[];
}

/** What a log line says, read by the engine: its time on each clock and its recognised fields. */
export interface LineInfo {
  readonly host: string;
  readonly component: string;
  readonly severity: Severity;
  readonly local: number | undefined;
  readonly biasMinutes: number | undefined;
  /** UTC as logged (local + bias). */
  readonly utc: number | undefined;
  /** UTC minus the host's estimated clock skew. */
  readonly corrected: number | undefined;
  readonly skewMs: number;
  readonly fields: MessageFields;
}

export interface LineMark {
  readonly line: number;
  readonly endLine: number;
  readonly severity: Severity;
}

export interface TailResult {
  readonly file: string;
  /** Records that start in the appended bytes. */
  readonly records: ReadonlyArray<LineMark & { readonly text: string; readonly codes: readonly string[] }>;
  /** Bytes now read of the file. */
  readonly size: number;
}

const TEXT_LIMIT = 400;
const OCCURRENCE_LIMIT = 5000;

export class AnalysisSession {
  private rowsByFile: Map<string, Int32Array> | undefined;
  private readonly flowsById: Map<string, StoredFlow>;
  private readonly occurrenceCache = new Map<string, OccurrenceResult>();
  private readonly tails = new Map<string, { size: number; lines: number; endsInCr: boolean }>();
  private readonly filesByPath: Map<string, BundleFile>;
  private spyData: Promise<SpyData> | undefined;
  private lanes: SwimlaneData | undefined;
  private readonly spyTrees = new Map<SpyTabId, Promise<SpyTree>>();

  private constructor(
    private readonly bundle: Bundle,
    private readonly analyzed: AnalyzedBundle,
    readonly summary: BundleSummary,
  ) {
    this.flowsById = new Map(analyzed.timeline.flows.map((f) => [f.id, f]));
    this.filesByPath = new Map(bundle.files.map((f) => [f.path, f]));
  }

  static async open(
    source: string,
    options: OpenOptions = {},
    onProgress: (p: Progress) => void = () => {},
    signal?: AbortSignal,
  ): Promise<AnalysisSession> {
    const started = Date.now();
    const bundle = await openBundle(source, options.hosts ? { hosts: options.hosts } : {});
    try {
      const bytesTotal = bundle.files.reduce((n, f) => n + f.size, 0);
      let bytesDone = 0;
      let reported = 0;
      onProgress({ bytesDone, bytesTotal, phase: 'reading' });
      const analyzed = await analyzeToStore(bundle, {
        ...(signal && { signal }),
        ...(options.timeouts && { timeouts: options.timeouts }),
        onBytes: (n) => {
          bytesDone += n;
          // A few dozen updates over the run are plenty for a progress bar.
          if (bytesDone - reported >= bytesTotal / 50) {
            reported = bytesDone;
            onProgress({ bytesDone, bytesTotal, phase: 'reading' });
          }
        },
      });
      onProgress({ bytesDone: bytesTotal, bytesTotal, phase: 'correlating' });
      await analyzed.prefetch();
      const summary = summarize(bundle, analyzed, bytesTotal, Date.now() - started);
      onProgress({ bytesDone: bytesTotal, bytesTotal, phase: 'done' });
      return new AnalysisSession(bundle, analyzed, summary);
    } catch (e) {
      bundle.close();
      throw e;
    }
  }

  close(): void {
    this.analyzed.close();
    this.bundle.close();
  }

  /** The events of one flow in time order. */
  flowEvents(flowId: string): EventRef[] {
    const flow = this.flowsById.get(flowId);
    return flow ? [...flow.events].map((row) => eventRef(this.analyzed, row)) : [];
  }

  /** Correlated events that start on this line of this file. */
  eventsAt(file: string, line: number): EventRef[] {
    return this.rowsAt(file, line).map((row) => eventRef(this.analyzed, row));
  }

  /** Where `needle` (a GUID, an id, any text) occurs in the bundle, case-insensitively. */
  async occurrences(needle: string, signal?: AbortSignal): Promise<OccurrenceResult> {
    const key = needle.toLowerCase();
    const cached = this.occurrenceCache.get(key);
    if (cached) {
      return cached;
    }
    const found: Occurrence[] = [];
    let truncated = false;
    const pattern = new RegExp(`\\r\\n|\\r|\\n|${escapeRegExp(needle)}`, 'gi');
    for (const file of this.bundle.files) {
      signal?.throwIfAborted();
      const text = await this.readText(file.path);
      let line = 1;
      let lineStart = 0;
      for (const m of text.matchAll(pattern)) {
        const c = m[0].charCodeAt(0);
        if (c === 13 || c === 10) {
          line += 1;
          lineStart = m.index + m[0].length;
        } else {
          found.push({ file: file.path, line, column: m.index - lineStart, length: m[0].length });
        }
      }
      if (found.length >= OCCURRENCE_LIMIT) {
        truncated = true;
        found.length = OCCURRENCE_LIMIT;
        break;
      }
    }
    let definition: Occurrence | undefined;
    let first = Number.POSITIVE_INFINITY;
    for (const o of found) {
      for (const row of this.rowsAt(o.file, o.line)) {
        const t = this.analyzed.timeline.eventTime(row);
        if (t < first) {
          first = t;
          definition = o;
        }
      }
    }
    const flows = this.analyzed.timeline.flows
      .filter((f) => JSON.stringify(f.keys).toLowerCase().includes(normalizeNeedle(key)))
      .map((f) => f.id);
    const result = { occurrences: found, truncated, definition: definition ?? found[0], flows };
    if (this.occurrenceCache.size > 100) {
      this.occurrenceCache.clear();
    }
    this.occurrenceCache.set(key, result);
    return result;
  }

  /**
   * Reads one line of a bundle file with the engine: its times and fields. Given the line's number (1-based),
   * its times are the analysis': a record of the timeline on that line gives them outright; another line
   * takes the clock of the nearest record of its file in the timeline (the side of a clock set within the
   * bundle), and a line that states no zone (WindowsUpdate.log) that record's bias and file offset too.
   * Without it, or in a file with no record in the timeline, the host's usual bias and clock.
   */
  describeLine(file: string, text: string, line?: number): LineInfo | undefined {
    const bundleFile = this.filesByPath.get(file);
    if (!bundleFile) {
      return undefined;
    }
    const host = this.summary.hosts.find((h) => h.name === bundleFile.host);
    const how = this.analyzed.reader.describe(file);
    const parsed = parseBytes(Buffer.from(text, 'utf8'), {
      file,
      ...(how && { kind: how.kind }),
      hostBias: () => host?.biasMinutes,
      classify: classifyRecord,
    });
    const r = parsed.records[0];
    if (!r) {
      return undefined;
    }
    const base = {
      host: bundleFile.host,
      component: r.component,
      severity: r.severity,
      local: r.local,
      fields: r.fields ?? {},
    };
    const read = line === undefined ? undefined : this.timesNear(file, line, r);
    if (read !== undefined) {
      return { ...base, ...read };
    }
    const skewMs = host === undefined || r.utc === undefined ? (host?.clockSkewMs ?? 0) : skewAt(host, r.utc);
    return {
      ...base,
      biasMinutes: r.biasMinutes ?? host?.biasMinutes,
      utc: r.utc,
      corrected: r.utc === undefined ? undefined : r.utc - skewMs,
      skewMs,
    };
  }

  /** A line's times as the analysis read the nearest record of its file (see `describeLine`). */
  private timesNear(
    file: string,
    line: number,
    r: LogRecord,
  ): Pick<LineInfo, 'biasMinutes' | 'utc' | 'corrected' | 'skewMs'> | undefined {
    const store = this.analyzed.timeline;
    const lines = store.rowColumns().line;
    let near = -1;
    for (const row of this.rowsOf(file)) {
      const d = Math.abs(lines[row]! - line);
      const best = near < 0 ? Infinity : Math.abs(lines[near]! - line);
      // Of two as near, the one before: the same stretch of the log, most likely.
      if (d < best || (d === best && lines[row]! < line)) {
        near = row;
      }
    }
    if (near < 0) {
      return undefined;
    }
    const e = store.event(near, false);
    // A decoded WindowsUpdate.log's times read ahead of its host's clock besides the host's skew, by its line.
    const clock = this.summary.hosts.find((h) => h.name === e.host)?.fileClocks.find((c) => c.file === file);
    const fileOffsetMs = (at: number): number => (clock === undefined ? 0 : offsetAtLine(clock, at) * 60_000);
    const skewMs = e.loggedTime - e.time - fileOffsetMs(e.line);
    let utc: number | undefined;
    let corrected: number | undefined;
    if (e.line === line) {
      utc = e.loggedTime;
      corrected = e.time;
    } else if (r.biasMinutes !== undefined && r.utc !== undefined) {
      utc = r.utc;
      corrected = r.utc - skewMs;
    } else {
      const nearLocal = this.analyzed.reader.readLocal(store.span(near));
      if (nearLocal === undefined || r.local === undefined) {
        return undefined;
      }
      utc = e.loggedTime + (r.local - nearLocal);
      corrected = utc - skewMs - fileOffsetMs(line);
    }
    const biasMinutes = r.local === undefined ? r.biasMinutes : Math.round((utc - r.local) / 60_000);
    return { biasMinutes, utc, corrected, skewMs };
  }

  /** Warning and error records of a file, for line decorations. */
  async lineMarks(file: string): Promise<LineMark[]> {
    const marks: LineMark[] = [];
    await this.parseWhole(file, (r) => {
      if (r.severity !== 'info') {
        marks.push({ line: r.line, endLine: r.endLine, severity: r.severity });
      }
    });
    return marks;
  }

  /**
   * Records appended to a file since it was analyzed (or since the last call): only the new bytes are read,
   * up to the last complete line.
   */
  async tail(file: string): Promise<TailResult> {
    const bundleFile = this.filesByPath.get(file);
    const how = this.analyzed.reader.describe(file);
    if (!bundleFile?.diskPath || how?.encoding === 'utf-16le' || how?.encoding === 'utf-16be') {
      // Files inside a .zip do not grow; UTF-16 logs are re-read by a new analysis.
      return { file, records: [], size: bundleFile?.size ?? 0 };
    }
    let state = this.tails.get(file);
    if (!state) {
      state = { size: bundleFile.size, ...(await countLines(bundleFile.diskPath, bundleFile.size)) };
      this.tails.set(file, state);
    }
    const now = (await stat(bundleFile.diskPath)).size;
    if (now <= state.size) {
      // Truncated or rewritten: start counting again from here; the user can re-analyze.
      state.size = now;
      return { file, records: [], size: now };
    }
    const handle = await openFile(bundleFile.diskPath, 'r');
    let bytes: Buffer;
    try {
      bytes = Buffer.alloc(now - state.size);
      await handle.read(bytes, 0, bytes.length, state.size);
    } finally {
      await handle.close();
    }
    if (state.endsInCr && bytes[0] === 10) {
      // The LF of a CRLF whose CR ended the previous read: that line is already counted.
      state.size += 1;
      bytes = bytes.subarray(1);
    }
    const lastBreak = Math.max(bytes.lastIndexOf(10), bytes.lastIndexOf(13));
    if (lastBreak < 0) {
      return { file, records: [], size: state.size };
    }
    const complete = bytes.subarray(0, lastBreak + 1);
    const host = this.summary.hosts.find((h) => h.name === bundleFile.host);
    const parsed = parseBytes(complete, {
      file,
      ...(how && { kind: how.kind, encoding: plainEncoding(how.encoding) }),
      hostBias: () => host?.biasMinutes,
      classify: classifyRecord,
    });
    const base = state.lines;
    state.size += complete.length;
    state.lines += countBreaks(complete);
    state.endsInCr = complete[complete.length - 1] === 13;
    return {
      file,
      size: state.size,
      records: parsed.records.map((r) => ({
        line: r.line + base,
        endLine: r.endLine + base,
        severity: r.severity,
        text: r.text.slice(0, TEXT_LIMIT),
        codes: r.fields?.errorCodes ?? [],
      })),
    };
  }

  /** A file's text, decoded as the engine decoded it. */
  async readText(file: string): Promise<string> {
    const bundleFile = this.filesByPath.get(file);
    if (!bundleFile) {
      throw new Error(`not in the bundle: ${file}`);
    }
    const parts: Buffer[] = [];
    for await (const chunk of await bundleFile.open()) {
      parts.push(chunk as Buffer);
    }
    return decodeText(Buffer.concat(parts), this.analyzed.reader.describe(file)?.encoding);
  }

  /**
   * Lines `from`..`to` (1-based, inclusive) of a file, read by streaming: for logs too large to open in the
   * editor, whose neighbourhood of a record is shown instead.
   */
  async readLines(file: string, from: number, to: number): Promise<{ text: string; lines: number }> {
    const bundleFile = this.filesByPath.get(file);
    if (!bundleFile) {
      throw new Error(`not in the bundle: ${file}`);
    }
    const encoding = this.analyzed.reader.describe(file)?.encoding;
    if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      const all = (await this.readText(file)).split(/\r\n|\r|\n/);
      return { text: all.slice(from - 1, to).join('\n'), lines: all.length };
    }
    const kept: Buffer[] = [];
    let line = 1;
    let prev = 0;
    for await (const chunk of await bundleFile.open()) {
      const bytes = chunk as Buffer;
      let start = line >= from && line <= to ? 0 : -1;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (b === 13 || (b === 10 && prev !== 13)) {
          line += 1;
          if (line === from) {
            start = i + 1;
          } else if (line === to + 1 && start >= 0) {
            kept.push(bytes.subarray(start, i));
            start = -1;
          }
        } else if (b === 10 && start === i) {
          // The LF of a CRLF whose CR ended the line before the range.
          start = i + 1;
        }
        prev = b;
      }
      if (start >= 0 && start < bytes.length) {
        kept.push(bytes.subarray(start));
      }
    }
    const text = decodeText(Buffer.concat(kept), encoding)
      .split(/\r\n|\r|\n/)
      .slice(0, to - from + 1)
      .join('\n');
    return { text, lines: line };
  }

  /**
   * A Client Spy tab, built the first time it is asked for. `refresh` reads the logs again and rebuilds
   * this tab only; the other tabs keep what they showed until they are refreshed themselves.
   */
  spyTab(tab: SpyTabId, refresh = false): Promise<SpyTree> {
    if (refresh) {
      this.spyData = this.loadSpy();
      this.spyTrees.delete(tab);
    }
    let tree = this.spyTrees.get(tab);
    if (!tree) {
      this.spyData ??= this.loadSpy();
      tree = this.spyData.then((data) => buildTab(data, tab));
      // A failed build is not cached: the next request tries again.
      void tree.catch(() => this.spyTrees.delete(tab));
      this.spyTrees.set(tab, tree);
    }
    return tree;
  }

  /**
   * The swimlane's host side, built on first use (the lane index takes about a second per million rows).
   * `options` carries where its replies and requests go.
   */
  swimlane(options: Pick<SwimlaneDataOptions, 'post' | 'onReveal' | 'onExport'>): SwimlaneData {
    this.lanes ??= new SwimlaneData(this.analyzed.timeline, { ...options, files: this.bundle.files });
    return this.lanes;
  }

  /** Client Spy's "Save current tab" / "Save all tabs" text. */
  async spyText(tab: SpyTabId | 'all'): Promise<string> {
    if (tab !== 'all') {
      return renderTabText(await this.spyTab(tab));
    }
    return renderAllTabsText(await Promise.all(SPY_TABS.map((t) => this.spyTab(t.id))));
  }

  private loadSpy(): Promise<SpyData> {
    return loadSpyData(this.bundle, {
      // The Software Updates tab reads the correlated timeline this session already has.
      timeline: async () => {
        await this.analyzed.prefetch();
        return this.analyzed.timeline.materialize('all');
      },
    });
  }

  async exportTo(format: ExportFormat, dest: string): Promise<void> {
    await writeTimeline(dest, this.analyzed.timeline.exportSource(), format);
  }

  /** Rows of the events that start on a line of a file. */
  private rowsAt(file: string, line: number): number[] {
    const lines = this.analyzed.timeline.rowColumns().line;
    return [...this.rowsOf(file)].filter((row) => lines[row] === line);
  }

  /** Rows of a file's events (lazy index over the store's file column: most sessions never ask). */
  private rowsOf(file: string): Int32Array {
    if (!this.rowsByFile) {
      const store = this.analyzed.timeline;
      const files = store.rowColumns().file;
      const lists = new Map<number, number[]>();
      for (let row = 0; row < files.length; row++) {
        const id = files[row]!;
        let list = lists.get(id);
        if (!list) {
          list = [];
          lists.set(id, list);
        }
        list.push(row);
      }
      this.rowsByFile = new Map([...lists].map(([id, rows]) => [store.interned(id), Int32Array.from(rows)]));
    }
    return this.rowsByFile.get(file) ?? new Int32Array(0);
  }

  private async parseWhole(file: string, onRecord: (r: LogRecord) => void): Promise<void> {
    const bundleFile = this.filesByPath.get(file);
    if (!bundleFile) {
      return;
    }
    const host = this.summary.hosts.find((h) => h.name === bundleFile.host);
    const how = this.analyzed.reader.describe(file);
    const parser = new FileParser(
      { file, ...(how && { kind: how.kind }), hostBias: () => host?.biasMinutes },
      { record: onRecord, problem: () => {} },
    );
    for await (const chunk of await bundleFile.open()) {
      parser.push(chunk as Uint8Array);
    }
    parser.end();
  }
}

function summarize(bundle: Bundle, analyzed: AnalyzedBundle, bytes: number, elapsedMs: number): BundleSummary {
  const store = analyzed.timeline;
  const ref = (row: number): EventRef => eventRef(analyzed, row);
  return {
    bundle: store.bundle,
    source: bundle.source,
    isZip: /\.zip$/i.test(bundle.source),
    referenceHost: store.referenceHost,
    hosts: store.hosts,
    files: bundle.files.map((f) => ({ path: f.path, host: f.host, size: f.size, diskPath: f.diskPath })),
    flows: store.flows.map(({ events, ...f }) => ({
      ...f,
      eventCount: events.length,
      start: events.length > 0 ? store.eventTime(events[0]!) : Number.NaN,
      end: events.length > 0 ? store.eventTime(events[events.length - 1]!) : Number.NaN,
    })),
    failures: store.failures.map((f, index) => ({
      index,
      event: ref(f.event),
      upstreamCause: ref(f.upstreamCause),
      chain: [...f.chain].map(ref),
      code: f.code,
      meaning: f.meaning,
      hint: f.hint,
      source: f.source,
      flow: f.flow,
      type: f.type,
      occurrences: f.occurrences,
      recovered: f.recovered,
    })),
    eventCount: store.eventCount,
    linkCount: store.linkCount,
    bytes,
    elapsedMs,
  };
}

function eventRef(analyzed: AnalyzedBundle, row: number): EventRef {
  const e: TimelineEvent = analyzed.timeline.event(row);
  return {
    id: e.id,
    file: e.file,
    line: e.line,
    endLine: e.endLine,
    time: e.time,
    loggedTime: e.loggedTime,
    host: e.host,
    component: e.component,
    severity: e.severity,
    text: e.text.length > TEXT_LIMIT ? `${e.text.slice(0, TEXT_LIMIT)}…` : e.text,
    kind: e.kind,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Flow keys hold GUIDs lowercase without braces. */
function normalizeNeedle(s: string): string {
  return s.replace(/^\{|\}$/g, '');
}

function plainEncoding(e: TextEncoding): TextEncoding {
  // Appended bytes carry no BOM of their own.
  return e === 'utf-8-bom' ? 'utf-8' : e;
}

function decodeText(bytes: Buffer, encoding: TextEncoding | undefined): string {
  switch (encoding) {
    case 'utf-16le':
      return new TextDecoder('utf-16le').decode(bytes);
    case 'utf-16be':
      return new TextDecoder('utf-16be').decode(bytes);
    case 'windows-1252':
      return new TextDecoder('windows-1252').decode(bytes);
    default:
      return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * Line ends as VS Code counts them: CR, LF and CRLF each end one line. `before` is the byte just before
 * `bytes` (an LF right after a CR ends no line of its own).
 */
function countBreaks(bytes: Uint8Array, before = 0): number {
  let n = 0;
  let prev = before;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 13 || (b === 10 && prev !== 13)) {
      n++;
    }
    prev = b;
  }
  return n;
}

/**
 * Line breaks in a file's first `size` bytes, and whether they end in a CR: an LF appended after it
 * completes that CRLF and is no new line.
 */
async function countLines(path: string, size: number): Promise<{ lines: number; endsInCr: boolean }> {
  if (size === 0) {
    return { lines: 0, endsInCr: false };
  }
  let n = 0;
  let before = 0;
  for await (const chunk of createReadStream(path, { end: size - 1 })) {
    const bytes = chunk as Buffer;
    n += countBreaks(bytes, before);
    before = bytes[bytes.length - 1] ?? before;
  }
  return { lines: n, endsInCr: before === 13 };
}
