// A WindowsUpdate.log that Get-WindowsUpdateLog decoded in another zone: the quarter-hour offset its
// ConfigMgr searches show against WUAHandler's, and the move of its records onto the host's clock.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../src/correlate/collect.ts';
import { alignDecodedLogs, fileClockBasis, offsetOf } from '../../src/correlate/file-clocks.ts';
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
    expect(offsetOf(handler, searches)).toBeUndefined();
  });

  it('moves nothing on a tie with no move, or when nothing lines up', () => {
    expect(offsetOf([T0, T0 + 3 * HOUR], [T0 + 40, T0 + 3 * HOUR + 2 * HOUR + 40])).toBeUndefined();
    expect(offsetOf([T0], [T0 + 6 * HOUR + 5 * MINUTE])).toBeUndefined();
    expect(offsetOf([], [T0])).toBeUndefined();
    expect(offsetOf([T0], [])).toBeUndefined();
  });

  it('counts a search once per offset, however many handler starts it could answer', () => {
    // Two handler starts 30 s apart and one search: one vote at +6 h, not two against one real pair at none.
    const handler = [T0, T0 + 30 * SECOND, T0 + 2 * HOUR];
    const searches = [T0 + 6 * HOUR + 40 * SECOND, T0 + 2 * HOUR + 10];
    expect(offsetOf(handler, searches)).toBeUndefined();
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
          const found = offsetOf(handler, [...searches, ...noise]);
          if (offset === 0) {
            expect(found).toBeUndefined();
          } else {
            expect(found).toEqual({ offsetMs: offset, matched: handler.length });
          }
        },
      ),
    );
  });
});

describe('alignDecodedLogs', () => {
  const HANDLER = 'PS1WIN11X64/Windows/CCM/Logs/WUAHandler.log';
  const DECODED = 'PS1WIN11X64/Desktop/WindowsUpdate.log';
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
    const clocks = alignDecodedLogs(events, new Set([DECODED]));
    expect(clocks).toEqual([{ host: 'PS1WIN11X64', file: DECODED, offsetMinutes: 360, matched: 1, searches: 1 }]);
    expect(events.map((e, i) => before[i]! - e.utc)).toEqual([0, ahead, ahead, ahead, 0]);
    expect(fileClockBasis(clocks[0]!, 300)).toBe(
      "Get-WindowsUpdateLog output decoded at UTC+01:00, 6 h ahead of the host's UTC-05:00 (on another machine): " +
        'its times are moved back 6 h, which lines up 1 of its 1 ConfigMgr searches (ClientId = CcmExec) with WUAHandler.log',
    );
  });

  it('leaves files alone that are not decoded output, and decoded ones already on the host clock', () => {
    const legacy = 'PS1WIN11X64/Windows/WindowsUpdate.log';
    const events = [
      event(HANDLER, T0, 'WUAHandler.searchStarted'),
      event(legacy, T0 + 6 * HOUR + 25, 'WindowsUpdate.callStart', { caller: 'CcmExec' }),
      event(DECODED, T0 + 25, 'WindowsUpdate.callStart', { caller: 'CcmExec' }),
    ];
    const before = [...events];
    expect(alignDecodedLogs(events, new Set([DECODED]))).toEqual([]);
    expect(events).toEqual(before);
    expect(alignDecodedLogs(events, new Set())).toEqual([]);
  });
});
