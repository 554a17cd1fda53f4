// Export of the current view: the same drawing the canvas shows, with the lane labels and the time axis
// beside it, as PNG (drawn on a canvas) or SVG (drawn on a recorder that writes SVG elements). One drawing
// routine for both, so the two pictures cannot disagree. Every string that reaches SVG is escaped: lane
// labels are host and component names from the logs.

import { escapeHtml } from '../shared/html.ts';
import { drawSwimlanes } from './render.ts';
import type { Canvas2D, DrawInput } from './render.ts';

/** Height of the title line at the top of an export; `axisHeight` includes it. */
export const TITLE_PX = 18;

export interface ExportFrame {
  readonly draw: DrawInput;
  readonly labelWidth: number;
  readonly axisHeight: number;
  /** Label of each layout row in view, by row index. */
  readonly labels: ReadonlyArray<{ readonly row: number; readonly text: string; readonly host: boolean }>;
  readonly ticks: ReadonlyArray<{ readonly time: number; readonly label: string }>;
  readonly title: string;
}

/** Draws labels, axis and lanes into `ctx` (a canvas of `labelWidth + width` by `axisHeight + height`). */
export function drawExport(ctx: Canvas2D, f: ExportFrame): void {
  const { draw, labelWidth, axisHeight } = f;
  const theme = draw.theme;
  ctx.save();
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, labelWidth + draw.width, axisHeight + draw.height);
  ctx.font = `11px ${theme.font}`;
  ctx.textBaseline = 'middle';
  // The title on a line of its own above the tick labels, which start at the plot's left edge.
  ctx.fillStyle = theme.foreground;
  ctx.fillText(f.title, 6, TITLE_PX / 2);
  const pxPerMs = draw.width / (draw.view.end - draw.view.start);
  ctx.fillStyle = theme.muted;
  const tickY = TITLE_PX + (axisHeight - TITLE_PX) / 2;
  for (const t of f.ticks) {
    ctx.fillText(t.label, labelWidth + (t.time - draw.view.start) * pxPerMs + 3, tickY);
  }
  for (const l of f.labels) {
    const r = draw.layout.rows[l.row];
    if (!r) {
      continue;
    }
    ctx.font = `${l.host ? 'bold ' : ''}11px ${theme.font}`;
    ctx.fillStyle = l.host ? theme.foreground : theme.muted;
    ctx.fillText(l.text, l.host ? 6 : 18, axisHeight + r.y - draw.scrollTop + r.height / 2);
  }
  ctx.translate(labelWidth, axisHeight);
  drawSwimlanes(ctx, draw);
  ctx.restore();
}

interface SvgState {
  fillStyle: string;
  strokeStyle: string;
  globalAlpha: number;
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
  dash: number[];
  tx: number;
  ty: number;
}

const num = (v: number): string => (Math.round(v * 100) / 100).toString();

/** A 2D context that records what is drawn as SVG elements. Only what `drawExport` uses. */
export class SvgContext implements Canvas2D {
  fillStyle = '#000';
  strokeStyle = '#000';
  globalAlpha = 1;
  lineWidth = 1;
  font = '10px sans-serif';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  private dash: number[] = [];
  private tx = 0;
  private ty = 0;
  private path = '';
  private readonly stack: SvgState[] = [];
  private readonly parts: string[] = [];

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  save(): void {
    this.stack.push({
      fillStyle: this.fillStyle,
      strokeStyle: this.strokeStyle,
      globalAlpha: this.globalAlpha,
      lineWidth: this.lineWidth,
      font: this.font,
      textBaseline: this.textBaseline,
      dash: this.dash,
      tx: this.tx,
      ty: this.ty,
    });
  }

  restore(): void {
    const s = this.stack.pop();
    if (s) {
      ({ fillStyle: this.fillStyle, strokeStyle: this.strokeStyle, globalAlpha: this.globalAlpha } = s);
      ({ lineWidth: this.lineWidth, font: this.font, textBaseline: this.textBaseline, dash: this.dash } = s);
      this.tx = s.tx;
      this.ty = s.ty;
    }
  }

  translate(x: number, y: number): void {
    this.tx += x;
    this.ty += y;
  }

  setLineDash(segments: number[]): void {
    this.dash = [...segments];
  }

  fillRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(
      `<rect x="${num(x + this.tx)}" y="${num(y + this.ty)}" width="${num(w)}" height="${num(h)}"${this.paint('fill')}/>`,
    );
  }

  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(
      `<rect x="${num(x + this.tx)}" y="${num(y + this.ty)}" width="${num(w)}" height="${num(h)}" fill="none"${this.paint('stroke')}/>`,
    );
  }

  beginPath(): void {
    this.path = '';
  }

  moveTo(x: number, y: number): void {
    this.path += `M${num(x + this.tx)} ${num(y + this.ty)}`;
  }

  lineTo(x: number, y: number): void {
    this.path += `L${num(x + this.tx)} ${num(y + this.ty)}`;
  }

  closePath(): void {
    this.path += 'Z';
  }

  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.path += `Q${num(cx + this.tx)} ${num(cy + this.ty)} ${num(x + this.tx)} ${num(y + this.ty)}`;
  }

  arc(x: number, y: number, r: number): void {
    // Only full circles are drawn (rings around causes): two half arcs.
    const cx = x + this.tx;
    const cy = y + this.ty;
    this.path += `M${num(cx - r)} ${num(cy)}a${num(r)} ${num(r)} 0 1 0 ${num(2 * r)} 0a${num(r)} ${num(r)} 0 1 0 ${num(-2 * r)} 0`;
  }

  stroke(): void {
    if (this.path !== '') {
      this.parts.push(`<path d="${this.path}" fill="none"${this.paint('stroke')}/>`);
    }
  }

  fill(): void {
    if (this.path !== '') {
      this.parts.push(`<path d="${this.path}"${this.paint('fill')}/>`);
    }
  }

  measureText(text: string): TextMetrics {
    // An estimate is enough for label backgrounds: about 0.6 em per character.
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 10);
    return { width: text.length * size * 0.6 } as TextMetrics;
  }

  fillText(text: string, x: number, y: number): void {
    const baseline =
      this.textBaseline === 'middle' ? 'central' : this.textBaseline === 'bottom' ? 'text-after-edge' : 'auto';
    const bold = /\bbold\b/.test(this.font) ? ' font-weight="bold"' : '';
    const size = /(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? '10';
    const family = this.font.replace(/^.*?\d+(?:\.\d+)?px\s*/, '');
    this.parts.push(
      `<text x="${num(x + this.tx)}" y="${num(y + this.ty)}" font-size="${size}" font-family="${escapeHtml(family)}"${bold} dominant-baseline="${baseline}"${this.paint('fill')}>${escapeHtml(text)}</text>`,
    );
  }

  /** The SVG document. */
  toString(): string {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">`,
      ...this.parts,
      '</svg>',
      '',
    ].join('\n');
  }

  private paint(kind: 'fill' | 'stroke'): string {
    const color = escapeHtml(String(kind === 'fill' ? this.fillStyle : this.strokeStyle));
    let out = ` ${kind}="${color}"`;
    if (kind === 'stroke') {
      out += ` stroke-width="${num(this.lineWidth)}"`;
      if (this.dash.length > 0) {
        out += ` stroke-dasharray="${this.dash.map(num).join(' ')}"`;
      }
    }
    if (this.globalAlpha < 1) {
      out += ` ${kind}-opacity="${num(this.globalAlpha)}"`;
    }
    return out;
  }
}

/** The view as an SVG document. */
export function exportSvg(frame: ExportFrame): string {
  const svg = new SvgContext(frame.labelWidth + frame.draw.width, frame.axisHeight + frame.draw.height);
  drawExport(svg, frame);
  return svg.toString();
}
