// The swimlane webview in headless Chromium against the real host side: every sample bundle renders with
// its lanes, marks and arrows; a failure lights up its chain; clicking a mark posts `reveal` for its
// file:line; hostile log text shows as text with nothing executed and no CSP violation. Screenshots go to
// test-results/screenshots/ to be looked at.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/correlate/analyze.ts';
import type { AnalyzedBundle } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import type { Bundle } from '../../src/parsers/bundle.ts';
import { layoutLanes, restoreLaneView } from '../../src/views/swimlane/layout.ts';
import { launchChromium } from './chromium.ts';
import {
  allLabels,
  closeSwimlane,
  counters,
  cspViolations,
  findColor,
  openSwimlane,
  posted,
  settle,
} from './swimlane-harness.ts';

const ROOT = resolve(__dirname, '../..');
const SHOTS = join(ROOT, 'test-results/screenshots');
const SAMPLES = readdirSync(join(ROOT, 'samples/logs'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
/** The fallback colours of swimlane.css (no VS Code theme in the harness). */
const ERROR = '#f14c4c';

let browser: Browser;
const opened: Array<{ bundle: Bundle; analyzed: AnalyzedBundle }> = [];

async function analyze(dir: string): Promise<{ bundle: Bundle; analyzed: AnalyzedBundle }> {
  const bundle = await openBundle(dir);
  const analyzed = await analyzeToStore(bundle);
  await analyzed.prefetch();
  const a = { bundle, analyzed };
  opened.push(a);
  return a;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const { analyzed, bundle } of opened) {
    analyzed.close();
    bundle.close();
  }
});

describe.each(SAMPLES)('swimlane of %s', (name) => {
  it('draws every lane, marks and arrows, and a failure lit up with its upstream cause', async () => {
    const { bundle, analyzed } = await analyze(join(ROOT, 'samples/logs', name));
    const store = analyzed.timeline;
    const view = await openSwimlane(browser, store, { files: bundle.files });
    try {
      const { page, data } = view;
      const init = data.init();
      const layout = layoutLanes(restoreLaneView(undefined, init.hosts.length, init.lanes), init.lanes);
      await settle(page);
      const c = await counters(page);
      expect(Number(c.rows)).toBe(layout.rows.length);
      expect(Number(c.marks)).toBeGreaterThan(0);
      // Every sample has messages crossing hosts (client → MP → site) within its time span.
      expect(Number(c.arrows)).toBeGreaterThan(0);
      // Each host is labelled, and each of its components (hosts are expanded in small bundles).
      const labels = await allLabels(page);
      for (const h of init.hosts.filter((h) => init.lanes.some((l) => init.hosts[l.host] === h))) {
        expect(labels.some((l) => l.includes(h.name))).toBe(true);
      }
      for (const lane of init.lanes) {
        expect(labels.some((l) => l.startsWith(lane.component))).toBe(true);
      }
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });

      if (init.failures.length > 0) {
        data.focusFailure(0);
        await page.waitForFunction(() => document.getElementById('app')!.dataset.highlight === 'chain:0');
        await settle(page);
        const f = init.failures[0]!;
        const status = await page.locator('#status-text').textContent();
        expect(status).toContain(f.where);
        // statemsg-delayed-mpfdm's first failure is one its flow went on past.
        expect(status?.includes('(recovered: its flow completed afterwards)')).toBe(f.recovered);
        expect(f.recovered).toBe(name === 'statemsg-delayed-mpfdm');
        // The view now spans the chain, from the cause to the failure.
        const chain = data.index.chainHighlight(0)!;
        expect(chain.rows[0]).toBe(f.causeRow);
        expect(chain.rows.at(-1)).toBe(f.row);
        await page.screenshot({ path: join(SHOTS, `${name}-failure.png`) });
      }
      expect(await cspViolations(page)).toEqual([]);
      expect(view.problems).toEqual([]);
    } finally {
      await closeSwimlane(view);
    }
  });
});

describe('interaction', () => {
  it('clicking a mark shows its record and posts reveal for its file and line', async () => {
    const { bundle, analyzed } = await analyze(join(ROOT, 'samples/logs/wsus-unreachable-2ee2'));
    const view = await openSwimlane(browser, analyzed.timeline, { files: bundle.files });
    try {
      const { page } = view;
      await settle(page);
      const at = await findColor(page, ERROR);
      expect(at, 'an error mark is drawn').toBeDefined();
      await page.mouse.move(at!.x, at!.y);
      await page.waitForSelector('#card:not([hidden]) .text');
      await page.mouse.click(at!.x, at!.y);
      await page.waitForFunction(() =>
        (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'reveal'),
      );
      const reveal = (await posted(page)).find((m) => m.type === 'reveal')!;
      expect(typeof reveal.row).toBe('number');
      // The host turned the row into the record's file and line, with its path on disk.
      await expect.poll(() => view.reveals.length).toBe(1);
      const target = view.reveals[0]!;
      const event = analyzed.timeline.event(reveal.row as number);
      expect(target).toMatchObject({ file: event.file, line: event.line });
      expect(target.diskPath).toBe(join(ROOT, 'samples/logs/wsus-unreachable-2ee2', event.file));
      // The hover card shows that record's message.
      const text = await page.locator('#card .text').textContent();
      expect(text).toBe(event.text);
      await page.screenshot({ path: join(SHOTS, 'interaction-hover.png') });
    } finally {
      await closeSwimlane(view);
    }
  });

  it('moves between events and failures from the keyboard, and exports the view', async () => {
    const { analyzed } = await analyze(join(ROOT, 'samples/logs/statemsg-stuck-mpfdm'));
    const view = await openSwimlane(browser, analyzed.timeline);
    try {
      const { page, data } = view;
      await settle(page);
      await page.focus('#plot');
      await page.keyboard.press('n');
      await page.waitForFunction(() => document.getElementById('app')!.dataset.highlight?.startsWith('chain:'));
      const first = (await counters(page)).highlight;
      await page.keyboard.press('n');
      await expect.poll(async () => (await counters(page)).highlight).not.toBe(first);
      // Right arrow steps to the next record of the selected lane.
      const before = await page.evaluate(() => history.length);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      await expect.poll(() => view.reveals.length).toBeGreaterThan(0);
      expect(await page.evaluate(() => history.length)).toBe(before);

      await page.getByRole('button', { name: 'Export the current view as SVG' }).click();
      await page.getByRole('button', { name: 'Export the current view as PNG' }).click();
      await expect.poll(() => view.exports.length).toBe(2);
      const [svg, png] = view.exports;
      expect(svg!.format).toBe('svg');
      expect(svg!.data.startsWith('<svg')).toBe(true);
      expect(svg!.data).toContain(data.init().hosts[0]!.name);
      expect(png!.format).toBe('png');
      expect(png!.data.startsWith('data:image/png;base64,')).toBe(true);
      writeFileSync(join(SHOTS, 'export.svg'), svg!.data);
      writeFileSync(join(SHOTS, 'export.png'), Buffer.from(png!.data.split(',')[1]!, 'base64'));
      expect(view.problems).toEqual([]);
    } finally {
      await closeSwimlane(view);
    }
  });
});

describe('navigation and display', () => {
  it('restores its view after a reload, focuses an event by file and line, shows local time, follows the theme', async () => {
    const name = 'wsus-unreachable-2ee2';
    const { bundle, analyzed } = await analyze(join(ROOT, 'samples/logs', name));
    const store = analyzed.timeline;
    const first = await openSwimlane(browser, store, { files: bundle.files });
    let saved: unknown;
    try {
      const { page, data } = first;
      await settle(page);
      const rows = Number((await counters(page)).rows);
      // Collapse the first host: its lanes fold into one row.
      await page.locator('#labels .label.host').first().click();
      const hostLanes = data.init().lanes.filter((l) => l.host === 0).length;
      await expect.poll(async () => Number((await counters(page)).rows)).toBe(rows - hostLanes);
      data.focusFlow(store.flows[0]!.id);
      await page.waitForFunction(() => document.getElementById('app')!.dataset.highlight === 'flow:0');
      // Lighting a flow expands the hosts it crosses again.
      await expect.poll(async () => Number((await counters(page)).rows)).toBe(rows);
      await page.locator('vscode-dropdown[data-control="time zone"]').click();
      await page.locator('vscode-option', { hasText: 'Local' }).first().click();
      await expect.poll(() => page.locator('#zone').textContent()).toContain('UTC-05:00');
      await settle(page);
      await page.screenshot({ path: join(SHOTS, 'flow-local-time.png') });
      await page.waitForTimeout(300);
      saved = await page.evaluate(() => acquireVsCodeApi().getState());
      expect(saved).toMatchObject({ highlight: { kind: 'flow', index: 0 }, zone: { kind: 'host' } });
      expect(JSON.stringify(saved)).not.toContain(store.record(0).text);
    } finally {
      await closeSwimlane(first);
    }

    const again = await openSwimlane(browser, store, { files: bundle.files, state: saved });
    try {
      const { page, data } = again;
      await page.waitForFunction(() => document.getElementById('app')!.dataset.highlight === 'flow:0');
      expect(await page.locator('#zone').textContent()).toContain('UTC-05:00');
      // Focus the record of a failure by its file on disk and line, as the CodeLens does.
      const f = store.event(store.failures[0]!.event, false);
      data.focusEvent(join(ROOT, 'samples/logs', name, f.file), f.line);
      await expect.poll(async () => (await counters(page)).selected).toBe(String(store.failures[0]!.event));
      expect(await page.locator('#labels .label.selected').textContent()).toContain(f.component);

      // VS Code switches theme by rewriting the root's CSS variables and the body's class.
      await page.evaluate(() => {
        const root = document.documentElement.style;
        root.setProperty('--vscode-editor-background', '#ffffff');
        root.setProperty('--vscode-editor-foreground', '#1f1f1f');
        root.setProperty('--vscode-descriptionForeground', '#616161');
        root.setProperty('--vscode-editor-lineHighlightBackground', '#f3f3f3');
        root.setProperty('--vscode-sideBarSectionHeader-background', '#e8e8e8');
        root.setProperty('--vscode-editorIndentGuide-background1', '#e0e0e0');
        root.setProperty('--vscode-panel-border', '#d0d0d0');
        root.setProperty('--vscode-charts-blue', '#1a85ff');
        root.setProperty('--vscode-charts-red', '#e51400');
        root.setProperty('--vscode-charts-green', '#388a34');
        document.body.className = 'vscode-light';
      });
      await settle(page);
      const corner = await page.evaluate(() => {
        // Below the last lane: the plot's background.
        const canvas = document.getElementById('plot') as HTMLCanvasElement;
        return [...canvas.getContext('2d')!.getImageData(canvas.width - 3, canvas.height - 3, 1, 1).data];
      });
      expect(corner.slice(0, 3)).toEqual([255, 255, 255]);
      await page.screenshot({ path: join(SHOTS, 'light-theme.png') });
      expect(await cspViolations(page)).toEqual([]);
      expect(again.problems).toEqual([]);
    } finally {
      await closeSwimlane(again);
    }
  });
});

describe('filters', () => {
  it('filters by message text on the host, and shows only a flow', async () => {
    const { analyzed } = await analyze(join(ROOT, 'samples/logs/wsus-unreachable-2ee2'));
    const store = analyzed.timeline;
    const view = await openSwimlane(browser, store);
    try {
      const { page, data } = view;
      await settle(page);
      const all = Number((await counters(page)).marks);
      const matching = Array.from({ length: store.eventCount }, (_, i) => i).filter((i) =>
        store.record(i).text.toLowerCase().includes('send failed'),
      );
      expect(matching.length).toBeGreaterThan(0);
      await page.locator('vscode-text-field').locator('input').fill('SEND FAILED');
      await expect.poll(() => page.locator('#status-text').textContent()).toContain('Text filter');
      await settle(page);
      const c = await counters(page);
      // Each match is one mark (and a failure or cause among them its extra copy).
      expect(Number(c.marks)).toBeGreaterThanOrEqual(matching.length);
      expect(Number(c.marks)).toBeLessThan(all);
      await page.screenshot({ path: join(SHOTS, 'text-filter.png') });

      await page.locator('vscode-text-field').locator('input').fill('');
      await expect.poll(async () => Number((await counters(page)).marks)).toBe(all);
      data.focusFlow(store.flows[1]!.id);
      await page.waitForFunction(() => document.getElementById('app')!.dataset.highlight === 'flow:1');
      await page.locator('vscode-checkbox').click();
      const flowRows = new Set(store.flows[1]!.events);
      await expect.poll(async () => Number((await counters(page)).marks)).toBeLessThanOrEqual(flowRows.size + 2);
      expect(view.problems).toEqual([]);
    } finally {
      await closeSwimlane(view);
    }
  });
});

describe('hostile log text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmflow-hostile-'));
  const host = 'PS1<img src=x onerror=window.__pwned=4>';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const line = (text: string, time: string, type: number): string =>
    `<![LOG[${text}]LOG]!><time="${time}+300" date="01-21-2025" component="WUAHandler" context="" type="${type}" thread="10492" file="cwuahandler.cpp:1">`;
  const messages = [
    '<script>window.__pwned = 1</script>',
    '<img src=x onerror="window.__pwned = 2">',
    '<a href="javascript:window.__pwned = 3">click me</a>',
    '</div><div id="app" data-state="evil">',
  ];

  it('shows them as text, executes nothing and violates no CSP', async () => {
    const logs = join(dir, host, 'Windows/CCM/Logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(
      join(logs, 'WUAHandler.log'),
      messages.map((m, i) => line(m, `10:21:0${i}.000`, 3)).join('\r\n') + '\r\n',
    );
    const { analyzed } = await analyze(dir);
    expect(analyzed.timeline.eventCount).toBe(messages.length);
    const view = await openSwimlane(browser, analyzed.timeline);
    try {
      const { page } = view;
      await settle(page);
      const labels = await page.locator('#labels .label').allTextContents();
      expect(labels.some((l) => l.includes(host))).toBe(true);
      const seen: string[] = [];
      // Sweep the pointer along the lane, left to right, and read the card over each mark.
      const box = await page.locator('#plot').boundingBox();
      for (let px = 0; px < box!.width && seen.length < messages.length; px += 2) {
        const y = await page.evaluate(() => {
          const label = [...document.querySelectorAll('#labels .label:not(.host)')][0] as HTMLElement;
          const plot = document.getElementById('plot')!.getBoundingClientRect();
          return plot.top + label.offsetTop + 11;
        });
        await page.mouse.move(box!.x + px, y);
        const text = await page.evaluate(() =>
          document.getElementById('card')!.hidden ? undefined : document.querySelector('#card .text')?.textContent,
        );
        if (text && !seen.includes(text)) {
          seen.push(text);
        }
      }
      expect(seen.sort()).toEqual([...messages].sort());
      // Text, not markup: the card holds no element made from a message, and nothing ran.
      expect(await page.locator('#card img, #card script, #card a, #labels img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('#app').getAttribute('data-state')).toBe('ready');
      await page.screenshot({ path: join(SHOTS, 'hostile.png') });
      await page.getByRole('button', { name: 'Export the current view as SVG' }).click();
      await expect.poll(() => view.exports.length).toBe(1);
      const svg = view.exports[0]!.data;
      expect(svg).not.toContain('<img');
      expect(svg).toContain('PS1&lt;img src=x onerror=window.__pwned=4&gt;');
      expect(await cspViolations(page)).toEqual([]);
      expect(view.problems).toEqual([]);
    } finally {
      await closeSwimlane(view);
    }
  });
});
