// The canvas renderer: lane stripes, marks coloured by severity, arrows styled by evidence, and the lit-up
// flow or failure chain over everything else dimmed. One function of its inputs, drawing into a 2D
// context; marks are batched per colour (one fillStyle, many rects) so a frame stays within budget at tens
// of thousands of marks. Returns the arrows it drew, in screen coordinates, for hit-testing.

import type { Layout } from './layout.ts';
import { MarkFlag } from './protocol.ts';
import type { EvidenceLevel, Highlight } from './protocol.ts';
import type { TimeWindow } from './scales.ts';
import { visibleRange } from './scene.ts';
import type { Scene, Segment } from './scene.ts';

export interface Theme {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly stripe: string;
  readonly hostRow: string;
  readonly severity: readonly [string, string, string];
  /** Arrow colours by evidence: id, derived, time. */
  readonly evidence: readonly [string, string, string];
  readonly focus: string;
  readonly font: string;
}

/** Line dashes by evidence: id solid, derived dashed, time dotted. */
export const EVIDENCE_DASH: readonly (readonly number[])[] = [[], [7, 4], [2, 3]];

/** The part of the 2D context the renderer uses: a canvas's, or the SVG recorder's (export.ts). */
export type Canvas2D = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'translate'
  | 'fillRect'
  | 'strokeRect'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'closePath'
  | 'quadraticCurveTo'
  | 'arc'
  | 'stroke'
  | 'fill'
  | 'setLineDash'
  | 'measureText'
  | 'fillText'
> & {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  globalAlpha: number;
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
};

export interface ArrowHit extends Segment {
  readonly kind: 'arrow' | 'highlight';
  readonly index: number;
}

export interface DrawInput {
  readonly width: number;
  readonly height: number;
  readonly layout: Layout;
  readonly scrollTop: number;
  readonly view: TimeWindow;
  readonly theme: Theme;
  readonly scene: Scene | undefined;
  /** Layout row of each scene group (-1: not shown now). */
  readonly sceneRows: Int32Array;
  readonly highlight: Highlight | undefined;
  /** Rows of the highlight, for dimming the rest. */
  readonly highlightRows: ReadonlySet<number>;
  /** The highlight is a failure chain: label its cause and failure. */
  readonly chain: boolean;
  /** That failure's flow went on to complete: its mark is a warning's. */
  readonly chainRecovered?: boolean;
  readonly selected: { readonly row: number; readonly time: number; readonly lane: number } | undefined;
  readonly hovered: number;
  /** Grid lines (UTC ms). */
  readonly gridTimes: readonly number[];
}

const DIM = 0.22;

export function drawSwimlanes(ctx: Canvas2D, d: DrawInput): ArrowHit[] {
  const { width, height, layout, scrollTop, view, theme } = d;
  const pxPerMs = width / (view.end - view.start);
  const xOf = (t: number): number => (t - view.start) * pxPerMs;
  const hits: ArrowHit[] = [];
  ctx.save();
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);

  // Rows in view: stripes, host rows, grid.
  const top = scrollTop;
  const bottom = scrollTop + height;
  let firstRow = layout.rows.findIndex((r) => r.y + r.height > top);
  if (firstRow < 0) {
    firstRow = layout.rows.length;
  }
  let lastRow = firstRow;
  while (lastRow < layout.rows.length && layout.rows[lastRow]!.y < bottom) {
    lastRow++;
  }
  for (let i = firstRow; i < lastRow; i++) {
    const r = layout.rows[i]!;
    const y = r.y - scrollTop;
    if (r.kind === 'host') {
      ctx.fillStyle = theme.hostRow;
      ctx.fillRect(0, y, width, r.height);
    } else if (i % 2 === 0) {
      ctx.fillStyle = theme.stripe;
      ctx.fillRect(0, y, width, r.height);
    }
  }
  ctx.fillStyle = theme.grid;
  for (const t of d.gridTimes) {
    const x = Math.round(xOf(t)) + 0.5;
    ctx.fillRect(x, 0, 1, height);
  }

  const dimmed = d.highlight !== undefined;
  const rowMid = (row: number): number => {
    const r = layout.rows[row]!;
    return r.y - scrollTop + r.height / 2;
  };
  const visibleRow = (row: number): boolean => row >= firstRow && row < lastRow;

  // Arrows first, so marks sit on top of their ends.
  const scene = d.scene;
  if (scene) {
    ctx.globalAlpha = dimmed ? DIM : 0.85;
    const a = scene.arrows;
    for (let ev = 0 as EvidenceLevel; ev <= 2; ev = (ev + 1) as EvidenceLevel) {
      ctx.strokeStyle = theme.evidence[ev];
      ctx.fillStyle = theme.evidence[ev];
      ctx.setLineDash(EVIDENCE_DASH[ev] as number[]);
      ctx.lineWidth = 1.25;
      ctx.beginPath();
      const heads: Array<[number, number, number, number]> = [];
      for (let i = 0; i < a.fromRows.length; i++) {
        if (a.evidence[i] !== ev) {
          continue;
        }
        const rf = d.sceneRows[a.fromGroups[i]!] ?? -1;
        const rt = d.sceneRows[a.toGroups[i]!] ?? -1;
        if (rf < 0 || rt < 0 || rf === rt || (!visibleRow(rf) && !visibleRow(rt))) {
          continue;
        }
        const x1 = xOf(a.fromTimes[i]!);
        const x2 = xOf(a.toTimes[i]!);
        if (Math.max(x1, x2) < 0 || Math.min(x1, x2) > width) {
          continue;
        }
        const y1 = rowMid(rf);
        const y2 = rowMid(rt);
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        heads.push([x1, y1, x2, y2]);
        hits.push({ kind: 'arrow', index: i, x1, y1, x2, y2 });
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      for (const [x1, y1, x2, y2] of heads) {
        arrowHead(ctx, x1, y1, x2, y2, 6);
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;

    // Marks, one colour at a time.
    ctx.globalAlpha = dimmed ? DIM : 1;
    const heights = [10, 14, 18];
    for (let sev = 0; sev <= 2; sev++) {
      ctx.fillStyle = theme.severity[sev as 0 | 1 | 2];
      const h = heights[sev]!;
      for (let g = 0; g < scene.groupKeys.length; g++) {
        const row = d.sceneRows[g] ?? -1;
        if (row < 0 || !visibleRow(row)) {
          continue;
        }
        const yMid = rowMid(row);
        const { from, to } = visibleRange(scene, g, view.start, view.end);
        let lastX = -10;
        for (let j = from; j < to; j++) {
          if (scene.severity[j] !== sev) {
            continue;
          }
          const x = Math.round(xOf(scene.times[j]!));
          // Several marks on one pixel column draw as one.
          if (x === lastX) {
            continue;
          }
          lastX = x;
          const w = scene.counts[j]! > 1 ? 3 : 2;
          ctx.fillRect(x - 1, yMid - h / 2, w, h);
        }
      }
    }
    // Failures as diamonds, causes as rings, over the ticks.
    for (let g = 0; g < scene.groupKeys.length; g++) {
      const row = d.sceneRows[g] ?? -1;
      if (row < 0 || !visibleRow(row)) {
        continue;
      }
      const yMid = rowMid(row);
      const { from, to } = visibleRange(scene, g, view.start, view.end);
      for (let j = from; j < to; j++) {
        const f = scene.flags[j]!;
        if ((f & (MarkFlag.failure | MarkFlag.cause)) === 0) {
          continue;
        }
        const x = xOf(scene.times[j]!);
        if (f & MarkFlag.failure) {
          // A failure its flow went on past is drawn as a warning.
          diamond(ctx, x, yMid, 6, theme.severity[f & MarkFlag.recovered ? 1 : 2], theme.background);
        }
        if (f & MarkFlag.cause) {
          ring(ctx, x, yMid, 7, theme.severity[2]);
        }
      }
    }
    ctx.globalAlpha = 1;
  }

  // The lit-up flow or chain, on top of the dimmed rest.
  const hl = d.highlight;
  if (hl) {
    const place = (i: number): { x: number; y: number; row: number } | undefined => {
      const row = layout.rowOfLane[hl.lanes[i]!] ?? -1;
      return row < 0 ? undefined : { x: xOf(hl.times[i]!), y: rowMid(row), row };
    };
    const indexOf = new Map(hl.rows.map((r, i) => [r, i]));
    ctx.lineWidth = 2.5;
    hl.links.forEach((link, li) => {
      const a = indexOf.get(link.from);
      const b = indexOf.get(link.to);
      const p = a === undefined ? undefined : place(a);
      const q = b === undefined ? undefined : place(b);
      if (!p || !q) {
        return;
      }
      ctx.strokeStyle = theme.evidence[link.evidence];
      ctx.fillStyle = theme.evidence[link.evidence];
      ctx.setLineDash(EVIDENCE_DASH[link.evidence] as number[]);
      ctx.beginPath();
      if (p.row === q.row) {
        // Steps within one lane: an arc above it, so they do not vanish into the lane's own ticks.
        const lift = Math.min(16, 6 + Math.abs(q.x - p.x) / 6);
        ctx.moveTo(p.x, p.y - 4);
        ctx.quadraticCurveTo((p.x + q.x) / 2, p.y - 4 - lift, q.x, q.y - 4);
        ctx.stroke();
        hits.push({ kind: 'highlight', index: li, x1: p.x, y1: p.y - lift / 2, x2: q.x, y2: q.y - lift / 2 });
      } else {
        ctx.moveTo(p.x, p.y);
        ctx.lineTo(q.x, q.y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.beginPath();
        arrowHead(ctx, p.x, p.y, q.x, q.y, 9);
        ctx.fill();
        hits.push({ kind: 'highlight', index: li, x1: p.x, y1: p.y, x2: q.x, y2: q.y });
      }
    });
    ctx.setLineDash([]);
    for (let i = 0; i < hl.rows.length; i++) {
      const p = place(i);
      if (!p) {
        continue;
      }
      const h = [12, 16, 20][hl.severity[i]!]!;
      ctx.fillStyle = theme.focus;
      ctx.fillRect(p.x - 3, p.y - h / 2 - 2, 6, h + 4);
      ctx.fillStyle = theme.severity[hl.severity[i]!];
      ctx.fillRect(p.x - 2, p.y - h / 2, 4, h);
    }
    if (d.chain && hl.rows.length > 0) {
      const c = place(0);
      const f = place(hl.rows.length - 1);
      ctx.font = `bold 11px ${theme.font}`;
      ctx.textBaseline = 'bottom';
      // A failure can be its own upstream cause (a timeout on the request nobody answered): one mark, one label.
      const own = hl.rows.length === 1;
      if (c) {
        ring(ctx, c.x, c.y, 9, theme.severity[2]);
        if (!own) {
          // Labelled below the mark when the failure's label above would run into it.
          const crowded = f !== undefined && Math.abs(f.y - c.y) < 16 && Math.abs(f.x - c.x) < 100;
          label(ctx, 'upstream cause', c.x, crowded ? c.y + 24 : c.y - 7, theme, width);
        }
      }
      if (f) {
        const recovered = d.chainRecovered === true;
        diamond(ctx, f.x, f.y, 8, theme.severity[recovered ? 1 : 2], theme.background);
        const what = recovered ? 'failure · recovered' : 'failure';
        label(ctx, own ? `${what} · its own upstream cause` : what, f.x, f.y - 7, theme, width);
      }
    }
  }

  // Selection: a hairline through every lane at its time, and a box around the mark.
  const sel = d.selected;
  if (sel) {
    const x = Math.round(xOf(sel.time)) + 0.5;
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height);
    ctx.stroke();
    ctx.setLineDash([]);
    const row = layout.rowOfLane[sel.lane] ?? -1;
    if (row >= 0) {
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 5, rowMid(row) - 11, 10, 22);
    }
  }
  if (d.hovered >= 0 && scene) {
    const j = d.hovered;
    const g = groupOfMark(scene, j);
    const row = d.sceneRows[g] ?? -1;
    if (row >= 0) {
      ctx.strokeStyle = theme.foreground;
      ctx.lineWidth = 1;
      ctx.strokeRect(Math.round(xOf(scene.times[j]!)) - 4.5, rowMid(row) - 10.5, 9, 21);
    }
  }
  ctx.restore();
  return hits;
}

/** The group a scene mark belongs to (binary search over group starts). */
export function groupOfMark(scene: Scene, j: number): number {
  let lo = 0;
  let hi = scene.groupKeys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (scene.groupStart[mid]! <= j) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

function arrowHead(ctx: Canvas2D, x1: number, y1: number, x2: number, y2: number, size: number) {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(angle - 0.45), y2 - size * Math.sin(angle - 0.45));
  ctx.lineTo(x2 - size * Math.cos(angle + 0.45), y2 - size * Math.sin(angle + 0.45));
  ctx.closePath();
}

function diamond(ctx: Canvas2D, x: number, y: number, r: number, fill: string, edge: string) {
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = edge;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

function ring(ctx: Canvas2D, x: number, y: number, r: number, color: string) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.stroke();
}

/** A label beside the mark at `markX`: on its right, or on its left where the right edge would cut it. */
function label(ctx: Canvas2D, text: string, markX: number, y: number, theme: Theme, width: number) {
  const w = ctx.measureText(text).width;
  const x = markX + 8 + w + 2 > width ? markX - 8 - w : markX + 8;
  ctx.fillStyle = theme.background;
  ctx.globalAlpha = 0.85;
  ctx.fillRect(x - 2, y - 13, w + 4, 14);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.foreground;
  ctx.fillText(text, x, y);
}
