// The swimlane's render benchmark: on an analyzed bundle, the time from analysis done to the first frame
// with data in headless Chromium (lane index, page load, init, first window, first paint), then frame
// times while panning (mouse drags) and zooming (ctrl+wheel) the way a user does, through d3-zoom. A frame
// is the view's own `swimlane:frame` measure (the JS work of one paint); the interval between animation
// frames is reported beside it. A report, never a test: nothing fails on speed.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TimelineStore } from '../../src/correlate/store.ts';
import { CHROMIUM, launchChromium } from '../browser/chromium.ts';
import { closeSwimlane, openSwimlane } from '../browser/swimlane-harness.ts';

export interface RenderStats {
  readonly events: number;
  readonly lanes: number;
  /** Size of the `init` message as JSON. */
  readonly initKB: number;
  /** SwimlaneData construction (lane index) alone. */
  readonly indexMs: number;
  /** Analysis done → first frame with data (includes `indexMs`, excludes starting the browser). */
  readonly firstPaintMs: number;
  /** In the page, ms from navigation start to: script running, init received, first window, first frame. */
  readonly pageMarks: Readonly<Record<string, number>>;
  readonly frames: number;
  readonly frameMedianMs: number;
  readonly frameP95Ms: number;
  readonly rafMedianMs: number;
  readonly rafP95Ms: number;
  /** Host time to answer a window request. */
  readonly windowMedianMs: number;
  readonly windowP95Ms: number;
  readonly windows: number;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

export async function measureRender(store: TimelineStore, screenshotDir?: string): Promise<RenderStats> {
  const browser = await launchChromium();
  try {
    const windows: number[] = [];
    const opened = await openSwimlane(browser, store, {
      width: 1600,
      height: 900,
      onAnswer: (type, ms) => type === 'window' && windows.push(ms),
    });
    const { page, data } = opened;
    const pageMarks = await page.evaluate(() =>
      Object.fromEntries(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('swimlane:'))
          .map((m) => [m.name.slice('swimlane:'.length), Math.round(m.startTime)]),
      ),
    );
    const box = (await page.locator('#plot').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + Math.min(box.height / 2, 200);
    await page.evaluate(() => {
      performance.clearMeasures('swimlane:frame');
      const w = window as unknown as { __raf: number[] };
      w.__raf = [];
      const tick = (t: number): void => {
        w.__raf.push(t);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    // Zoom in by steps around the middle, pan both ways at each level, then zoom back out.
    await page.keyboard.down('Control');
    for (let level = 0; level < 6; level++) {
      for (let i = 0; i < 5; i++) {
        await page.mouse.move(cx, cy);
        await page.mouse.wheel(0, -120);
        await page.waitForTimeout(16);
      }
      await page.keyboard.up('Control');
      for (const dx of [-1, 1]) {
        await page.mouse.move(cx, cy);
        await page.mouse.down();
        for (let s = 1; s <= 20; s++) {
          await page.mouse.move(cx + dx * s * 12, cy);
          await page.waitForTimeout(16);
        }
        await page.mouse.up();
      }
      await page.keyboard.down('Control');
    }
    for (let i = 0; i < 20; i++) {
      await page.mouse.move(cx, cy);
      await page.mouse.wheel(0, 240);
      await page.waitForTimeout(16);
    }
    await page.keyboard.up('Control');
    await page.waitForTimeout(300);
    if (screenshotDir) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: join(screenshotDir, `bench-${store.eventCount}.png`) });
    }
    const { frames, raf } = await page.evaluate(() => {
      const f = performance.getEntriesByName('swimlane:frame').map((e) => e.duration);
      const r = (window as unknown as { __raf: number[] }).__raf;
      return { frames: f, raf: r.slice(1).map((t, i) => t - r[i]!) };
    });
    const stats: RenderStats = {
      events: store.eventCount,
      lanes: data.index.lanes.length,
      initKB: Math.round(JSON.stringify(data.init()).length / 1024),
      indexMs: opened.indexMs,
      firstPaintMs: opened.firstPaintMs,
      pageMarks,
      frames: frames.length,
      frameMedianMs: quantile(frames, 0.5),
      frameP95Ms: quantile(frames, 0.95),
      rafMedianMs: quantile(raf, 0.5),
      rafP95Ms: quantile(raf, 0.95),
      windowMedianMs: quantile(windows, 0.5),
      windowP95Ms: quantile(windows, 0.95),
      windows: windows.length,
    };
    await closeSwimlane(opened);
    return stats;
  } finally {
    await browser.close();
  }
}
