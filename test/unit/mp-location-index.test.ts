// The management points' MP_Location bodies as a scan flow finds them: the request for its update source,
// version and address nearest its message (the first of two equally near, in the order the workspace
// listed them: host by host, each in time), on whatever host logged it (an MP may be on the client's own
// machine); the reply on the request's thread just after it; a problem body handed out as the workspace's
// own object; and an event let go once it is in the timeline coming back with its row.

import { describe, expect, it } from 'vitest';
import type { CollectedEvent, WorkingFields } from '../../src/correlate/collect.ts';
import { isProblem } from '../../src/correlate/failures.ts';
import type { LeadSample } from '../../src/correlate/leads.ts';
import { MpLocationIndex } from '../../src/correlate/mp-location-index.ts';
import { Workspace } from '../../src/correlate/workspace.ts';
import type { UtcInstant } from '../../src/parsers/time.ts';

const T0 = Date.UTC(2025, 1, 11, 10, 0, 0);
const US = '{8d7d2bd7-8df6-4bd0-a8a7-7d6b2c3a3a11}';
let seq = 0;

function body(
  host: string,
  kind: 'MPLocation.requestBody' | 'MPLocation.replyBody' | 'MPFDM.fileMoved',
  ms: number,
  fields: WorkingFields,
  thread: number | undefined = 7,
): CollectedEvent {
  seq += 1;
  return {
    file: `${host}/SMS_CCM/Logs/MP_Location.log`,
    line: seq,
    endLine: seq,
    host,
    utc: (T0 + ms) as UtcInstant,
    component: 'MP_LocationManager',
    severity: 'info',
    kind,
    fields,
    thread,
    seq,
    offset: seq * 200,
    length: 200,
    dup: 1,
    shape: undefined,
    row: -1,
  };
}

const request = (host: string, ms: number, ip: string, thread?: number): CollectedEvent =>
  body(host, 'MPLocation.requestBody', ms, { updateSource: US, contentVersion: 12, clientIp: ip }, thread);
const reply = (host: string, ms: number, urls: string[], thread?: number): CollectedEvent =>
  body(host, 'MPLocation.replyBody', ms, { wsusUrls: urls, contentVersion: 12 }, thread);

/** `nearestRequest`'s `alone`: no other request within `within` of the time looked for, `margin` or less further. */
const alone = (within: number, margin = 5_000): { within: number; margin: number } => ({ within, margin });

/** What the index hands out, without the row a flow writes later. */
const same = (e: CollectedEvent | undefined): unknown => e && { ...e, row: -1 };

describe('MpLocationIndex', () => {
  const mp2Late = request('PS1MP02', 9_000, '10.1.5.21');
  const mp1Early = request('PS1MP01', 1_000, '10.1.5.21');
  const mp1 = request('PS1MP01', 5_000, '10.1.5.21');
  const otherIp = request('PS1MP01', 5_050, '10.1.5.22');
  const moved = body('PS1MP01', 'MPFDM.fileMoved', 6_000, { smxFile: 'ABC.SMX' });
  const answer = reply('PS1MP01', 5_300, ['http://sup01.contoso.com:8530'], 7);
  const otherThread = reply('PS1MP01', 5_200, ['http://sup01.contoso.com:8530'], 9);
  const empty = reply('PS1MP02', 9_200, [], 7);
  // Collected out of time order and interleaved with other kinds, as a bundle's files come.
  const events = [mp2Late, moved, mp1, otherIp, mp1Early, answer, otherThread, empty];

  it('splits off the bodies, leaving the rest and the problems in their order', () => {
    const { index, rest } = MpLocationIndex.split(events, isProblem);
    expect(index.size).toBe(7);
    expect(rest).toEqual([moved, empty]);
  });

  it('finds the nearest request from the address', () => {
    const { index } = MpLocationIndex.split(events, isProblem);
    const t = T0 + 5_080;
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000))).toEqual(mp1);
    // Without its address, any address: the one from 10.1.5.22 is nearer.
    expect(same(index.nearestRequest(US, 12, undefined, t, 30_000, 30_000))).toEqual(otherIp);
    expect(index.nearestRequest(US, 13, '10.1.5.21', t, 30_000, 30_000)).toBeUndefined();
    expect(index.nearestRequest(US, 12, '10.1.5.21', T0 + 40_000, 30_000, 30_000)).toBeUndefined();
    // From either of two addresses (a client that moved between the two times it is known by): the nearer.
    expect(same(index.nearestRequest(US, 12, ['10.1.5.21', '10.1.5.22'], t, 30_000, 30_000))).toEqual(otherIp);
    expect(same(index.nearestRequest(US, 12, ['10.1.5.21', '10.1.5.99'], t, 30_000, 30_000))).toEqual(mp1);
    // With `alone`, a request from the other address that near is a rival too.
    expect(index.nearestRequest(US, 12, ['10.1.5.21', '10.1.5.22'], t, 30_000, 30_000, undefined, alone(1_000))).toBe(
      undefined,
    );
  });

  it('with `alone`, takes none when another request on the same MP lies that near the time, as a neighbour behind NAT', () => {
    const { index } = MpLocationIndex.split(events, isProblem);
    const t = T0 + 5_080;
    // PS1MP01 logged this address's requests at 1,000 and 5,000: 4 s apart.
    expect(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000, undefined, alone(5_000))).toBeUndefined();
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000, undefined, alone(3_000)))).toEqual(mp1);
    // Much further from the time looked for than the nearest (4.08 s against 0.08 s) is no rival either.
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000, undefined, alone(5_000, 3_000)))).toEqual(
      mp1,
    );
    // Near the time looked for, not near the request found: 1,000 is 4 s from 5,000 but 4.9 s from 5,900.
    expect(
      same(index.nearestRequest(US, 12, '10.1.5.21', T0 + 5_900, 30_000, 30_000, undefined, alone(4_500))),
    ).toEqual(mp1);
    // Another MP's request that near is no rival: each MP's lead tells them apart.
    expect(
      same(index.nearestRequest(US, 12, '10.1.5.21', T0 + 8_900, 30_000, 30_000, undefined, alone(5_000))),
    ).toEqual(mp2Late);
  });

  it('takes the first of two requests equally near in host order, then time', () => {
    const { index } = MpLocationIndex.split(events, isProblem);
    // 5,000 and 9,000 are both 2,000 from 7,000: PS1MP02 appeared first among the events.
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', T0 + 7_000, 30_000, 30_000))).toEqual(mp2Late);
  });

  it("takes the request nearest the client's time plus the lead of the MP that logged it", () => {
    const { index } = MpLocationIndex.split(events, isProblem);
    const t = T0 + 1_080;
    // By raw clocks the request at 1,000 on PS1MP01 is nearest; PS1MP02 logs 8 s later than the client.
    const lead = (host: string): number => (host === 'PS1MP02' ? 8_000 : 4_000);
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000))).toEqual(mp1Early);
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000, lead))).toEqual(mp2Late);
    // The window is around the client's time plus the lead: a client three hours behind its MPs finds its own.
    const behind = T0 + 9_000 - 3 * 3_600_000;
    expect(index.nearestRequest(US, 12, '10.1.5.21', behind, 30_000, 30_000)).toBeUndefined();
    const threeHours = (): number => 3 * 3_600_000;
    expect(same(index.nearestRequest(US, 12, '10.1.5.21', behind, 30_000, 30_000, threeHours))).toEqual(mp2Late);
  });

  it('gives the offsets of the requests from an address, by the host that logged them', () => {
    const { index } = MpLocationIndex.split(events, isProblem);
    const offsets = (m: Map<string, LeadSample[]>): Record<string, number[]> =>
      Object.fromEntries([...m].map(([host, list]) => [host, list.map((s) => s.offset)]));
    const near = index.offsetsFrom('10.1.5.21', [T0 + 1_000, T0 + 8_000], 4_500);
    expect(offsets(near)).toEqual({ PS1MP01: [0, 4_000, -3_000], PS1MP02: [1_000] });
    expect(near.get('PS1MP02')).toEqual([{ t: T0 + 8_000, offset: 1_000 }]);
    // Around a centre: the same requests, seen from a client clock three hours behind.
    const hours = 3 * 3_600_000;
    const behind = index.offsetsFrom('10.1.5.21', [T0 + 1_000 - hours, T0 + 8_000 - hours], 4_500, () => hours);
    expect(offsets(behind)).toEqual({
      PS1MP01: [hours, hours + 4_000, hours - 3_000],
      PS1MP02: [hours + 1_000],
    });
    expect(index.offsetsFrom('10.1.5.21', [T0 + 1_000 - hours], 4_500).size).toBe(0);
  });

  it('finds the reply on the same thread after the request, and a problem reply as the workspace holds it', () => {
    const ws = new Workspace(events);
    const index = ws.mpLocations();
    expect(same(index.firstReplyAfter('PS1MP01', 'mp_locationmanager', 7, T0 + 5_000, 10_000))).toEqual(answer);
    expect(same(index.firstReplyAfter('PS1MP01', 'MP_LocationManager', 9, T0 + 5_000, 10_000))).toEqual(otherThread);
    expect(index.firstReplyAfter('PS1MP01', 'MP_LocationManager', undefined, T0 + 5_000, 10_000)).toBeUndefined();
    expect(index.firstReplyAfter('PS1MP01', 'MP_LocationManager', 7, T0 + 5_000, 200)).toBeUndefined();
    const problem = index.firstReplyAfter('PS1MP02', 'MP_LocationManager', 7, T0 + 9_000, 10_000);
    expect(problem).toBe(empty);
    expect(ws.on('PS1MP02')).toEqual([empty]);
    expect(ws.on('PS1MP01')).toEqual([moved]);
  });

  it('hands out one event per body, and once written, one with its row', () => {
    const { index } = MpLocationIndex.split(events, isProblem);
    const t = T0 + 5_080;
    const taken = index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000)!;
    expect(index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000)).toBe(taken);
    taken.row = 17;
    index.settle();
    const again = index.nearestRequest(US, 12, '10.1.5.21', t, 30_000, 30_000);
    expect(again).not.toBe(taken);
    expect(again).toEqual(taken);
  });

  it('keeps a thread nobody logged as no thread', () => {
    const a = { ...request('PS1MP03', 1_000, '10.1.5.30'), thread: undefined };
    const b = { ...reply('PS1MP03', 1_500, ['http://sup02.contoso.com:8530']), thread: undefined };
    const { index } = MpLocationIndex.split([a, b], isProblem);
    const found = index.nearestRequest(US, 12, '10.1.5.30', T0 + 1_000, 1_000, 1_000);
    expect(found?.thread).toBeUndefined();
    expect(same(index.firstReplyAfter('PS1MP03', 'MP_LocationManager', undefined, T0 + 1_000, 1_000))).toEqual(b);
  });
});
