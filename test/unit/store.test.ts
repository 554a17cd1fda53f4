// The store's paged columns: rows across page boundaries, the joined array the views read, and rows
// added after it was joined; and the narrow columns, which must give back what no narrow array holds.

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/correlate/analyze.ts';
import { exportChunks, exportTimeline, timelineToHtml } from '../../src/correlate/export.ts';
import { PagedColumn, TimelineStore } from '../../src/correlate/store.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import type { StoredEventInput } from '../../src/correlate/store.ts';
import type { FlowStatus } from '../../src/correlate/model.ts';
import type { UtcInstant } from '../../src/parsers/time.ts';
import { RecordReader } from '../../src/parsers/reread.ts';

const PAGE = 1 << 16;

describe('PagedColumn', () => {
  it('keeps every row across pages and joins them in order', () => {
    const c = new PagedColumn((n) => new Int32Array(n));
    const n = 2 * PAGE + 17;
    for (let i = 0; i < n; i++) {
      c.set(i, i * 3);
    }
    expect([c.get(0), c.get(PAGE - 1), c.get(PAGE), c.get(n - 1)]).toEqual([0, (PAGE - 1) * 3, PAGE * 3, (n - 1) * 3]);
    const data = c.data;
    expect(data.length).toBe(n);
    expect(data.every((v, i) => v === i * 3)).toBe(true);
    expect(c.data).toBe(data);
  });

  it('goes on growing after the rows were joined, and joins again', () => {
    const c = new PagedColumn((n) => new Float64Array(n));
    for (let i = 0; i < PAGE + 5; i++) {
      c.set(i, i + 0.5);
    }
    const before = c.data;
    expect(before.length).toBe(PAGE + 5);
    for (let i = PAGE + 5; i < 2 * PAGE + 3; i++) {
      c.set(i, i + 0.5);
    }
    const after = c.data;
    expect(after).not.toBe(before);
    expect(after.length).toBe(2 * PAGE + 3);
    expect(after.every((v, i) => v === i + 0.5)).toBe(true);
    expect(c.get(PAGE + 4)).toBe(PAGE + 4.5);
  });

  it('joins an empty column and a small one without a page of slack', () => {
    const c = new PagedColumn((n) => new Uint8Array(n));
    expect(c.data.length).toBe(0);
    c.set(0, 7);
    c.set(1, 9);
    expect([...c.data]).toEqual([7, 9]);
  });
});

describe('TimelineStore columns', () => {
  const event = (line: number, endLine: number, offset: number): StoredEventInput => ({
    file: 'PS1WKS0001/CCM/Logs/WUAHandler.log',
    line,
    endLine,
    dup: 1,
    host: 'PS1WKS0001',
    component: 'WUAHandler',
    kind: undefined,
    severity: 'info',
    thread: 4120,
    utc: 1_739_270_000_000 as UtcInstant,
    offset,
    length: 180,
  });

  it('gives back line spans and byte offsets too large for their narrow arrays', () => {
    const store = new TimelineStore(new RecordReader());
    const cases: Array<[number, number, number]> = [
      [1, 1, 0],
      [10, 12, 4_294_967_294],
      [20, 20 + 65_534, 4_294_967_295],
      [70_000, 70_000 + 65_535, 2 ** 40 + 3],
      [200_000, 200_000 + 1_000_000, 1234],
    ];
    for (const [line, endLine, offset] of cases) {
      store.addEvent(event(line, endLine, offset), 1_739_270_000_000);
    }
    expect(cases.map((_, i) => store.event(i, false).endLine)).toEqual(cases.map(([, end]) => end));
    expect([...store.spans()].map((s) => s.offset)).toEqual(cases.map(([, , offset]) => offset));
  });

  it("gives each row its host and logged time from its file's, and keeps a row whose host differs", () => {
    const store = new TimelineStore(new RecordReader());
    const T = 1_739_270_000_000;
    const mp = { ...event(1, 1, 0), file: 'PS1MP01/SMS_CCM/Logs/MP_Relay.log', host: 'PS1MP01' };
    // Rows of a file come in runs, runs of a file come again later, and a host's rows may carry several skews.
    store.addEvent(event(1, 1, 0), T);
    store.addEvent(mp, T);
    store.addEvent({ ...mp, line: 2 }, T);
    store.addEvent({ ...event(2, 2, 200), utc: (T + 5) as UtcInstant }, T);
    store.addEvent({ ...mp, line: 3, host: 'PS1MP02' }, T);
    store.addEvent({ ...mp, line: 4, utc: (T + 3_000) as UtcInstant }, T);
    store.addEvent({ ...mp, line: 5, utc: (T + 4_000) as UtcInstant }, T);
    const hosts = ['PS1WKS0001', 'PS1MP01', 'PS1MP01', 'PS1WKS0001', 'PS1MP02', 'PS1MP01', 'PS1MP01'];
    expect(hosts.map((_, i) => store.event(i, false).host)).toEqual(hosts);
    expect([...store.rowColumns().host].map((id) => store.interned(id))).toEqual(hosts);
    // Logged time = corrected time + the skew each row was written with: a host whose clock was set within the
    // bundle has rows of two (they once all took the last one written, the earlier clock's rows its later's).
    expect(hosts.map((_, i) => store.event(i, false).loggedTime - T)).toEqual([0, 0, 0, 5, 0, 3_000, 4_000]);
  });

  it("reads a host's rows before a time again by another clock, keeping their logged times and flows in order", () => {
    const store = new TimelineStore(new RecordReader());
    const T = 1_739_270_000_000;
    const MIN = 60_000;
    const mp = { ...event(1, 1, 0), file: 'PS1MP01/SMS_CCM/Logs/MP_Location.log', host: 'PS1MP01' };
    // PS1MP01 set forward 10 min at T + 30 min, read by its later clock throughout (580 s ahead): its rows of
    // before read 10 min early. A client's row between them, and the rows of another host.
    const skew = 580_000;
    const logged = [T, T + 20 * MIN, T + 40 * MIN + 10 * MIN, T + 50 * MIN + 10 * MIN];
    for (const [k, l] of logged.entries()) {
      store.addEvent({ ...mp, line: k + 1, utc: l as UtcInstant }, l - skew);
    }
    store.addEvent({ ...event(1, 1, 0), utc: (T + 25 * MIN) as UtcInstant }, T + 25 * MIN);
    store.flows.push({
      id: 'flow',
      kind: 'scan',
      keys: {},
      status: 'ok',
      recovered: false,
      summary: '',
      host: 'PS1WKS0001',
      events: Int32Array.from([0, 1, 4, 2, 3]),
    });
    // Its quiet span by its own clock: 30 min between its second and third rows.
    const quiet = { startMs: T + 20 * MIN, endMs: T + 50 * MIN };
    expect(store.reclock('PS1MP01', quiet.endMs, skew - 10 * MIN)).toBe(2);
    const rows = [0, 1, 2, 3, 4];
    expect(rows.map((i) => store.event(i, false).loggedTime - T)).toEqual([0, 20, 50, 60, 25].map((m) => m * MIN));
    expect(rows.map((i) => store.eventTime(i) - T)).toEqual([
      20_000,
      20 * MIN + 20_000,
      50 * MIN - skew,
      60 * MIN - skew,
      25 * MIN,
    ]);
    expect([...store.flows[0]!.events]).toEqual([0, 1, 4, 2, 3]);
    // Read by a clock 20 min behind instead, the MP's second row comes after the client's.
    expect(store.reclock('PS1MP01', quiet.endMs, skew - 20 * MIN)).toBe(2);
    expect(store.eventTime(1) - T).toBe(30 * MIN + 20_000);
    expect([...store.flows[0]!.events]).toEqual([0, 4, 1, 2, 3]);
  });

  it('gives back any number of components and kinds, beyond what its 8-bit columns index', () => {
    const store = new TimelineStore(new RecordReader());
    const n = 600;
    const component = (i: number): string => `Component${i % 300}`;
    const kind = (i: number): string | undefined => (i % 7 === 0 ? undefined : `Kind.k${i % 280}`);
    for (let i = 0; i < n; i++) {
      store.addEvent({ ...event(i + 1, i + 1, i * 10), component: component(i), kind: kind(i) }, 1_739_270_000_000);
    }
    const rows = Array.from({ length: n }, (_, i) => i);
    expect(rows.map((i) => store.event(i, false).component)).toEqual(rows.map(component));
    expect(rows.map((i) => store.event(i, false).kind)).toEqual(rows.map(kind));
    expect([...store.rowColumns().component].map((id) => store.interned(id))).toEqual(rows.map(component));
  });

  it('gives back times years apart, before the first, and between whole ms, exactly and in order', () => {
    const store = new TimelineStore(new RecordReader());
    const T = 1_739_270_000_000;
    const DAY = 86_400_000;
    const times = [
      T,
      T + 3 * DAY,
      T - 30 * DAY,
      T + 200 * DAY,
      T + 0.5,
      T - 1,
      T + 2 ** 32,
      T - 2 ** 32 - 1,
      T + 5 * 365 * DAY,
      T - 25 * 365 * DAY,
    ];
    times.forEach((t, i) => store.addEvent(event(i + 1, i + 1, i * 10), t));
    expect(times.map((_, i) => store.eventTime(i))).toEqual(times);
    expect(times.map((_, i) => store.event(i, false).time)).toEqual(times);
    expect([...store.rowColumns().time]).toEqual(times);
    expect([...store.order()]).toEqual(
      times
        .map((t, i) => ({ t, i }))
        .sort((a, b) => a.t - b.t)
        .map((x) => x.i),
    );
  });

  it('tells apart any number of records starting on one line', () => {
    const store = new TimelineStore(new RecordReader());
    for (let dup = 1; dup <= 300; dup++) {
      store.addEvent({ ...event(7, 7, dup * 40), dup }, 1_739_270_000_000);
    }
    const ids = Array.from({ length: 300 }, (_, i) => store.eventId(i));
    expect(new Set(ids).size).toBe(300);
    expect([ids[0], ids[254], ids[299]]).toEqual([
      'PS1WKS0001/CCM/Logs/WUAHandler.log:7',
      'PS1WKS0001/CCM/Logs/WUAHandler.log:7#255',
      'PS1WKS0001/CCM/Logs/WUAHandler.log:7#300',
    ]);
  });

  it('keeps every link window exactly, however many distinct ones there are', () => {
    const store = new TimelineStore(new RecordReader());
    store.addEvent(event(1, 1, 0), 0);
    const windows = [undefined, 5000, 5093.25, 60_000, undefined, 5000];
    for (let w = 0; w < 100_000; w++) {
      windows.push(w % 7 === 0 ? undefined : 1000 + w);
    }
    windows.forEach((w, i) => store.addLink(0, 0, w === undefined ? 'id' : 'time', `key ${i}`, w));
    expect(windows.map((_, i) => store.linkWindowMs(i))).toEqual(windows);
  });
});

/** A store of `count` ScanAgent rows, one a millisecond, lines 1.. in order, and flows made of them. */
function scanAgentStore(count: number, flows: ReadonlyArray<[string, FlowStatus, number[]]>): TimelineStore {
  const store = new TimelineStore(new RecordReader());
  for (let row = 0; row < count; row++) {
    store.addEvent(
      {
        file: 'PS1WKS0001/CCM/Logs/ScanAgent.log',
        line: row + 1,
        endLine: row + 1,
        dup: 1,
        host: 'PS1WKS0001',
        component: 'ScanAgent',
        kind: undefined,
        severity: 'info',
        thread: 1,
        utc: (1_739_270_000_000 + row) as UtcInstant,
        offset: row * 100,
        length: 0,
      },
      1_739_270_000_000 + row,
    );
  }
  for (const [id, status, rows] of flows) {
    store.flows.push({
      id,
      kind: 'scan',
      keys: {},
      status,
      recovered: false,
      summary: id,
      host: 'PS1WKS0001',
      events: Int32Array.from(rows),
    });
  }
  return store;
}

describe('TimelineStore export source', () => {
  it('exports what the materialized timeline exports, made one item at a time', async () => {
    const bundle = await openBundle(resolve(__dirname, '../../samples/logs/statemsg-stuck-mpfdm'));
    const analyzed = await analyzeToStore(bundle, { workers: 0 });
    try {
      const whole = analyzed.timeline.materialize('all');
      expect(whole.events.length).toBeGreaterThan(100);
      for (const format of ['json', 'csv'] as const) {
        expect([...exportChunks(analyzed.timeline.exportSource(), format)].join('')).toBe(
          exportTimeline(whole, format),
        );
      }
    } finally {
      analyzed.close();
      bundle.close();
    }
  });

  it('lists each flow an event is in once, in flow order', () => {
    const store = scanAgentStore(3, [
      ['scan:b', 'ok', [0, 1, 1]],
      ['scan:a', 'ok', [1, 2]],
    ]);
    const flows = [...store.exportSource().events(true, false)].map((e) => e.flows);
    expect(flows).toEqual([['scan:b'], ['scan:b', 'scan:a'], ['scan:a']]);
    expect([...store.exportSource().events(false, false)].map((e) => e.flows)).toEqual([[], [], []]);
  });
});

describe('TimelineStore report timeline', () => {
  function store(): TimelineStore {
    const s = scanAgentStore(10, [
      ['scan:ok', 'ok', [0, 1, 2]],
      ['scan:failed', 'failed', [3, 4, 5, 6]],
      ['scan:open', 'incomplete', [7, 8]],
    ]);
    s.failures.push({
      event: 9,
      upstreamCause: 9,
      chain: Int32Array.from([9]),
      code: '0x80072EE2',
      meaning: 'timeout',
      hint: 'check',
      source: undefined,
      flow: undefined,
      type: 'record',
      occurrences: 1,
      recovered: false,
    });
    return s;
  }
  const id = (line: number): string => `PS1WKS0001/CCM/Logs/ScanAgent.log:${line + 1}`;

  it("holds the failures' events, then whole flows, failed first, as many as fit", () => {
    const report = store().reportTimeline(6);
    expect(report.eventsInBundle).toBe(10);
    expect(report.events.map((e) => e.id)).toEqual([3, 4, 5, 6, 9].map(id));
    expect(report.flows.map((f) => f.events.length)).toEqual([3, 4, 2]);
    const html = timelineToHtml(report);
    expect(html).toContain('5 of 10 events');
    expect(html.match(/Not listed in this report, which holds 5 of the 10 events/g)).toHaveLength(2);
    expect(html).toContain(`<a class="mono" href="#e0">${id(3)}</a>`);
  });

  it('holds every event when they fit', () => {
    const report = store().reportTimeline(10);
    expect(report.events).toHaveLength(10);
    const html = timelineToHtml(report);
    expect(html).not.toContain('Not listed');
    expect(html).toContain('Timeline (10 events, UTC, skew-corrected)');
  });
});
