// A file whose times are not its host's clock. Get-WindowsUpdateLog turns Windows Update's ETL traces into
// a WindowsUpdate.log in the local time of the machine that decodes them, which need not be the client
// (reference §3.2): an admin who decodes on a workstation in another zone gets a log hours off the
// client's other logs, and no WUA search in it would join the WUAHandler request that started it.
//
// ConfigMgr's own searches give the offset away. WUAHandler logs `Async searching of updates using
// WUAgent started.` (ScanAgent `successfully requested Scan` a moment before: what is left where WUAHandler.log
// rolled over) and WUA logs `* START *   Search ClientId = CcmExec` within a minute after it. Zones differ by
// whole quarter hours, so the offset is the quarter hour that lines up most of those pairs; the file's records
// are moved by it before any flow is built. A file decoded in one zone, while its host's summer time ended,
// reads an hour further off on one side of the change: the offset is then found for both sides at once. Every
// decoded file is reported, moved or not, so that a reader knows when its times are the host's only by
// assumption.

import type { CollectedEvent } from './collect.ts';
import type { BiasChange } from '../parsers/file-run.ts';
import type { FileClockFinding, OffsetChange, TimelineFileClock } from './model.ts';
import { hoursAndMinutes, shiftInstant, zoneFromBias } from '../parsers/time.ts';
import { push } from './time-order.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const QUARTER_HOUR = 15 * MINUTE;
/** UTC-12:00 to UTC+14:00: no two zones are further apart. */
const WIDEST = 26 * 60 * MINUTE;
/** How WUA's search start may fall around WUAHandler's, as the scan flow joins them (scan-flow.ts). */
const BEFORE = 5 * SECOND;
const AFTER = 60 * SECOND;

/** A decoded WindowsUpdate.log's clock against its host's. */
export interface FileClock {
  readonly host: string;
  readonly file: string;
  readonly finding: FileClockFinding;
  /** Minutes the file's times read ahead of its host's clock: what was subtracted from each record (up to `changes`). */
  readonly offsetMinutes: number;
  /** Where the offset changes within the file, with its host's zone (empty when one offset holds throughout). */
  readonly changes: readonly OffsetChange[];
  /** The decoding machine's bias, when the file was found decoded in one zone across its host's change of zone. */
  readonly decodedBiasMinutes?: number;
  /** ConfigMgr searches of the file that line up with WUAHandler's at that offset. */
  readonly matched: number;
  /** ConfigMgr searches the file holds. */
  readonly searches: number;
}

/** A WUA call ConfigMgr made (`ClientId = CcmExec`): legacy `COMAPI -- START --` or Windows 10 `* START *`. */
export function isConfigMgrCall(e: CollectedEvent): boolean {
  const caller = e.fields.caller;
  return caller === undefined || caller.trim().toLowerCase() === 'ccmexec';
}

/**
 * A stretch of a decoded file read with one bias of its host's (all of it, when the host kept one zone): the
 * file has no zone of its own and was read in its host's, so where the host's logs changed bias (summer time
 * ended) the file's records changed with them, though the decoding machine wrote them all in one zone.
 */
interface Side {
  /** Position in the file's order of the side's first record, and its line. */
  readonly from: number;
  readonly fromLine: number;
  /** The host's bias the side was read with; undefined when the host has no zone history. */
  bias: number | undefined;
  readonly searches: number[];
}

/**
 * Puts each decoded WindowsUpdate.log of a layer on its host's clock. `decoded` maps the files read as
 * Get-WindowsUpdateLog output to their hosts, `zones` the hosts to their changes of bias; their events in
 * `events` are replaced by moved copies (the list is then no longer in time order: the workspace sorts what
 * it indexes). Returns what was found of every decoded file, moved or not.
 */
export function alignDecodedLogs(
  events: CollectedEvent[],
  decoded: ReadonlyMap<string, string>,
  zones: ReadonlyMap<string, readonly BiasChange[]> = new Map(),
): FileClock[] {
  if (decoded.size === 0) {
    return [];
  }
  // ScanAgent's request too: where WUAHandler.log rolled over, it is the only start left.
  const { handlerStarts, byFile } = startsAndRecords(events, decoded, DECODED_STARTS);
  return [...decoded].map(([file, host]): FileClock => {
    const indexes = byFile.get(file) ?? [];
    const sides = sidesOf(
      indexes.map((i) => events[i]!),
      zones.get(host) ?? [],
    );
    const found = sideOffsets(handlerStarts.get(`${host}\u0000search`) ?? [], sides);
    sides.forEach((side, k) => {
      const offset = found.offsetsMs[k]!;
      const to = sides[k + 1]?.from ?? indexes.length;
      for (let p = side.from; offset !== 0 && p < to; p++) {
        const e = events[indexes[p]!]!;
        events[indexes[p]!] = { ...e, utc: shiftInstant(e.utc, -offset) };
      }
    });
    const changes = sides.flatMap((side, k): OffsetChange[] =>
      k > 0 && found.offsetsMs[k] !== found.offsetsMs[k - 1]
        ? [{ fromLine: side.fromLine, offsetMinutes: found.offsetsMs[k]! / MINUTE }]
        : [],
    );
    const moved = found.offsetsMs.some((o) => o !== 0);
    return {
      host,
      file,
      finding: moved ? 'moved' : found.matched > 0 ? 'on-host-clock' : 'not-checked',
      offsetMinutes: found.offsetsMs[0]! / MINUTE,
      changes,
      ...(changes.length > 0 && { decodedBiasMinutes: found.decodedBiasMinutes }),
      matched: found.matched,
      searches: sides.reduce((n, side) => n + side.searches.length, 0),
    };
  });
}

/** What starts a ConfigMgr search on a client, by the WUA call it starts: WUAHandler's `Async searching … started`. */
const HANDLER_STARTS: ReadonlyMap<string, string> = new Map([['WUAHandler.searchStarted', 'search']]);
/** The same, and ScanAgent's `successfully requested Scan` a moment before it. */
const DECODED_STARTS: ReadonlyMap<string, string> = new Map([...HANDLER_STARTS, ['ScanAgent.scanRequested', 'search']]);
/** What starts each of ConfigMgr's WUA calls: searches, and WUAHandler's `Async installation of updates started.` */
const CALL_STARTS: ReadonlyMap<string, string> = new Map([...HANDLER_STARTS, ['WUAHandler.installStarted', 'install']]);

/**
 * The starts (`kinds`, each the WUA call it starts) each host logged, by its utc, keyed `host` NUL `call`, and
 * where each of `files`' records lies in `events`, in the file's order.
 */
function startsAndRecords(
  events: readonly CollectedEvent[],
  files: ReadonlyMap<string, string>,
  kinds: ReadonlyMap<string, string>,
): { handlerStarts: Map<string, number[]>; byFile: Map<string, number[]> } {
  const handlerStarts = new Map<string, number[]>();
  const byFile = new Map<string, number[]>();
  events.forEach((e, i) => {
    const call = e.kind === undefined ? undefined : kinds.get(e.kind);
    if (call !== undefined) {
      push(handlerStarts, `${e.host}\u0000${call}`, e.utc);
    } else if (files.has(e.file)) {
      push(byFile, e.file, i);
    }
  });
  for (const indexes of byFile.values()) {
    indexes.sort((a, b) => events[a]!.seq - events[b]!.seq);
  }
  return { handlerStarts, byFile };
}

/**
 * A decoded file's records (in the file's order) split where they cross their host's changes of bias, each
 * side with its ConfigMgr search starts. A file read in its host's zone was read with the bias before a change
 * up to its instant and the one after from it on (file-run.ts `hostBiasAt`), so the time as read tells the
 * side; a file in time order crosses each change once.
 */
function sidesOf(records: readonly CollectedEvent[], changes: readonly BiasChange[]): Side[] {
  const sides: Side[] = [{ from: 0, fromLine: records[0]?.line ?? 1, bias: changes[0]?.before, searches: [] }];
  let next = 0;
  records.forEach((e, p) => {
    let bias: number | undefined;
    while (next < changes.length && e.utc >= changes[next]!.utc) {
      bias = changes[next++]!.after;
    }
    let side = sides[sides.length - 1]!;
    if (bias !== undefined) {
      if (p === side.from) {
        side.bias = bias;
      } else {
        side = { from: p, fromLine: e.line, bias, searches: [] };
        sides.push(side);
      }
    }
    if (e.kind === 'WindowsUpdate.callStart' && isConfigMgrCall(e)) {
      side.searches.push(e.utc);
    }
  });
  return sides;
}

const HOUR = 60 * MINUTE;
/** Records of one search call follow each other closer than this; a call is moved whole. */
const SESSION_GAP = 10 * MINUTE;
/** What WUA logs after a call's end about it (its result, the report event) follows within this. */
const REPORTED_WITHIN = 5 * SECOND;

/**
 * A legacy WindowsUpdate.log writes no zone: inside summer time's repeated hour a record takes the bias of
 * the record before it until its time goes back (file-run.ts), which a log quiet across the change never
 * does, so its first call after the change is read an hour early. ConfigMgr's calls give it away: a search
 * (or an install) that takes no WUAHandler search start (or ScanAgent's request, where WUAHandler.log no longer
 * reaches back; or installation start) as read, but would an hour later one that no call of the file takes,
 * is moved an hour on, with the rest of its call (to its end, in the file's order). `legacy` are the layer's legacy WindowsUpdate.log files; their events in
 * `events` are replaced by moved copies. Returns how many sessions were moved. (Seeds 22 and 36 with every
 * condition: a 0x80072EE2 search an hour before WUAHandler's, the scan's cause left on WUAHandler.log. Seed
 * 213: an install call an hour before WUAHandler's run, a flow of its own as if WUAHandler.log did not reach
 * back to it, and the run's flow without its updates' install lines.)
 */
export function alignRepeatedHour(events: CollectedEvent[], legacy: ReadonlyMap<string, string>): number {
  if (legacy.size === 0) {
    return 0;
  }
  const { handlerStarts, byFile } = startsAndRecords(events, legacy, CALL_STARTS);
  const answers = (h: number, s: number): boolean => s - h >= -BEFORE && s - h <= AFTER;
  // Where WUAHandler.log no longer reaches back to a search, ScanAgent's `successfully requested Scan` is the one
  // start of it left (a client set back 3 h kept a 0x80072EE2 search read an hour early, its cause on ScanAgent).
  for (const e of events) {
    if (e.kind === 'ScanAgent.scanRequested') {
      const key = `${e.host}\u0000search`;
      if (!(handlerStarts.get(key) ?? []).some((h) => answers(e.utc, h))) {
        push(handlerStarts, key, e.utc);
      }
    }
  }
  let moved = 0;
  for (const [file, indexes] of byFile) {
    const shifts = new Map<number, number>();
    for (const call of new Set(CALL_STARTS.values())) {
      const handler = [...(handlerStarts.get(`${legacy.get(file)!}\u0000${call}`) ?? [])].sort((a, b) => a - b);
      const starts = indexes.filter((i) => {
        const e = events[i]!;
        return e.kind === 'WindowsUpdate.callStart' && e.fields.operation?.toLowerCase() === call && isConfigMgrCall(e);
      });
      // In the file's order (the order the calls were made in), each call takes the earliest WUAHandler start
      // it answers as read that no call before it took: a second call read within a start's minute, after
      // another call answered that start, was made for another start (two scans an hour and a minute apart
      // across the change, the second read a minute after the first's start; or at the same minute of either
      // pass of the repeated hour, read milliseconds apart).
      const answered = new Set<number>();
      const paired = new Set<number>();
      for (const i of starts) {
        const s = events[i]!.utc;
        const h = handler.find((x) => !answered.has(x) && answers(x, s));
        if (h !== undefined) {
          answered.add(h);
          paired.add(i);
        }
      }
      for (const i of starts.filter((x) => !paired.has(x))) {
        const s = events[i]!.utc;
        const by = [HOUR, -HOUR].filter((d) => handler.some((h) => answers(h, s + d) && !answered.has(h)));
        if (by.length === 1) {
          shifts.set(i, by[0]!);
        }
      }
    }
    for (const [start, by] of shifts) {
      // The search's call in the file's order: from its start to its end (or, without one, while its records
      // follow each other within SESSION_GAP), and what WUA reports right after it.
      const at = indexes.indexOf(start);
      let to = at;
      while (to < indexes.length - 1) {
        const e = events[indexes[to]!]!;
        const next = events[indexes[to + 1]!]!;
        const ended = e.kind === 'WindowsUpdate.callEnd' && isConfigMgrCall(e);
        if (
          Math.abs(next.utc - e.utc) > (ended ? REPORTED_WITHIN : SESSION_GAP) ||
          next.kind === 'WindowsUpdate.callStart'
        ) {
          break;
        }
        to++;
      }
      for (const i of indexes.slice(at, to + 1)) {
        const e = events[i]!;
        events[i] = { ...e, utc: shiftInstant(e.utc, by) };
      }
      moved++;
    }
  }
  return moved;
}

/**
 * The quarter-hour offset of a file's search starts (`searches`) against WUAHandler's (`handler`), and how
 * many pairs it lines up. An offset other than none must line up more pairs than none does; otherwise the
 * offset is none, with the pairs none lines up (0 when nothing tells). Of offsets that line up as many,
 * the one whose pairs lie closer wins (a client that scans on a schedule lines up, one period off, all its
 * searches but one).
 */
export function offsetOf(
  handler: readonly number[],
  searches: readonly number[],
): { offsetMs: number; matched: number } {
  const found = sideOffsets(handler, [{ bias: undefined, searches }]);
  return { offsetMs: found.offsetsMs[0]!, matched: found.matched };
}

/**
 * The offset of each side of a decoded file (see `offsetOf`) across its host's changes of bias. Either the
 * file reads one offset throughout (decoded where the clocks change on the same dates, or converted at each
 * record's date), or it was written in one zone throughout, the decoding machine's at decoding, and reads
 * further off on the side of a change where its host's bias differs more; which of the two, and at which
 * offset or zone, is what lines up most searches. On a tie one offset throughout wins, as it does where
 * only one side holds searches and nothing tells the two apart.
 */
export function sideOffsets(
  handler: readonly number[],
  sides: ReadonlyArray<{ readonly bias: number | undefined; readonly searches: readonly number[] }>,
): { offsetsMs: number[]; matched: number; decodedBiasMinutes?: number } {
  const h = [...handler].sort((a, b) => a - b);
  const oneZone = sides.length > 1 && sides.every((s) => s.bias !== undefined);
  interface Vote {
    n: number;
    apart: number;
    readonly offsetsMs: number[];
    readonly decodedBiasMinutes?: number;
  }
  const votes = new Map<string, Vote>();
  const vote = (key: string, apart: number, offsetsMs: () => number[], decodedBiasMinutes?: number): void => {
    const v = votes.get(key);
    if (v) {
      v.n++;
      v.apart += apart;
    } else {
      votes.set(key, {
        n: 1,
        apart,
        offsetsMs: offsetsMs(),
        ...(decodedBiasMinutes !== undefined && { decodedBiasMinutes }),
      });
    }
  };
  for (const side of sides) {
    for (const pairs of quarterPairs(h, side.searches)) {
      for (const [q, apart] of pairs) {
        vote(`throughout ${q}`, apart, () => sides.map(() => q * QUARTER_HOUR));
        if (oneZone) {
          const decodedBias = side.bias! - (q * QUARTER_HOUR) / MINUTE;
          vote(`zone ${decodedBias}`, apart, () => sides.map((s) => (s.bias! - decodedBias) * MINUTE), decodedBias);
        }
      }
    }
  }
  const none = votes.get('throughout 0')?.n ?? 0;
  let best: [string, Vote] | undefined;
  for (const entry of votes) {
    // Keys come in the order met, one offset throughout before one zone: only a better count or fit replaces.
    const [, v] = entry;
    if (best === undefined || v.n > best[1].n || (v.n === best[1].n && v.apart < best[1].apart)) {
      best = entry;
    }
  }
  // A move needs more pairs for it than stay lined up without one.
  if (best === undefined || best[0] === 'throughout 0' || best[1].n <= none) {
    return { offsetsMs: sides.map(() => 0), matched: none };
  }
  const { offsetsMs, decodedBiasMinutes } = best[1];
  return { offsetsMs, matched: best[1].n, ...(decodedBiasMinutes !== undefined && { decodedBiasMinutes }) };
}

/**
 * For each search start (in time order), the quarter-hour offsets at which it lies just after a handler start
 * (`handler`, in time order), each with how far from a whole quarter hour: a search counts once per offset,
 * for the handler start it lies closest after.
 */
function quarterPairs(h: readonly number[], searches: readonly number[]): Array<Map<number, number>> {
  let from = 0;
  return [...searches]
    .sort((a, b) => a - b)
    .map((s) => {
      // A search at `s` can only answer a handler start within the widest zone difference of it.
      while (from < h.length && h[from]! < s - WIDEST - AFTER) {
        from++;
      }
      const mine = new Map<number, number>();
      for (let i = from; i < h.length && h[i]! <= s + WIDEST + BEFORE; i++) {
        const d = s - h[i]!;
        const q = Math.round(d / QUARTER_HOUR);
        const rest = d - q * QUARTER_HOUR;
        if (rest >= -BEFORE && rest <= AFTER && Math.abs(rest) < (mine.get(q) ?? Number.POSITIVE_INFINITY)) {
          mine.set(q, Math.abs(rest));
        }
      }
      return mine;
    });
}

/** Minutes a decoded file's times read ahead of its host's clock at this line of it. */
export function offsetAtLine(c: Pick<TimelineFileClock, 'offsetMinutes' | 'changes'>, line: number): number {
  let offset = c.offsetMinutes;
  for (const change of c.changes ?? []) {
    if (change.fromLine > line) {
      break;
    }
    offset = change.offsetMinutes;
  }
  return offset;
}

/** Minutes a decoded file's last records read ahead of its host's clock. */
export function lastOffset(c: Pick<TimelineFileClock, 'offsetMinutes' | 'changes'>): number {
  return c.changes?.at(-1)?.offsetMinutes ?? c.offsetMinutes;
}

/** What a host's report says of a decoded file: the zone it was decoded in, any move, and what showed it. */
export function fileClockBasis(c: FileClock, hostBiasMinutes: number | undefined): string {
  const hostZone = hostBiasMinutes === undefined ? '' : ` (${zoneFromBias(hostBiasMinutes)})`;
  switch (c.finding) {
    case 'on-host-clock':
      return (
        `Get-WindowsUpdateLog output decoded in the host's zone${hostZone}: ${linedUp(c)} ` +
        `${c.matched === 1 ? 'lines' : 'line'} up with WUAHandler.log as read`
      );
    case 'not-checked':
      return (
        `Get-WindowsUpdateLog output, read in the host's zone${hostZone} unchecked: ` +
        (c.searches === 0
          ? 'it holds no ConfigMgr search (ClientId = CcmExec) to line up with WUAHandler.log'
          : `none of its ${c.searches} ConfigMgr searches (ClientId = CcmExec) lines up with WUAHandler.log ` +
            'at any quarter hour') +
        ": if another machine decoded it, its times are that machine's local time"
      );
    case 'moved': {
      if (c.changes.length > 0 && c.decodedBiasMinutes !== undefined) {
        return acrossZoneChanges(c, c.decodedBiasMinutes);
      }
      const ahead = c.offsetMinutes > 0;
      const by = hoursAndMinutes(Math.abs(c.offsetMinutes));
      const apart = `${by} ${ahead ? 'ahead of' : 'behind'} the host's`;
      const zone =
        hostBiasMinutes === undefined
          ? `in a zone ${apart}`
          : `at ${zoneFromBias(hostBiasMinutes - c.offsetMinutes)}, ${apart} ${zoneFromBias(hostBiasMinutes)}`;
      return (
        `Get-WindowsUpdateLog output decoded ${zone} (on another machine): ` +
        `its times are moved ${ahead ? 'back' : 'forward'} ${by}, which lines up ${linedUp(c)} with WUAHandler.log`
      );
    }
  }
}

/**
 * A file decoded in one zone while its host's changed: each stretch of its lines, the host's zone it was read in
 * and its move, e.g. "lines 1–412, read at the host's UTC-05:00, moved forward 1 h; from line 413, at UTC-06:00,
 * as read".
 */
function acrossZoneChanges(c: FileClock, decodedBias: number): string {
  const stretches = offsetStretches(c).map(({ fromLine, toLine, offsetMinutes }) => {
    const lines = toLine === undefined ? `from line ${fromLine}` : `lines ${fromLine}–${toLine}`;
    return `${lines}, read at the host's ${zoneFromBias(decodedBias + offsetMinutes)}, ${moveOf(offsetMinutes)}`;
  });
  return (
    `Get-WindowsUpdateLog output decoded at ${zoneFromBias(decodedBias)} throughout, while its host's logs ` +
    `changed zone within it: ${stretches.join('; ')}; which lines up ${linedUp(c)} with WUAHandler.log`
  );
}

/** A decoded file's lines in stretches of one offset: the first from line 1, the last to the file's end. */
function offsetStretches(
  c: Pick<TimelineFileClock, 'offsetMinutes' | 'changes'>,
): Array<{ fromLine: number; toLine: number | undefined; offsetMinutes: number }> {
  const starts = [{ fromLine: 1, offsetMinutes: c.offsetMinutes }, ...(c.changes ?? [])];
  return starts.map((s, i) => ({ ...s, toLine: i + 1 < starts.length ? starts[i + 1]!.fromLine - 1 : undefined }));
}

/** "moved back 6 h", "moved forward 1 h", or "as read". */
function moveOf(offsetMinutes: number): string {
  return offsetMinutes === 0
    ? 'as read'
    : `moved ${offsetMinutes > 0 ? 'back' : 'forward'} ${hoursAndMinutes(Math.abs(offsetMinutes))}`;
}

/** A decoded file's clock in a few words, for a host's facts: the move, or whether it was checked. */
export function fileClockOutcome(c: Pick<TimelineFileClock, 'finding' | 'offsetMinutes' | 'changes'>): string {
  switch (c.finding) {
    case 'moved':
      if ((c.changes ?? []).length > 0) {
        const stretches = offsetStretches(c).map(({ fromLine, toLine, offsetMinutes }) =>
          toLine === undefined
            ? `${moveOf(offsetMinutes)} from line ${fromLine}`
            : `${moveOf(offsetMinutes)} to line ${toLine}`,
        );
        return `${stretches.join(', ')} (decoded in one zone across its host's change of zone)`;
      }
      return `${moveOf(c.offsetMinutes)} (decoded in another zone)`;
    case 'on-host-clock':
      return "on the host's clock (checked)";
    case 'not-checked':
      return "not checked (read in the host's zone)";
  }
}

/** Which of a file's ConfigMgr searches line up: "its one…", "both of its…", "all 3 of its…", "2 of its 3…". */
function linedUp(c: FileClock): string {
  const searches = 'ConfigMgr searches (ClientId = CcmExec)';
  if (c.searches === 1) {
    return 'its one ConfigMgr search (ClientId = CcmExec)';
  }
  if (c.matched === c.searches) {
    return `${c.searches === 2 ? 'both' : `all ${c.searches}`} of its ${searches}`;
  }
  return `${c.matched} of its ${c.searches} ${searches}`;
}
