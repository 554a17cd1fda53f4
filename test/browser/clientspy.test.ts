// The Client Spy webview in headless Chromium, under its real CSP, fed by the real engine through a stub
// `acquireVsCodeApi` (clientspy-harness.ts): tabs in order and built only when first shown, Refresh, evidence
// links, keyboard navigation, the filter, unknown nodes, the Client Deployment chart with two clients, hostile
// log text, and screenshots in test-results/screenshots/clientspy-*.png (dark and light).

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SpyData } from '../../src/spy/data.ts';
import { loadSpyData } from '../../src/spy/data.ts';
import type { SpyNode, SpyTabId, SpyTree } from '../../src/spy/model.ts';
import { SPY_TABS } from '../../src/spy/model.ts';
import { buildTab } from '../../src/spy/spy.ts';
import { sampleWithout, tempDir } from '../helpers/temp.ts';
import { launchChromium } from './chromium.ts';
import type { HostOptions, HostedPage, PageServer } from './clientspy-harness.ts';
import { openClientSpy, startPageServer } from './clientspy-harness.ts';

const ROOT = resolve(__dirname, '../..');
const SAMPLE = join(ROOT, 'samples/logs/client-spy-softdist');
const SHOTS = join(ROOT, 'test-results/screenshots');

let browser: Browser;
let server: PageServer;
let softdist: SpyData;
const open: HostedPage[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [browser, server, softdist] = await Promise.all([launchChromium(), startPageServer(), loadSpyData(SAMPLE)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  // Whatever a test did, the page never broke its CSP and never threw.
  for (const hosted of open.splice(0)) {
    expect(await hosted.violations()).toEqual([]);
    expect(hosted.errors).toEqual([]);
    await hosted.close();
  }
});

async function spy(options: HostOptions = {}): Promise<HostedPage> {
  const hosted = await openClientSpy(browser, server, { data: softdist, ...options });
  open.push(hosted);
  await hosted.page.locator('vscode-panel-tab').first().waitFor();
  return hosted;
}

function view(page: Page, tab: SpyTabId) {
  return page.locator(`#view-${tab}`);
}

/** Waits until `tab`'s tree is drawn. */
async function loaded(page: Page, tab: SpyTabId): Promise<void> {
  await view(page, tab).locator('[role="treeitem"]').first().waitFor();
}

async function showTab(page: Page, tab: SpyTabId): Promise<void> {
  await page.locator(`#tab-${tab}`).click();
  await loaded(page, tab);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, `clientspy-${name}.png`), fullPage: false });
}

const TITLES = SPY_TABS.map((t) => t.title);

function rows(page: Page, tab: SpyTabId) {
  return view(page, tab).locator('[role="treeitem"]');
}

/** Rows whose label (with its colon) matches `label`. */
function row(page: Page, tab: SpyTabId, label: string | RegExp) {
  return rows(page, tab).filter({ has: page.locator(':scope > .text > .label', { hasText: label }) });
}

/** The key of the row that has keyboard focus. */
async function focusedLabel(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const el = document.activeElement?.closest('[role="treeitem"]');
    return el?.querySelector('.label')?.textContent ?? undefined;
  });
}

function findNode(nodes: readonly SpyNode[], label: string): SpyNode | undefined {
  for (const n of nodes) {
    if (n.label === label) {
      return n;
    }
    const hit = findNode(n.children, label);
    if (hit !== undefined) {
      return hit;
    }
  }
  return undefined;
}

describe('Client Spy webview: tabs and requests', () => {
  it("shows Client Spy's tabs in order and builds a tab only when it is first shown", async () => {
    const hosted = await spy();
    const { page } = hosted;
    await loaded(page, 'execution-requests');
    const titles = await page
      .locator('vscode-panel-tab')
      .evaluateAll((tabs) => tabs.map((t) => (t as HTMLElement).title));
    expect(titles).toEqual(TITLES);
    expect(await page.locator('vscode-panel-tab').allTextContents()).toEqual([
      'Execution Requests',
      'History',
      'Cache Information',
      'Pending Executions',
      'Inventory',
      'Software Metering',
      'Software Updates',
      'Client Deployment',
    ]);
    expect(hosted.posted[0]).toEqual({ type: 'ready' });
    expect(hosted.posted.filter((m) => m.type === 'tab').map((m) => m.type === 'tab' && m.tab)).toEqual([
      'execution-requests',
    ]);

    await showTab(page, 'cache');
    await showTab(page, 'execution-requests');
    await showTab(page, 'cache');
    await hosted.settled();
    expect(hosted.requests('cache')).toBe(1);
    expect(hosted.requests('execution-requests')).toBe(1);
    for (const t of SPY_TABS.filter((t) => t.id !== 'cache' && t.id !== 'execution-requests')) {
      expect(hosted.requests(t.id)).toBe(0);
    }
    // Navigation state goes to the host and into setState; nothing else is persisted.
    expect(hosted.posted.filter((m) => m.type === 'activeTab')).toEqual([
      { type: 'activeTab', tab: 'cache' },
      { type: 'activeTab', tab: 'execution-requests' },
      { type: 'activeTab', tab: 'cache' },
    ]);
    expect(await hosted.state()).toEqual({ activeTab: 'cache' });
  });

  it('opens on the tab init names, and on the tab the host pushes with showTab', async () => {
    const hosted = await spy({ activeTab: 'inventory' });
    const { page } = hosted;
    await loaded(page, 'inventory');
    expect(await page.locator('#tab-inventory').getAttribute('aria-selected')).toBe('true');
    await hosted.send({ type: 'showTab', tab: 'metering' });
    await loaded(page, 'metering');
    expect(await page.locator('#tab-metering').getAttribute('aria-selected')).toBe('true');
    expect(await view(page, 'inventory').isHidden()).toBe(true);
    await hosted.settled();
    expect(hosted.requests('inventory')).toBe(1);
    expect(hosted.requests('metering')).toBe(1);
    expect(hosted.requests('execution-requests')).toBe(0);
  });

  it('Refresh asks for the tab again with refreshTab and keeps what was open', async () => {
    const hosted = await spy({ activeTab: 'cache' });
    const { page } = hosted;
    await loaded(page, 'cache');
    const cached = row(page, 'cache', /^Cached items/).first();
    expect(await cached.getAttribute('aria-expanded')).toBe('true');
    await cached.locator('.twisty').click();
    expect(await cached.getAttribute('aria-expanded')).toBe('false');
    const before = await rows(page, 'cache').count();

    await view(page, 'cache').locator('vscode-button', { hasText: 'Refresh' }).click();
    await hosted.settled();
    await page.waitForFunction(() => !document.querySelector('#view-cache .tab-body')?.classList.contains('busy'));
    expect(hosted.requests('cache', 'tab')).toBe(1);
    expect(hosted.requests('cache', 'refreshTab')).toBe(1);
    expect(await rows(page, 'cache').count()).toBe(before);
    expect(
      await row(page, 'cache', /^Cached items/)
        .first()
        .getAttribute('aria-expanded'),
    ).toBe('false');
  });

  it('shows loading while the host builds, and an error with Try again when it fails', async () => {
    const hosted = await openClientSpy(browser, server, { bundle: 'no-data', holdReplies: true });
    open.push(hosted);
    const { page } = hosted;
    await page.locator('.tab-message', { hasText: 'Reading Software Distribution Execution Requests' }).waitFor();
    await hosted.release();
    const alert = view(page, 'execution-requests').locator('[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('No data for execution-requests');
    await alert.locator('vscode-button', { hasText: 'Try again' }).click();
    await hosted.release();
    await hosted.settled();
    expect(hosted.requests('execution-requests', 'tab')).toBe(2);
  });

  it('Save tab and Save all tabs go to the host, and the page says where the file went', async () => {
    const hosted = await spy();
    const { page } = hosted;
    await loaded(page, 'execution-requests');
    await view(page, 'execution-requests').locator('vscode-button', { hasText: 'Save tab' }).click();
    await page.locator('.save-status', { hasText: 'Saved to /tmp/execution-requests.txt' }).waitFor();
    await page.locator('.spy-header vscode-button', { hasText: 'Save all tabs' }).click();
    await page.locator('.save-status', { hasText: 'Saved to /tmp/client-spy-all.txt' }).waitFor();
    await hosted.send({ type: 'saved', path: undefined });
    await page.locator('.save-status', { hasText: 'Save cancelled' }).waitFor();
    expect(hosted.posted.filter((m) => m.type === 'saveTab' || m.type === 'saveAll')).toEqual([
      { type: 'saveTab', tab: 'execution-requests' },
      { type: 'saveAll' },
    ]);
  });
});

describe('Client Spy webview: the tree', () => {
  it('evidence links post reveal with the record they cite', async () => {
    const hosted = await spy();
    const { page } = hosted;
    await loaded(page, 'execution-requests');
    const tree = await buildTab(softdist, 'execution-requests');
    const failure = findNode(tree.roots, 'Failure code')!;
    const link = row(page, 'execution-requests', /^Failure code/).locator('button.ev');
    expect(await link.allTextContents()).toEqual(failure.evidence.map((e) => `execmgr.log:${e.line}`));
    expect(await link.nth(1).getAttribute('title')).toBe(
      `Open ${failure.evidence[1]!.file}:${failure.evidence[1]!.line}`,
    );
    await link.nth(1).click();
    await hosted.settled();
    expect(hosted.posted.at(-1)).toEqual({
      type: 'reveal',
      file: failure.evidence[1]!.file,
      line: failure.evidence[1]!.line,
    });
  });

  it('is an ARIA tree the keyboard walks: arrows move, open and close; Enter reveals the first record', async () => {
    const hosted = await spy();
    const { page } = hosted;
    await loaded(page, 'execution-requests');
    const tree = view(page, 'execution-requests').locator('[role="tree"]');
    expect(await tree.getAttribute('aria-label')).toBe('Software Distribution Execution Requests');
    const first = rows(page, 'execution-requests').first();
    expect(await first.getAttribute('aria-level')).toBe('1');
    await first.focus();
    expect(await focusedLabel(page)).toBe('PS1WIN10X64');

    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel(page)).toBe('PS120004  PS100012  Install:');
    const request = row(page, 'execution-requests', /^PS120004/).first();
    expect(await request.getAttribute('aria-level')).toBe('2');
    expect(await request.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await request.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel(page)).toBe('PS120005  PS100014  Install VPN:');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    expect(await request.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await focusedLabel(page)).toBe('Program name:');
    await page.keyboard.press('ArrowLeft');
    expect(await focusedLabel(page)).toBe('PS120004  PS100012  Install:');

    // Roving tabindex: exactly one row is in the tab order.
    expect(await view(page, 'execution-requests').locator('[role="treeitem"][tabindex="0"]').count()).toBe(1);

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel(page)).toBe('Package ID:');
    await page.keyboard.press('Enter');
    await hosted.settled();
    const packageId = findNode((await buildTab(softdist, 'execution-requests')).roots, 'Package ID')!;
    expect(hosted.posted.at(-1)).toEqual({ type: 'reveal', ...packageId.evidence[0] });

    await page.keyboard.press('End');
    expect(await focusedLabel(page)).toBe('Execution requests:');
    await page.keyboard.press('Home');
    expect(await focusedLabel(page)).toBe('PS1WIN10X64');
    await page.keyboard.press('ArrowLeft');
    expect(await first.getAttribute('aria-expanded')).toBe('false');
    expect(await rows(page, 'execution-requests').locator('.label').allTextContents()).toEqual([
      'PS1WIN10X64',
      'PS1WKS0212',
      'Execution requests:',
    ]);
    await shot(page, 'keyboard-collapsed-dark');
  });

  it('draws a tab of thousands of nodes and expands it all without stalling', async () => {
    const leaf = (i: number, j: number): SpyNode => ({
      label: `Field ${j}`,
      value: `value ${i}.${j}`,
      evidence: [{ file: `HOST/Windows/CCM/Logs/big.log`, line: i * 10 + j }],
      children: [],
      ...(j === 0 && i % 7 === 0 ? { state: 'error' as const } : {}),
    });
    const items = Array.from({ length: 600 }, (_, i) => ({
      label: `Item ${i}`,
      value: `KB${5000000 + i}`,
      evidence: [],
      children: Array.from({ length: 8 }, (_, j) => leaf(i, j)),
    }));
    const big: SpyTree = {
      schema: 'cmflow.spy/1',
      tab: 'software-updates',
      title: 'Software Updates',
      bundle: 'big',
      roots: [
        {
          label: 'HOST',
          description: 'client',
          evidence: [],
          children: [{ label: 'Updates', evidence: [], children: items }],
        },
      ],
    };
    const { page } = await spy({ activeTab: 'software-updates', trees: { 'software-updates': big } });
    await loaded(page, 'software-updates');
    const started = Date.now();
    await view(page, 'software-updates').locator('vscode-button', { hasText: 'Expand all' }).click();
    expect(Date.now() - started).toBeLessThan(3000);
    const filter = view(page, 'software-updates').locator('vscode-text-field.filter input');
    await filter.fill('value 599.7');
    await view(page, 'software-updates').locator('.match-count', { hasText: '1 match' }).waitFor();
  });

  it('Expand all and Collapse all', async () => {
    const { page } = await spy({ activeTab: 'pending' });
    await loaded(page, 'pending');
    const initial = await rows(page, 'pending').count();
    await view(page, 'pending').locator('vscode-button', { hasText: 'Expand all' }).click();
    const all = await rows(page, 'pending').count();
    expect(all).toBeGreaterThan(initial);
    expect(await view(page, 'pending').locator('[aria-expanded="false"]').count()).toBe(0);
    await view(page, 'pending').locator('vscode-button', { hasText: 'Collapse all' }).click();
    expect(await rows(page, 'pending').count()).toBe(2);
  });

  it('filters the current tab: matches, the path to them, highlighted; Escape clears', async () => {
    const { page } = await spy();
    await loaded(page, 'execution-requests');
    const all = await rows(page, 'execution-requests').count();
    const filter = view(page, 'execution-requests').locator('vscode-text-field.filter input');
    await filter.fill('1618');
    await view(page, 'execution-requests').locator('.match-count', { hasText: '1 match' }).waitFor();
    expect(await rows(page, 'execution-requests').locator('.label').allTextContents()).toEqual([
      'PS1WIN10X64',
      'PS120005  PS100014  Install VPN:',
      'Failure code:',
    ]);
    expect(await view(page, 'execution-requests').locator('mark').allTextContents()).toEqual(['1618']);
    expect(await row(page, 'execution-requests', /^Failure code/).getAttribute('class')).toContain('match');

    await filter.fill('no such text anywhere');
    await view(page, 'execution-requests').locator('.spy-empty', { hasText: 'Nothing in this tab matches' }).waitFor();
    await filter.fill('ccmcache');
    await view(page, 'execution-requests').locator('.match-count', { hasText: '3 matches' }).waitFor();
    await shot(page, 'filter-dark');

    await filter.press('Escape');
    await expect.poll(() => view(page, 'execution-requests').locator('.match-count').textContent()).toBe('');
    expect(await rows(page, 'execution-requests').count()).toBe(all);
  });

  it('shows unknown nodes plainly, naming the log that would tell', async () => {
    const { page } = await spy({ activeTab: 'cache' });
    await loaded(page, 'cache');
    const location = row(page, 'cache', /^Location:$/).filter({ has: page.locator('.value', { hasText: 'unknown' }) });
    expect(await location.getAttribute('class')).toContain('state-unknown');
    expect(await location.locator('.value').textContent()).toBe('unknown');
    expect(await location.locator('.description').textContent()).toBe(
      'CAS.log is not in the bundle; it records the cache location',
    );
    expect(await location.locator('.log-name').textContent()).toBe('CAS.log');
    expect(await location.locator('.marker').getAttribute('title')).toBe('Unknown');
    // A closed branch says how many unknowns it holds.
    const tombstoned = row(page, 'cache', /^PS100010\.3/);
    expect(await tombstoned.locator('.rollup').textContent()).toBe('2 unknown');
  });
});

describe('Client Spy webview: Client Deployment chart', () => {
  it('draws failed and installed per UTC day for the two clients, with every outcome and its record', async () => {
    const hosted = await spy({ activeTab: 'client-deployment' });
    const { page } = hosted;
    await loaded(page, 'client-deployment');
    const chart = view(page, 'client-deployment').locator('.spy-chart');
    await chart.locator('svg.chart-svg').waitFor();
    expect(await chart.locator('.chart-title').textContent()).toBe('Client deployment failures over time (UTC days)');
    expect(await chart.locator('rect.bar-failed').count()).toBe(2);
    expect(await chart.locator('rect.bar-installed').count()).toBe(1);
    expect(await chart.locator('.axis-x text:not(.axis-title)').allTextContents()).toEqual(['Feb 17', 'Feb 18']);
    expect(await chart.locator('.axis-title').allTextContents()).toEqual(['ccmsetup runs', 'UTC day']);
    expect(await chart.locator('rect.bar-failed title').allTextContents()).toEqual([
      '2025-02-17: 1 failed',
      '2025-02-18: 1 failed',
    ]);
    expect(await chart.locator('.legend-item').allTextContents()).toEqual(['Failed (2)', 'Installed (1)']);
    const points = chart.locator('.chart-points li');
    expect(await points.count()).toBe(3);
    expect(await points.nth(1).textContent()).toContain('PS1WKS0212');
    await points.nth(1).locator('button.ev').click();
    await hosted.settled();
    expect(hosted.posted.at(-1)).toEqual({
      type: 'reveal',
      file: 'PS1WKS0212/Windows/ccmsetup/Logs/ccmsetup.log',
      line: 10,
    });
    await shot(page, 'client-deployment-dark');
  });

  it('stays legible with one day and with many', async () => {
    const base = await buildTab(softdist, 'client-deployment');
    const days = Array.from({ length: 45 }, (_, i) => {
      const day = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      return { day, failed: (i * 7) % 5, installed: (i * 3) % 4 === 0 ? 0 : (i % 6) + 1 };
    });
    const many: SpyTree = { ...base, chart: { ...base.chart!, days } };
    const one: SpyTree = {
      ...base,
      chart: { ...base.chart!, days: [{ day: '2025-02-17', failed: 3, installed: 12 }] },
    };

    const first = await spy({ activeTab: 'client-deployment', trees: { 'client-deployment': many } });
    await loaded(first.page, 'client-deployment');
    const labels = await first.page
      .locator('.axis-x text:not(.axis-title)')
      .evaluateAll((ts) =>
        ts.map((t) => (t as SVGTextElement).getBBox()).map((b): [number, number] => [b.x, b.x + b.width]),
      );
    expect(labels.length).toBeGreaterThan(4);
    expect(labels.length).toBeLessThan(45);
    for (let i = 1; i < labels.length; i++) {
      expect(labels[i]![0]).toBeGreaterThan(labels[i - 1]![1]); // day labels never overlap
    }
    await view(first.page, 'client-deployment')
      .locator('.spy-chart')
      .screenshot({ path: join(SHOTS, 'clientspy-chart-many-days-dark.png') });

    const second = await spy({ activeTab: 'client-deployment', trees: { 'client-deployment': one }, theme: 'light' });
    await loaded(second.page, 'client-deployment');
    const widths = await second.page
      .locator('rect.bar')
      .evaluateAll((rs) => rs.map((r) => (r as SVGRectElement).width.baseVal.value));
    expect(widths).toHaveLength(2);
    for (const w of widths) {
      expect(w).toBeLessThanOrEqual(44); // one day is a pair of bars, not a slab across the chart
    }
    expect(await second.page.locator('.axis-y text:not(.axis-title)').allTextContents()).toContain('12');
    await view(second.page, 'client-deployment')
      .locator('.spy-chart')
      .screenshot({ path: join(SHOTS, 'clientspy-chart-one-day-light.png') });
  });
});

describe('Client Spy webview: hostile log text', () => {
  const SCRIPT = '<script>window.__pwned = "script"</script>';
  const IMG = '<img src=x onerror="window.__pwned = \'img\'">';
  const JS = 'javascript:window.__pwned = "link"';

  async function assertInert(page: Page): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as Record<string, unknown>)['__pwned'])).toBeUndefined();
    expect(await page.locator('#client-spy img, #client-spy script, #client-spy a, #client-spy iframe').count()).toBe(
      0,
    );
  }

  it('a tree whose every field is markup shows it as text, and nothing runs', async () => {
    const node = (label: string, extra: Partial<SpyNode> = {}): SpyNode => ({
      label,
      evidence: [],
      children: [],
      ...extra,
    });
    const tree: SpyTree = {
      schema: 'cmflow.spy/1',
      tab: 'execution-requests',
      title: SPY_TABS[0].title,
      bundle: SCRIPT,
      roots: [
        node(IMG, {
          description: SCRIPT,
          children: [
            node(SCRIPT, { value: IMG, description: JS, state: 'error', evidence: [{ file: JS, line: 1 }] }),
            node(JS, { value: SCRIPT, state: 'unknown', description: `${IMG} is not in the bundle; x.log would tell` }),
            node('<style>body{display:none}</style>', {
              value: '</div></div><b>bold</b>',
              evidence: [{ file: IMG, line: 7 }],
            }),
          ],
        }),
      ],
    };
    const chartTree: SpyTree = {
      ...tree,
      tab: 'client-deployment',
      chart: {
        title: SCRIPT,
        days: [{ day: '2025-02-17', failed: 1, installed: 0 }],
        points: [
          {
            host: IMG,
            utc: '2025-02-17T10:00:00.000Z',
            state: 'failed',
            errorCode: SCRIPT,
            evidence: { file: JS, line: 3 },
          },
        ],
      },
    };
    const hosted = await spy({ bundle: IMG, trees: { 'execution-requests': tree, 'client-deployment': chartTree } });
    const { page } = hosted;
    await loaded(page, 'execution-requests');
    expect(await page.locator('.spy-bundle').textContent()).toBe(IMG);
    const labels = await rows(page, 'execution-requests').locator('.label').allTextContents();
    expect(labels).toEqual([IMG, `${SCRIPT}:`, `${JS}:`, '<style>body{display:none}</style>:']);
    expect(
      await row(page, 'execution-requests', /^<script>/)
        .locator('.value')
        .textContent(),
    ).toBe(IMG);
    expect(
      await row(page, 'execution-requests', /^<style>/)
        .locator('.value')
        .textContent(),
    ).toBe('</div></div><b>bold</b>');
    expect(await page.locator('#client-spy b, #client-spy style').count()).toBe(0);
    await row(page, 'execution-requests', /^<script>/)
      .locator('button.ev')
      .click();
    await hosted.settled();
    expect(hosted.posted.at(-1)).toEqual({ type: 'reveal', file: JS, line: 1 });
    await assertInert(page);
    await shot(page, 'hostile-dark');

    await showTab(page, 'client-deployment');
    expect(await view(page, 'client-deployment').locator('.chart-title').textContent()).toBe(SCRIPT);
    expect(await view(page, 'client-deployment').locator('.chart-points li').textContent()).toContain(IMG);
    await assertInert(page);
  });

  it('a bundle whose logs carry markup goes through the real engine and shows as text', async () => {
    const dir = tempDir('spy-hostile');
    cpSync(SAMPLE, dir, { recursive: true });
    const execmgr = join(dir, 'PS1WIN10X64/Windows/CCM/Logs/execmgr.log');
    writeFileSync(
      execmgr,
      readFileSync(execmgr, 'utf8')
        .replaceAll('7-Zip 19.00 (x64 edition)', IMG)
        .replaceAll('Contoso VPN Client 4.2', SCRIPT),
    );
    const data = await loadSpyData(dir);
    const { page } = await spy({ data });
    await loaded(page, 'execution-requests');
    const names = await row(page, 'execution-requests', /^Package name/)
      .locator('.value')
      .allTextContents();
    expect(names).toContain(IMG);
    expect(names).toContain(SCRIPT);
    await assertInert(page);
  });
});

describe('Client Spy webview: installations', () => {
  it('shows each installation with its updates’ results, the failed one marked as an error', async () => {
    const data = await loadSpyData(join(ROOT, 'samples/logs/install-failed-0643'));
    const { page } = await spy({ data, activeTab: 'software-updates' });
    await loaded(page, 'software-updates');
    await view(page, 'software-updates').locator('vscode-button', { hasText: 'Expand all' }).click();
    const failed = view(page, 'software-updates').locator('[role="treeitem"]', { hasText: 'failed 0x80070643' });
    // Under Missing (since then failed) and under Installations.
    await expect.poll(() => failed.count()).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => view(page, 'software-updates').locator('[role="treeitem"]', { hasText: 'Installations' }).count())
      .toBeGreaterThan(0);
    await shot(page, 'software-updates-install-dark');
  });
});

describe('Client Spy webview: relays only the MP still logs', () => {
  it('lists them first under State messages, with whether they reached the site', async () => {
    // clock-set-back with its client's first relay gone from its logs, as they lose it when they roll over.
    const logs = 'PS1WIN10X64/Windows/CCM/Logs';
    const dir = sampleWithout('clock-set-back', { [`${logs}/StateMessage.log`]: 20, [`${logs}/CcmMessaging.log`]: 25 });
    const { page } = await spy({ data: await loadSpyData(dir), activeTab: 'software-updates' });
    await loaded(page, 'software-updates');
    await view(page, 'software-updates').locator('vscode-button', { hasText: 'Expand all' }).click();
    const older = view(page, 'software-updates').locator('[role="treeitem"]', { hasText: 'Serials 194–201' });
    await expect.poll(() => older.count()).toBe(1);
    expect(await older.textContent()).toContain('reached the site');
    await older.scrollIntoViewIfNeeded();
    await shot(page, 'software-updates-mp-only-relay-dark');
  });
});

describe('Client Spy webview: screenshots', () => {
  it('dark: Execution Requests, Cache, Software Updates; light: Execution Requests and Client Deployment', async () => {
    const { page } = await spy();
    await loaded(page, 'execution-requests');
    await shot(page, 'execution-requests-dark');
    await showTab(page, 'cache');
    await shot(page, 'cache-dark');
    await showTab(page, 'software-updates');
    await shot(page, 'software-updates-dark');

    const light = await spy({ theme: 'light' });
    await loaded(light.page, 'execution-requests');
    await shot(light.page, 'execution-requests-light');
    await showTab(light.page, 'client-deployment');
    await light.page.locator('svg.chart-svg').waitFor();
    await shot(light.page, 'client-deployment-light');

    const narrow = await spy({ viewport: { width: 640, height: 720 }, activeTab: 'history' });
    await loaded(narrow.page, 'history');
    await shot(narrow.page, 'history-narrow-dark');
  });
});
