// A client clock set back within the bundle further than the time between its messages leaves its logged
// times from before and after interleaved: no time divides them. Each log's own order does: its time goes
// back where the clock was set. Which side of that place a record lies on says which clock it was logged by.

import { logGroup } from '../parsers/bundle.ts';
import { firstIndexAt, groupBy } from './time-order.ts';

export type ClockSide = 'before' | 'after';

/** Where a record lies: its file, its place in it, its logged time (and its line, to cite). */
export interface Placed {
  readonly file: string;
  readonly seq: number;
  readonly utc: number;
  readonly line?: number;
}

/** Where a log went back in time: the file and line of its first record of the later clock. */
export interface JumpPlace {
  readonly file: string;
  readonly line: number | undefined;
}

/** A log writes "far more often" than a stretch is long when its median gap fits this many times in it. */
const BUSY = 10;

/** The median time between a log's records (in their order), or infinity for fewer than two. */
function medianGap(list: readonly Placed[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < list.length; i++) {
    gaps.push(Math.abs(list[i]!.utc - list[i - 1]!.utc));
  }
  gaps.sort((a, b) => a - b);
  return gaps.length === 0 ? Number.POSITIVE_INFINITY : gaps[gaps.length >> 1]!;
}

/** How far back a log's time must go to be a clock set back, not threads writing out of order. */
export const JUMP_MS = 60_000;

/**
 * Where a file's time first went back by more than JUMP_MS, told from all its records as they are read (the
 * ones kept are too few to show it on a busy server's logs), and its latest time before then.
 */
export interface WentBack {
  readonly host: string;
  readonly seq: number;
  readonly line: number;
  readonly lastBefore: number;
  readonly firstAfter: number;
  /**
   * Back by SHALLOW_MS to JUMP_MS only, the deepest such place: not a clock set back by itself (threads write
   * out of order), but where a server's clients show it was, the place (see `Workspace.oneLogJumps`).
   */
  readonly shallow?: boolean;
}

/** How far back a file's time must go for `WentBack` to note it as shallow. */
export const SHALLOW_MS = 20_000;

/**
 * Notes where `file`'s time went back, if it is the file's first place back by JUMP_MS or its deepest yet.
 * Returns whether the file's place is found for good (back by JUMP_MS): nothing after it need be noted.
 */
export function noteWentBack(wentBack: Map<string, WentBack>, file: string, at: Omit<WentBack, 'shallow'>): boolean {
  const back = at.lastBefore - at.firstAfter;
  const known = wentBack.get(file);
  if (
    back > SHALLOW_MS &&
    (known === undefined || (known.shallow === true && (back > JUMP_MS || back > known.lastBefore - known.firstAfter)))
  ) {
    wentBack.set(file, back > JUMP_MS ? at : { ...at, shallow: true });
  }
  const noted = wentBack.get(file);
  return noted !== undefined && noted.shallow !== true;
}

/** Logs that must go back for the host's clock to count as set back (one could be a log of its own). */
export const JUMPING_FILES = 2;

export interface ClockJumps {
  /** Logs (a file and its history) that went back in time. */
  readonly files: number;
  /** Where each of them went back, to cite. */
  readonly places: readonly JumpPlace[];
  /** Of them, the logs that state their zone (WindowsUpdate.log aside). */
  readonly zoned: number;
  /** The earlier clock's last reading and the later clock's first, on the logs that went back. */
  readonly lastBefore: number;
  readonly firstAfter: number;
  /** Which clock a record was logged by: by its place in a log that went back, else by its time. */
  side(e: Placed): ClockSide | undefined;
}

/**
 * The place each of a host's logs went back in time by more than JUMP_MS (its first such place), when
 * JUMPING_FILES (or `minLogs`) or more logs that state their zone did. `events` are the host's kept records, in
 * any order; `wentBack`, its files that went back among all their records, kept or not, so that a log of which
 * none is kept (an IIS log) counts too. A log is its current file and its history, in the order they were
 * written (`seq` follows the bundle's rotation order): a log that rolled over soon after the clock was set goes
 * back between its history and its current file (a client set back 3 h, of whose logs only StateMessage.log
 * went back within a file, had its earlier clock's records read three hours late). A WindowsUpdate.log, which
 * writes no zone, is not counted (its times come from the host's other logs), but its own place is kept: its
 * records were logged by the same clock.
 */
export function clockJumps(
  events: readonly Placed[],
  minLogs = JUMPING_FILES,
  wentBack: ReadonlyMap<string, WentBack> = new Map(),
): ClockJumps | undefined {
  const groupOf = new Map<string, string>();
  const byLog = new Map<string, Placed[]>();
  for (const [file, list] of groupBy<Placed>(events, (e) => e.file)) {
    const log = logGroup(file);
    groupOf.set(file, log);
    const known = byLog.get(log);
    byLog.set(log, known === undefined ? list : [...known, ...list]);
  }
  /** Per log, the first place it went back, among all its files' records. */
  const allRecords = new Map<string, WentBack & JumpPlace>();
  for (const [file, back] of wentBack) {
    const log = logGroup(file);
    groupOf.set(file, log);
    const known = allRecords.get(log);
    if (known === undefined || back.seq < known.seq) {
      allRecords.set(log, { ...back, file });
    }
    if (!byLog.has(log)) {
      byLog.set(log, []);
    }
  }
  const at = new Map<string, number>();
  const places: JumpPlace[] = [];
  /** The first and last reading of each log that did not go back. */
  const spans = new Map<string, [first: number, last: number]>();
  let lastBefore = Number.NEGATIVE_INFINITY;
  let firstAfter = Number.POSITIVE_INFINITY;
  for (const [log, list] of byLog) {
    list.sort((a, b) => a.seq - b.seq);
    let earliest = Number.POSITIVE_INFINITY;
    let latest = Number.NEGATIVE_INFINITY;
    // Among its kept records, where its history and its current file meet too (a log that rolled over soon
    // after the clock was set back), unless all its records went back earlier.
    const whole = allRecords.get(log);
    for (const e of list) {
      if (whole !== undefined && e.seq >= whole.seq) {
        break;
      }
      if (e.utc < latest - JUMP_MS) {
        at.set(log, e.seq);
        places.push({ file: e.file, line: e.line });
        lastBefore = Math.max(lastBefore, latest);
        firstAfter = Math.min(firstAfter, e.utc);
        break;
      }
      earliest = Math.min(earliest, e.utc);
      latest = Math.max(latest, e.utc);
    }
    if (whole !== undefined && !at.has(log)) {
      at.set(log, whole.seq);
      places.push({ file: whole.file, line: whole.line });
      lastBefore = Math.max(lastBefore, whole.lastBefore);
      firstAfter = Math.min(firstAfter, whole.firstAfter);
    }
    if (!at.has(log)) {
      spans.set(log, [earliest, latest]);
    }
  }
  const zoned = [...at.keys()].filter((log) => !/(^|\/)windowsupdate$/.test(log)).length;
  if (zoned < minLogs) {
    return undefined;
  }
  // A log that did not go back read one clock where both clocks' readings overlap, unless it was quiet for as
  // long as the clock was set back: the later one where it begins there and goes on past the earlier clock's
  // last reading (a log that rolled over after the clock was set: read by the earlier clock, a client's
  // WUAHandler.log history was three hours off the WindowsUpdate.log lines of its searches), the earlier one
  // where it began before the later clock's first and ends there. Those readings are only the ones the logs
  // that went back show: the clocks' own reach a little further. A log that writes far more often than the
  // overlap is long was not quiet that long, so it may begin (or end) up to that much beyond them (a client's
  // UpdatesDeployment.log history began 0.4 s before UpdatesHandler.log's first later reading, of the same
  // evaluation, and was read three hours off it).
  const overlap = lastBefore - firstAfter;
  const read = new Map<string, ClockSide>();
  const quiet: string[] = [];
  for (const [log, [first, last]] of spans) {
    // The median time between its records, asked only of a host whose clock was set back (a sort per log).
    const reach = medianGap(byLog.get(log)!) * BUSY < overlap ? overlap : 0;
    if (first >= firstAfter - reach && last > lastBefore) {
      read.set(log, 'after');
    } else if (first < firstAfter && last <= lastBefore + reach) {
      read.set(log, 'before');
    } else {
      quiet.push(log);
    }
  }
  const splits = quietSplits(
    quiet.map((log) => byLog.get(log)!),
    [...at].flatMap(([log, seq]) => byLog.get(log)!.map((e) => [e.utc, e.seq < seq] as const)),
    firstAfter,
    lastBefore,
  );
  return {
    files: at.size,
    places,
    zoned,
    lastBefore,
    firstAfter,
    side(e: Placed): ClockSide | undefined {
      const log = groupOf.get(e.file) ?? logGroup(e.file);
      const seq = at.get(log);
      if (seq !== undefined) {
        return e.seq < seq ? 'before' : 'after';
      }
      const split = splits.get(log);
      if (split !== undefined && (e.seq < split.before || e.seq >= split.after)) {
        return e.seq < split.before ? 'before' : 'after';
      }
      // A log that did not go back: by where its readings lie (above), else before the later clock's first
      // reading only the earlier clock logged, after the earlier clock's last only the later did, and between
      // either could have.
      return read.get(log) ?? (e.utc < firstAfter ? 'before' : e.utc > lastBefore ? 'after' : undefined);
    },
  };
}

/** How near a record of another log must be logged to count as logged with it (one operation's records). */
const ALONG_MS = 2_000;

/**
 * Where each log that went on across the clock's setting without going back (quiet across it: its earlier
 * clock's last record read before the later clock's first) changed clock: at the place where its records
 * agree most with the logs that went back, each record counting where one of theirs logged within ALONG_MS of
 * it is on the clock that place gives it (a client's WUAHandler.log history, quiet from 07:06 to 07:28 across
 * a clock set back 3 h at 07:59, went on with the later clock's scan at 07:28, logged 50 ms after ScanAgent's
 * line for it). Records before `before` (by seq) were logged by the earlier clock and from `after` by the
 * later; between the two places that agree equally, either. `known` is every record of the logs that went
 * back, by time, with whether the earlier clock logged it.
 */
function quietSplits(
  logs: readonly (readonly Placed[])[],
  known: ReadonlyArray<readonly [utc: number, earlier: boolean]>,
  firstAfter: number,
  lastBefore: number,
): Map<string, { readonly before: number; readonly after: number }> {
  const out = new Map<string, { before: number; after: number }>();
  if (logs.length === 0) {
    return out;
  }
  const sorted = [...known].sort((a, b) => a[0] - b[0]);
  const timeOf = (k: readonly [number, boolean]): number => k[0];
  /** Whether a record of the earlier (or later) clock lies within ALONG_MS of `utc`. */
  const near = (utc: number, earlier: boolean): boolean => {
    for (
      let i = firstIndexAt(sorted, utc - ALONG_MS, timeOf);
      i < sorted.length && sorted[i]![0] <= utc + ALONG_MS;
      i++
    ) {
      if (sorted[i]![1] === earlier) {
        return true;
      }
    }
    return false;
  };
  for (const list of logs) {
    // The places the clock may have changed: after every record only the earlier clock read, before every
    // record only the later did.
    let lo = 0;
    while (lo < list.length && list[lo]!.utc < firstAfter) {
      lo++;
    }
    let hi = lo;
    while (hi < list.length && list[hi]!.utc <= lastBefore) {
      hi++;
    }
    // Agreement of a change at `lo`: every record in [lo, hi) on the later clock; moving it past a record
    // gains that record's agreement with the earlier clock and loses its agreement with the later.
    let score = 0;
    const step: number[] = [];
    for (let i = lo; i < hi; i++) {
      const e = list[i]!;
      const [early, late] = [near(e.utc, true), near(e.utc, false)];
      score += late ? 1 : 0;
      step.push((early ? 1 : 0) - (late ? 1 : 0));
    }
    let best = score;
    let first = lo;
    let last = lo;
    for (let i = lo; i < hi; i++) {
      score += step[i - lo]!;
      if (score > best) {
        [best, first, last] = [score, i + 1, i + 1];
      } else if (score === best) {
        last = i + 1;
      }
    }
    if (best > 0) {
      const seqAt = (i: number): number => (i < list.length ? list[i]!.seq : Number.POSITIVE_INFINITY);
      out.set(logGroup(list[0]!.file), { before: seqAt(first), after: seqAt(last) });
    }
  }
  return out;
}
