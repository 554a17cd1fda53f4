// The skew model settles hosts one at a time, each through the most certain chain of messages to the
// reference clock, and never moves a host once settled. These tests build the causal pairs by hand.

import { describe, expect, it } from 'vitest';
import type { CollectedEvent } from '../../src/correlate/collect.ts';
import { quietSpan, SkewModel } from '../../src/correlate/skew.ts';
import type { CausalPair } from '../../src/correlate/workspace.ts';
import type { HostRole } from '../../src/parsers/bundle.ts';

const T0 = Date.UTC(2025, 0, 14, 9, 0, 0);

function at(host: string, utc: number): CollectedEvent {
  return { host, utc } as CollectedEvent;
}

/**
 * A message from `from` to `to`, received `gapMs` after it was sent as the two clocks log it. One direction
 * only, so the edge's uncertainty is the hop's typical latency and its estimate `gap - typical`.
 */
function message(from: string, to: string, gapMs: number, typicalMs: number): CausalPair {
  return { send: at(from, T0), receive: at(to, T0 + gapMs), minMs: 0, maxMs: 60_000, typicalMs, hop: `${from}→${to}` };
}

function hosts(...list: Array<[string, HostRole]>): Array<{ name: string; roles: HostRole[] }> {
  return list.map(([name, role]) => ({ name, roles: [role] }));
}

describe('SkewModel', () => {
  it('settles a host through its most certain chain, not its direct edge', () => {
    const model = new SkewModel(hosts(['SITE', 'site-server'], ['MP', 'management-point'], ['PC', 'client']));
    model.addPairs([
      message('MP', 'SITE', 1_100, 100),
      message('PC', 'MP', 2_050, 50),
      message('PC', 'SITE', 9_000, 5_000),
    ]);
    const result = model.result();
    expect(result.reference).toBe('SITE');
    // MP: skew(SITE) - skew(MP) = 1100 - 100, so MP runs 1000 ms behind. PC through MP: 50 + 100 of uncertainty
    // against 5000 direct; PC runs 2000 ms behind MP.
    expect(result.hosts.get('MP')).toMatchObject({ skewMs: -1_000, uncertaintyMs: 100 });
    expect(result.hosts.get('PC')).toMatchObject({ skewMs: -3_000, uncertaintyMs: 150 });
    expect(result.hosts.get('PC')?.basis).toContain('chained through MP');
  });

  it('of equally certain chains, takes the one through the host settled first', () => {
    const model = new SkewModel(
      hosts(['SITE', 'site-server'], ['MP1', 'management-point'], ['MP2', 'management-point'], ['PC', 'client']),
    );
    model.addPairs([message('MP1', 'SITE', 100, 100), message('MP2', 'SITE', 100, 100)]);
    // PC's edge to MP2 is found first; MP1 was settled first, and wins the tie.
    model.addPairs([message('PC', 'MP2', 700, 50), message('PC', 'MP1', 400, 50)]);
    const pc = model.result().hosts.get('PC');
    expect(pc?.basis).toContain('chained through MP1');
    expect(pc?.skewMs).toBe(-350);
  });

  it('never moves a settled host, and offsets taken earlier do not see hosts settled later', () => {
    const model = new SkewModel(hosts(['SITE', 'site-server'], ['MP', 'management-point'], ['PC', 'client']));
    model.addPairs([message('MP', 'SITE', 1_100, 100)]);
    const before = model.offsets();
    model.addPairs([message('PC', 'MP', 2_050, 50)]);
    const after = model.offsets();
    // A later, more certain message between MP and the site does not move MP.
    model.addPairs([message('MP', 'SITE', 3_010, 10)]);
    expect(before.get('MP')).toBe(-1_000);
    expect(before.get('PC')).toBeUndefined();
    expect(after.get('PC')).toBe(-3_000);
    expect(model.offsets().get('MP')).toBe(-1_000);
    expect(model.offsets().get('NOBODY')).toBeUndefined();
  });

  it('settles thousands of clients of one management point, one layer at a time', () => {
    const clients = Array.from({ length: 4_000 }, (_, i) => `PC${i}`);
    const model = new SkewModel(
      hosts(
        ['SITE', 'site-server'],
        ['MP', 'management-point'],
        ...clients.map((c): [string, HostRole] => [c, 'client']),
      ),
    );
    model.addPairs([message('MP', 'SITE', 100, 100)]);
    const views = clients.map((c, i) => {
      model.addPairs([message(c, 'MP', 50 + i, 50)]);
      return model.offsets();
    });
    expect(views[0]!.get('PC0')).toBe(0);
    expect(views[0]!.get('PC1')).toBeUndefined();
    expect(views[3_999]!.get('PC3999')).toBe(-3_999);
    expect(views[1_000]!.get('PC3999')).toBeUndefined();
  });

  it('leaves out the few messages whose timing contradicts the rest, and says so', () => {
    const model = new SkewModel(hosts(['SITE', 'site-server'], ['MP', 'management-point'], ['PC', 'client']));
    model.addPairs([message('MP', 'SITE', 1_100, 100)]);
    // PC runs 2 s behind MP: requests arrive 2,050 ms later by the clocks, replies 1,940 ms earlier. One
    // request was paired with the one the MP logged 145 s before it.
    const good = [0, 1, 2].flatMap(() => [message('PC', 'MP', 2_050, 50), message('MP', 'PC', -1_940, 60)]);
    model.addPairs([...good, message('PC', 'MP', 2_050 - 145_000, 50)]);
    const pc = model.result().hosts.get('PC');
    expect(pc).toMatchObject({ skewMs: -2_995, uncertaintyMs: 155 });
    expect(pc?.basis).toMatch(/^6 messages .* in both directions; 1 more left out, their timing contradicting/);
  });

  it('falls back to the median when no majority of the messages agrees', () => {
    const model = new SkewModel(hosts(['SITE', 'site-server'], ['MP', 'management-point'], ['PC', 'client']));
    model.addPairs([message('MP', 'SITE', 1_100, 100)]);
    model.addPairs([message('PC', 'MP', 2_050, 50), message('PC', 'MP', 2_050 - 145_000, 50)]);
    expect(model.result().hosts.get('PC')?.basis).toContain(
      "with contradictory timing: median of the messages' offsets",
    );
  });

  describe('a client whose clock was set within the bundle', () => {
    const MINUTE = 60_000;
    /** PC ↔ MP round trips every 20 minutes, each a request and a reply 100 ms later; PC's clock `skewOf(t)`. */
    function roundTrips(count: number, skewOf: (t: number) => number): CausalPair[] {
      const pairs: CausalPair[] = [];
      for (let k = 0; k < count; k++) {
        const t = T0 + k * 20 * MINUTE;
        const s = skewOf(t);
        const hop = { minMs: 0, maxMs: 30_000, typicalMs: 200 };
        pairs.push({ send: at('PC', t + s), receive: at('MP', t + 100), ...hop, hop: 'request' });
        pairs.push({ send: at('MP', t + 200), receive: at('PC', t + 300 + s), ...hop, hop: 'reply' });
      }
      return pairs;
    }
    const change = T0 + 6 * 20 * MINUTE + 10 * MINUTE;

    it('estimates its clock after the change, and before it until the middle of the silence around it', () => {
      const model = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'client']));
      model.addPairs(roundTrips(12, (t) => (t < change ? 40_000 : 0)));
      const pc = model.result().hosts.get('PC')!;
      expect(pc.skewMs).toBe(0);
      expect(pc.before).toMatchObject({ skewMs: 40_000 });
      // The last message before is at 120 min + 40.3 s by PC's clock, the first after at 140 min.
      expect(pc.before!.untilMs).toBe(T0 + 130 * MINUTE + 20_150);
      // Twenty minutes without a message of it: the step is said to lie between them, not "around" halfway.
      expect(pc.basis).toContain(
        'PC was set back 40.0 s between 2025-01-14 11:00:40 and 2025-01-14 11:20:00 by its own clock, none of its ' +
          'messages lying between (time sync, or set by hand): the 14 messages before agree on its earlier clock, ' +
          'and times before 2025-01-14 11:10:20, halfway, are corrected by that',
      );
      const offsets = model.offsets();
      expect(offsets.of!({ host: 'PC', utc: T0 })).toBe(40_000);
      expect(offsets.of!({ host: 'PC', utc: T0 + 139 * MINUTE })).toBe(0);
      expect(offsets.get('PC')).toBe(0);
    });

    it("keeps a server's clock whole: only clients are taken to have been set", () => {
      const model = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'site-server']));
      model.addPairs(roundTrips(12, (t) => (t < change ? 40_000 : 0)));
      expect(model.result().hosts.get('PC')!.before).toBeUndefined();
    });

    it('says so, and leaves its clock whole, when its times before and after the change overlap', () => {
      // Set back an hour: its messages from before and after interleave by its own clock.
      const model = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'client']));
      model.addPairs(roundTrips(12, (t) => (t < change ? 3_600_000 : 0)));
      const pc = model.result().hosts.get('PC')!;
      expect(pc.before).toBeUndefined();
      expect(pc.skewMs).toBe(3_600_000);
      expect(pc.basis).toContain(
        '10 of the 10 other messages agree on a clock 1 h 0 min 0.0 s further behind: PC was most likely set within the bundle',
      );
    });

    it('needs three messages on each side to believe in a change', () => {
      const model = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'client']));
      // Only the first round trip from before: two messages, one of them possibly paired wrongly.
      model.addPairs(roundTrips(12, (t) => (t < T0 + 10 * MINUTE ? 40_000 : 0)));
      const pc = model.result().hosts.get('PC')!;
      expect(pc.before).toBeUndefined();
      expect(pc.basis).toContain('2 more left out');
    });

    it("splits by its logs' order where its times before and after interleave", () => {
      // Set back an hour, round trips every 20 minutes: by its clock the two stretches overlap. Its records
      // carry their place; the logs' jumps say which side each lies on.
      const pairs = roundTrips(12, (t) => (t < change ? 3_600_000 : 0)).map((p, k) => ({
        ...p,
        send: { ...p.send, file: 'CcmMessaging.log', seq: k },
        receive: { ...p.receive, file: 'CcmMessaging.log', seq: k },
      }));
      const model = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'client']));
      // The messages before the change are the first 14 of the log (7 round trips of two).
      model.setJumps('PC', {
        files: 2,
        places: [
          { file: 'PC/Windows/CCM/Logs/CcmMessaging.log', line: 41 },
          { file: 'PC/Windows/CCM/Logs/ScanAgent.log', line: undefined },
        ],
        zoned: 2,
        lastBefore: T0 + 7 * 20 * MINUTE,
        firstAfter: T0,
        side: (e) => (e.seq < 14 ? 'before' : 'after'),
      });
      model.addPairs(pairs);
      const pc = model.result().hosts.get('PC')!;
      expect(pc.skewMs).toBe(0);
      expect(pc.before).toMatchObject({ skewMs: 3_600_000, byOrder: true });
      expect(pc.basis).toContain(
        'PC was set back 1 h 0 min 0.0 s within the bundle, where its CcmMessaging.log:41 and ScanAgent.log go back in time',
      );
      const offsets = model.offsets();
      expect(offsets.of!({ host: 'PC', utc: T0 + 90 * MINUTE, file: 'CcmMessaging.log', seq: 3 })).toBe(3_600_000);
      expect(offsets.of!({ host: 'PC', utc: T0 + 90 * MINUTE, file: 'CcmMessaging.log', seq: 20 })).toBe(0);
    });

    it('measures the earlier clock with messages that bound only it, where nothing else does', () => {
      // Set back an hour; of the earlier clock only state-message forwards are left (its CcmMessaging.log
      // rolled over since): each reached the MP 0.3-5 s after the client forwarded it, and may wait hours.
      const after = roundTrips(12, () => 0)
        .slice(14)
        .map((p, k) => ({
          ...p,
          send: { ...p.send, file: 'CcmMessaging.log', seq: 100 + k },
          receive: { ...p.receive, file: 'CcmMessaging.log', seq: 100 + k },
        }));
      const forwards: CausalPair[] = [300, 5_000, 1_200, 800].map((delay, k) => {
        const t = T0 + k * 20 * MINUTE;
        return {
          send: { host: 'PC', utc: t + 3_600_000, file: 'StateMessage.log', seq: k },
          receive: at('MP', t + delay),
          minMs: 0,
          maxMs: 24 * 60 * MINUTE,
          typicalMs: 300,
          hop: 'forward',
          earlierOnly: true,
        };
      });
      const model = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'client']));
      model.setJumps('PC', {
        files: 2,
        places: [],
        zoned: 2,
        lastBefore: T0 + 80 * MINUTE + 3_600_000,
        firstAfter: T0 + 140 * MINUTE,
        side: (e) => (e.seq < 100 ? 'before' : 'after'),
      });
      model.addPairs([...after, ...forwards]);
      const pc = model.result().hosts.get('PC')!;
      expect(pc.skewMs).toBe(0);
      // The quickest forward, less the hop's typical 300 ms.
      expect(pc.before).toMatchObject({ skewMs: 3_600_000, byOrder: true });
      expect(pc.basis).toContain('the 4 messages before agree on its earlier clock');
      // Among the later clock's messages they are not counted, and alone they settle nothing.
      expect(pc.basis).toMatch(/^10 messages \(request; reply\) in both directions/);
      const alone = new SkewModel(hosts(['MP', 'management-point'], ['PC', 'client']));
      alone.addPairs(forwards);
      expect(alone.result().hosts.get('PC')!.uncertaintyMs).toBeUndefined();
    });
  });

  describe('a management point set back, its messages to the site rotated away', () => {
    const MINUTE = 60_000;
    const change = T0 + 130 * MINUTE;
    // The client's clock is right; the MP's read 10 min ahead until it was set back at `change`. Its records
    // carry their place in MP_Location.log, which went back there (the first 14 lie before).
    function withClient(): CausalPair[] {
      const pairs: CausalPair[] = [];
      for (let k = 0; k < 12; k++) {
        const t = T0 + k * 20 * MINUTE;
        const ahead = t < change ? 10 * MINUTE : 0;
        const mp = (utc: number, seq: number): CollectedEvent =>
          ({ host: 'MP', utc, file: 'MP_Location.log', seq }) as CollectedEvent;
        const hop = { minMs: 0, maxMs: 30_000, typicalMs: 200 };
        pairs.push({ send: at('PC', t), receive: mp(t + 100 + ahead, 2 * k), ...hop, hop: 'request' });
        pairs.push({ send: mp(t + 200 + ahead, 2 * k + 1), receive: at('PC', t + 300), ...hop, hop: 'reply' });
      }
      return pairs;
    }
    // Its messages to the site come from after the change only (one way: the quickest 300 ms, as logged).
    const toSite: CausalPair = {
      ...message('MP', 'SITE', 300, 300),
      send: at('MP', T0 + 200 * MINUTE),
      receive: at('SITE', T0 + 200 * MINUTE + 300),
    };
    const oneLog = {
      files: 1,
      places: [{ file: 'MP/SMS_CCM/Logs/MP_Location.log', line: 1207 }],
      zoned: 1,
      lastBefore: T0 + 120 * MINUTE + 10 * MINUTE + 200,
      firstAfter: T0 + 140 * MINUTE + 100,
      side: (e: { seq: number }) => (e.seq < 14 ? ('before' as const) : ('after' as const)),
    };
    const three = (): SkewModel =>
      new SkewModel(hosts(['SITE', 'site-server'], ['MP', 'management-point'], ['PC', 'client']));

    it("measures the MP's earlier clock from a client's messages either side of where its one log went back", () => {
      const model = three();
      model.setOneLogJumps('MP', oneLog);
      model.addPairs([toSite]);
      model.addPairs(withClient());
      const result = model.result();
      const mp = result.hosts.get('MP')!;
      expect(mp.skewMs).toBe(0);
      expect(mp.before).toMatchObject({ skewMs: 600_000, byOrder: true });
      expect(mp.basis).toContain(
        'MP was set back 10 min 0.0 s within the bundle, where its MP_Location.log:1207 goes back in time (its earlier clock read up to',
      );
      expect(mp.basis).toContain("PC's 14 messages with it before and 10 after measure it");
      // The client is read against the MP's clock of each record: no clock of its own set.
      expect(result.hosts.get('PC')).toMatchObject({ skewMs: 0 });
      expect(result.hosts.get('PC')!.before).toBeUndefined();
      const offsets = model.offsets();
      expect(offsets.of!({ host: 'MP', utc: T0 + 135 * MINUTE, file: 'MP_Location.log', seq: 13 })).toBe(600_000);
      expect(offsets.of!({ host: 'MP', utc: T0 + 135 * MINUTE, file: 'MP_Location.log', seq: 14 })).toBe(0);
    });

    it('without the log that went back, says the client looks set, and the MP most likely', () => {
      const model = three();
      model.addPairs([toSite]);
      model.addPairs(withClient());
      const result = model.result();
      expect(result.hosts.get('MP')!.before).toBeUndefined();
      expect(result.hosts.get('PC')!.before).toMatchObject({ skewMs: -600_000 });
    });
  });
});

describe('quietSpan', () => {
  const MIN = 60_000;
  // A server logging every 2 min, set forward 10 min after its reading at 30 min: nothing between 30 and 42.
  const times = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 42, 44, 46, 90, 92].map((m) => m * MIN);

  it('finds the stretch a clock set forward skipped, the one nearest where its clients put the step', () => {
    expect(quietSpan(times, 0, 200 * MIN, 9 * MIN, 35 * MIN)).toEqual({ startMs: 30 * MIN, endMs: 42 * MIN });
    // A longer quiet stretch further off is not taken for it; taken where the clients put the step there.
    expect(quietSpan(times, 0, 200 * MIN, 9 * MIN, 70 * MIN)).toEqual({ startMs: 46 * MIN, endMs: 90 * MIN });
  });

  it('finds none shorter than asked, or outside the window looked in', () => {
    expect(quietSpan(times, 0, 200 * MIN, 13 * MIN, 35 * MIN)).toEqual({ startMs: 46 * MIN, endMs: 90 * MIN });
    expect(quietSpan(times, 0, 200 * MIN, 50 * MIN, 35 * MIN)).toBeUndefined();
    expect(quietSpan(times, 0, 40 * MIN, 9 * MIN, 35 * MIN)).toBeUndefined();
    expect(quietSpan([], 0, 40 * MIN, 9 * MIN, 35 * MIN)).toBeUndefined();
  });
});
