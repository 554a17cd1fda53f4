// A WindowsUpdate.log that Get-WindowsUpdateLog decoded in another zone: the quarter-hour offset its
// ConfigMgr searches show against WUAHandler's, and the move of its records onto the host's clock.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../src/correlate/collect.ts';
import {
  alignDecodedLogs,
  alignRepeatedHour,
  fileClockBasis,
  fileClockOutcome,
  offsetAtLine,
  offsetOf,
} from '../../src/correlate/file-clocks.ts';
import type { FileClock } from '../../src/correlate/file-clocks.ts';
import type { Severity } from '../../src/parsers/record.ts';
import { utcInstant } from '../../src/parsers/time.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2025, 0, 21, 15, 21, 13);

describe('offsetOf', () => {
  it('finds the hours a decoded log reads ahead, from searches that start seconds after the handler', () => {
    const handler = [T0, T0 + 47 * MINUTE];
    const searches = handler.map((t, i) => t + 6 * HOUR + [31, 12_400][i]!);
    expect(offsetOf(handler, searches)).toEqual({ offsetMs: 6 * HOUR, matched: 2 });
  });

  it('finds half-hour zones and logs that read behind', () => {
    expect(offsetOf([T0], [T0 - 5 * HOUR - 30 * MINUTE + 900])).toEqual({
      offsetMs: -(5 * HOUR + 30 * MINUTE),
      matched: 1,
    });
  });

  it('leaves a log that is on its host clock alone, whatever other offsets some pairs would fit', () => {
    // Hourly scans: each search also lies an hour after the previous handler start.
    const handler = [0, 1, 2, 3].map((i) => T0 + i * HOUR);
    const searches = handler.map((t) => t + 20);
    expect(offsetOf(handler, searches)).toEqual({ offsetMs: 0, matched: 4 });
  });

  it('moves nothing on a tie with no move, or when nothing lines up', () => {
    expect(offsetOf([T0, T0 + 3 * HOUR], [T0 + 40, T0 + 3 * HOUR + 2 * HOUR + 40])).toEqual({
      offsetMs: 0,
      matched: 1,
    });
    const nothing = { offsetMs: 0, matched: 0 };
    expect(offsetOf([T0], [T0 + 6 * HOUR + 5 * MINUTE])).toEqual(nothing);
    expect(offsetOf([], [T0])).toEqual(nothing);
    expect(offsetOf([T0], [])).toEqual(nothing);
  });

  it('counts a search once per offset, however many handler starts it could answer', () => {
    // Two handler starts 30 s apart and one search: one vote at +6 h, not two against one real pair at none.
    const handler = [T0, T0 + 30 * SECOND, T0 + 2 * HOUR];
    const searches = [T0 + 6 * HOUR + 40 * SECOND, T0 + 2 * HOUR + 10];
    expect(offsetOf(handler, searches)).toEqual({ offsetMs: 0, matched: 1 });
  });

  it('prefers, of offsets that line up as many searches, the one whose pairs lie closest', () => {
    // Scans two hours apart: at +4 h every search but the first also lies 30 s after the previous start.
    const handler = [0, 1, 2].map((i) => T0 + i * 2 * HOUR);
    const searches = handler.map((t) => t + 6 * HOUR + 2 * SECOND);
    const stray = T0 + 7 * 2 * HOUR + 30 * SECOND + 4 * HOUR;
    expect(offsetOf([...handler, T0 + 7 * 2 * HOUR], [...searches, stray])?.offsetMs).toBe(6 * HOUR);
  });

  it("recovers any quarter-hour offset, whatever searches lie off the handler starts' quarter hours", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 8, max: 120 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: -26 * 4, max: 26 * 4 }),
        fc.array(fc.integer({ min: 0, max: 40_000 }), { minLength: 30, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -200, max: 200 })), { maxLength: 40 }),
        (gaps, quarters, delays, strays) => {
          // Handler starts whole quarter hours apart, so a search seconds after one lies mid-quarter from
          // every other; strays lie mid-quarter from all of them.
          const handler: number[] = [];
          let t = T0;
          for (const g of gaps) {
            t += g * 15 * MINUTE;
            handler.push(t);
          }
          const offset = quarters * 15 * MINUTE;
          const searches = handler.map((h, i) => h + offset + delays[i]!);
          const noise = strays.map(
            ([i, q]) => handler[i % handler.length]! + q * 15 * MINUTE + 7 * MINUTE + 30 * SECOND,
          );
          expect(offsetOf(handler, [...searches, ...noise])).toEqual({ offsetMs: offset, matched: handler.length });
        },
      ),
    );
  });
});

describe('alignDecodedLogs', () => {
  const HANDLER = 'PS1WIN11X64/Windows/CCM/Logs/WUAHandler.log';
  const DECODED = 'PS1WIN11X64/Desktop/WindowsUpdate.log';
  const DECODED_ON_HOST = new Map([[DECODED, 'PS1WIN11X64']]);
  let seq = 0;
  const event = (
    file: string,
    utc: number,
    kind: string | undefined,
    fields: CollectedEvent['fields'] = {},
    severity: Severity = 'info',
  ): CollectedEvent => ({
    file,
    line: ++seq,
    endLine: seq,
    host: 'PS1WIN11X64',
    utc: utcInstant(utc),
    component: file.endsWith('WUAHandler.log') ? 'WUAHandler' : 'ComApi',
    severity,
    kind,
    fields,
    thread: 1,
    seq,
    offset: 0,
    length: 1,
    dup: 1,
    shape: undefined,
    row: -1,
  });

  it("moves the decoded file's records onto the host's clock and reports the move", () => {
    const ahead = 6 * HOUR;
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(DECODED, T0 + ahead + 25, 'WindowsUpdate.callStart', { caller: 'CcmExec' }),
      event(DECODED, T0 + ahead + 30 * SECOND, 'WindowsUpdate.failed', { errorCodes: ['0x80072EE2'] }, 'error'),
      // Windows Defender searches all the time; its calls say nothing of ConfigMgr's.
      event(DECODED, T0 + 20, 'WindowsUpdate.callStart', { caller: 'Windows Defender' }),
      event(HANDLER, T0 + 2 * MINUTE, 'WUAHandler.scanFailed'),
    ];
    const before = events.map((e) => e.utc);
    const clocks = alignDecodedLogs(events, DECODED_ON_HOST);
    expect(clocks).toEqual([
      {
        host: 'PS1WIN11X64',
        file: DECODED,
        finding: 'moved',
        offsetMinutes: 360,
        changes: [],
        matched: 1,
        searches: 1,
      },
    ]);
    expect(events.map((e, i) => before[i]! - e.utc)).toEqual([0, ahead, ahead, ahead, 0]);
    expect(fileClockBasis(clocks[0]!, 300)).toBe(
      "Get-WindowsUpdateLog output decoded at UTC+01:00, 6 h ahead of the host's UTC-05:00 (on another machine): " +
        'its times are moved back 6 h, which lines up its one ConfigMgr search (ClientId = CcmExec) with WUAHandler.log',
    );
  });

  it('leaves files alone that are not decoded output, and says when decoded ones are on the host clock', () => {
    const legacy = 'PS1WIN11X64/Windows/WindowsUpdate.log';
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(legacy, T0 + 6 * HOUR + 25, 'WindowsUpdate.callStart', { caller: 'CcmExec' }),
      event(DECODED, T0 + 25, 'WindowsUpdate.callStart', { caller: 'CcmExec' }),
    ];
    const before = [...events];
    const clocks = alignDecodedLogs(events, DECODED_ON_HOST);
    expect(clocks).toEqual([
      {
        host: 'PS1WIN11X64',
        file: DECODED,
        finding: 'on-host-clock',
        offsetMinutes: 0,
        changes: [],
        matched: 1,
        searches: 1,
      },
    ]);
    expect(events).toEqual(before);
    expect(fileClockBasis(clocks[0]!, 300)).toBe(
      "Get-WindowsUpdateLog output decoded in the host's zone (UTC-05:00): its one ConfigMgr search " +
        '(ClientId = CcmExec) lines up with WUAHandler.log as read',
    );
    expect(alignDecodedLogs(events, new Map())).toEqual([]);
  });

  it('counts the searches that line up in words', () => {
    const clock = (matched: number, searches: number): FileClock => ({
      host: 'PS1WIN11X64',
      file: DECODED,
      finding: 'on-host-clock',
      offsetMinutes: 0,
      changes: [],
      matched,
      searches,
    });
    const said = (matched: number, searches: number): string =>
      fileClockBasis(clock(matched, searches), 300).replace(/^.*\): /, '');
    expect(said(2, 2)).toBe('both of its ConfigMgr searches (ClientId = CcmExec) line up with WUAHandler.log as read');
    expect(said(3, 3)).toBe('all 3 of its ConfigMgr searches (ClientId = CcmExec) line up with WUAHandler.log as read');
    expect(said(1, 3)).toBe('1 of its 3 ConfigMgr searches (ClientId = CcmExec) lines up with WUAHandler.log as read');
  });

  it("sums up a decoded log's clock for the host's facts", () => {
    expect(fileClockOutcome({ finding: 'moved', offsetMinutes: 360 })).toBe('moved back 6 h (decoded in another zone)');
    expect(fileClockOutcome({ finding: 'moved', offsetMinutes: -330 })).toBe(
      'moved forward 5 h 30 min (decoded in another zone)',
    );
    expect(fileClockOutcome({ finding: 'on-host-clock', offsetMinutes: 0 })).toBe("on the host's clock (checked)");
    expect(fileClockOutcome({ finding: 'not-checked', offsetMinutes: 0 })).toBe(
      "not checked (read in the host's zone)",
    );
  });

  it('says a decoded log was not checked when no ConfigMgr search in it can tell, and leaves it alone', () => {
    // Windows Defender's searches only; then ConfigMgr's, but with no WUAHandler start anywhere near.
    const defenderOnly = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(DECODED, T0 + 20, 'WindowsUpdate.callStart', { caller: 'Windows Defender' }),
    ];
    const unmatched = [event(DECODED, T0 + 25, 'WindowsUpdate.callStart', { caller: 'CcmExec' })];
    const [none] = alignDecodedLogs(defenderOnly, DECODED_ON_HOST);
    const [lonely] = alignDecodedLogs(unmatched, DECODED_ON_HOST);
    expect(none).toEqual({
      host: 'PS1WIN11X64',
      file: DECODED,
      finding: 'not-checked',
      offsetMinutes: 0,
      changes: [],
      matched: 0,
      searches: 0,
    });
    expect(lonely).toMatchObject({ finding: 'not-checked', offsetMinutes: 0, changes: [], matched: 0, searches: 1 });
    expect(unmatched[0]!.utc).toBe(T0 + 25);
    expect(fileClockBasis(none!, 300)).toBe(
      "Get-WindowsUpdateLog output, read in the host's zone (UTC-05:00) unchecked: it holds no ConfigMgr search " +
        "(ClientId = CcmExec) to line up with WUAHandler.log: if another machine decoded it, its times are that machine's local time",
    );
    expect(fileClockBasis(lonely!, undefined)).toBe(
      "Get-WindowsUpdateLog output, read in the host's zone unchecked: none of its 1 ConfigMgr searches " +
        "(ClientId = CcmExec) lines up with WUAHandler.log at any quarter hour: if another machine decoded it, its times are that machine's local time",
    );
  });
});

describe("alignDecodedLogs across a change of its host's zone", () => {
  // A US Eastern client whose summer time ended within the bundle (bias 240, then 300 from CHANGE), its
  // WindowsUpdate.log decoded afterwards in Central time (bias 360) in one zone throughout: read in the host's
  // zone, the records before the change read 2 h behind its clock, those after 1 h behind.
  const HANDLER = 'PC/Windows/CCM/Logs/WUAHandler.log';
  const SCAN_AGENT = 'PC/Windows/CCM/Logs/ScanAgent.log';
  const DECODED = 'PC/Windows/WindowsUpdate.log';
  const CHANGE = T0 + 10 * HOUR;
  const ZONES = new Map([['PC', [{ utc: CHANGE, before: 240, after: 300 }]]]);
  const search = { caller: 'CcmExec' };
  let line = 0;
  const event = (file: string, utc: number, kind: string, fields: CollectedEvent['fields'] = {}): CollectedEvent =>
    ({ file, line: ++line, host: 'PC', utc: utcInstant(utc), kind, fields, seq: line }) as unknown as CollectedEvent;
  const decoded = (utc: number, kind: string, fields: CollectedEvent['fields'] = {}): CollectedEvent =>
    event(DECODED, utc, kind, fields);

  it('moves each side by its own offset, and says where the offset changes', () => {
    line = 0;
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(HANDLER, T0 + 6 * HOUR, 'WUAHandler.searchStarted'),
      event(HANDLER, T0 + 12 * HOUR, 'WUAHandler.searchStarted'),
      decoded(T0 - 2 * HOUR + 300, 'WindowsUpdate.callStart', search),
      decoded(T0 - 2 * HOUR + 40 * SECOND, 'WindowsUpdate.failed', { errorCodes: ['0x80072EE2'] }),
      decoded(T0 + 4 * HOUR + 300, 'WindowsUpdate.callStart', search),
      // After the change (as read: the file was read with the host's later bias from there on).
      decoded(T0 + 11 * HOUR + 300, 'WindowsUpdate.callStart', search),
      decoded(T0 + 11 * HOUR + 20 * SECOND, 'WindowsUpdate.callEnd', search),
    ];
    const before = events.map((e) => e.utc);
    const [clock] = alignDecodedLogs(events, new Map([[DECODED, 'PC']]), ZONES);
    expect(clock).toEqual({
      host: 'PC',
      file: DECODED,
      finding: 'moved',
      offsetMinutes: -120,
      changes: [{ fromLine: 7, offsetMinutes: -60 }],
      decodedBiasMinutes: 360,
      matched: 3,
      searches: 3,
    });
    expect(events.map((e, i) => (e.utc - before[i]!) / MINUTE)).toEqual([0, 0, 0, 120, 120, 120, 60, 60]);
    expect(fileClockBasis(clock!, 300)).toBe(
      "Get-WindowsUpdateLog output decoded at UTC-06:00 throughout, while its host's logs changed zone within it: " +
        "lines 1–6, read at the host's UTC-04:00, moved forward 2 h; from line 7, read at the host's UTC-05:00, " +
        'moved forward 1 h; which lines up all 3 of its ConfigMgr searches (ClientId = CcmExec) with WUAHandler.log',
    );
    expect(fileClockOutcome(clock!)).toBe(
      "moved forward 2 h to line 6, moved forward 1 h from line 7 (decoded in one zone across its host's change of zone)",
    );
    expect([1, 6, 7, 8].map((l) => offsetAtLine(clock!, l))).toEqual([-120, -120, -60, -60]);
  });

  it('keeps one offset throughout where both sides line up at it (a file converted at each date)', () => {
    line = 0;
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(HANDLER, T0 + 12 * HOUR, 'WUAHandler.searchStarted'),
      decoded(T0 + 6 * HOUR + 300, 'WindowsUpdate.callStart', search),
      decoded(T0 + 18 * HOUR + 300, 'WindowsUpdate.callStart', search),
    ];
    const [clock] = alignDecodedLogs(events, new Map([[DECODED, 'PC']]), ZONES);
    expect(clock).toMatchObject({ finding: 'moved', offsetMinutes: 360, changes: [], matched: 2 });
    expect(clock).not.toHaveProperty('decodedBiasMinutes');
  });

  it("keeps one offset throughout where only one side holds searches: nothing tells the file's zone apart", () => {
    line = 0;
    const events = [
      decoded(T0 + 2 * HOUR, 'WindowsUpdate.callStart', { caller: 'Windows Defender' }),
      event(HANDLER, T0 + 12 * HOUR, 'WUAHandler.searchStarted'),
      decoded(T0 + 11 * HOUR + 300, 'WindowsUpdate.callStart', search),
    ];
    const before = events.map((e) => e.utc);
    const [clock] = alignDecodedLogs(events, new Map([[DECODED, 'PC']]), ZONES);
    expect(clock).toMatchObject({ finding: 'moved', offsetMinutes: -60, changes: [], matched: 1 });
    expect(events.map((e, i) => (e.utc - before[i]!) / MINUTE)).toEqual([60, 0, 60]);
  });

  it("lines searches up with ScanAgent's scan requests where WUAHandler.log has rolled over", () => {
    line = 0;
    const events = [
      event(SCAN_AGENT, T0, 'ScanAgent.scanRequested'),
      event(SCAN_AGENT, T0 + 12 * HOUR, 'ScanAgent.scanRequested'),
      event(HANDLER, T0 + 12 * HOUR + 200, 'WUAHandler.searchStarted'),
      decoded(T0 - 2 * HOUR + 900, 'WindowsUpdate.callStart', search),
      decoded(T0 + 11 * HOUR + 900, 'WindowsUpdate.callStart', search),
    ];
    const [clock] = alignDecodedLogs(events, new Map([[DECODED, 'PC']]), ZONES);
    // The search after the change answers both ScanAgent's request and WUAHandler's start: it counts once.
    expect(clock).toMatchObject({ offsetMinutes: -120, changes: [{ fromLine: 5, offsetMinutes: -60 }], matched: 2 });
  });
});

describe('alignRepeatedHour', () => {
  // A legacy WindowsUpdate.log quiet across summer time's change: its first search after it lies in the
  // repeated hour, later than its record before, and was read with the first pass's bias, an hour early.
  const HANDLER = 'PC/Windows/CCM/Logs/WUAHandler.log';
  const LEGACY = 'PC/Windows/WindowsUpdate.log';
  const LEGACY_ON_HOST = new Map([[LEGACY, 'PC']]);
  let seq = 0;
  const event = (file: string, utc: number, kind: string, fields: CollectedEvent['fields'] = {}): CollectedEvent =>
    ({ file, line: ++seq, host: 'PC', utc: utcInstant(utc), kind, fields, seq }) as unknown as CollectedEvent;
  const search = { caller: 'CcmExec', operation: 'Search' };

  it('moves a search that lines up with a WUAHandler start only an hour on, with the rest of its call', () => {
    const events = [
      // Before the change: the first pass, read right.
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 400, 'WindowsUpdate.callStart', search),
      event(LEGACY, T0 + 30 * SECOND, 'WindowsUpdate.callEnd', search),
      // After it, 75 minutes on: WUAHandler states its new bias, the legacy log is read an hour early.
      event(HANDLER, T0 + 75 * MINUTE, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 15 * MINUTE + 7 * SECOND, 'WindowsUpdate.callStart', search),
      event(LEGACY, T0 + 15 * MINUTE + 40 * SECOND, 'WindowsUpdate.failed', { errorCodes: ['0x80072EE2'] }),
      event(LEGACY, T0 + 15 * MINUTE + 41 * SECOND, 'WindowsUpdate.callEnd', search),
      event(LEGACY, T0 + 15 * MINUTE + 42 * SECOND, 'WindowsUpdate.reportEvent'),
      // The next call, minutes later, is its own: it lines up as read.
      event(HANDLER, T0 + 2 * HOUR, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 2 * HOUR + 900, 'WindowsUpdate.callStart', search),
    ];
    const before = events.map((e) => e.utc);
    expect(alignRepeatedHour(events, LEGACY_ON_HOST)).toBe(1);
    expect(events.map((e, i) => (e.utc - before[i]!) / MINUTE)).toEqual([0, 0, 0, 0, 60, 60, 60, 60, 0, 0]);
  });

  it("moves a search that answers another's start as read, when that start has a nearer search", () => {
    // Two scans an hour and a minute apart across the change: the second search reads 58 s after the first's
    // start (within a start's minute), an hour before its own.
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 20, 'WindowsUpdate.callStart', search),
      event(LEGACY, T0 + 47 * SECOND, 'WindowsUpdate.callEnd', search),
      event(HANDLER, T0 + HOUR + 58 * SECOND, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 58 * SECOND + 30, 'WindowsUpdate.callStart', search),
      event(LEGACY, T0 + 2 * MINUTE, 'WindowsUpdate.callEnd', search),
    ];
    const before = events.map((e) => e.utc);
    expect(alignRepeatedHour(events, LEGACY_ON_HOST)).toBe(1);
    expect(events.map((e, i) => (e.utc - before[i]!) / MINUTE)).toEqual([0, 0, 0, 0, 60, 60]);
  });

  it('gives a start to the first of two searches read milliseconds apart on either pass of the repeated hour', () => {
    // Scans at 11:21:30 summer time and 11:21:30 standard time: the second search, read at summer time's bias,
    // 23 ms before the first as read, is the one an hour on.
    const events = [
      event(HANDLER, T0 - 31, 'WUAHandler.searchStarted'),
      event(HANDLER, T0 + HOUR - 8, 'WUAHandler.searchStarted'),
      event(LEGACY, T0, 'WindowsUpdate.callStart', search),
      event(LEGACY, T0 + 4 * SECOND, 'WindowsUpdate.callEnd', search),
      event(LEGACY, T0 - 23, 'WindowsUpdate.callStart', search),
      event(LEGACY, T0 + 8 * SECOND, 'WindowsUpdate.callEnd', search),
    ];
    const before = events.map((e) => e.utc);
    expect(alignRepeatedHour(events, LEGACY_ON_HOST)).toBe(1);
    expect(events.map((e, i) => (e.utc - before[i]!) / MINUTE)).toEqual([0, 0, 0, 0, 60, 60]);
  });

  it("moves an install call onto WUAHandler's installation start as a search onto its search start", () => {
    const install = { caller: 'CcmExec', operation: 'Install' };
    const events = [
      event(HANDLER, T0 + 75 * MINUTE, 'WUAHandler.installStarted'),
      event(LEGACY, T0 + 15 * MINUTE + 9, 'WindowsUpdate.callStart', install),
      event(LEGACY, T0 + 16 * MINUTE, 'WindowsUpdate.installStarting'),
      event(LEGACY, T0 + 17 * MINUTE, 'WindowsUpdate.callEnd', install),
      // A search start of WUAHandler's an hour on does not answer an install call.
      event(HANDLER, T0 + 3 * HOUR, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 2 * HOUR + 9, 'WindowsUpdate.callStart', install),
    ];
    const before = events.map((e) => e.utc);
    expect(alignRepeatedHour(events, LEGACY_ON_HOST)).toBe(1);
    expect(events.map((e, i) => (e.utc - before[i]!) / MINUTE)).toEqual([0, 60, 60, 60, 0, 0]);
  });

  it('moves nothing that lines up as read, nor onto a WUAHandler start another search answers', () => {
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(LEGACY, T0 + 400, 'WindowsUpdate.callStart', search),
      // An hour before that start, and nothing of WUAHandler's then: an hour on, its start is answered.
      event(LEGACY, T0 - HOUR + 400, 'WindowsUpdate.callStart', search),
      // Defender's and Automatic Updates' searches are not ConfigMgr's.
      event(LEGACY, T0 - HOUR + 900, 'WindowsUpdate.callStart', { caller: 'Windows Defender', operation: 'Search' }),
    ];
    const before = events.map((e) => e.utc);
    expect(alignRepeatedHour(events, LEGACY_ON_HOST)).toBe(0);
    expect(events.map((e) => e.utc)).toEqual(before);
  });
});
