// The overview strip: the whole bundle's records per bin (errors in their colour on top), a marker per
// failure, and a d3 brush over the current window that moves it.

import { brushX, select } from 'd3';
import type { BrushBehavior, Selection } from 'd3';
import type { FailureInfo, OverviewBins } from './protocol.ts';
import type { Theme } from './render.ts';
import type { TimeWindow } from './scales.ts';

export class Overview {
  private readonly brush: BrushBehavior<SVGSVGElement>;
  private readonly svg: Selection<SVGSVGElement>;
  private width = 0;
  private height = 0;
  /** Set while the brush is moved from code, so its events are not taken for the user's. */
  private moving = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    brushSvg: SVGSVGElement,
    private readonly bins: OverviewBins,
    private readonly failures: readonly FailureInfo[],
    private readonly extent: TimeWindow,
    onBrush: (view: TimeWindow) => void,
  ) {
    this.svg = select(brushSvg);
    this.brush = brushX<SVGSVGElement>().on('brush end', (event) => {
      if (this.moving || !event.sourceEvent || !event.selection) {
        return;
      }
      const [a, b] = event.selection;
      if (b - a >= 2) {
        onBrush({ start: this.timeAt(a), end: this.timeAt(b) });
      }
    });
  }

  private timeAt(x: number): number {
    return this.extent.start + (x / Math.max(1, this.width)) * (this.extent.end - this.extent.start);
  }

  private xAt(t: number): number {
    return ((t - this.extent.start) / (this.extent.end - this.extent.start)) * this.width;
  }

  resize(width: number, height: number, theme: Theme): void {
    this.width = width;
    this.height = height;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.brush.extent([
      [0, 0],
      [width, height],
    ]);
    this.svg.call(this.brush);
    this.draw(theme);
  }

  draw(theme: Theme): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, this.width, this.height);
    const { counts, errors } = this.bins;
    const n = counts.length;
    // Square root: one busy minute must not flatten every other bin to nothing.
    const max = Math.sqrt(Math.max(1, ...counts));
    const barW = Math.max(1, (this.bins.binMs / (this.extent.end - this.extent.start)) * this.width);
    const base = this.height - 2;
    const room = this.height - 12;
    const bar = (i: number, h: number, min: number): void => {
      const x = this.xAt(this.bins.start + i * this.bins.binMs);
      ctx.fillRect(x, base - Math.max(min, h), Math.max(1, barW - 0.5), Math.max(min, h));
    };
    ctx.fillStyle = theme.severity[0];
    for (let i = 0; i < n; i++) {
      if (counts[i]! > 0) {
        bar(i, (Math.sqrt(counts[i]!) / max) * room, 1);
      }
    }
    ctx.fillStyle = theme.severity[2];
    for (let i = 0; i < n; i++) {
      if (errors[i]! > 0) {
        bar(i, (Math.sqrt(errors[i]!) / max) * room, 2);
      }
    }
    // Failures: a tick from the top edge, so they stay visible whatever the bars.
    for (const f of this.failures) {
      const x = this.xAt(f.time);
      ctx.beginPath();
      ctx.moveTo(x - 4, 0);
      ctx.lineTo(x + 4, 0);
      ctx.lineTo(x, 7);
      ctx.closePath();
      ctx.fill();
    }
  }

  /** Shows `view` as the brush's selection. */
  show(view: TimeWindow): void {
    this.moving = true;
    const a = Math.max(0, this.xAt(view.start));
    const b = Math.min(this.width, Math.max(a + 2, this.xAt(view.end)));
    this.brush.move(this.svg, [a, b]);
    this.moving = false;
  }
}
