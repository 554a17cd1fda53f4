// A file whose times are not its host's clock. Get-WindowsUpdateLog turns Windows Update's ETL traces into
// a WindowsUpdate.log in the local time of the machine that decodes them, which need not be the client
// (reference §3.2): an admin who decodes on a workstation in another zone gets a log hours off the
// client's other logs, and no WUA search in it would join the WUAHandler request that started it.
//
// ConfigMgr's own searches give the offset away. WUAHandler logs `Async searching of updates using
// WUAgent started.` and WUA logs `* START *   Search ClientId = CcmExec` within a minute after it. Zones
// differ by whole quarter hours, so the offset is the quarter hour that lines up most of those pairs; the
// file's records are moved by it before any flow is built. Every decoded file is reported, moved or not, so
// that a reader knows when its times are the host's only by assumption.

import type { CollectedEvent } from './collect.ts';
import type { FileClockFinding, TimelineFileClock } from './model.ts';
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
  /** Minutes the file's times read ahead of its host's clock: what was subtracted from each record. */
  readonly offsetMinutes: number;
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
 * Puts each decoded WindowsUpdate.log of a layer on its host's clock. `decoded` maps the files read as
 * Get-WindowsUpdateLog output to their hosts; their events in `events` are replaced by moved copies (the
 * list is then no longer in time order: the workspace sorts what it indexes). Returns what was found of
 * every decoded file, moved or not.
 */
export function alignDecodedLogs(events: CollectedEvent[], decoded: ReadonlyMap<string, string>): FileClock[] {
  if (decoded.size === 0) {
    return [];
  }
  const handlerStarts = new Map<string, number[]>();
  const searchStarts = new Map<string, number[]>();
  for (const e of events) {
    if (e.kind === 'WUAHandler.searchStarted') {
      push(handlerStarts, e.host, e.utc);
    } else if (e.kind === 'WindowsUpdate.callStart' && decoded.has(e.file) && isConfigMgrCall(e)) {
      push(searchStarts, e.file, e.utc);
    }
  }
  const clocks = [...decoded].map(([file, host]): FileClock => {
    const starts = searchStarts.get(file) ?? [];
    const found = offsetOf(handlerStarts.get(host) ?? [], starts);
    const finding = found.offsetMs !== 0 ? 'moved' : found.matched > 0 ? 'on-host-clock' : 'not-checked';
    return {
      host,
      file,
      finding,
      offsetMinutes: found.offsetMs / MINUTE,
      matched: found.matched,
      searches: starts.length,
    };
  });
  const offsets = new Map(clocks.filter((c) => c.finding === 'moved').map((c) => [c.file, c.offsetMinutes * MINUTE]));
  if (offsets.size > 0) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const offset = offsets.get(e.file);
      if (offset !== undefined) {
        events[i] = { ...e, utc: shiftInstant(e.utc, -offset) };
      }
    }
  }
  return clocks;
}

const HOUR = 60 * MINUTE;
/** Records of one search call follow each other closer than this; a call is moved whole. */
const SESSION_GAP = 10 * MINUTE;
/** What WUA logs after a call's end about it (its result, the report event) follows within this. */
const REPORTED_WITHIN = 5 * SECOND;

/**
 * A legacy WindowsUpdate.log writes no zone: inside summer time's repeated hour a record takes the bias of
 * the record before it until its time goes back (file-run.ts), which a log quiet across the change never
 * does, so its first search after the change is read an hour early. ConfigMgr's searches give it away: one
 * that lines up with no WUAHandler start as read, but an hour later with one that no search of the file
 * answers, is moved an hour on, with the rest of its call (to its end, in the file's order).
 * `legacy` are the layer's legacy WindowsUpdate.log files; their events in `events` are replaced by moved
 * copies. Returns how many sessions were moved. (Seeds 22 and 36 with every condition: a 0x80072EE2 search
 * an hour before WUAHandler's, the scan's cause left on WUAHandler.log.)
 */
export function alignRepeatedHour(events: CollectedEvent[], legacy: ReadonlyMap<string, string>): number {
  if (legacy.size === 0) {
    return 0;
  }
  const handlerStarts = new Map<string, number[]>();
  const byFile = new Map<string, number[]>();
  events.forEach((e, i) => {
    if (e.kind === 'WUAHandler.searchStarted') {
      push(handlerStarts, e.host, e.utc);
    } else if (legacy.has(e.file)) {
      push(byFile, e.file, i);
    }
  });
  let moved = 0;
  for (const [file, indexes] of byFile) {
    const handler = handlerStarts.get(legacy.get(file)!) ?? [];
    indexes.sort((a, b) => events[a]!.seq - events[b]!.seq);
    const starts = indexes.filter((i) => {
      const e = events[i]!;
      return (
        e.kind === 'WindowsUpdate.callStart' && e.fields.operation?.toLowerCase() === 'search' && isConfigMgrCall(e)
      );
    });
    const answers = (h: number, s: number): boolean => s - h >= -BEFORE && s - h <= AFTER;
    const answered = (h: number): boolean => starts.some((i) => answers(h, events[i]!.utc));
    const shifts = new Map<number, number>();
    for (const i of starts) {
      const s = events[i]!.utc;
      if (handler.some((h) => answers(h, s))) {
        continue;
      }
      const by = [HOUR, -HOUR].filter((d) => handler.some((h) => answers(h, s + d) && !answered(h)));
      if (by.length === 1) {
        shifts.set(i, by[0]!);
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
  const h = [...handler].sort((a, b) => a - b);
  const votes = new Map<number, { n: number; apart: number }>();
  let from = 0;
  for (const s of [...searches].sort((a, b) => a - b)) {
    // A search at `s` can only answer a handler start within the widest zone difference of it.
    while (from < h.length && h[from]! < s - WIDEST - AFTER) {
      from++;
    }
    // Each search counts once per offset, for the handler start it lies closest after.
    const mine = new Map<number, number>();
    for (let i = from; i < h.length && h[i]! <= s + WIDEST + BEFORE; i++) {
      const d = s - h[i]!;
      const q = Math.round(d / QUARTER_HOUR);
      const rest = d - q * QUARTER_HOUR;
      if (rest >= -BEFORE && rest <= AFTER && Math.abs(rest) < (mine.get(q) ?? Number.POSITIVE_INFINITY)) {
        mine.set(q, Math.abs(rest));
      }
    }
    for (const [q, apart] of mine) {
      const v = votes.get(q);
      if (v) {
        v.n++;
        v.apart += apart;
      } else {
        votes.set(q, { n: 1, apart });
      }
    }
  }
  const none = votes.get(0)?.n ?? 0;
  let best: [number, { n: number; apart: number }] | undefined;
  for (const entry of votes) {
    const [, v] = entry;
    if (best === undefined || v.n > best[1].n || (v.n === best[1].n && v.apart < best[1].apart)) {
      best = entry;
    }
  }
  // A move needs more pairs for it than stay lined up without one.
  if (best === undefined || best[0] === 0 || best[1].n <= none) {
    return { offsetMs: 0, matched: none };
  }
  return { offsetMs: best[0] * QUARTER_HOUR, matched: best[1].n };
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

/** A decoded file's clock in a few words, for a host's facts: the move, or whether it was checked. */
export function fileClockOutcome(c: Pick<TimelineFileClock, 'finding' | 'offsetMinutes'>): string {
  switch (c.finding) {
    case 'moved':
      return (
        `moved ${c.offsetMinutes > 0 ? 'back' : 'forward'} ${hoursAndMinutes(Math.abs(c.offsetMinutes))} ` +
        '(decoded in another zone)'
      );
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
