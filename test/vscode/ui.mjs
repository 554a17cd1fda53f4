// UI test in code-server's workbench: open the failure bundle, go from the Failures view to the upstream
// cause with the failure's inline action, check the editor lands on the right file and line, and save a
// screenshot (test-results/screenshots/vscode-upstream-cause.png).
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, runCommand, workbenchUrl } from './workbench.mjs';

const EXT = process.env.EXT_DIR;
const SHOTS = path.join(EXT, 'test-results/screenshots');
const truth = JSON.parse(fs.readFileSync(path.join(EXT, 'test/gen/truth/wsus-unreachable-2ee2.json'), 'utf8'));
const cause = truth.failures[0].upstreamCause;
fs.mkdirSync(SHOTS, { recursive: true });

const t0 = Date.now();
const lap = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
page.on('pageerror', (e) => console.log('[pageerror]', e.message));
let failed = false;
try {
  await page.goto(workbenchUrl({ devExt: EXT }), { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  lap('workbench loaded');
  await runCommand(page, 'CMFlow: Focus on Failures View');
  const failure = page.locator('.monaco-list-row', { hasText: '0x80072EE2' }).first();
  await failure.waitFor({ timeout: 60000 });
  lap('Failures view lists the 0x80072EE2 failure');
  await failure.click();
  await page.keyboard.press('ArrowRight');
  await page.locator('.monaco-list-row', { hasText: 'Upstream cause' }).first().waitFor({ timeout: 15000 });
  lap('the failure opens to its chain, upstream cause first');
  await failure.hover();
  await failure.locator('.action-label[aria-label="Go to Upstream Cause"]').click();
  const tab = page.locator('.tabs-container .tab.active');
  await tab.filter({ hasText: path.basename(cause.file) }).waitFor({ timeout: 30000 });
  const position = page.locator('#status\\.editor\\.selection');
  await position.filter({ hasText: `Ln ${cause.line},` }).waitFor({ timeout: 30000 });
  lap(`editor on ${path.basename(cause.file)} at line ${cause.line}: ${await position.textContent()}`);
  const lineText = await page.locator('.view-line', { hasText: 'Send failed with hr = 80072ee2' }).count();
  if (lineText === 0) {
    throw new Error('the upstream cause line is not on screen');
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-upstream-cause.png') });
  lap('screenshot saved');

  // The same failure in the swimlane: the inline action opens the diagram with the chain lit up.
  await failure.hover();
  await failure.locator('.action-label[aria-label="Show Swimlane"]').click();
  const swimlane = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  await swimlane.locator('#labels', { hasText: 'PS1WIN10X64' }).waitFor({ timeout: 60000 });
  await swimlane.locator('#status-text', { hasText: /0x80072EE2/i }).waitFor({ timeout: 30000 });
  lap(`swimlane shows the lanes and the failure: ${await swimlane.locator('#status-text').textContent()}`);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-swimlane.png') });

  // Client Spy from the palette: its tabs, the first one built on demand.
  await runCommand(page, 'CMFlow: Open Client Spy');
  const spy = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  await spy.getByText('Software Updates').first().waitFor({ timeout: 60000 });
  await spy.getByText('PS1WIN10X64').first().waitFor({ timeout: 60000 });
  lap('Client Spy shows its tabs and the client');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-client-spy.png') });
} catch (e) {
  failed = true;
  console.error('UI test FAILED:', e.message);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-upstream-cause-failure.png') }).catch(() => {});
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
