// The timeline arranged as lanes, for the swimlane view: one lane per host and component, each lane's rows
// sorted by corrected time once, so that any time window is found by binary search and thinned to the
// resolution it is drawn at. A window never costs more than its pixel columns times its lanes (plus the
// failures in it), whatever the size of the bundle; message text is read only for a text filter, and then
// incrementally under a time budget. Pure engine code: the view's protocol adapter sits on top of it.

import type { HostRole } from '../parsers/bundle.ts';
import type { FlowKind } from './model.ts';
import type { LinkColumns, RowColumns, TimelineStore } from './store.ts';

/** 0 info, 1 warning, 2 error. */
export type SeverityLevel = 0 | 1 | 2;
/** 0 id, 1 derived, 2 time. */
export type EvidenceLevel = 0 | 1 | 2;

/** Bits of `MarkBatch.flags`. */
export const MarkFlag = {
  /** The record is a failure's failing event. */
  failure: 1,
  /** The record is some failure's upstream cause. */
  cause: 2,
  /** The record belongs to at least one flow. */
  inFlow: 4,
  /** Every failure the record is the failing event of recovered (its flow went on to complete). */
  recovered: 8,
} as const;

export interface HostInfo {
  readonly name: string;
  readonly role: HostRole;
  /** Every role of the machine, `role` first (an MP on the site server, a client installed there). */
  readonly roles: readonly HostRole[];
  /** UTC = local + bias; undefined when no log states one. */
  readonly biasMinutes: number | undefined;
  readonly clockSkewMs: number;
  readonly skewUncertaintyMs: number | undefined;
  readonly skewBasis: string;
  /** The host's Get-WindowsUpdateLog files: what was found of each one's clock (moved, on it, not checked). */
  readonly fileClocks: readonly string[];
  readonly reference: boolean;
}

/** One component of one host: the unit drawn as a lane. */
export interface LaneInfo {
  /** Index into the hosts. */
  readonly host: number;
  readonly component: string;
  readonly count: number;
  readonly warnings: number;
  readonly errors: number;
  /** Corrected UTC ms of its first record: a host's lanes are listed in this order, the way a flow runs. */
  readonly first: number;
}

export interface FlowInfo {
  readonly id: string;
  readonly kind: FlowKind;
  readonly status: 'ok' | 'failed' | 'incomplete';
  readonly summary: string;
  readonly host: string;
  readonly start: number;
  readonly end: number;
  readonly events: number;
}

export interface FailureInfo {
  readonly row: number;
  readonly time: number;
  readonly lane: number;
  readonly code: string | undefined;
  readonly meaning: string;
  readonly type: 'record' | 'timeout';
  readonly occurrences: number;
  /** Its flow went on to complete afterwards (see TimelineFailure.recovered). */
  readonly recovered: boolean;
  /** Index into the flows, or -1. */
  readonly flow: number;
  readonly causeRow: number;
  readonly causeTime: number;
  readonly causeLane: number;
  /** The failing record's `file:line`. */
  readonly where: string;
}

/** Counts over the whole bundle in equal bins, for the overview strip. */
export interface OverviewBins {
  readonly start: number;
  readonly binMs: number;
  readonly counts: number[];
  readonly errors: number[];
}

/** What a window shows of its lanes (hosts and components are chosen by the lanes asked for). */
export interface WindowFilter {
  /** Lowest severity shown. */
  readonly minSeverity: SeverityLevel;
  /** Case-insensitive substring of the message text; '' for none. */
  readonly text: string;
  /** Only the rows of this flow (index into the flows), or -1. */
  readonly flow: number;
}

/**
 * Marks as parallel arrays. A mark stands for `counts[i]` records of its group in one column of
 * `COLUMN_PX` pixels; its row is the most severe of them, so thinning never hides an error. Failures and
 * their causes always come (again) as themselves, with a count of 0 since their column counted them.
 * Within a group, the column marks are in time order, and the failures' copies follow them.
 */
export interface MarkBatch {
  readonly rows: number[];
  readonly times: number[];
  /** Index into the request's groups. */
  readonly groups: number[];
  readonly severity: SeverityLevel[];
  readonly flags: number[];
  readonly counts: number[];
}

/** Links between two different groups, as parallel arrays; one arrow per pair of groups and column. */
export interface ArrowBatch {
  readonly fromRows: number[];
  readonly toRows: number[];
  readonly fromTimes: number[];
  readonly toTimes: number[];
  readonly fromGroups: number[];
  readonly toGroups: number[];
  readonly evidence: EvidenceLevel[];
  readonly counts: number[];
}

export interface WindowResult {
  readonly marks: MarkBatch;
  readonly arrows: ArrowBatch;
  /** Records in the window per group (after filters, before thinning). */
  readonly totals: number[];
  /** The text search ran out of its time budget: ask again for the rest. */
  readonly partial: boolean;
  /** Share of all rows whose text has been searched for the current text, 0..1. */
  readonly searched: number;
  /** Too many links in the window to draw (zoom in to see arrows). */
  readonly arrowsOmitted: boolean;
}

export interface HighlightLink {
  readonly from: number;
  readonly to: number;
  readonly evidence: EvidenceLevel;
  readonly key: string;
}

/** A set of records lit up together: a flow, or a failure's chain from its upstream cause. */
export interface Highlight {
  readonly rows: number[];
  readonly times: number[];
  /** Lane of each row. */
  readonly lanes: number[];
  readonly severity: SeverityLevel[];
  readonly links: HighlightLink[];
  readonly start: number;
  readonly end: number;
  /** For a flow: its summary. */
  readonly summary?: string;
  /** For a failure's chain: what to check next (long, so sent only when a failure is focused). */
  readonly hint?: string;
}

/** Pixels per thinning column: a mark is 2–3 px wide, so finer columns would only draw over each other. */
export const COLUMN_PX = 2;
/** Beyond this many links in a window arrows are not drawn: they would be a grey wash, not a picture. */
export const MAX_WINDOW_LINKS = 250_000;
/** At most this many arrows per window, after thinning. */
export const MAX_ARROWS = 6000;

const ROLE_ORDER: readonly HostRole[] = ['client', 'management-point', 'wsus', 'site-server', 'unknown'];

/** Rows of every lane in one flat array, lane after lane, with their times beside them (CSR layout). */
interface Tier {
  /** `offsets[lane]..offsets[lane + 1]` are the lane's entries. */
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
  readonly times: Float64Array;
}

/** The entries of `all` at or above a severity (`severity` is parallel to `all.rows`). */
function subTier(all: Tier, severity: Uint8Array, minSeverity: number): Tier {
  const laneCount = all.offsets.length - 1;
  const offsets = new Int32Array(laneCount + 1);
  let count = 0;
  for (let j = 0; j < severity.length; j++) {
    if (severity[j]! >= minSeverity) {
      count++;
    }
  }
  const rows = new Int32Array(count);
  const times = new Float64Array(count);
  let at = 0;
  for (let l = 0; l < laneCount; l++) {
    offsets[l] = at;
    for (let j = all.offsets[l]!; j < all.offsets[l + 1]!; j++) {
      if (severity[j]! >= minSeverity) {
        rows[at] = all.rows[j]!;
        times[at++] = all.times[j]!;
      }
    }
  }
  offsets[laneCount] = at;
  return { offsets, rows, times };
}

/** First index in `times[from, to)` whose value is >= t (to when none). The webview's scene searches with it too. */
export function lowerBound(times: ArrayLike<number>, t: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Like `lowerBound`, but gallops from `from`: cheap when the answer is near, as column after column is. */
function gallop(times: Float64Array, t: number, from: number, to: number): number {
  if (from >= to || times[from]! >= t) {
    return from;
  }
  let step = 1;
  let lo = from;
  while (lo + step < to && times[lo + step]! < t) {
    lo += step;
    step *= 2;
  }
  return lowerBound(times, t, lo + 1, Math.min(to, lo + step));
}

/**
 * Sorts `items` in place by `key[item]`, ties by item: a bucket sort (buckets as many as items over the
 * keys' range, each finished by insertion sort), because a comparator sort of millions of items costs
 * seconds and times cluster no worse than log bursts. A bucket that still holds many falls back to the
 * comparator sort. Items already in order cost one pass.
 */
export function sortByKey(items: Int32Array, key: (item: number) => number): void {
  const n = items.length;
  const keys = new Float64Array(n);
  let sorted = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = key(items[i]!);
    keys[i] = k;
    if (i > 0 && (k < keys[i - 1]! || (k === keys[i - 1]! && items[i]! < items[i - 1]!))) {
      sorted = false;
    }
    if (k < min) {
      min = k;
    }
    if (k > max) {
      max = k;
    }
  }
  if (sorted) {
    return;
  }
  const buckets = n;
  const range = max - min;
  // Divide rather than multiply by a precomputed scale: for a range of a denormal or two, that scale is
  // Infinity, and 0 × Infinity would put the smallest key in bucket NaN. A range too wide for a double
  // (keys near ±1.8e308) puts every key in bucket 0, which is then sorted like any big bucket.
  // (fast-check found both.)
  const spread = Number.isFinite(range) && range > 0;
  const bucketOf = (k: number): number => {
    const b = spread ? Math.floor(((k - min) / range) * (buckets - 1)) : 0;
    return b > 0 ? Math.min(b, buckets - 1) : 0;
  };
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    start[bucketOf(keys[i]!) + 1]!++;
  }
  for (let b = 0; b < buckets; b++) {
    start[b + 1]! += start[b]!;
  }
  const fill = start.slice(0, buckets);
  const outItems = new Int32Array(n);
  const outKeys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = fill[bucketOf(keys[i]!)]!++;
    outItems[at] = items[i]!;
    outKeys[at] = keys[i]!;
  }
  for (let b = 0; b < buckets; b++) {
    const lo = start[b]!;
    const hi = start[b + 1]!;
    if (hi - lo <= 1) {
      continue;
    }
    if (hi - lo > 64) {
      const part = outItems.subarray(lo, hi);
      const keyOf = new Map<number, number>();
      for (let j = lo; j < hi; j++) {
        keyOf.set(outItems[j]!, outKeys[j]!);
      }
      part.sort((x, y) => keyOf.get(x)! - keyOf.get(y)! || x - y);
      for (let j = lo; j < hi; j++) {
        outKeys[j] = keyOf.get(outItems[j]!)!;
      }
      continue;
    }
    for (let j = lo + 1; j < hi; j++) {
      const item = outItems[j]!;
      const k = outKeys[j]!;
      let m = j - 1;
      while (m >= lo && (outKeys[m]! > k || (outKeys[m]! === k && outItems[m]! > item))) {
        outItems[m + 1] = outItems[m]!;
        outKeys[m + 1] = outKeys[m]!;
        m--;
      }
      outItems[m + 1] = item;
      outKeys[m + 1] = k;
    }
  }
  items.set(outItems);
}

export class LaneIndex {
  readonly hosts: HostInfo[];
  readonly lanes: LaneInfo[];
  readonly flows: FlowInfo[];
  readonly failures: FailureInfo[];
  readonly start: number;
  readonly end: number;
  /** Row → lane. */
  readonly laneOf: Int32Array;
  /** Row → `MarkFlag` bits. */
  readonly flagsOf: Uint8Array;
  /** Row → the first flow (index) it belongs to, or -1. */
  readonly flowOf: Int32Array;
  /** Tiers by minimum severity: every row, warnings and errors, errors. */
  private readonly tiers: readonly [Tier, Tier, Tier];
  /** Failing events and causes in time order, sent as themselves in every window. */
  private readonly notable: { rows: Int32Array; times: Float64Array };
  /** Links no longer than `shortSpan`, ordered by the time of their earlier end. */
  private readonly linkOrder: Int32Array;
  private readonly linkStart: Float64Array;
  private readonly shortSpan: number;
  /** The rest, checked in every window. */
  private readonly longLinks: Int32Array;
  private linksByRow: { offsets: Int32Array; links: Int32Array } | undefined;
  private byFileLine: Int32Array | undefined;
  private fileIds: Map<string, number> | undefined;
  private readonly flowIndex = new Map<string, number>();
  private textQuery = '';
  /** Per row for `textQuery`: 0 not read yet, 1 no match, 2 match. */
  private textState: Uint8Array | undefined;
  private textRead = 0;

  /** Views of the store's columns (a finished store: analysis done, nothing added after). */
  private readonly cols: RowColumns;
  private readonly times: Float64Array;
  private readonly linkCols: LinkColumns;
  private readonly sources: Int32Array;
  private readonly targets: Int32Array;

  constructor(private readonly store: TimelineStore) {
    const n = store.eventCount;
    this.cols = store.rowColumns();
    this.times = this.cols.time;
    this.linkCols = store.linkColumns();
    this.sources = this.linkCols.from;
    this.targets = this.linkCols.to;
    const hostByName = new Map(store.hosts.map((h) => [h.name, h]));

    // Lanes: (host, component) pairs in the order of the hosts the view shows, then by first record.
    const pairLane = new Map<number, Map<number, number>>();
    const pairs: Array<{ hostId: number; componentId: number; first: number; count: number }> = [];
    const rawLane = new Int32Array(n);
    const allTimes = this.times;
    const hostIds = this.cols.host;
    const componentIds = this.cols.component;
    // Rows come file by file: most rows share the previous row's lane, which spares the maps.
    let lastHost = -1;
    let lastComponent = -1;
    let lane = -1;
    for (let i = 0; i < n; i++) {
      const h = hostIds[i]!;
      const c = componentIds[i]!;
      if (h !== lastHost || c !== lastComponent) {
        let byComponent = pairLane.get(h);
        if (!byComponent) {
          byComponent = new Map();
          pairLane.set(h, byComponent);
        }
        let known = byComponent.get(c);
        if (known === undefined) {
          known = pairs.length;
          byComponent.set(c, known);
          pairs.push({ hostId: h, componentId: c, first: Infinity, count: 0 });
        }
        lane = known;
        lastHost = h;
        lastComponent = c;
      }
      const p = pairs[lane]!;
      p.count++;
      if (allTimes[i]! < p.first) {
        p.first = allTimes[i]!;
      }
      rawLane[i] = lane;
    }
    const hostNames = [
      ...new Set([...store.hosts.map((h) => h.name), ...pairs.map((p) => store.interned(p.hostId))]),
    ].sort((a, b) => {
      const ra = ROLE_ORDER.indexOf(hostByName.get(a)?.role ?? 'unknown');
      const rb = ROLE_ORDER.indexOf(hostByName.get(b)?.role ?? 'unknown');
      return ra - rb || a.localeCompare(b);
    });
    this.hosts = hostNames.map((name) => {
      const h = hostByName.get(name);
      return {
        name,
        role: h?.role ?? 'unknown',
        roles: h === undefined || h.roles.length === 0 ? [h?.role ?? 'unknown'] : h.roles,
        biasMinutes: h?.biasMinutes,
        clockSkewMs: h?.clockSkewMs ?? 0,
        skewUncertaintyMs: h?.skewUncertaintyMs,
        skewBasis: h?.skewBasis ?? '',
        fileClocks: (h?.fileClocks ?? []).map((c) => `${c.file}: ${c.basis}`),
        reference: name === store.referenceHost,
      };
    });
    const hostIndex = new Map(hostNames.map((name, i) => [name, i]));
    const sortedPairs = pairs
      .map((p, raw) => ({ ...p, raw, host: hostIndex.get(store.interned(p.hostId))! }))
      .sort(
        (a, b) =>
          a.host - b.host ||
          a.first - b.first ||
          store.interned(a.componentId).localeCompare(store.interned(b.componentId)),
      );
    const laneOfRaw = new Int32Array(pairs.length);
    sortedPairs.forEach((p, lane) => (laneOfRaw[p.raw] = lane));
    const laneCount = sortedPairs.length;
    this.laneOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.laneOf[i] = laneOfRaw[rawLane[i]!]!;
    }

    // Tier 0: counting sort by lane (keeps row order), then each lane by time. A lane is one log file or
    // a few, already nearly in time order, which the sort's runs make cheap.
    const offsets = new Int32Array(laneCount + 1);
    for (let i = 0; i < n; i++) {
      offsets[this.laneOf[i]! + 1]!++;
    }
    for (let l = 0; l < laneCount; l++) {
      offsets[l + 1]! += offsets[l]!;
    }
    const fill = offsets.slice(0, laneCount);
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      rows[fill[this.laneOf[i]!]!++] = i;
    }
    const time = (i: number): number => allTimes[i]!;
    for (let l = 0; l < laneCount; l++) {
      sortByKey(rows.subarray(offsets[l], offsets[l + 1]), time);
    }
    const times = new Float64Array(n);
    const severity = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      times[j] = time(rows[j]!);
      severity[j] = this.cols.severity[rows[j]!]!;
    }
    const all: Tier = { offsets, rows, times };
    this.tiers = [all, subTier(all, severity, 1), subTier(all, severity, 2)];

    const warnings = (l: number): number => this.tiers[1].offsets[l + 1]! - this.tiers[1].offsets[l]!;
    const errors = (l: number): number => this.tiers[2].offsets[l + 1]! - this.tiers[2].offsets[l]!;
    this.lanes = sortedPairs.map((p, lane) => ({
      host: p.host,
      component: store.interned(p.componentId),
      count: p.count,
      warnings: warnings(lane) - errors(lane),
      errors: errors(lane),
      first: p.first,
    }));

    let start = Infinity;
    let end = -Infinity;
    for (let l = 0; l < laneCount; l++) {
      if (offsets[l + 1]! > offsets[l]!) {
        start = Math.min(start, times[offsets[l]!]!);
        end = Math.max(end, times[offsets[l + 1]! - 1]!);
      }
    }
    this.start = Number.isFinite(start) ? start : 0;
    this.end = Number.isFinite(end) ? Math.max(end, this.start + 1) : 1;

    // Flags, flows, failures.
    this.flagsOf = new Uint8Array(n);
    this.flowOf = new Int32Array(n).fill(-1);
    this.flows = store.flows.map((f, index) => {
      this.flowIndex.set(f.id, index);
      let s = Infinity;
      let e = -Infinity;
      for (const row of f.events) {
        this.flagsOf[row]! |= MarkFlag.inFlow;
        if (this.flowOf[row] === -1) {
          this.flowOf[row] = index;
        }
        s = Math.min(s, time(row));
        e = Math.max(e, time(row));
      }
      return {
        id: f.id,
        kind: f.kind,
        status: f.status,
        summary: f.summary,
        host: f.host,
        start: Number.isFinite(s) ? s : this.start,
        end: Number.isFinite(e) ? e : this.start,
        events: f.events.length,
      };
    });
    const notable = new Set<number>();
    this.failures = store.failures.map((f) => {
      const was = this.flagsOf[f.event]!;
      const recovered = f.recovered && ((was & MarkFlag.failure) === 0 || (was & MarkFlag.recovered) !== 0);
      this.flagsOf[f.event] = recovered
        ? was | MarkFlag.failure | MarkFlag.recovered
        : (was | MarkFlag.failure) & ~MarkFlag.recovered;
      this.flagsOf[f.upstreamCause]! |= MarkFlag.cause;
      notable.add(f.event);
      notable.add(f.upstreamCause);
      return {
        row: f.event,
        time: time(f.event),
        lane: this.laneOf[f.event]!,
        code: f.code,
        meaning: f.meaning,
        type: f.type,
        occurrences: f.occurrences,
        recovered: f.recovered,
        flow: f.flow === undefined ? -1 : (this.flowIndex.get(f.flow) ?? -1),
        causeRow: f.upstreamCause,
        causeTime: time(f.upstreamCause),
        causeLane: this.laneOf[f.upstreamCause]!,
        where: `${store.interned(this.cols.file[f.event]!)}:${this.cols.line[f.event]!}`,
      };
    });
    const notableRows = Int32Array.from(notable).sort((a, b) => time(a) - time(b) || a - b);
    this.notable = { rows: notableRows, times: Float64Array.from(notableRows, time) };

    // Links by the time of their earlier end. Most links span seconds: a window finds them from its
    // start minus the longest such span. The few long ones (a sync and the scans that met it hours later)
    // are kept apart and looked at in every window.
    const m = store.linkCount;
    const spans = new Float64Array(m);
    const linkMin = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const a = allTimes[this.sources[k]!]!;
      const b = allTimes[this.targets[k]!]!;
      linkMin[k] = a < b ? a : b;
      spans[k] = a < b ? b - a : a - b;
    }
    // The 99th percentile of spans, from a sample: exactness does not matter (a longer link is merely
    // looked at in every window), sorting millions does.
    const step = Math.max(1, Math.floor(m / 100_000));
    const sample = new Float64Array(Math.ceil(m / step));
    for (let k = 0, j = 0; k < m; k += step) {
      sample[j++] = spans[k]!;
    }
    sample.sort();
    this.shortSpan = m === 0 ? 0 : sample[Math.floor(0.99 * (sample.length - 1))]!;
    let shortCount = 0;
    for (let k = 0; k < m; k++) {
      if (spans[k]! <= this.shortSpan) {
        shortCount++;
      }
    }
    this.linkOrder = new Int32Array(shortCount);
    this.longLinks = new Int32Array(m - shortCount);
    for (let k = 0, si = 0, li = 0; k < m; k++) {
      if (spans[k]! <= this.shortSpan) {
        this.linkOrder[si++] = k;
      } else {
        this.longLinks[li++] = k;
      }
    }
    sortByKey(this.linkOrder, (k) => linkMin[k]!);
    this.linkStart = new Float64Array(shortCount);
    for (let j = 0; j < shortCount; j++) {
      this.linkStart[j] = linkMin[this.linkOrder[j]!]!;
    }
  }

  flowById(id: string): number | undefined {
    return this.flowIndex.get(id);
  }

  severityOf(row: number): SeverityLevel {
    return this.cols.severity[row]! as SeverityLevel;
  }

  /** Counts and errors over the whole bundle in `bins` equal bins. */
  overview(bins: number): OverviewBins {
    const binMs = (this.end - this.start) / bins;
    const counts = new Array<number>(bins).fill(0);
    const errors = new Array<number>(bins).fill(0);
    const bin = (t: number): number => Math.min(bins - 1, Math.max(0, Math.floor((t - this.start) / binMs)));
    for (const t of this.tiers[0].times) {
      counts[bin(t)]!++;
    }
    for (const t of this.tiers[2].times) {
      errors[bin(t)]!++;
    }
    return { start: this.start, binMs, counts, errors };
  }

  /**
   * Marks and arrows of the lane groups between `start` and `end`, thinned to `width` pixels: per group
   * and column at most one mark (the column's most severe record, with how many it stands for), plus the
   * failures and causes in the window. `budgetMs` bounds the text reading a text filter needs.
   */
  window(
    start: number,
    end: number,
    width: number,
    groups: readonly (readonly number[])[],
    filter: WindowFilter,
    budgetMs = 150,
  ): WindowResult {
    const laneCount = this.lanes.length;
    const groupOf = new Int32Array(laneCount).fill(-1);
    groups.forEach((g, gi) => g.forEach((lane) => lane < laneCount && (groupOf[lane] = gi)));
    const marks: MarkBatch = { rows: [], times: [], groups: [], severity: [], flags: [], counts: [] };
    const totals = new Array<number>(groups.length).fill(0);
    const columns = Math.max(1, Math.ceil(width / COLUMN_PX));
    const span = Math.max(end - start, 1e-3);
    const colMs = span / columns;
    const deadline = performance.now() + budgetMs;
    let partial = false;
    const text = filter.text.trim().toLowerCase();
    if (text !== '') {
      this.prepareText(text);
    }
    const keep = (row: number): boolean =>
      (filter.flow < 0 || this.inFlow(row, filter.flow)) && (text === '' || this.textState![row] === 2);

    const push = (row: number, t: number, gi: number, count: number): void => {
      marks.rows.push(row);
      marks.times.push(t);
      marks.groups.push(gi);
      marks.severity.push(this.severityOf(row));
      marks.flags.push(this.flagsOf[row]!);
      marks.counts.push(count);
    };

    const tier = this.tiers[filter.minSeverity];
    const flowRows = filter.flow >= 0 ? this.flowRowsInWindow(filter.flow, start, end) : undefined;
    groups.forEach((group, gi) => {
      if (flowRows === undefined && text === '') {
        totals[gi] = this.thinLanes(group, start, end, columns, colMs, filter.minSeverity, gi, push);
        return;
      }
      // Filtered windows take rows one by one: a flow has few, and a text search reads each anyway.
      const kept: number[] = [];
      const consider = (row: number): void => {
        if (text !== '' && this.textState![row] === 0) {
          if (partial || performance.now() > deadline) {
            partial = true;
            return;
          }
          this.readText(row, text);
        }
        if (text === '' || this.textState![row] === 2) {
          kept.push(row);
        }
      };
      if (flowRows !== undefined) {
        for (const row of flowRows) {
          if (groupOf[this.laneOf[row]!] === gi && this.severityOf(row) >= filter.minSeverity) {
            consider(row);
          }
        }
      } else {
        for (const lane of group) {
          if (lane >= laneCount) {
            continue;
          }
          const lo = lowerBound(tier.times, start, tier.offsets[lane]!, tier.offsets[lane + 1]!);
          const hi = lowerBound(tier.times, end, lo, tier.offsets[lane + 1]!);
          for (let j = lo; j < hi && !partial; j++) {
            consider(tier.rows[j]!);
          }
        }
        kept.sort((a, b) => this.times[a]! - this.times[b]! || a - b);
      }
      totals[gi] = kept.length;
      this.thinList(kept, start, colMs, gi, push);
    });

    // Failures and causes in the window, as themselves.
    const nlo = lowerBound(this.notable.times, start, 0, this.notable.rows.length);
    const nhi = lowerBound(this.notable.times, end, nlo, this.notable.rows.length);
    for (let j = nlo; j < nhi; j++) {
      const row = this.notable.rows[j]!;
      const gi = groupOf[this.laneOf[row]!]!;
      if (gi >= 0 && this.severityOf(row) >= filter.minSeverity && keep(row)) {
        // Counted already in its column's mark: this copy stands for no further record.
        push(row, this.notable.times[j]!, gi, 0);
      }
    }

    const { arrows, omitted } = this.arrows(start, end, columns, colMs, groupOf, groups.length, filter, keep);
    return {
      marks,
      arrows,
      totals,
      partial,
      searched: text === '' ? 1 : this.textRead / Math.max(1, this.store.eventCount),
      arrowsOmitted: omitted,
    };
  }

  /** One mark per column for a group's lanes, from the tier's index alone; returns the records counted. */
  private thinLanes(
    group: readonly number[],
    start: number,
    end: number,
    columns: number,
    colMs: number,
    minSeverity: number,
    gi: number,
    push: (row: number, t: number, gi: number, count: number) => void,
  ): number {
    let lanes = group.filter((l) => l < this.lanes.length);
    let source: readonly Tier[] = this.tiers;
    // A collapsed host asks for all its lanes: its rows merged in one time order answer with one search
    // per column instead of one per lane.
    const host = this.lanes[lanes[0] ?? -1]?.host;
    if (host !== undefined && lanes.length > 1 && this.isWholeHost(host, lanes)) {
      source = this.hostTiers(host);
      lanes = [0];
    }
    // Per lane and tier (from minSeverity up): the window's [lo, hi) and a cursor that walks the columns.
    const tiers = source.slice(minSeverity);
    const cursor = lanes.map((l) => tiers.map((t) => lowerBound(t.times, start, t.offsets[l]!, t.offsets[l + 1]!)));
    const limit = lanes.map((l, li) =>
      tiers.map((t, ti) => lowerBound(t.times, end, cursor[li]![ti]!, t.offsets[l + 1]!)),
    );
    let total = 0;
    lanes.forEach((_, li) => (total += limit[li]![0]! - cursor[li]![0]!));
    if (total === 0) {
      return 0;
    }
    const base = tiers[0]!;
    if (total <= columns) {
      // Sparse: every record is its own mark (merged over the group's lanes by time).
      const list: number[] = [];
      lanes.forEach((_, li) => {
        for (let j = cursor[li]![0]!; j < limit[li]![0]!; j++) {
          list.push(j);
        }
      });
      list.sort((a, b) => base.times[a]! - base.times[b]! || base.rows[a]! - base.rows[b]!);
      for (const j of list) {
        push(base.rows[j]!, base.times[j]!, gi, 1);
      }
      return total;
    }
    for (let c = 0; c < columns; c++) {
      // Skip to the column of the next record: dense windows still have empty stretches.
      let next = Infinity;
      for (let li = 0; li < lanes.length; li++) {
        if (cursor[li]![0]! < limit[li]![0]!) {
          next = Math.min(next, base.times[cursor[li]![0]!]!);
        }
      }
      if (next === Infinity) {
        break;
      }
      c = Math.max(c, Math.min(columns - 1, Math.floor((next - start) / colMs)));
      const edge = c === columns - 1 ? end : start + (c + 1) * colMs;
      let count = 0;
      let bestRow = -1;
      let bestTime = 0;
      let bestSeverity = -1;
      for (let li = 0; li < lanes.length; li++) {
        const cur = cursor[li]!;
        const lim = limit[li]!;
        for (let ti = 0; ti < tiers.length; ti++) {
          const t = tiers[ti]!;
          const from = cur[ti]!;
          const to = gallop(t.times, edge, from, lim[ti]!);
          if (to > from) {
            if (ti === 0) {
              count += to - from;
            }
            // Higher tiers are more severe: the first record of the highest non-empty tier stands for
            // the column (earliest when lanes tie).
            const sev = minSeverity + ti;
            if (sev > bestSeverity || (sev === bestSeverity && t.times[from]! < bestTime)) {
              bestSeverity = sev;
              bestRow = t.rows[from]!;
              bestTime = t.times[from]!;
            }
          }
          cur[ti] = to;
        }
      }
      if (count > 0) {
        push(bestRow, bestTime, gi, count);
      }
    }
    return total;
  }

  private readonly hostLanes = new Map<number, number[]>();
  private readonly mergedHosts = new Map<number, readonly [Tier, Tier, Tier]>();

  private isWholeHost(host: number, lanes: readonly number[]): boolean {
    let own = this.hostLanes.get(host);
    if (!own) {
      own = [...this.lanes.keys()].filter((l) => this.lanes[l]!.host === host);
      this.hostLanes.set(host, own);
    }
    return lanes.length === own.length && lanes.every((l) => this.lanes[l]?.host === host);
  }

  /** A host's rows merged over its lanes, as tiers of one lane; built when first asked for, then kept. */
  private hostTiers(host: number): readonly [Tier, Tier, Tier] {
    let merged = this.mergedHosts.get(host);
    if (!merged) {
      const all = this.tiers[0];
      const own = this.hostLanes.get(host) ?? [];
      const n = own.reduce((sum, l) => sum + all.offsets[l + 1]! - all.offsets[l]!, 0);
      const rows = new Int32Array(n);
      let at = 0;
      for (const l of own) {
        rows.set(all.rows.subarray(all.offsets[l], all.offsets[l + 1]), at);
        at += all.offsets[l + 1]! - all.offsets[l]!;
      }
      sortByKey(rows, (i) => this.times[i]!);
      const times = Float64Array.from(rows, (i) => this.times[i]!);
      const severity = Uint8Array.from(rows, (i) => this.cols.severity[i]!);
      const one: Tier = { offsets: Int32Array.of(0, n), rows, times };
      merged = [one, subTier(one, severity, 1), subTier(one, severity, 2)];
      this.mergedHosts.set(host, merged);
    }
    return merged;
  }

  /** One mark per column for rows already chosen and in time order. */
  private thinList(
    rows: readonly number[],
    start: number,
    colMs: number,
    gi: number,
    push: (row: number, t: number, gi: number, count: number) => void,
  ): void {
    let j = 0;
    while (j < rows.length) {
      const col = Math.floor((this.times[rows[j]!]! - start) / colMs);
      let best = rows[j]!;
      let count = 0;
      while (j < rows.length && Math.floor((this.times[rows[j]!]! - start) / colMs) === col) {
        if (this.severityOf(rows[j]!) > this.severityOf(best)) {
          best = rows[j]!;
        }
        count++;
        j++;
      }
      push(best, this.times[best]!, gi, count);
    }
  }

  private arrows(
    start: number,
    end: number,
    columns: number,
    colMs: number,
    groupOf: Int32Array,
    groupCount: number,
    filter: WindowFilter,
    keep: (row: number) => boolean,
  ): { arrows: ArrowBatch; omitted: boolean } {
    const arrows: ArrowBatch = {
      fromRows: [],
      toRows: [],
      fromTimes: [],
      toTimes: [],
      fromGroups: [],
      toGroups: [],
      evidence: [],
      counts: [],
    };
    const m = this.linkOrder.length;
    const first = lowerBound(this.linkStart, start - this.shortSpan, 0, m);
    const last = lowerBound(this.linkStart, end, first, m);
    if (last - first + this.longLinks.length > MAX_WINDOW_LINKS) {
      return { arrows, omitted: true };
    }
    const seen = new Map<number, number>();
    const consider = (k: number): void => {
      const from = this.sources[k]!;
      const to = this.targets[k]!;
      const gf = groupOf[this.laneOf[from]!]!;
      const gt = groupOf[this.laneOf[to]!]!;
      if (gf < 0 || gt < 0 || gf === gt) {
        return;
      }
      const tf = this.times[from]!;
      const tt = this.times[to]!;
      if (Math.max(tf, tt) < start || Math.min(tf, tt) >= end) {
        return;
      }
      if (
        this.severityOf(from) < filter.minSeverity ||
        this.severityOf(to) < filter.minSeverity ||
        !keep(from) ||
        !keep(to)
      ) {
        return;
      }
      const col = Math.max(0, Math.min(columns - 1, Math.floor((tf - start) / colMs)));
      const key = (gf * groupCount + gt) * columns + col;
      const evidence = this.linkCols.evidence[k]! as EvidenceLevel;
      const at = seen.get(key);
      if (at !== undefined) {
        arrows.counts[at]!++;
        // The strongest evidence stands for the bundle of links.
        if (evidence < arrows.evidence[at]!) {
          arrows.evidence[at] = evidence;
        }
        return;
      }
      if (arrows.fromRows.length >= MAX_ARROWS) {
        return;
      }
      seen.set(key, arrows.fromRows.length);
      arrows.fromRows.push(from);
      arrows.toRows.push(to);
      arrows.fromTimes.push(tf);
      arrows.toTimes.push(tt);
      arrows.fromGroups.push(gf);
      arrows.toGroups.push(gt);
      arrows.evidence.push(evidence);
      arrows.counts.push(1);
    };
    for (let j = first; j < last; j++) {
      consider(this.linkOrder[j]!);
    }
    for (const k of this.longLinks) {
      consider(k);
    }
    return { arrows, omitted: false };
  }

  private flowSet: { flow: number; rows: Set<number> } | undefined;

  private inFlow(row: number, flow: number): boolean {
    if ((this.flagsOf[row]! & MarkFlag.inFlow) === 0) {
      return false;
    }
    if (this.flowSet?.flow !== flow) {
      this.flowSet = { flow, rows: new Set(this.store.flows[flow]?.events ?? []) };
    }
    return this.flowSet.rows.has(row);
  }

  /** A flow's rows within [start, end), in time order (flows keep theirs sorted). */
  private flowRowsInWindow(flow: number, start: number, end: number): number[] {
    const rows: number[] = [];
    for (const row of this.store.flows[flow]?.events ?? []) {
      const t = this.times[row]!;
      if (t >= start && t < end) {
        rows.push(row);
      }
    }
    return rows;
  }

  private prepareText(text: string): void {
    if (text !== this.textQuery || !this.textState) {
      this.textQuery = text;
      this.textState = new Uint8Array(this.store.eventCount);
      this.textRead = 0;
    }
  }

  private readText(row: number, text: string): void {
    let match = false;
    try {
      match = this.store.text(row).toLowerCase().includes(text);
    } catch {
      // A file gone since analysis: the row simply does not match.
    }
    this.textState![row] = match ? 2 : 1;
    this.textRead++;
  }

  /** Whether `row` passes the filter, reading its text if it must (no budget: one row). */
  passes(row: number, filter: WindowFilter): boolean {
    if (this.severityOf(row) < filter.minSeverity) {
      return false;
    }
    if (filter.flow >= 0 && !this.inFlow(row, filter.flow)) {
      return false;
    }
    const text = filter.text.trim().toLowerCase();
    if (text === '') {
      return true;
    }
    this.prepareText(text);
    if (this.textState![row] === 0) {
      this.readText(row, text);
    }
    return this.textState![row] === 2;
  }

  /**
   * The next (`direction` 1) or previous (-1) row after `row` in time order among `lanes` that passes the
   * filter; ties in time are ordered by row. At most `maxScan` rows are looked at.
   */
  step(row: number, direction: 1 | -1, lanes: readonly number[], filter: WindowFilter, maxScan = 20_000): number {
    const t0 = this.times[row]!;
    const tier = this.tiers[filter.minSeverity];
    const after = (t: number, r: number): boolean => t > t0 || (t === t0 && r > row);
    const before = (t: number, r: number): boolean => t < t0 || (t === t0 && r < row);
    let best = -1;
    let bestTime = 0;
    let scanned = 0;
    for (const lane of lanes) {
      if (lane < 0 || lane >= this.lanes.length) {
        continue;
      }
      const lo = tier.offsets[lane]!;
      const hi = tier.offsets[lane + 1]!;
      let j = lowerBound(tier.times, t0, lo, hi);
      if (direction === 1) {
        for (; j < hi && scanned < maxScan; j++) {
          const r = tier.rows[j]!;
          const t = tier.times[j]!;
          if (best >= 0 && (t > bestTime || (t === bestTime && r > best))) {
            break;
          }
          if (after(t, r) && (scanned++, this.passes(r, filter))) {
            best = r;
            bestTime = t;
            break;
          }
        }
      } else {
        // Rows at t0 may sit on either side of the start: step back from the first row after t0.
        j = lowerBound(tier.times, t0 + 1e-9, lo, hi) - 1;
        for (; j >= lo && scanned < maxScan; j--) {
          const r = tier.rows[j]!;
          const t = tier.times[j]!;
          if (best >= 0 && (t < bestTime || (t === bestTime && r < best))) {
            break;
          }
          if (before(t, r) && (scanned++, this.passes(r, filter))) {
            best = r;
            bestTime = t;
            break;
          }
        }
      }
    }
    return best;
  }

  /** The record at a file's line, or the nearest before it in that file; -1 when the file has none. */
  locate(file: string, line: number): number {
    const s = this.store;
    const fileOf = (r: number): number => this.cols.file[r]!;
    const lineOf = (r: number): number => this.cols.line[r]!;
    if (!this.byFileLine) {
      const rows = new Int32Array(s.eventCount);
      for (let i = 0; i < rows.length; i++) {
        rows[i] = i;
      }
      this.byFileLine = rows.sort((a, b) => fileOf(a) - fileOf(b) || lineOf(a) - lineOf(b) || a - b);
    }
    const rows = this.byFileLine;
    if (!this.fileIds) {
      this.fileIds = new Map();
      for (let i = 0; i < rows.length; i++) {
        const id = fileOf(rows[i]!);
        if (i === 0 || id !== fileOf(rows[i - 1]!)) {
          this.fileIds.set(s.interned(id), id);
        }
      }
    }
    const found = this.fileIds.get(file);
    if (found === undefined) {
      return -1;
    }
    let lo = 0;
    let hi = rows.length;
    // The last row of the file with line <= `line`.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = rows[mid]!;
      if (fileOf(r) < found || (fileOf(r) === found && lineOf(r) <= line)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    const at = lo - 1;
    if (at >= 0 && fileOf(rows[at]!) === found) {
      return rows[at]!;
    }
    // Every record of the file starts after the line: take the file's first.
    return lo < rows.length && fileOf(rows[lo]!) === found ? rows[lo]! : -1;
  }

  /** The rows of a flow and the links among them. */
  flowHighlight(flow: number): Highlight | undefined {
    const f = this.store.flows[flow];
    return f ? { ...this.highlight([...f.events], false), summary: f.summary } : undefined;
  }

  /** A failure's chain from its upstream cause to the failing record, and the links along it. */
  chainHighlight(failure: number): Highlight | undefined {
    const f = this.store.failures[failure];
    if (!f) {
      return undefined;
    }
    const chain = f.chain.length > 0 ? [...f.chain] : [f.upstreamCause, f.event];
    return { ...this.highlight(chain, true), hint: f.hint };
  }

  private highlight(rows: number[], chain: boolean): Highlight {
    const byRow = this.linkIndex();
    const inSet = new Set(rows);
    const links: HighlightLink[] = [];
    const add = (k: number): void => {
      links.push({
        from: this.sources[k]!,
        to: this.targets[k]!,
        evidence: this.linkCols.evidence[k]! as EvidenceLevel,
        key: this.store.linkKeyText(k),
      });
    };
    if (chain) {
      // The chain is a path: one link per consecutive pair, the strongest where several join them.
      for (let j = 0; j + 1 < rows.length; j++) {
        const a = rows[j]!;
        const b = rows[j + 1]!;
        let best = -1;
        for (let p = byRow.offsets[a]!; p < byRow.offsets[a + 1]!; p++) {
          const k = byRow.links[p]!;
          const other = this.sources[k]! === a ? this.targets[k]! : this.sources[k]!;
          if (other === b && (best < 0 || this.linkCols.evidence[k]! < this.linkCols.evidence[best]!)) {
            best = k;
          }
        }
        if (best >= 0) {
          add(best);
        } else {
          // Steps of a chain on one host follow each other in its log without a link of their own.
          links.push({ from: a, to: b, evidence: 2, key: 'next step in the chain' });
        }
      }
    } else {
      for (const a of rows) {
        for (let p = byRow.offsets[a]!; p < byRow.offsets[a + 1]!; p++) {
          const k = byRow.links[p]!;
          // Each link once: from the end it starts at.
          if (this.sources[k]! === a && inSet.has(this.targets[k]!)) {
            add(k);
          }
        }
      }
    }
    const times = rows.map((r) => this.times[r]!);
    return {
      rows,
      times,
      lanes: rows.map((r) => this.laneOf[r]!),
      severity: rows.map((r) => this.severityOf(r)),
      links,
      start: Math.min(...times),
      end: Math.max(...times),
    };
  }

  /** Links by row (both ends), built on first use: only highlights need it. */
  private linkIndex(): { offsets: Int32Array; links: Int32Array } {
    if (!this.linksByRow) {
      const s = this.store;
      const offsets = new Int32Array(s.eventCount + 1);
      for (let k = 0; k < s.linkCount; k++) {
        offsets[this.sources[k]! + 1]!++;
        offsets[this.targets[k]! + 1]!++;
      }
      for (let i = 0; i < s.eventCount; i++) {
        offsets[i + 1]! += offsets[i]!;
      }
      const fill = offsets.slice(0, s.eventCount);
      const links = new Int32Array(2 * s.linkCount);
      for (let k = 0; k < s.linkCount; k++) {
        links[fill[this.sources[k]!]!++] = k;
        links[fill[this.targets[k]!]!++] = k;
      }
      this.linksByRow = { offsets, links };
    }
    return this.linksByRow;
  }
}
