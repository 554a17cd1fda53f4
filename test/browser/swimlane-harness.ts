// Loads the built swimlane page (dist/views) in headless Chromium the way a VS Code webview would: the same
// page from `swimlanePage`, under its strict CSP, served from one origin through `page.route`, with
// `acquireVsCodeApi` stubbed by a bridge to the real host side (`SwimlaneData`) running here in Node.
// Records what the page posts, what the host's callbacks receive, page errors and CSP violations.
// Shared by the browser tests and the benchmark's render phase.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TimelineStore } from '../../src/correlate/store.ts';
import type { BundleFile } from '../../src/parsers/bundle.ts';
import { newNonce } from '../../src/views/shared/html.ts';
import { SwimlaneData } from '../../src/views/swimlane/host.ts';
import type { ExportedImage, RevealTarget, SwimlaneDataOptions } from '../../src/views/swimlane/host.ts';
import { SWIMLANE_SCRIPT, SWIMLANE_STYLE, swimlanePage } from '../../src/views/swimlane/page.ts';

const ORIGIN = 'https://cmflow-webview.test';
const ROOT = resolve(__dirname, '../..');

export interface OpenedSwimlane {
  readonly page: Page;
  readonly data: SwimlaneData;
  readonly reveals: RevealTarget[];
  readonly exports: ExportedImage[];
  /** Page errors, console errors and CSP violations, as text. */
  readonly problems: string[];
  /** Milliseconds from `openSwimlane` being called to the first frame with data. */
  readonly firstPaintMs: number;
  /** Of which building the host side (`new SwimlaneData`: the lane index). */
  readonly indexMs: number;
}

export interface OpenOptions {
  readonly width?: number;
  readonly height?: number;
  readonly files?: readonly Pick<BundleFile, 'path' | 'diskPath'>[];
  readonly state?: unknown;
  readonly data?: Partial<SwimlaneDataOptions>;
  /** Called with how long the host took to answer each message. */
  readonly onAnswer?: (type: string, ms: number) => void;
}

/** dist/views, from the tests (test/browser) or from the bundled benchmark (dist/). */
export function distViews(): string {
  for (const dir of [join(ROOT, 'dist/views'), join(__dirname, 'views')]) {
    if (existsSync(join(dir, SWIMLANE_SCRIPT))) {
      return dir;
    }
  }
  throw new Error('dist/views/swimlane.js is missing: run `node scripts/build.mjs` first');
}

export async function openSwimlane(browser: Browser, store: TimelineStore, options: OpenOptions = {}) {
  const started = performance.now();
  const dir = distViews();
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1400, height: options.height ?? 800 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const reveals: RevealTarget[] = [];
  const exports: ExportedImage[] = [];
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });

  // The host side is built while the page loads, as the extension does (html first, then the data):
  // the page's first message waits for it.
  let dataReady: (d: SwimlaneData) => void = () => undefined;
  const dataPromise = new Promise<SwimlaneData>((resolve) => (dataReady = resolve));
  await page.exposeFunction('__cmflowToHost', async (m: unknown) => {
    const data = await dataPromise;
    const t = performance.now();
    await data.receive(m);
    options.onAnswer?.((m as { type?: string }).type ?? '?', performance.now() - t);
  });
  await page.addInitScript((initialState: unknown) => {
    const w = window as unknown as Record<string, unknown>;
    let state = initialState;
    const posted: unknown[] = [];
    const violations: string[] = [];
    w.__posted = posted;
    w.__cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(
        `${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`,
      ),
    );
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => {
        posted.push(m);
        (w.__cmflowToHost as (m: unknown) => void)(m);
      },
      getState: () => state,
      setState: (s: unknown) => {
        state = s;
      },
    });
  }, options.state ?? null);

  const nonce = newNonce();
  const html = swimlanePage({
    cspSource: ORIGIN,
    nonce,
    scriptUri: `${ORIGIN}/${SWIMLANE_SCRIPT}`,
    styleUris: [`${ORIGIN}/${SWIMLANE_STYLE}`],
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.slice(1);
    if (path === '' || path === 'index.html') {
      await route.fulfill({ contentType: 'text/html', body: html });
    } else if (/^[\w.-]+\.(js|css|map)$/.test(path) && existsSync(join(dir, path))) {
      const type = path.endsWith('.css') ? 'text/css' : path.endsWith('.js') ? 'text/javascript' : 'application/json';
      await route.fulfill({ contentType: type, body: readFileSync(join(dir, path)) });
    } else {
      await route.fulfill({ status: 404, body: '' });
    }
  });
  // Anything else (remote content, a javascript: navigation) must never load: fail it loudly.
  await page.route(
    (url) => !url.href.startsWith(ORIGIN),
    async (route) => {
      problems.push(`request outside the webview: ${route.request().url()}`);
      await route.abort();
    },
  );
  const loaded = page.goto(`${ORIGIN}/index.html`);
  const indexStart = performance.now();
  const data = new SwimlaneData(store, {
    ...(options.files && { files: options.files }),
    ...options.data,
    post: (message) => {
      // In VS Code a webview receives host messages as `message` events on its window, serialized as
      // JSON on the way; a string also crosses to the page far faster than Playwright's object serializer.
      page
        .evaluate(
          (json) => window.dispatchEvent(new MessageEvent<unknown>('message', { data: JSON.parse(json) as unknown })),
          JSON.stringify(message),
        )
        .catch((e: unknown) => problems.push(`post: ${(e as Error).message}`));
    },
    onReveal: (t) => reveals.push(t),
    onExport: (img) => exports.push(img),
  });
  const indexMs = performance.now() - indexStart;
  dataReady(data);
  await loaded;
  await page.waitForSelector('#app[data-state="ready"]', { timeout: 60_000 });
  const firstPaintMs = performance.now() - started;
  return { page, data, reveals, exports, problems, firstPaintMs, indexMs } satisfies OpenedSwimlane;
}

/** CSP violations the page saw (securitypolicyviolation events). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

/** Messages the page posted to the host. */
export async function posted(page: Page): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted);
}

/** Waits until the page has drawn a frame after the host's last reply (two animation frames). */
export async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(50);
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 30)))),
  );
}

/** The app element's data-* counters (rows, marks, arrows, highlight, state). */
export async function counters(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => ({ ...document.getElementById('app')!.dataset }) as Record<string, string>);
}

/**
 * Page coordinates of the middle of the first vertical run of at least `minRun` pixels of `color`
 * (#rrggbb) in the plot canvas, searched from the left, or undefined. A mark is such a run (error ticks are
 * 18 px tall); arrows and rings are not. Lets a test click a mark as a user would, by what is drawn.
 */
export async function findColor(page: Page, color: string, minRun = 12): Promise<{ x: number; y: number } | undefined> {
  return page.evaluate(
    ({ hex, minRun }) => {
      const canvas = document.getElementById('plot') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const { width, height } = canvas;
      const img = ctx.getImageData(0, 0, width, height).data;
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const rect = canvas.getBoundingClientRect();
      const sx = rect.width / width;
      const sy = rect.height / height;
      const is = (x: number, y: number): boolean => {
        const o = (y * width + x) * 4;
        return (
          Math.abs(img[o]! - want[0]!) < 6 &&
          Math.abs(img[o + 1]! - want[1]!) < 6 &&
          Math.abs(img[o + 2]! - want[2]!) < 6
        );
      };
      for (let x = 0; x < width; x++) {
        let run = 0;
        for (let y = 0; y < height; y++) {
          run = is(x, y) ? run + 1 : 0;
          if (run >= minRun) {
            return { x: rect.left + (x + 0.5) * sx, y: rect.top + (y - run / 2 + 0.5) * sy };
          }
        }
      }
      return undefined;
    },
    { hex: color, minRun },
  );
}

/** Every lane label's text, scrolling the lanes from top to bottom (labels are only made for rows in view). */
export async function allLabels(page: Page): Promise<string[]> {
  const seen = new Set<string>();
  const { scrollHeight, clientHeight } = await page.evaluate(() => {
    const s = document.getElementById('scroller')!;
    return { scrollHeight: s.scrollHeight, clientHeight: s.clientHeight };
  });
  for (let top = 0; ; top += Math.max(1, clientHeight - 44)) {
    await page.evaluate((t) => (document.getElementById('scroller')!.scrollTop = t), top);
    await page.waitForTimeout(30);
    for (const t of await page.locator('#labels .label').allTextContents()) {
      seen.add(t);
    }
    if (top + clientHeight >= scrollHeight) {
      break;
    }
  }
  await page.evaluate(() => (document.getElementById('scroller')!.scrollTop = 0));
  return [...seen];
}

export async function closeSwimlane(opened: OpenedSwimlane): Promise<void> {
  await opened.page.context().close();
}
