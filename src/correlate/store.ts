// The correlated timeline as columns: what analysis produces and keeps, sized for bundles of millions of
// records. Each event is a row of typed arrays (file, lines, times, host, component, kind, severity,
// thread, byte span) with its strings interned; links and flows refer to rows by number. Message text and
// fields are not kept: they are read again from the record's bytes when someone looks (`record`).
// `materialize` turns the store into the plain `Timeline` objects the exports and tests read.

import type { MessageFields } from '../parsers/messages/fields.ts';
import type { CollectedEvent } from './collect.ts';
import { offsetAtLine } from './file-clocks.ts';
import type { ExportEvent, ExportSource } from './export.ts';
import type { RecordReader, RecordSpan, RereadRecord } from '../parsers/reread.ts';
import { SEVERITIES } from '../parsers/record.ts';
import type { UtcInstant } from '../parsers/time.ts';
import type {
  Evidence,
  Timeline,
  TimelineEvent,
  TimelineFailure,
  TimelineFileClock,
  TimelineFlow,
  TimelineHost,
  TimelineLink,
} from './model.ts';

/** A decoded file's offsets from its host's clock, by line (file-clocks.ts). */
type FileOffsets = Pick<TimelineFileClock, 'offsetMinutes' | 'changes'>;

const EVIDENCE: readonly Evidence[] = ['id', 'derived', 'time'];

/** What the store takes of a collected event (the rest — text, fields — is read again when shown). */
export type StoredEventInput = Pick<
  CollectedEvent,
  | 'file'
  | 'line'
  | 'endLine'
  | 'dup'
  | 'host'
  | 'component'
  | 'kind'
  | 'severity'
  | 'thread'
  | 'utc'
  | 'offset'
  | 'length'
>;

/** Events an HTML report shows at most (see reportTimeline): some 60 MB of page. */
export const REPORT_EVENTS = 50_000;

export type StoredFlow = Omit<TimelineFlow, 'events'> & {
  /** Rows in time order. */
  readonly events: Int32Array;
};

export interface StoredFailure extends Omit<TimelineFailure, 'event' | 'upstreamCause' | 'chain'> {
  readonly event: number;
  readonly upstreamCause: number;
  readonly chain: Int32Array;
}

export interface RowColumns {
  readonly time: Float64Array;
  readonly host: Int32Array;
  readonly component: Int32Array;
  readonly severity: Uint8Array;
  readonly file: Int32Array;
  readonly line: Int32Array;
}

export interface LinkColumns {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly evidence: Uint8Array;
}

/**
 * Each distinct string once, numbered in the order first seen. Several interners may number into one
 * `values` sequence (the store's columns: see InternedColumn); each then finds only its own strings.
 */
export class Interner {
  private readonly index = new Map<string, number>();
  constructor(readonly values: string[] = []) {}

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/**
 * One column's strings, numbered in the store's one sequence (an id names one string wherever it is read)
 * but looked up in the column's own table: a file, host, component or kind is found among a few thousand
 * of its kind, not among the hundreds of thousands of link keys. The last value is remembered too, since
 * consecutive rows mostly repeat it (a flow's events share a host and mostly a file, a chain's links
 * share a key), and a repeat then costs a string comparison instead of a lookup.
 */
class InternedColumn {
  private readonly table: Interner;
  private last: string | undefined;
  private lastId = -1;

  constructor(values: string[]) {
    this.table = new Interner(values);
  }

  id(s: string): number {
    if (s !== this.last) {
      this.lastId = this.table.id(s);
      this.last = s;
    }
    return this.lastId;
  }
}

/** Entries per page of a column (a power of two). */
const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;

/**
 * A growable typed column kept in fixed pages, so that growing never copies it nor holds the old and new
 * copies at once: at a GB of logs a column doubling (or growing by half) held up to 2.5 times its rows in
 * memory. `data`, for views that need one contiguous array, joins the pages once and keeps the pages as
 * views of it.
 */
export class PagedColumn<T extends Int32Array | Float64Array | Uint8Array> {
  private pages: T[] = [];
  private joined: T | undefined;
  private size = 0;

  constructor(private readonly make: (n: number) => T) {}

  set(i: number, v: number): void {
    const p = i >>> PAGE_BITS;
    const at = i & (PAGE - 1);
    let page = this.pages[p];
    if (page === undefined || at >= page.length) {
      page = this.grow(p, at);
    }
    page[at] = v;
    if (i >= this.size) {
      this.size = i + 1;
      this.joined = undefined;
    }
  }

  get(i: number): number {
    return this.pages[i >>> PAGE_BITS]![i & (PAGE - 1)]!;
  }

  /** The column as one array of its rows (valid until the next row is added). */
  get data(): T {
    if (this.joined === undefined) {
      const all = this.make(this.size);
      this.pages.forEach((page, p) => all.set(page.subarray(0, Math.min(page.length, this.size - p * PAGE)), p * PAGE));
      this.pages = this.pages.map((_, p) => all.subarray(p * PAGE, Math.min((p + 1) * PAGE, this.size)) as T);
      this.joined = all;
    }
    return this.joined;
  }

  /** The page `p`, made (or made longer) to hold entry `at`. The first page starts small for small stores. */
  private grow(p: number, at: number): T {
    while (this.pages.length < p) {
      this.pages.push(this.make(PAGE));
    }
    const old = this.pages[p];
    const length = p > 0 ? PAGE : Math.min(PAGE, Math.max(1024, at + 1, (old?.length ?? 0) * 2));
    const page = this.make(Math.max(length, at + 1));
    if (old) {
      page.set(old);
    }
    this.pages[p] = page;
    // The page was a view of the joined array, or the rows outgrow it: either way it is out of date.
    this.joined = undefined;
    return page;
  }
}

const int32 = (): PagedColumn<Int32Array> => new PagedColumn((n) => new Int32Array(n));
const uint8 = (): PagedColumn<Uint8Array> => new PagedColumn((n) => new Uint8Array(n));

/** A column's rows as one array, for readers that index them (made anew from a narrow or derived column). */
export function rowsOf<T extends Int32Array | Float64Array>(out: T, get: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) {
    out[i] = get(i);
  }
  return out;
}

/**
 * A column of non-negative integers that are nearly always small, in a narrower array: a value the array
 * cannot hold (or a negative one, or NaN) is kept in a map beside it. A record's extra lines (end line -
 * line) fit in 8 bits but for long bodies, a byte offset in 31 bits but in a file past 2 GiB. Only
 * Uint8Array and Int32Array, which the store's other columns use too: a fourth and fifth array type made
 * PagedColumn's element stores megamorphic, and `set` alone took a tenth of the correlating thread.
 */
export class NarrowColumn {
  private readonly column: PagedColumn<Uint8Array> | PagedColumn<Int32Array>;
  private readonly over = new Map<number, number>();
  private readonly max: number;

  constructor(bits: 8 | 31) {
    this.column = bits === 8 ? uint8() : int32();
    this.max = 2 ** bits - 1;
  }

  set(i: number, v: number): void {
    if (v >= 0 && v < this.max && Number.isInteger(v)) {
      this.column.set(i, v);
    } else {
      this.column.set(i, this.max);
      this.over.set(i, v);
    }
  }

  get(i: number): number {
    const v = this.column.get(i);
    return v === this.max ? this.over.get(i)! : v;
  }
}

/**
 * A column of interned ids of which a bundle has few (components, kinds: tens to a couple of hundred),
 * each row holding the index of its id in the column's own list, in 8 bits: 3 bytes a row less than the
 * ids themselves (7 MB a column at a GB of logs). A 256th id and beyond go to the narrow column's map.
 */
class SmallIdColumn {
  private readonly ids: number[] = [];
  private readonly local = new Map<number, number>();
  private readonly rows = new NarrowColumn(8);
  private lastId = Number.NaN;
  private lastLocal = 0;

  set(i: number, id: number): void {
    if (id !== this.lastId) {
      let at = this.local.get(id);
      if (at === undefined) {
        at = this.ids.length;
        this.ids.push(id);
        this.local.set(id, at);
      }
      this.lastId = id;
      this.lastLocal = at;
    }
    this.rows.set(i, this.lastLocal);
  }

  get(i: number): number {
    return this.ids[this.rows.get(i)]!;
  }
}

/**
 * Times (ms) as offsets from the first, in 40 bits: a 32-bit low part and an 8-bit high part, which hold
 * ±17 years where doubles took 8 bytes a row (7 MB more at a GB of logs). A time that is not a whole ms,
 * or beyond that span, is kept in a map beside the column.
 */
export class TimeColumn {
  private static readonly LOW = 2 ** 32;
  /** The high part's bias, and its value for a time kept aside. */
  private static readonly BIAS = 128;
  private static readonly ASIDE = 255;
  private readonly low = int32();
  private readonly high = uint8();
  private readonly aside = new Map<number, number>();
  private base = Number.NaN;

  set(i: number, t: number): void {
    if (Number.isNaN(this.base) && Number.isInteger(t)) {
      this.base = t;
    }
    const d = t - this.base;
    const high = Math.floor(d / TimeColumn.LOW) + TimeColumn.BIAS;
    if (Number.isInteger(d) && high >= 0 && high < TimeColumn.ASIDE) {
      this.high.set(i, high);
      this.low.set(i, d - (high - TimeColumn.BIAS) * TimeColumn.LOW);
    } else {
      this.high.set(i, TimeColumn.ASIDE);
      this.aside.set(i, t);
    }
  }

  get(i: number): number {
    const high = this.high.get(i);
    return high === TimeColumn.ASIDE
      ? this.aside.get(i)!
      : this.base + (high - TimeColumn.BIAS) * TimeColumn.LOW + (this.low.get(i) >>> 0);
  }
}

/**
 * The distinct values of a column that repeats some (link windows: 5 s, 60 s, a window widened by a
 * skew's uncertainty, a scan job's span...), each row holding the index of its value. Index 0 is "none"
 * (NaN). The indexes take 31 bits: the spans of scan jobs and search sessions make a window of their own
 * per flow (3,700 distinct at 100 MB of logs), and past the 255th, 8-bit rows sent a third of the links to
 * the narrow column's map (NarrowColumn.set was the correlating thread's costliest function at a GB).
 */
class ValueTable {
  private readonly values: number[] = [Number.NaN];
  private readonly index = new Map<number, number>();
  private readonly rows = new NarrowColumn(31);

  set(i: number, v: number): void {
    let at = Number.isNaN(v) ? 0 : this.index.get(v);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(v);
      this.index.set(v, at);
    }
    this.rows.set(i, at);
  }

  get(i: number): number {
    return this.values[this.rows.get(i)]!;
  }
}

export class TimelineStore {
  readonly schema = 'cmflow.timeline/1';
  bundle = '';
  referenceHost: string | undefined;
  hosts: TimelineHost[] = [];
  readonly flows: StoredFlow[] = [];
  readonly failures: StoredFailure[] = [];
  eventCount = 0;
  linkCount = 0;

  /** Every interned string, by id (see InternedColumn). */
  private readonly strings: string[] = [];
  private readonly fileIds = new InternedColumn(this.strings);
  private readonly hostIds = new InternedColumn(this.strings);
  private readonly componentIds = new InternedColumn(this.strings);
  private readonly kindIds = new InternedColumn(this.strings);
  private readonly keyIds = new InternedColumn(this.strings);
  private readonly file = int32();
  private readonly line = int32();
  /** End line - line: the record's extra lines. */
  private readonly extraLines = new NarrowColumn(8);
  /** n for the n-th record starting on its line: a line may hold any number (see eventId). */
  private readonly dup = new NarrowColumn(8);
  /**
   * Host of a row, by its file: a file is one host's (its folder's), so a column of hosts repeated what
   * the file column says (9 MB at a GB of logs). A row whose host is not its file's first is kept aside.
   */
  private readonly fileHost = new Map<number, number>();
  private readonly otherHost = new Map<number, number>();
  private lastFile = -1;
  private lastHost = -1;
  private lastSkew = Number.NaN;
  /** Whether the current run of rows was logged by its host's other clock (see `otherSkew`). */
  private runOtherClock = false;
  private readonly component = new SmallIdColumn();
  private readonly kind = new SmallIdColumn();
  private readonly severity = uint8();
  private readonly thread = int32();
  private readonly time = new TimeColumn();
  private readonly offset = new NarrowColumn(31);
  private readonly length = int32();
  private readonly linkFrom = int32();
  private readonly linkTo = int32();
  private readonly linkEvidence = uint8();
  private readonly linkKey = int32();
  private readonly linkWindow = new ValueTable();
  /** Host (interned) → ms its clock reads ahead (on its first row): logged time = corrected time + this. */
  private readonly hostSkew = new Map<number, number>();
  /**
   * Rows their host logged by another clock, with that clock's skew: a clock set within the bundle reads
   * one skew before and another after (clock-jumps.ts, `ClockBefore`).
   */
  private readonly otherSkew = new Map<number, number>();
  /** File (interned) → how far its times read ahead of its host's clock (see file-clocks.ts), when not none. */
  private readonly fileClock = new Map<number, FileOffsets>();
  /** Fields that cannot be read again from a record's own bytes (IIS columns come from the file's header). */
  private readonly keptFields = new Map<number, MessageFields>();

  constructor(private readonly reader: RecordReader) {}

  addEvent(e: StoredEventInput, time: number, keepFields?: MessageFields): number {
    const i = this.eventCount++;
    const file = this.fileIds.id(e.file);
    const host = this.hostIds.id(e.host);
    this.file.set(i, file);
    this.line.set(i, e.line);
    this.extraLines.set(i, e.endLine - e.line);
    this.dup.set(i, e.dup);
    const skew = e.utc - time;
    if (file !== this.lastFile || host !== this.lastHost || skew !== this.lastSkew) {
      // Rows come in runs of one file: its host is looked up when the file changes.
      const known = this.fileHost.get(file);
      if (known === undefined) {
        this.fileHost.set(file, host);
      } else if (known !== host) {
        this.otherHost.set(i, host);
      }
      // Logged time = corrected time + the host's skew: kept once per host, not per row, but for the rows of
      // its other clock where it was set within the bundle.
      const usual = this.hostSkew.get(host);
      if (usual === undefined) {
        this.hostSkew.set(host, skew);
      }
      this.runOtherClock = usual !== undefined && usual !== skew;
      this.lastFile = known === host || known === undefined ? file : -1;
      this.lastHost = host;
      this.lastSkew = skew;
    }
    if (this.runOtherClock) {
      this.otherSkew.set(i, skew);
    }
    this.component.set(i, this.componentIds.id(e.component));
    this.kind.set(i, e.kind === undefined ? -1 : this.kindIds.id(e.kind));
    this.severity.set(i, SEVERITIES.indexOf(e.severity));
    this.thread.set(i, e.thread ?? -1);
    this.time.set(i, time);
    this.offset.set(i, e.offset);
    this.length.set(i, e.length);
    if (keepFields) {
      this.keptFields.set(i, keepFields);
    }
    return i;
  }

  /**
   * Reads the rows `host` logged before `untilMs` (by its clock) by a clock `skewMs` ahead of the reference: a
   * clock setting found after they were written (analyze.ts `ServersSetForward`). Their logged times stay; their
   * flows' events are put back in time order. Returns how many rows moved.
   */
  reclock(host: string, untilMs: number, skewMs: number): number {
    const moved = new Set<number>();
    for (const i of this.rowsOfHost(host)) {
      const skew = this.skewOfRow(i);
      const logged = this.time.get(i) + skew;
      if (logged >= untilMs || skew === skewMs) {
        continue;
      }
      this.time.set(i, logged - skewMs);
      if (skewMs === this.hostSkew.get(this.hostId(i))) {
        this.otherSkew.delete(i);
      } else {
        this.otherSkew.set(i, skewMs);
      }
      moved.add(i);
    }
    if (moved.size > 0) {
      for (const f of this.flows) {
        if (f.events.some((row) => moved.has(row))) {
          // Events of one time keep the order they were written in.
          const order = [...f.events.keys()].sort(
            (a, b) => this.time.get(f.events[a]!) - this.time.get(f.events[b]!) || a - b,
          );
          f.events.set(order.map((k) => f.events[k]!));
        }
      }
    }
    return moved.size;
  }

  private rowsOfHost(host: string): number[] {
    const rows: number[] = [];
    let id = -1;
    for (let i = 0; i < this.eventCount; i++) {
      const h = this.hostId(i);
      if (h === id || (id < 0 && this.strings[h] === host)) {
        id = h;
        rows.push(i);
      }
    }
    return rows;
  }

  /** Ms the row's host clock read ahead of the reference when it was logged. */
  private skewOfRow(i: number): number {
    return this.otherSkew.get(i) ?? this.hostSkew.get(this.hostId(i)) ?? 0;
  }

  /** A file whose events were moved onto their host's clock: its logged times are this far ahead. */
  setFileClock(file: string, offsets: FileOffsets): void {
    this.fileClock.set(this.fileIds.id(file), offsets);
  }

  addLink(from: number, to: number, evidence: Evidence, key: string, windowMs?: number): void {
    const i = this.linkCount++;
    this.linkFrom.set(i, from);
    this.linkTo.set(i, to);
    this.linkEvidence.set(i, EVIDENCE.indexOf(evidence));
    this.linkKey.set(i, this.keyIds.id(key));
    this.linkWindow.set(i, windowMs ?? Number.NaN);
  }

  eventId(i: number): string {
    const base = `${this.strings[this.file.get(i)]!}:${this.line.get(i)}`;
    const dup = this.dup.get(i);
    return dup > 1 ? `${base}#${dup}` : base;
  }

  eventTime(i: number): number {
    return this.time.get(i);
  }

  /**
   * The row columns themselves (views, `eventCount` long), for views that index the rows (the swimlane's
   * lanes): loops over millions of rows cannot afford a call or an object per row. Strings are interned
   * ids (`interned` gives the string); severity is 0 info, 1 warning, 2 error. Read them; never write.
   * Valid for a finished store: adding rows may move the columns.
   */
  rowColumns(): RowColumns {
    const n = this.eventCount;
    // The host, time and component columns are narrow or derived: made when first asked for (most readers
    // want the lines and files only).
    let host: Int32Array | undefined;
    let time: Float64Array | undefined;
    let component: Int32Array | undefined;
    const hosts = (): Int32Array => this.hostColumn(n);
    const times = (): Float64Array => rowsOf(new Float64Array(n), (i) => this.time.get(i));
    const components = (): Int32Array => rowsOf(new Int32Array(n), (i) => this.component.get(i));
    return {
      get host(): Int32Array {
        host ??= hosts();
        return host;
      },
      get time(): Float64Array {
        time ??= times();
        return time;
      },
      get component(): Int32Array {
        component ??= components();
        return component;
      },
      severity: this.severity.data.subarray(0, n),
      file: this.file.data.subarray(0, n),
      line: this.line.data.subarray(0, n),
    };
  }

  /** The link columns (views, `linkCount` long): evidence is 0 id, 1 derived, 2 time. Read only. */
  linkColumns(): LinkColumns {
    const n = this.linkCount;
    return {
      from: this.linkFrom.data.subarray(0, n),
      to: this.linkTo.data.subarray(0, n),
      evidence: this.linkEvidence.data.subarray(0, n),
    };
  }

  /**
   * Every row's host, from its file's and the rows kept aside. Rows come file by file, so a file's host is
   * looked up when the file changes: a lookup per row (`hostId`) was 0.2 s of the swimlane's first lane
   * index at 1 GB.
   */
  private hostColumn(n: number): Int32Array {
    const out = new Int32Array(n);
    const files = this.file.data;
    let lastFile = -1;
    let host = 0;
    for (let i = 0; i < n; i++) {
      const f = files[i]!;
      if (f !== lastFile) {
        lastFile = f;
        host = this.fileHost.get(f)!;
      }
      out[i] = host;
    }
    for (const [i, h] of this.otherHost) {
      if (i < n) {
        out[i] = h;
      }
    }
    return out;
  }

  private hostId(i: number): number {
    return this.otherHost.get(i) ?? this.fileHost.get(this.file.get(i))!;
  }

  interned(id: number): string {
    return this.strings[id]!;
  }

  linkKeyText(i: number): string {
    return this.strings[this.linkKey.get(i)]!;
  }

  /** The window a time link was matched in, ms; undefined for links on ids or fields. */
  linkWindowMs(i: number): number | undefined {
    const w = this.linkWindow.get(i);
    return Number.isNaN(w) ? undefined : w;
  }

  /** The record's message and fields, read again from its bytes. */
  record(i: number): RereadRecord {
    const again = this.reader.read(this.span(i));
    const kept = this.keptFields.get(i);
    return kept ? { text: again.text, fields: kept } : again;
  }

  /** The record's message text only (searching text needs no message fields). */
  text(i: number): string {
    return this.reader.readText(this.span(i));
  }

  /** Where a row's record lies in its file. */
  span(i: number): RecordSpan {
    return { file: this.strings[this.file.get(i)]!, offset: this.offset.get(i), length: this.length.get(i) };
  }

  /** Spans of every event, for readers that must fetch ahead (files inside a .zip). */
  *spans(): Generator<RecordSpan> {
    for (let i = 0; i < this.eventCount; i++) {
      yield this.span(i);
    }
  }

  /** Event rows in time order. */
  order(): Int32Array {
    const rows = new Int32Array(this.eventCount);
    for (let i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    const t = rowsOf(new Float64Array(this.eventCount), (i) => this.time.get(i));
    const f = this.file.data;
    const l = this.line.data;
    return rows.sort((a, b) => t[a]! - t[b]! || f[a]! - f[b]! || l[a]! - l[b]!);
  }

  /** Ms the row's logged time reads ahead of its host's clock besides the host's skew: a decoded file's offset. */
  private fileOffsetMs(i: number): number {
    const c = this.fileClock.get(this.file.get(i));
    return c === undefined ? 0 : offsetAtLine(c, this.line.get(i)) * 60_000;
  }

  /**
   * A row as a timeline event. `withRecord`: its text and fields read again from the log (true), its text
   * only ('text': a third of the work, for consumers that show no fields), or neither (false).
   */
  event(i: number, withRecord: boolean | 'text' = true): TimelineEvent {
    const record =
      withRecord === true ? this.record(i) : { text: withRecord === 'text' ? this.text(i) : '', fields: {} };
    const kind = this.kind.get(i);
    const thread = this.thread.get(i);
    return {
      id: this.eventId(i),
      file: this.strings[this.file.get(i)]!,
      line: this.line.get(i),
      endLine: this.line.get(i) + this.extraLines.get(i),
      time: this.time.get(i) as UtcInstant,
      loggedTime: (this.time.get(i) + this.skewOfRow(i) + this.fileOffsetMs(i)) as UtcInstant,
      host: this.strings[this.hostId(i)]!,
      component: this.strings[this.component.get(i)]!,
      severity: SEVERITIES[this.severity.get(i)]!,
      text: record.text,
      kind: kind < 0 ? undefined : this.strings[kind],
      fields: record.fields,
      thread: thread < 0 ? undefined : thread,
    };
  }

  /**
   * The plain object model. `events: 'all'` reads every event's text again (what exports need);
   * `'cited'` only the events failures cite (what a summary needs), and flows then list no events.
   */
  materialize(events: 'all' | 'cited' = 'all'): Timeline {
    const all = events === 'all';
    return this.timelineOf(all ? this.order() : this.cited(), all, all ? [...this.timelineLinks()] : []);
  }

  /** The timeline of these rows (in this order), its flows with or without their events' ids. */
  private timelineOf(rows: Int32Array, flowEvents: boolean, links: TimelineLink[]): Timeline {
    return {
      schema: 'cmflow.timeline/1',
      bundle: this.bundle,
      referenceHost: this.referenceHost,
      hosts: this.hosts,
      events: this.eventsOf(rows),
      flows: this.flows.map((f) => this.timelineFlow(f, flowEvents)),
      links,
      failures: this.timelineFailures(),
    };
  }

  /**
   * The rows as events, in the order given, their records read in file and byte order: rows in time order
   * jump between thousands of files, and each jump reopened a file and read a block for one record (the
   * 27,000 records failures cite at 1 GB: 1.2 s in time order, 0.9 s so; see also RecordReader's blocks).
   */
  private eventsOf(rows: Int32Array): TimelineEvent[] {
    const file = this.file.data;
    const offset = (i: number): number => this.offset.get(i);
    const places = new Int32Array(rows.length);
    for (let k = 0; k < places.length; k++) {
      places[k] = k;
    }
    places.sort((a, b) => file[rows[a]!]! - file[rows[b]!]! || offset(rows[a]!) - offset(rows[b]!));
    const events = new Array<TimelineEvent>(rows.length);
    for (const k of places) {
      events[k] = this.event(rows[k]!);
    }
    return events;
  }

  /**
   * The timeline for an export, made as it is written: each event (with its text read again), flow and link
   * when the writer reaches it, so that exporting a GB bundle holds one of each, not millions.
   */
  exportSource(): ExportSource {
    return {
      bundle: this.bundle,
      referenceHost: this.referenceHost,
      hosts: this.hosts,
      failures: this.timelineFailures(),
      events: (withFlows, withFields) => this.exportEvents(withFlows, withFields),
      flows: () => this.timelineFlows(),
      links: () => this.timelineLinks(),
      timeline: () => this.reportTimeline(REPORT_EVENTS),
    };
  }

  /**
   * The timeline an HTML report shows: every host, flow and failure, but the events (with their text) only
   * of the failures and of as many flows as fit in `maxEvents`, failed flows first, then incomplete, then
   * ok, each flow whole or not at all. A report of every event of a GB bundle would not fit in memory, nor
   * open in a browser; the JSON and CSV exports hold them all.
   */
  reportTimeline(maxEvents: number): Timeline & { readonly eventsInBundle: number } {
    if (this.eventCount <= maxEvents) {
      return { ...this.materialize('all'), eventsInBundle: this.eventCount };
    }
    const keep = new Uint8Array(this.eventCount);
    let kept = 0;
    const take = (row: number): void => {
      kept += keep[row] === 0 ? 1 : 0;
      keep[row] = 1;
    };
    for (const row of this.cited()) {
      take(row);
    }
    const rank = { failed: 0, incomplete: 1, ok: 2 } as const;
    const byStatus = [...this.flows].sort((a, b) => rank[a.status] - rank[b.status]);
    for (const f of byStatus) {
      const adds = f.events.reduce((n, row) => n + (keep[row] === 0 ? 1 : 0), 0);
      if (kept + adds <= maxEvents) {
        f.events.forEach(take);
      }
    }
    const rows = this.order().filter((row) => keep[row] === 1);
    return { ...this.timelineOf(rows, true, []), eventsInBundle: this.eventCount };
  }

  private *exportEvents(withFlows: boolean, withFields: boolean): Generator<ExportEvent> {
    const flowsOf = withFlows ? this.flowsByRow() : undefined;
    for (const i of this.order()) {
      const flows: string[] = [];
      if (flowsOf !== undefined) {
        for (let k = flowsOf.start[i]!; k < flowsOf.start[i + 1]!; k++) {
          flows.push(this.flows[flowsOf.flow[k]!]!.id);
        }
      }
      yield { event: this.event(i, withFields || 'text'), flows };
    }
  }

  /** For each row, the flows it is in (flow order, each once): `flow[start[row] .. start[row + 1])`. */
  private flowsByRow(): { start: Int32Array; flow: Int32Array } {
    const n = this.eventCount;
    const start = new Int32Array(n + 1);
    const last = new Int32Array(n).fill(-1);
    this.flows.forEach((f, k) => {
      for (const row of f.events) {
        if (last[row] !== k) {
          last[row] = k;
          start[row + 1]! += 1;
        }
      }
    });
    for (let i = 0; i < n; i++) {
      start[i + 1]! += start[i]!;
    }
    const flow = new Int32Array(start[n]!);
    const next = start.slice(0, n);
    last.fill(-1);
    this.flows.forEach((f, k) => {
      for (const row of f.events) {
        if (last[row] !== k) {
          last[row] = k;
          flow[next[row]!++] = k;
        }
      }
    });
    return { start, flow };
  }

  /** The flows with their events' ids, one made at a time. */
  private *timelineFlows(): Generator<TimelineFlow> {
    for (const f of this.flows) {
      yield this.timelineFlow(f, true);
    }
  }

  private timelineFlow(f: StoredFlow, withEvents: boolean): TimelineFlow {
    return { ...f, events: withEvents ? [...f.events].map((i) => this.eventId(i)) : [] };
  }

  private *timelineLinks(): Generator<TimelineLink> {
    for (let i = 0; i < this.linkCount; i++) {
      const w = this.linkWindowMs(i);
      yield {
        from: this.eventId(this.linkFrom.get(i)),
        to: this.eventId(this.linkTo.get(i)),
        evidence: EVIDENCE[this.linkEvidence.get(i)]!,
        key: this.strings[this.linkKey.get(i)]!,
        ...(w !== undefined && { windowMs: w }),
      };
    }
  }

  private timelineFailures(): TimelineFailure[] {
    return this.failures.map((f) => ({
      ...f,
      event: this.eventId(f.event),
      upstreamCause: this.eventId(f.upstreamCause),
      chain: [...f.chain].map((i) => this.eventId(i)),
    }));
  }

  private cited(): Int32Array {
    const rows = new Set<number>();
    for (const f of this.failures) {
      rows.add(f.event);
      rows.add(f.upstreamCause);
      f.chain.forEach((i) => rows.add(i));
    }
    return Int32Array.from([...rows].sort((a, b) => this.time.get(a) - this.time.get(b)));
  }
}
