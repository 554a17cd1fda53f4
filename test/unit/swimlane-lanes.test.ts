// The lane index behind the swimlane, against brute force over the store: lanes partition the rows, a
// thinned window accounts for every record and never hides an error, failures and causes always come as
// themselves, arrows are the store's links between different lanes, filters and keyboard steps agree with a
// plain scan, and the host side answers (and refuses) messages as the protocol says.

import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/correlate/analyze.ts';
import type { AnalyzedBundle } from '../../src/correlate/analyze.ts';
import { COLUMN_PX, LaneIndex, MarkFlag, sortByKey } from '../../src/correlate/lanes.ts';
import type { WindowFilter } from '../../src/correlate/lanes.ts';
import type { TimelineStore } from '../../src/correlate/store.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import type { Bundle } from '../../src/parsers/bundle.ts';
import { SwimlaneData } from '../../src/views/swimlane/host.ts';
import { failureChoices } from '../../src/views/swimlane/pickers.ts';
import type { HostToWebview } from '../../src/views/swimlane/protocol.ts';
import { PROTOCOL_VERSION } from '../../src/views/swimlane/protocol.ts';

const ROOT = resolve(__dirname, '../..');
const NONE: WindowFilter = { minSeverity: 0, text: '', flow: -1 };

const loaded = new Map<string, { bundle: Bundle; analyzed: AnalyzedBundle; index: LaneIndex }>();

async function load(name: string): Promise<{ store: TimelineStore; index: LaneIndex; bundle: Bundle }> {
  let l = loaded.get(name);
  if (!l) {
    const bundle = await openBundle(join(ROOT, 'samples/logs', name));
    const analyzed = await analyzeToStore(bundle);
    l = { bundle, analyzed, index: new LaneIndex(analyzed.timeline) };
    loaded.set(name, l);
  }
  return { store: l.analyzed.timeline, index: l.index, bundle: l.bundle };
}

beforeAll(async () => {
  await load('interleaved-scans');
  await load('statemsg-stuck-mpfdm');
  await load('wsus-unreachable-2ee2');
});

afterAll(() => {
  for (const l of loaded.values()) {
    l.analyzed.close();
    l.bundle.close();
  }
});

const rowsOf = (store: TimelineStore): number[] => Array.from({ length: store.eventCount }, (_, i) => i);

describe('sortByKey', () => {
  it('orders like a comparator sort, ties by item, whatever the keys (clustered, equal, sorted)', () => {
    const keys = fc.oneof(
      fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { maxLength: 400 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 400 }),
      // Bursts: many keys within a hair of one another, as log lines in one second are.
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 400 }).map((xs) => xs.map((x) => 1.7e12 + x * 1e-3)),
      fc
        .array(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1 }), { maxLength: 400 })
        .map((xs) => [...xs].sort((a, b) => a - b)),
      // Runs in order one after another, as a lane read from files that interleave.
      fc
        .array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }), { maxLength: 40 })
        .map((runs) => runs.flatMap((run) => [...run].sort((a, b) => a - b))),
    );
    fc.assert(
      fc.property(keys, fc.boolean(), (values, shuffle) => {
        const items = Int32Array.from(values.keys());
        if (shuffle) {
          items.reverse();
        }
        const expected = [...items].sort((a, b) => values[a]! - values[b]! || a - b);
        sortByKey(items, (i) => values[i]!);
        expect([...items]).toEqual(expected);
      }),
    );
  });

  it('sorts keys a denormal apart, and keys further apart than a double can say', () => {
    for (const values of [
      [5e-324, 0, Number.MIN_VALUE * 3, 0],
      [0, 8.98e292, -1.79e308, 1.79e308],
    ]) {
      const items = Int32Array.from(values.keys());
      sortByKey(items, (i) => values[i]!);
      expect([...items]).toEqual([...values.keys()].sort((a, b) => values[a]! - values[b]! || a - b));
    }
  });

  it('sorts a few runs in order, each a burst of equal times, ties by item', () => {
    // Two files of one lane that interleave, every time repeated: the merge must still order ties by item.
    const values = [...Array.from({ length: 3000 }, (_, i) => 1e12 + Math.floor(i / 7))];
    values.push(...Array.from({ length: 3000 }, (_, i) => 1e12 + Math.floor(i / 5)));
    const items = Int32Array.from(values.keys());
    sortByKey(items, (i) => values[i]!);
    expect([...items]).toEqual([...values.keys()].sort((a, b) => values[a]! - values[b]! || a - b));
  });

  it('copes with one bucket holding most items (a big burst among few others)', () => {
    const values = [...Array.from({ length: 5000 }, (_, i) => 1000 + (i % 97) * 1e-6), 0, 1e9];
    const items = Int32Array.from(values.keys()).reverse();
    sortByKey(items, (i) => values[i]!);
    expect([...items]).toEqual([...values.keys()].sort((a, b) => values[a]! - values[b]! || a - b));
  });
});

describe('lanes', () => {
  it('are one per host and component, partition the rows, and list hosts client → MP → site', async () => {
    const { store, index } = await load('interleaved-scans');
    const key = (i: number): string => `${store.event(i, false).host}\u0000${store.event(i, false).component}`;
    const pairs = new Set(rowsOf(store).map(key));
    expect(index.lanes.length).toBe(pairs.size);
    expect(index.lanes.reduce((a, l) => a + l.count, 0)).toBe(store.eventCount);
    for (const i of rowsOf(store)) {
      const lane = index.lanes[index.laneOf[i]!]!;
      expect(`${index.hosts[lane.host]!.name}\u0000${lane.component}`).toBe(key(i));
    }
    const roles = index.hosts.map((h) => h.role);
    expect(roles.indexOf('client')).toBeLessThan(roles.indexOf('management-point'));
    expect(roles.indexOf('management-point')).toBeLessThan(roles.indexOf('site-server'));
    // Within a host, lanes in the order their first record came.
    for (let l = 1; l < index.lanes.length; l++) {
      const a = index.lanes[l - 1]!;
      const b = index.lanes[l]!;
      if (a.host === b.host) {
        expect(a.first).toBeLessThanOrEqual(b.first);
      } else {
        expect(a.host).toBeLessThan(b.host);
      }
    }
  });
});

describe('windows', () => {
  it.each(['statemsg-stuck-mpfdm', 'wsus-unreachable-2ee2'])(
    'account for every record, one mark per column, and never hide an error (%s, any window and width)',
    async (name) => {
      const { store, index } = await load(name);
      const groups = [...index.lanes.keys()].map((l) => [l]);
      // Hosts merged into one group each, as collapsed hosts are.
      const hostGroups = index.hosts.map((_, h) => [...index.lanes.keys()].filter((l) => index.lanes[l]!.host === h));
      const span = index.end - index.start;
      fc.assert(
        fc.property(
          fc.double({ min: -0.1, max: 1, noNaN: true }),
          fc.double({ min: 0.001, max: 1.2, noNaN: true }),
          fc.integer({ min: 4, max: 3000 }),
          fc.boolean(),
          (from, length, width, merged) => {
            const start = index.start + from * span;
            const end = start + length * span;
            const g = merged ? hostGroups : groups;
            const w = index.window(start, end, width, g, NONE);
            const columns = Math.ceil(width / COLUMN_PX);
            const colOf = (t: number): number =>
              Math.min(columns - 1, Math.floor(((t - start) / (end - start)) * columns));
            g.forEach((lanes, gi) => {
              const inWindow = rowsOf(store).filter((i) => {
                const t = store.eventTime(i);
                return lanes.includes(index.laneOf[i]!) && t >= start && t < end;
              });
              expect(w.totals[gi]).toBe(inWindow.length);
              const marks = w.marks.rows.map((row, j) => ({ row, j })).filter(({ j }) => w.marks.groups[j] === gi);
              const counted = marks.filter(({ j }) => w.marks.counts[j]! > 0);
              expect(counted.reduce((sum, { j }) => sum + w.marks.counts[j]!, 0)).toBe(inWindow.length);
              if (inWindow.length > columns) {
                const used = counted.map(({ j }) => colOf(w.marks.times[j]!));
                expect(new Set(used).size).toBe(used.length);
              } else {
                expect(counted.every(({ j }) => w.marks.counts[j] === 1)).toBe(true);
              }
              // Every column that holds an error shows an error.
              const errorColumns = new Set(
                inWindow.filter((i) => store.rowColumns().severity[i] === 2).map((i) => colOf(store.eventTime(i))),
              );
              const shown = new Set(
                counted.filter(({ j }) => w.marks.severity[j] === 2).map(({ j }) => colOf(w.marks.times[j]!)),
              );
              for (const c of errorColumns) {
                expect(shown.has(c)).toBe(true);
              }
              // Failures and causes in the window are there as themselves.
              for (const i of inWindow) {
                if (index.flagsOf[i]! & (MarkFlag.failure | MarkFlag.cause)) {
                  expect(marks.some(({ row }) => row === i)).toBe(true);
                }
              }
            });
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it('give every record its own mark when there is room, in time order per group', async () => {
    const { store, index } = await load('wsus-unreachable-2ee2');
    const groups = [...index.lanes.keys()].map((l) => [l]);
    const w = index.window(index.start, index.end + 1, 100_000, groups, NONE);
    const own = w.marks.rows.filter((_, j) => w.marks.counts[j] === 1);
    expect(own.length).toBe(store.eventCount);
    expect(new Set(own).size).toBe(store.eventCount);
    groups.forEach((_, gi) => {
      const times = w.marks.times.filter((_, j) => w.marks.groups[j] === gi && w.marks.counts[j] === 1);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    });
    // The copies are exactly the failures and causes.
    const copies = new Set(w.marks.rows.filter((_, j) => w.marks.counts[j] === 0));
    const notable = new Set(store.failures.flatMap((f) => [f.event, f.upstreamCause]));
    expect(copies).toEqual(notable);
  });

  it('draw arrows only between different groups, for links of the store, all of them counted', async () => {
    const { store, index } = await load('interleaved-scans');
    const groups = index.hosts.map((_, h) => [...index.lanes.keys()].filter((l) => index.lanes[l]!.host === h));
    const groupOfLane = new Map(groups.flatMap((g, gi) => g.map((l) => [l, gi] as const)));
    const start = index.start;
    const end = index.end + 1;
    const w = index.window(start, end, 1200, groups, NONE);
    expect(w.arrowsOmitted).toBe(false);
    let expected = 0;
    const links = new Set<string>();
    for (let k = 0; k < store.linkCount; k++) {
      const a = store.linkColumns().from[k]!;
      const b = store.linkColumns().to[k]!;
      if (groupOfLane.get(index.laneOf[a]!) !== groupOfLane.get(index.laneOf[b]!)) {
        expected++;
        links.add(`${a}>${b}`);
      }
    }
    expect(expected).toBeGreaterThan(0);
    expect(w.arrows.counts.reduce((a, b) => a + b, 0)).toBe(expected);
    w.arrows.fromRows.forEach((from, i) => {
      expect(links.has(`${from}>${w.arrows.toRows[i]}`)).toBe(true);
      expect(w.arrows.fromGroups[i]).not.toBe(w.arrows.toGroups[i]);
    });
  });

  it('filter by severity, flow and text', async () => {
    const { store, index } = await load('wsus-unreachable-2ee2');
    const groups = [...index.lanes.keys()].map((l) => [l]);
    const all = (f: WindowFilter, budget?: number) =>
      index.window(index.start, index.end + 1, 100_000, groups, f, budget);
    const errors = all({ ...NONE, minSeverity: 2 });
    expect(errors.marks.severity.every((s) => s === 2)).toBe(true);
    expect(errors.totals.reduce((a, b) => a + b, 0)).toBe(
      rowsOf(store).filter((i) => store.rowColumns().severity[i] === 2).length,
    );
    // Rows of one flow (or one text) are thinned like any others: every mark is one of them, and their
    // counts add up to all of them.
    const inside = (w: ReturnType<typeof all>, rows: readonly number[]): void => {
      const set = new Set(rows);
      expect(w.marks.rows.every((r) => set.has(r))).toBe(true);
      expect(w.marks.counts.reduce((a, b) => a + b, 0)).toBe(rows.length);
      expect(w.totals.reduce((a, b) => a + b, 0)).toBe(rows.length);
    };
    inside(all({ ...NONE, flow: 0 }), [...store.flows[0]!.events]);
    // A text search reads text under a budget: with none it answers in part, then completes.
    let text = all({ ...NONE, text: 'SEND FAILED' }, 0);
    expect(text.partial).toBe(true);
    for (let i = 0; i < 1000 && text.partial; i++) {
      text = all({ ...NONE, text: 'SEND FAILED' }, 5);
    }
    expect(text.partial).toBe(false);
    const matching = rowsOf(store).filter((i) => store.record(i).text.toLowerCase().includes('send failed'));
    expect(matching.length).toBeGreaterThan(0);
    inside(text, matching);
  });
});

describe('navigation', () => {
  it('steps through a lane in time order, both ways', async () => {
    const { store, index } = await load('interleaved-scans');
    const lane = index.lanes.findIndex((l) => l.count > 5);
    const rows = rowsOf(store)
      .filter((i) => index.laneOf[i] === lane)
      .sort((a, b) => store.eventTime(a) - store.eventTime(b) || a - b);
    let at = rows[0]!;
    const forward = [at];
    for (;;) {
      const next = index.step(at, 1, [lane], NONE);
      if (next < 0) {
        break;
      }
      forward.push(next);
      at = next;
    }
    expect(forward).toEqual(rows);
    const back = [at];
    for (;;) {
      const prev = index.step(at, -1, [lane], NONE);
      if (prev < 0) {
        break;
      }
      back.push(prev);
      at = prev;
    }
    expect(back.reverse()).toEqual(rows);
  });

  it('locates a file line as its record, or the one before it', async () => {
    const { store, index } = await load('wsus-unreachable-2ee2');
    const e = store.event(17, false);
    expect(index.locate(e.file, e.line)).toBe(17);
    const r = index.locate(e.file, e.line + 100_000);
    expect(store.event(r, false).file).toBe(e.file);
    expect(index.locate('no/such/file.log', 1)).toBe(-1);
  });

  it('lights up a failure chain from its upstream cause to the failing record', async () => {
    const { store, index } = await load('wsus-unreachable-2ee2');
    const f = store.failures[0]!;
    const h = index.chainHighlight(0)!;
    expect(h.rows).toEqual([...f.chain]);
    expect(h.rows[0]).toBe(f.upstreamCause);
    expect(h.rows.at(-1)).toBe(f.event);
    expect(h.links.length).toBe(h.rows.length - 1);
    h.links.forEach((l, i) => {
      expect([l.from, l.to].sort()).toEqual([h.rows[i], h.rows[i + 1]].sort());
    });
    expect(h.hint).toBe(f.hint);
    const flow = index.flowHighlight(0)!;
    expect(flow.rows).toEqual([...store.flows[0]!.events]);
    expect(flow.links.length).toBeGreaterThan(0);
  });
});

describe('host side of the protocol', () => {
  it('answers ready with init, delivers focus commands after it, and reveals files on disk', async () => {
    const { store, bundle } = await load('wsus-unreachable-2ee2');
    const sent: HostToWebview[] = [];
    const reveals: unknown[] = [];
    const data = new SwimlaneData(store, {
      files: bundle.files,
      post: (m) => sent.push(m),
      onReveal: (t) => reveals.push(t),
    });
    data.focusFailure(0);
    expect(sent).toEqual([]);
    void data.receive({ type: 'ready', version: PROTOCOL_VERSION });
    await expect.poll(() => sent.length).toBe(2);
    expect(sent[0]!.type).toBe('init');
    expect(sent[1]).toEqual({ type: 'focusFailure', failureIndex: 0 });
    data.focusFlow(store.flows[0]!.id);
    expect(sent[2]).toEqual({ type: 'focusFlow', flowId: store.flows[0]!.id, flow: 0 });
    data.focusFlow('scan:no-such-flow');
    expect(sent.length).toBe(3);
    const summaries = await data.handle({ type: 'flowSummaries', id: 4, flows: [1, 0] });
    expect(summaries).toEqual({
      type: 'flowSummaries',
      id: 4,
      summaries: [store.flows[1]!.summary, store.flows[0]!.summary],
    });

    void data.receive({ type: 'reveal', row: 5 });
    await expect.poll(() => reveals.length).toBe(1);
    const e = store.event(5, false);
    expect(reveals[0]).toMatchObject({
      row: 5,
      file: e.file,
      line: e.line,
      diskPath: join(ROOT, 'samples/logs/wsus-unreachable-2ee2', e.file),
    });
  });

  it('groups the failures for the picker when they are too many to list, as the Failures tree does', async () => {
    const { store } = await load('interleaved-scans');
    const alone = new SwimlaneData(store).init();
    expect(alone.failureGroups).toBeUndefined();
    expect(failureChoices(alone)).toHaveLength(store.failures.length + 1);
    const init = new SwimlaneData(store, { failureChoices: 1 }).init();
    const groups = init.failureGroups!;
    // Three clients fail to refresh the site signing certificate alike: one story, five times on three hosts.
    const cert = groups.find((g) => g.name === '0x87D00215')!;
    expect(cert).toMatchObject({ count: 5, hosts: 3, inFlow: false, recovered: false, file: 'LocationServices.log' });
    expect(groups.length).toBe(store.failures.length - 2);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(store.failures.reduce((n, f) => n + f.occurrences, 0));
    const choices = failureChoices(init);
    expect(choices[0]!.label).toBe(`Failures (${store.failures.length} in ${groups.length} groups; N/P for each)`);
    expect(choices).toContainEqual({
      value: String(cert.first),
      label: '×5 0x87D00215 — LocationServices.log on 3 hosts (outside flows)',
    });
    // A recovered group says so.
    const named = failureChoices({
      failures: init.failures,
      failureGroups: [{ ...cert, recovered: true, inFlow: true }],
    });
    expect(named[1]!.label).toBe('×5 0x87D00215 — LocationServices.log on 3 hosts (recovered)');
  });

  it('refuses malformed requests with an error reply, and a webview of another protocol version', async () => {
    const { store } = await load('wsus-unreachable-2ee2');
    const data = new SwimlaneData(store);
    expect(
      await data.handle({ type: 'window', id: 7, start: 10, end: 5, width: 100, groups: [], filter: NONE }),
    ).toEqual({ type: 'error', id: 7, message: 'malformed request' });
    expect(await data.handle({ type: 'record', id: 8, row: store.eventCount })).toMatchObject({ type: 'error', id: 8 });
    expect(await data.handle({ type: 'nonsense' })).toBeUndefined();
    expect(await data.handle({ type: 'ready', version: PROTOCOL_VERSION + 1 })).toBeUndefined();
    const record = await data.handle({ type: 'record', id: 9, row: 3 });
    expect(record).toMatchObject({ type: 'record', id: 9, record: { row: 3, text: store.record(3).text } });
  });
});
