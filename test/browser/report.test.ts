// The standalone HTML report in headless Chromium, opened from disk as an admin opens it: its own CSP lets its
// nonce'd script run and nothing else, the filters filter, a failure's upstream cause link lands on the
// timeline row it cites, the timeline's message column gets the width, and hostile log text stays text.
// Screenshots in test-results/screenshots/report-*.png (light and dark).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { timelineToHtml } from '../../src/correlate/export.ts';
import type { Timeline } from '../../src/correlate/model.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { launchChromium } from './chromium.ts';

const ROOT = resolve(__dirname, '../..');
const SAMPLE = join(ROOT, 'samples/logs/wsus-unreachable-2ee2');
const SHOTS = join(ROOT, 'test-results/screenshots');
const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';

let browser: Browser;
let dir: string;
let timeline: Timeline;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'cmflow-report-'));
  [browser, timeline] = await Promise.all([launchChromium(), openBundle(SAMPLE).then((b) => analyzeBundle(b))]);
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface OpenReport {
  readonly page: Page;
  readonly errors: string[];
  readonly violations: () => Promise<string[]>;
  readonly close: () => Promise<void>;
}

async function openReport(t: Timeline, name: string, scheme: 'light' | 'dark' = 'light'): Promise<OpenReport> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, timelineToHtml(t));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const seen: string[] = [];
    w['__cspViolations'] = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(pathToFileURL(file).href);
  return {
    page,
    errors,
    violations: () => page.evaluate(() => (window as unknown as Record<string, string[]>)['__cspViolations'] ?? []),
    close: () => context.close(),
  };
}

function visibleRows(page: Page): Promise<number> {
  return page.locator('#timeline tbody tr:not([hidden])').count();
}

describe('the HTML report in Chromium', () => {
  it('runs its script under its own CSP and nothing breaks it', async () => {
    const r = await openReport(timeline, 'sample');
    const { page } = r;
    // The filters are hidden until the script shows them: visible means the nonce'd script ran.
    await expect(page.locator('#filters').isVisible()).resolves.toBe(true);
    await expect(page.locator('#f-count').textContent()).resolves.toBe(
      `${timeline.events.length} of ${timeline.events.length} events`,
    );
    expect(await r.violations()).toEqual([]);
    expect(r.errors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'report-top.png') });
    await r.close();
  });

  it('filters the timeline by text, host and severity, and resets', async () => {
    const r = await openReport(timeline, 'filters');
    const { page } = r;
    const all = timeline.events.length;
    expect(await visibleRows(page)).toBe(all);

    const withCode = timeline.events.filter((e) =>
      [e.time, e.host, e.component, e.severity, e.text, `${e.file}:${e.line}`].some((s) =>
        String(s).toLowerCase().includes('80072ee2'),
      ),
    ).length;
    expect(withCode).toBeGreaterThan(0);
    await page.locator('#f-text').fill('80072EE2');
    await expect.poll(() => visibleRows(page)).toBe(withCode);
    await expect(page.locator('#f-count').textContent()).resolves.toBe(`${withCode} of ${all} events`);

    await page.locator('#f-reset').click();
    expect(await visibleRows(page)).toBe(all);

    const mp = timeline.hosts.find((h) => h.role === 'management-point');
    expect(mp).toBeDefined();
    await page.locator('#f-host').selectOption(mp!.name);
    expect(await visibleRows(page)).toBe(timeline.events.filter((e) => e.host === mp!.name).length);

    await page.locator('#f-reset').click();
    await page.locator('#f-sev').selectOption('error');
    const errors = timeline.events.filter((e) => e.severity === 'error').length;
    expect(errors).toBeGreaterThan(0);
    expect(await visibleRows(page)).toBe(errors);
    expect(await r.violations()).toEqual([]);
    expect(r.errors).toEqual([]);
    await r.close();
  });

  it("links a failure's upstream cause to the timeline row it cites", async () => {
    const r = await openReport(timeline, 'cause');
    const { page } = r;
    const failure = timeline.failures.find((f) => f.code === '0x80072EE2');
    expect(failure).toBeDefined();
    const cause = timeline.events.find((e) => e.id === failure!.upstreamCause)!;
    expect(`${cause.file}:${cause.line}`).toMatch(/WindowsUpdate\.log:34$/);

    const block = page.locator('article.failure').filter({ hasText: '0x80072EE2' }).first();
    const link = block.locator('dt:text-is("upstream cause") + dd a').first();
    await expect(link.textContent()).resolves.toBe(`${cause.file}:${cause.line}`);
    await link.click();
    const hash = await page.evaluate(() => location.hash);
    const row = page.locator(`${hash}`);
    await expect(row.locator('td.cite').textContent()).resolves.toBe(`${cause.file}:${cause.line}`);
    await expect(row.isVisible()).resolves.toBe(true);
    const box = await row.boundingBox();
    expect(box).not.toBeNull();
    // Scrolled to: the row is inside the viewport, below the sticky header rather than under it.
    const header = await page.locator('#timeline thead th').first().boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(header!.y + header!.height - 1);
    expect(box!.y).toBeLessThan(900);
    await page.screenshot({ path: join(SHOTS, 'report-cause-row.png') });
    await r.close();
  });

  it("gives the timeline's message column the width, not the file:line column", async () => {
    const r = await openReport(timeline, 'columns', 'dark');
    const { page } = r;
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    const widths = await page.evaluate(() => {
      const row = document.querySelector('#timeline tbody tr');
      const width = (selector: string) => row?.querySelector(selector)?.getBoundingClientRect().width ?? 0;
      return { text: width('td.text'), cite: width('td.cite'), table: row?.getBoundingClientRect().width ?? 0 };
    });
    // A long path without break opportunities used to take the width and squeeze messages into ~130 px.
    expect(widths.text).toBeGreaterThan(widths.cite);
    expect(widths.text).toBeGreaterThan(widths.table * 0.3);
    await page.screenshot({ path: join(SHOTS, 'report-timeline-dark.png') });
    await r.close();
  });

  it('shows hostile log text as text', async () => {
    const [first, ...rest] = timeline.events;
    const hostile: Timeline = {
      ...timeline,
      bundle: HOSTILE,
      events: [{ ...first!, text: HOSTILE, host: HOSTILE, component: HOSTILE }, ...rest],
    };
    const r = await openReport(hostile, 'hostile');
    const { page } = r;
    await expect(page.evaluate(() => (window as unknown as Record<string, unknown>)['pwned'])).resolves.toBeUndefined();
    await expect(page.title()).resolves.toBe(`CMFlow — ${HOSTILE}`);
    await expect(page.locator('#timeline tbody tr').first().locator('td.text').textContent()).resolves.toBe(HOSTILE);
    await expect(page.locator('img').count()).resolves.toBe(0);
    // One script: the report's own.
    await expect(page.locator('script').count()).resolves.toBe(1);
    // The host filter lists the hostile host name as an option's text, and filtering by it works.
    await page.locator('#f-host').selectOption(HOSTILE);
    expect(await visibleRows(page)).toBe(1);
    expect(r.errors).toEqual([]);
    await r.close();
  });
});
