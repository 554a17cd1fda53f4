// A client clock set back within the bundle further than the time between its messages: its logs go back in
// time where it was set (clock-jumps.ts), and a record's place in its log says which clock logged it.

import { describe, expect, it } from 'vitest';
import { clockJumps, noteWentBack } from '../../src/correlate/clock-jumps.ts';
import type { WentBack } from '../../src/correlate/clock-jumps.ts';
import type { CollectedEvent } from '../../src/correlate/collect.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 13, 12, 0, 0);

/** A record of `file` at its `seq`-th place, logged at T0 + minutes. */
function at(file: string, seq: number, minutes: number): CollectedEvent {
  return { host: 'PC', file, seq, utc: T0 + minutes * MIN } as unknown as CollectedEvent;
}

describe('clockJumps', () => {
  // Set back an hour at 40 min by its earlier clock: the logs' later records read from 0 min on again.
  const scan = [
    at('ScanAgent.log', 1, 10),
    at('ScanAgent.log', 2, 38),
    at('ScanAgent.log', 3, 2),
    at('ScanAgent.log', 4, 30),
  ];
  const messaging = [at('CcmMessaging.log', 1, 20), at('CcmMessaging.log', 2, 39), at('CcmMessaging.log', 3, 5)];

  it('tells the clock of each record by its place in a log that went back', () => {
    const jumps = clockJumps([...scan, ...messaging])!;
    expect(jumps.files).toBe(2);
    expect(jumps.lastBefore).toBe(T0 + 39 * MIN);
    expect(jumps.firstAfter).toBe(T0 + 2 * MIN);
    expect(scan.map((e) => jumps.side(e))).toEqual(['before', 'before', 'after', 'after']);
    // 30 min is logged by both clocks: the place decides.
    expect(jumps.side(at('ScanAgent.log', 4, 30))).toBe('after');
    // A log that did not go back: by its time where only one clock logged, else not known.
    expect(jumps.side(at('StateMessage.log', 1, 1))).toBe('before');
    expect(jumps.side(at('StateMessage.log', 1, 45))).toBe('after');
    expect(jumps.side(at('StateMessage.log', 1, 20))).toBeUndefined();
  });

  it('reads a log with its history as one, and a log that did not go back by where its readings lie', () => {
    // UpdatesStore.log rolled over just after the clock was set: its history ends on the earlier clock and its
    // current file begins on the later, so neither file goes back, but the log does.
    const store = [
      at('UpdatesStore-20250113-124000.log', 10, 25),
      at('UpdatesStore-20250113-124000.log', 11, 38),
      at('UpdatesStore.log', 12, 3),
      at('UpdatesStore.log', 13, 31),
    ];
    // WUAHandler.log's history begins after the later clock's first reading, and the log goes on past the
    // earlier clock's last: the later clock logged all of it. PolicyAgent.log began before the later clock's
    // first reading and ends where both clocks read: the earlier logged all of it.
    const handler = [at('WUAHandler-20250113-123500.log', 20, 15), at('WUAHandler-20250113-123500.log', 21, 30)];
    const policy = [at('PolicyAgent.log', 30, 1), at('PolicyAgent.log', 31, 25)];
    const jumps = clockJumps([...scan, ...store, ...handler, at('WUAHandler.log', 22, 50), ...policy])!;
    expect(jumps.files).toBe(2);
    expect(store.map((e) => jumps.side(e))).toEqual(['before', 'before', 'after', 'after']);
    expect(handler.map((e) => jumps.side(e))).toEqual(['after', 'after']);
    expect(policy.map((e) => jumps.side(e))).toEqual(['before', 'before']);
  });

  it('reads a busy log that did not go back by the clock it goes on with, though it began just before the first later reading the others show', () => {
    // UpdatesDeployment.log's history began on the later clock a moment before UpdatesHandler.log's first
    // later reading (the same evaluation), and writes every minute: it was not quiet for the hour the clock
    // was set back, so all of it is the later clock's. A log that writes every half hour may have been.
    const busy = Array.from({ length: 60 }, (_, k) => at('UpdatesDeployment-20250113-161949.log', 40 + k, 1.99 + k));
    const sparse = [at('Sparse.log', 200, 1.99), at('Sparse.log', 201, 31), at('Sparse.log', 202, 61)];
    const jumps = clockJumps([...scan, ...messaging, ...busy, ...sparse])!;
    expect(new Set(busy.map((e) => jumps.side(e)))).toEqual(new Set(['after']));
    expect(sparse.map((e) => jumps.side(e))).toEqual(['before', undefined, 'after']);
  });

  it("reads a log quiet across the setting by where its records agree with the others' on either clock", () => {
    // WUAHandler.log goes on from 1 min to 45 min without going back: somewhere between its records the clock
    // was set. Its line 0.6 s after ScanAgent's 10 min on the earlier clock, and its line 0.6 s after ScanAgent's
    // 30 min on the later, place the change between them; its 25 min line, near neither, could be either's.
    const quiet = [1, 10.01, 25, 30.01, 45].map((m, k) => at('WUAHandler.log', 50 + k, m));
    const jumps = clockJumps([...scan, ...messaging, ...quiet])!;
    expect(quiet.map((e) => jumps.side(e))).toEqual(['before', 'before', undefined, 'after', 'after']);
    // With nothing near its records, only its readings where one clock alone read tell.
    const alone = [1, 15, 25, 45].map((m, k) => at('UpdatesStore.log', 60 + k, m));
    const without = clockJumps([...scan, ...messaging, ...alone])!;
    expect(alone.map((e) => without.side(e))).toEqual(['before', undefined, undefined, 'after']);
  });

  it('needs two logs that state their zone to go back, and takes threads out of order by under a minute', () => {
    expect(clockJumps(scan)).toBeUndefined();
    const wu = [at('PC/Windows/WindowsUpdate.log', 1, 21), at('PC/Windows/WindowsUpdate.log', 2, 3)];
    expect(clockJumps([...scan, ...wu])).toBeUndefined();
    // Its place is kept once two others went back.
    expect(clockJumps([...scan, ...messaging, ...wu])!.side(wu[1]!)).toBe('after');
    const jitter = [at('A.log', 1, 10), at('A.log', 2, 9.5), at('B.log', 1, 10), at('B.log', 2, 9.2)];
    expect(clockJumps(jitter)).toBeUndefined();
  });

  it('takes where a log went back among all its records, kept or not, and counts a log none of whose records is kept', () => {
    // An MP set back 10 min at 40 min: MP_Location.log was quiet 4 min either side, so it went back 2 min, on
    // content location requests it does not keep; the requests it keeps read 33 and 36 min, in order. Its IIS
    // log keeps nothing and went back 9 min.
    const location = [
      at('MP/MP_Location.log', 1, 20),
      at('MP/MP_Location.log', 5, 33),
      at('MP/MP_Location.log', 9, 36),
    ];
    const back = (seq: number, lastBefore: number, firstAfter: number): WentBack => ({
      host: 'PC',
      seq,
      line: seq * 4,
      lastBefore: T0 + lastBefore * MIN,
      firstAfter: T0 + firstAfter * MIN,
    });
    expect(clockJumps(location, 1)).toBeUndefined();
    const wentBack = new Map([
      ['MP/MP_Location.log', back(4, 36, 34)],
      ['MP/u_ex250113.log', back(7, 39.5, 30.5)],
    ]);
    const jumps = clockJumps(location, 2, wentBack)!;
    expect(jumps.places).toEqual([
      { file: 'MP/MP_Location.log', line: 16 },
      { file: 'MP/u_ex250113.log', line: 28 },
    ]);
    expect([jumps.lastBefore, jumps.firstAfter]).toEqual([T0 + 39.5 * MIN, T0 + 30.5 * MIN]);
    expect(location.map((e) => jumps.side(e))).toEqual(['before', 'after', 'after']);
    expect(jumps.side(at('MP/u_ex250113.log', 6, 39))).toBe('before');
    expect(jumps.side(at('MP/u_ex250113.log', 8, 31))).toBe('after');
    // Where its kept records went back first (its history and its current file), that place stands.
    const rolled = [at('MP/MP_Location-20250113-120000.log', 1, 38), at('MP/MP_Location.log', 2, 31)];
    expect(clockJumps(rolled, 1, new Map([['MP/MP_Location.log', back(4, 36, 30)]]))!.side(rolled[1]!)).toBe('after');
  });

  it("notes a file's first place back by over a minute, or failing that its deepest back by over 20 s", () => {
    const noted = new Map<string, WentBack>();
    const back = (seq: number, by: number): Omit<WentBack, 'shallow'> => ({
      host: 'MP',
      seq,
      line: seq,
      lastBefore: T0 + 10 * MIN,
      firstAfter: T0 + 10 * MIN - by,
    });
    noteWentBack(noted, 'u_ex.log', back(1, 15_000));
    expect(noted.size).toBe(0);
    expect(noteWentBack(noted, 'u_ex.log', back(2, 30_000))).toBe(false);
    noteWentBack(noted, 'u_ex.log', back(3, 25_000));
    expect(noted.get('u_ex.log')).toMatchObject({ seq: 2, shallow: true });
    noteWentBack(noted, 'u_ex.log', back(4, 48_000));
    expect(noted.get('u_ex.log')).toMatchObject({ seq: 4, shallow: true });
    expect(noteWentBack(noted, 'u_ex.log', back(5, 61_000))).toBe(true);
    expect(noted.get('u_ex.log')!.seq).toBe(5);
    expect(noted.get('u_ex.log')!.shallow).toBeUndefined();
    // The first place back by over a minute stands.
    noteWentBack(noted, 'u_ex.log', back(6, 600_000));
    expect(noted.get('u_ex.log')!.seq).toBe(5);
  });
});
