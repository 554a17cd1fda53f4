// The swimlane's pure front-end parts, without a DOM: time scales and zoom transforms, lane layout and
// reordering, the scene's visible-range search and hit-testing, the protocol's message checks, and the
// renderer drawn into the SVG recorder (what the canvas would get), hostile labels included.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LaneInfo } from '../../src/correlate/lanes.ts';
import { exportSvg } from '../../src/views/swimlane/export.ts';
import type { ExportFrame } from '../../src/views/swimlane/export.ts';
import {
  HOST_ROW_PX,
  LANE_ROW_PX,
  defaultLaneView,
  layoutLanes,
  moveHost,
  moveItem,
  moveLane,
  restoreLaneView,
  rowAt,
  rowsIn,
  toggleHost,
} from '../../src/views/swimlane/layout.ts';
import { PROTOCOL_VERSION, parseWebviewMessage } from '../../src/views/swimlane/protocol.ts';
import type { FailureInfo } from '../../src/views/swimlane/protocol.ts';
import type { Theme } from '../../src/views/swimlane/render.ts';
import {
  MIN_SPAN_MS,
  clampWindow,
  fitWindow,
  formatCorrection,
  ticks,
  tickFormat,
  transformFor,
  windowFor,
  zoneLabel,
  zoneOffsetMs,
  zoomWindow,
} from '../../src/views/swimlane/scales.ts';
import {
  buildScene,
  distanceToSegment,
  nearestMark,
  nearestSegment,
  nextFailure,
  visibleRange,
} from '../../src/views/swimlane/scene.ts';

const EXTENT = { start: Date.UTC(2025, 0, 21, 15, 0), end: Date.UTC(2025, 0, 21, 16, 0) };

const lane = (host: number, component: string, first: number): LaneInfo => ({
  host,
  component,
  count: 10,
  warnings: 1,
  errors: 1,
  first,
});

describe('scales', () => {
  it('turns a window into a d3-zoom transform and back', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 1e-5, max: 1, noNaN: true }),
        fc.integer({ min: 50, max: 4000 }),
        (a, len, width) => {
          const full = EXTENT.end - EXTENT.start;
          const view = clampWindow({ start: EXTENT.start + a * full, end: EXTENT.start + (a + len) * full }, EXTENT);
          const back = windowFor(transformFor(view, EXTENT, width), EXTENT, width);
          expect(back.start).toBeCloseTo(view.start, 0);
          expect(back.end).toBeCloseTo(view.end, 0);
        },
      ),
    );
  });

  it('keeps windows inside the bundle and no narrower than the minimum span', () => {
    expect(clampWindow({ start: EXTENT.start - 5000, end: EXTENT.start + 5000 }, EXTENT)).toEqual({
      start: EXTENT.start,
      end: EXTENT.start + 10_000,
    });
    expect(clampWindow({ start: EXTENT.end, end: EXTENT.end + 1 }, EXTENT)).toEqual({
      start: EXTENT.end - MIN_SPAN_MS,
      end: EXTENT.end,
    });
    const whole = clampWindow({ start: 0, end: Number.MAX_SAFE_INTEGER }, EXTENT);
    expect(whole).toEqual(EXTENT);
  });

  it('zooms around an anchor that stays where it is on screen', () => {
    const view = { start: EXTENT.start + 600_000, end: EXTENT.start + 1_200_000 };
    const anchor = view.start + 150_000;
    const zoomed = zoomWindow(view, anchor, 0.5, EXTENT);
    expect(zoomed.end - zoomed.start).toBe(300_000);
    expect((anchor - zoomed.start) / (zoomed.end - zoomed.start)).toBeCloseTo(0.25, 9);
  });

  it('fits a range with padding and a minimum span', () => {
    const f = fitWindow(EXTENT.start + 1000, EXTENT.start + 1000, EXTENT);
    expect(f.end - f.start).toBeCloseTo(2000 * 1.2, 6);
  });

  it('labels ticks so that neighbours differ, on round times of the display zone', () => {
    for (const span of [400, 5000, 90_000, 3_600_000, 5 * 86_400_000]) {
      const view = { start: EXTENT.start + 123, end: EXTENT.start + 123 + span };
      const t = ticks(view, 0, 10);
      expect(t.length).toBeGreaterThan(1);
      t.slice(1).forEach((x, i) => expect(x.label).not.toBe(t[i]!.label));
    }
    expect(tickFormat(500)).toBe('%H:%M:%S.%L');
    // UTC-05:00: ticks on the local hour, labelled with the local time.
    const hosts = [
      {
        name: 'PS1WIN10X64',
        role: 'client',
        roles: ['client'],
        biasMinutes: 300,
        clockSkewMs: 0,
        skewUncertaintyMs: 0,
        skewBasis: '',
        fileClocks: [],
        reference: false,
      },
    ] as const;
    const local = { kind: 'host', host: 0 } as const;
    expect(zoneOffsetMs(local, hosts)).toBe(-300 * 60_000);
    expect(zoneLabel(local, hosts)).toBe('UTC-05:00 (PS1WIN10X64)');
    const t = ticks({ start: Date.UTC(2025, 0, 21, 14, 50), end: Date.UTC(2025, 0, 21, 17, 10) }, -300 * 60_000, 3);
    expect(t.map((x) => x.label)).toEqual(['10:00', '11:00', '12:00']);
    expect(t[0]!.time).toBe(Date.UTC(2025, 0, 21, 15, 0));
  });
});

describe('layout', () => {
  const lanes = [lane(0, 'ScanAgent', 5), lane(0, 'WUAHandler', 9), lane(1, 'MP_Location', 6), lane(2, 'StateSys', 1)];

  it('puts a header row above each host and one row per lane, and maps lanes to rows', () => {
    const layout = layoutLanes(defaultLaneView(3, lanes), lanes);
    expect(layout.rows.map((r) => r.kind)).toEqual(['host', 'lane', 'lane', 'host', 'lane', 'host', 'lane']);
    expect(layout.height).toBe(3 * HOST_ROW_PX + 4 * LANE_ROW_PX);
    expect([...layout.rowOfLane]).toEqual([1, 2, 4, 6]);
    expect(rowAt(layout, 0)).toBe(0);
    expect(rowAt(layout, HOST_ROW_PX + 1)).toBe(1);
    expect(rowAt(layout, layout.height)).toBe(-1);
    expect(rowsIn(layout, HOST_ROW_PX + 5, HOST_ROW_PX + LANE_ROW_PX + 5)).toEqual({ first: 1, last: 2 });
  });

  it('collapses a host into one row showing all its lanes, and filters hosts and components', () => {
    const collapsed = layoutLanes(toggleHost(defaultLaneView(3, lanes), 0), lanes);
    expect(collapsed.rows[0]).toMatchObject({ kind: 'host', collapsed: true, lanes: [0, 1] });
    expect(collapsed.rowOfLane[0]).toBe(0);
    expect(collapsed.rowOfLane[1]).toBe(0);
    const oneHost = layoutLanes({ ...defaultLaneView(3, lanes), host: 1 }, lanes);
    expect(oneHost.rows.map((r) => r.host)).toEqual([1, 1]);
    expect(oneHost.rowOfLane[0]).toBe(-1);
    const oneComponent = layoutLanes({ ...defaultLaneView(3, lanes), component: 'StateSys' }, lanes);
    expect(oneComponent.rows.length).toBe(2);
    // Many lanes: hosts with several lanes start collapsed.
    expect(defaultLaneView(3, lanes, 2).collapsed).toEqual([0]);
  });

  it('reorders lanes within their host and hosts among hosts', () => {
    expect(moveItem([1, 2, 3, 4], 0, 2)).toEqual([2, 3, 1, 4]);
    expect(moveItem([1, 2, 3], 2, -5)).toEqual([3, 1, 2]);
    const view = defaultLaneView(3, lanes);
    expect(moveLane(view, 0, 1, -1).laneOrder[0]).toEqual([1, 0]);
    expect(moveHost(view, 2, -2).hostOrder).toEqual([2, 0, 1]);
    const layout = layoutLanes(moveHost(moveLane(view, 0, 1, -1), 2, -2), lanes);
    expect(layout.rows.map((r) => (r.kind === 'lane' ? r.lane : `h${r.host}`))).toEqual(['h2', 3, 'h0', 1, 0, 'h1', 2]);
  });

  it('restores a saved view only onto the same hosts and lanes', () => {
    const saved = moveLane(toggleHost(defaultLaneView(3, lanes), 1), 0, 1, -1);
    expect(restoreLaneView(JSON.parse(JSON.stringify(saved)), 3, lanes)).toEqual(saved);
    expect(restoreLaneView(saved, 4, [...lanes, lane(3, 'X', 0)])).toEqual(
      defaultLaneView(4, [...lanes, lane(3, 'X', 0)]),
    );
    expect(restoreLaneView('nonsense', 3, lanes)).toEqual(defaultLaneView(3, lanes));
  });
});

describe('scene', () => {
  const reply = {
    marks: {
      rows: [10, 11, 12, 20, 21, 13],
      times: [100, 200, 300, 150, 150, 250],
      groups: [0, 0, 0, 1, 1, 0],
      severity: [0, 0, 2, 0, 2, 1] as Array<0 | 1 | 2>,
      flags: [0, 0, 1, 0, 0, 0],
      counts: [1, 1, 1, 1, 1, 3],
    },
    arrows: {
      fromRows: [],
      toRows: [],
      fromTimes: [],
      toTimes: [],
      fromGroups: [],
      toGroups: [],
      evidence: [],
      counts: [],
    },
    totals: [6, 2],
    partial: false,
    searched: 1,
    arrowsOmitted: false,
  };
  const scene = buildScene(reply, [[0], [1, 2]], { start: 0, end: 1000 }, 500, { minSeverity: 0, text: '', flow: -1 });

  it('groups marks and orders them by time within each group', () => {
    expect([...scene.groupStart]).toEqual([0, 4, 6]);
    expect([...scene.rows]).toEqual([10, 11, 13, 12, 20, 21]);
    expect([...scene.times]).toEqual([100, 200, 250, 300, 150, 150]);
    expect(scene.groupKeys).toEqual(['0', '1,2']);
  });

  it('finds the visible range of a group by binary search', () => {
    expect(visibleRange(scene, 0, 150, 260)).toEqual({ from: 1, to: 3 });
    expect(visibleRange(scene, 0, 300, 300)).toEqual({ from: 3, to: 4 });
    expect(visibleRange(scene, 1, 0, 149)).toEqual({ from: 4, to: 4 });
  });

  it('hit-tests the nearest mark within the tolerance, the most severe on a tie', () => {
    expect(nearestMark(scene, 0, 205, 10)).toBe(1);
    expect(nearestMark(scene, 0, 225, 10)).toBe(-1);
    expect(nearestMark(scene, 1, 151, 5)).toBe(5);
    expect(nearestMark(scene, 1, 1000, 5)).toBe(-1);
  });

  it('hit-tests arrows by their distance to the pointer', () => {
    expect(distanceToSegment(5, 5, 0, 0, 10, 0)).toBe(5);
    expect(distanceToSegment(-3, 4, 0, 0, 10, 0)).toBe(5);
    expect(distanceToSegment(2, 2, 2, 2, 2, 2)).toBe(0);
    const segments = [{ x1: 0, y1: 0, x2: 100, y2: 100 }, undefined, { x1: 0, y1: 50, x2: 100, y2: 50 }];
    expect(nearestSegment(segments, 20, 52, 4)).toBe(2);
    expect(nearestSegment(segments, 60, 59, 4)).toBe(0);
    expect(nearestSegment(segments, 20, 45, 1)).toBe(-1);
  });

  it('steps to the next and previous failure in time', () => {
    const f = (time: number): FailureInfo => ({
      row: 0,
      time,
      lane: 0,
      code: undefined,
      meaning: '',
      type: 'record',
      occurrences: 1,
      recovered: false,
      flow: -1,
      causeRow: 0,
      causeTime: time,
      causeLane: 0,
      where: '',
    });
    const failures = [f(300), f(100), f(200), f(200)];
    expect(nextFailure(failures, 150, 1)).toBe(2);
    expect(nextFailure(failures, 200, 1, 2)).toBe(3);
    expect(nextFailure(failures, 200, -1, 3)).toBe(2);
    expect(nextFailure(failures, 300, 1, 0)).toBe(-1);
    expect(nextFailure(failures, 150, -1)).toBe(1);
  });
});

describe('protocol', () => {
  const filter = { minSeverity: 0, text: '', flow: -1 };

  it('accepts the messages a webview sends', () => {
    for (const m of [
      { type: 'ready', version: PROTOCOL_VERSION },
      { type: 'window', id: 1, start: 0, end: 10, width: 800, groups: [[0, 1], [2]], filter },
      { type: 'record', id: 2, row: 5 },
      { type: 'reveal', row: 5 },
      { type: 'exportImage', format: 'svg', data: '<svg/>', suggestedName: 'x.svg' },
      { type: 'flow', id: 3, flow: 0 },
      { type: 'chain', id: 4, failure: 0 },
      { type: 'step', id: 5, row: 1, direction: -1, lanes: [0], filter },
      { type: 'locate', id: 6, file: 'a/b.log', line: 3 },
      { type: 'flowSummaries', id: 7, flows: [0, 3] },
    ]) {
      expect(parseWebviewMessage(m), m.type).toEqual(m);
    }
  });

  it('refuses malformed ones', () => {
    for (const m of [
      null,
      'ready',
      { type: 'window', id: 1, start: 10, end: 0, width: 800, groups: [], filter },
      { type: 'window', id: 1, start: 0, end: 10, width: 0, groups: [], filter },
      { type: 'window', id: 1, start: 0, end: 10, width: 100, groups: [[-1]], filter },
      { type: 'window', id: 1, start: 0, end: 10, width: 100, groups: [], filter: { ...filter, minSeverity: 3 } },
      { type: 'window', id: 1, start: Number.NaN, end: 10, width: 100, groups: [], filter },
      { type: 'record', id: 2, row: -1 },
      { type: 'record', row: 1 },
      { type: 'reveal', row: 1.5 },
      { type: 'exportImage', format: 'gif', data: '', suggestedName: '' },
      { type: 'step', id: 5, row: 1, direction: 2, lanes: [0], filter },
      { type: 'flowSummaries', id: 7, flows: Array.from({ length: 501 }, () => 0) },
      { type: '__proto__' },
    ]) {
      expect(parseWebviewMessage(m)).toBeUndefined();
    }
  });
});

describe('export', () => {
  const theme: Theme = {
    background: '#1f1f1f',
    foreground: '#cccccc',
    muted: '#9d9d9d',
    grid: '#303030',
    stripe: '#262626',
    hostRow: '#2b2b2b',
    severity: ['#3794ff', '#cca700', '#f14c4c'],
    evidence: ['#89d185', '#b180d7', '#d18616'],
    focus: '#0078d4',
    font: 'sans-serif',
  };
  const lanes = [lane(0, 'ScanAgent', 0), lane(1, 'MP_Location', 0)];
  const layout = layoutLanes(defaultLaneView(2, lanes), lanes);
  const scene = buildScene(
    {
      marks: {
        rows: [1, 2, 3],
        times: [100, 200, 300],
        groups: [0, 0, 1],
        severity: [0, 2, 1],
        flags: [0, 1, 0],
        counts: [1, 1, 1],
      },
      arrows: {
        fromRows: [1],
        toRows: [3],
        fromTimes: [100],
        toTimes: [300],
        fromGroups: [0],
        toGroups: [1],
        evidence: [1],
        counts: [1],
      },
      totals: [2, 1],
      partial: false,
      searched: 1,
      arrowsOmitted: false,
    },
    [[0], [1]],
    { start: 0, end: 400 },
    400,
    { minSeverity: 0, text: '', flow: -1 },
  );
  const frame = (label: string): ExportFrame => ({
    draw: {
      width: 400,
      height: 200,
      layout,
      scrollTop: 0,
      view: { start: 0, end: 400 },
      theme,
      scene,
      sceneRows: Int32Array.from([1, 3]),
      highlight: undefined,
      highlightRows: new Set(),
      chain: false,
      selected: undefined,
      hovered: -1,
      gridTimes: [],
    },
    labelWidth: 100,
    axisHeight: 20,
    labels: [{ row: 0, text: label, host: true }],
    ticks: [{ time: 200, label: '15:00' }],
    title: 'bundle',
  });

  it('draws marks by severity, the arrow dashed for derived evidence, and failures as diamonds', () => {
    const svg = exportSvg(frame('PS1WIN10X64'));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // One tick per mark, in its severity's colour, at x = label column + time (1 px per ms here).
    expect(svg).toMatch(/<rect x="199" y="[\d.]+" width="2" height="10" fill="#3794ff"\/>/);
    expect(svg).toMatch(/<rect x="299" y="[\d.]+" width="2" height="18" fill="#f14c4c"\/>/);
    expect(svg).toMatch(/<rect x="399" y="[\d.]+" width="2" height="14" fill="#cca700"\/>/);
    expect(svg).toMatch(/stroke="#b180d7"[^>]*stroke-dasharray="7 4"/);
    expect(svg).toContain('>PS1WIN10X64</text>');
    expect(svg).toContain('>15:00</text>');
    expect(
      (svg.match(/<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+Z" fill="#f14c4c"/g) ?? []).length,
    ).toBe(1);
  });

  it("labels a failure chain's upstream cause and failure, once when the failure is its own cause", () => {
    const chain = (rows: number[], times: number[]): ExportFrame => {
      const base = frame('PS1WIN10X64');
      const highlight = {
        rows,
        times,
        lanes: rows.map(() => 0),
        severity: rows.map(() => 2 as const),
        links: [],
        start: times[0]!,
        end: times[times.length - 1]!,
      };
      return { ...base, draw: { ...base.draw, highlight, highlightRows: new Set(rows), chain: true } };
    };
    const apart = exportSvg(chain([1, 3], [100, 300]));
    expect(apart).toContain('>upstream cause</text>');
    expect(apart).toContain('>failure</text>');
    // A timeout whose cause is the request nobody answered: the two labels used to be drawn over each other.
    const own = exportSvg(chain([2], [200]));
    expect(own).toContain('>failure · its own upstream cause</text>');
    expect(own).not.toContain('>upstream cause</text>');
    // Cause and failure a few pixels apart: the cause's label goes below its mark, clear of the failure's.
    const near = exportSvg(chain([1, 2], [100, 130]));
    const y = (text: string): number =>
      Number(new RegExp(`<text x="[\\d.]+" y="([\\d.]+)"[^>]*>${text}</text>`).exec(near)?.[1]);
    expect(y('upstream cause')).toBeGreaterThan(y('failure') + 14);
    // A failure its flow went on past says so, in the warning's colour rather than the error's.
    const base = chain([1, 3], [100, 300]);
    const recovered = exportSvg({ ...base, draw: { ...base.draw, chainRecovered: true } });
    expect(recovered).toContain('>failure · recovered</text>');
    expect(recovered).not.toContain('>failure</text>');
    const diamonds = (svg: string, fill: string): number =>
      (svg.match(new RegExp(`<path d="M[\\d.]+ [\\d.]+(?:L[\\d.]+ [\\d.]+){3}Z" fill="${fill}"`, 'g')) ?? []).length;
    // The chain's own diamond turns; the scene's marks keep the flags their records have.
    expect(diamonds(recovered, '#cca700')).toBe(1);
    expect(diamonds(recovered, '#f14c4c')).toBe(diamonds(exportSvg(base), '#f14c4c') - 1);
  });

  it('escapes every label: names from the logs are hostile', () => {
    const svg = exportSvg(frame('PS1<img src=x onerror=alert(1)>&"'));
    expect(svg).not.toContain('<img');
    expect(svg).toContain('PS1&lt;img src=x onerror=alert(1)&gt;&amp;&quot;');
  });
});

describe('formatCorrection', () => {
  it.each([
    [-2920, '−2.92 s'],
    [686, '+0.69 s'],
    [0, '+0.00 s'],
    [-(6 * 3_600_000 + 2920), '−6 h 2.92 s'],
    [5 * 3_600_000 + 30 * 60_000, '+5 h 30 min'],
    [-(45 * 60_000 + 1004), '−45 min 1.00 s'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatCorrection(ms)).toBe(text);
  });
});
