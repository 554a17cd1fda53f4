// What the canvas draws, kept between window replies: the marks of a reply regrouped by lane group in time
// order (so any visible range is two binary searches), its arrows, and the pure searches over them:
// visible range, the mark under the pointer, the arrow under the pointer, the next failure in time.

import { lowerBound } from '../../correlate/lanes.ts';
import type { ArrowBatch, FailureInfo, WindowFilter, WindowReply } from './protocol.ts';
import type { TimeWindow } from './scales.ts';

export interface Scene {
  /** The window the marks were asked for (wider than the view, so panning needs no new data at once). */
  readonly window: TimeWindow;
  /** Pixels per ms the marks were thinned at: zooming in far beyond it asks for a new window. */
  readonly pxPerMs: number;
  readonly filter: WindowFilter;
  /** Lane groups of the request, as keys (`3,4,5`), so a changed layout can still place them. */
  readonly groupKeys: readonly string[];
  /** `groupStart[g]..groupStart[g + 1]` are group g's marks, in time order. */
  readonly groupStart: Int32Array;
  readonly times: Float64Array;
  readonly rows: Int32Array;
  readonly severity: Uint8Array;
  readonly flags: Uint8Array;
  readonly counts: Int32Array;
  readonly arrows: ArrowBatch;
  readonly totals: readonly number[];
  readonly partial: boolean;
  readonly searched: number;
  readonly arrowsOmitted: boolean;
}

export const groupKey = (lanes: readonly number[]): string => lanes.join(',');

export function buildScene(
  reply: Pick<WindowReply, 'marks' | 'arrows' | 'totals' | 'partial' | 'searched' | 'arrowsOmitted'>,
  groups: readonly (readonly number[])[],
  window: TimeWindow,
  width: number,
  filter: WindowFilter,
): Scene {
  const m = reply.marks;
  const n = m.rows.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => m.groups[a]! - m.groups[b]! || m.times[a]! - m.times[b]! || a - b,
  );
  const groupStart = new Int32Array(groups.length + 1);
  for (const g of m.groups) {
    if (g >= 0 && g < groups.length) {
      groupStart[g + 1]!++;
    }
  }
  for (let g = 0; g < groups.length; g++) {
    groupStart[g + 1]! += groupStart[g]!;
  }
  const kept = order.filter((i) => m.groups[i]! >= 0 && m.groups[i]! < groups.length);
  return {
    window,
    pxPerMs: width / Math.max(1e-9, window.end - window.start),
    filter,
    groupKeys: groups.map(groupKey),
    groupStart,
    times: Float64Array.from(kept, (i) => m.times[i]!),
    rows: Int32Array.from(kept, (i) => m.rows[i]!),
    severity: Uint8Array.from(kept, (i) => m.severity[i]!),
    flags: Uint8Array.from(kept, (i) => m.flags[i]!),
    counts: Int32Array.from(kept, (i) => m.counts[i]!),
    arrows: reply.arrows,
    totals: reply.totals,
    partial: reply.partial,
    searched: reply.searched,
    arrowsOmitted: reply.arrowsOmitted,
  };
}

/** The marks of group `g` within `[start, end]`, as an index range. */
export function visibleRange(scene: Scene, g: number, start: number, end: number): { from: number; to: number } {
  const lo = scene.groupStart[g] ?? 0;
  const hi = scene.groupStart[g + 1] ?? lo;
  const from = lowerBound(scene.times, start, lo, hi);
  // `end` inclusive: a mark exactly at the right edge is still drawn.
  const to = lowerBound(scene.times, end + 1e-9, from, hi);
  return { from, to };
}

/** The mark of group `g` nearest to instant `t`, if within `toleranceMs`; -1 otherwise. */
export function nearestMark(scene: Scene, g: number, t: number, toleranceMs: number): number {
  const lo = scene.groupStart[g] ?? 0;
  const hi = scene.groupStart[g + 1] ?? lo;
  const at = lowerBound(scene.times, t, lo, hi);
  let best = -1;
  let bestD = toleranceMs;
  // Among marks equally near, the most severe wins: an error under the pointer is what one wants.
  for (let j = Math.max(lo, at - 2); j < Math.min(hi, at + 2); j++) {
    const d = Math.abs(scene.times[j]! - t);
    if (
      d < bestD ||
      (d === bestD && best >= 0 && scene.severity[j]! > scene.severity[best]!) ||
      (best < 0 && d <= bestD)
    ) {
      best = j;
      bestD = d;
    }
  }
  return best;
}

/** Distance from point (px, py) to the segment (x1, y1)–(x2, y2). */
export function distanceToSegment(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + u * dx), py - (y1 + u * dy));
}

export interface Segment {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** Index of the segment nearest to (x, y) within `tolerance` px, or -1. */
export function nearestSegment(segments: readonly (Segment | undefined)[], x: number, y: number, tolerance: number) {
  let best = -1;
  let bestD = tolerance;
  segments.forEach((s, i) => {
    if (!s) {
      return;
    }
    const d = distanceToSegment(x, y, s.x1, s.y1, s.x2, s.y2);
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

/** The next failure strictly after (`dir` 1) or before (-1) instant `t`, as an index into `failures`. */
export function nextFailure(failures: readonly FailureInfo[], t: number, dir: 1 | -1, current = -1): number {
  let best = -1;
  failures.forEach((f, i) => {
    if (i === current) {
      return;
    }
    const ahead = dir === 1 ? f.time > t || (f.time === t && i > current) : f.time < t || (f.time === t && i < current);
    if (!ahead) {
      return;
    }
    const b = failures[best];
    if (!b || (dir === 1 ? f.time < b.time : f.time > b.time)) {
      best = i;
    }
  });
  return best;
}
