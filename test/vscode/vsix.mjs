// The packaged extension, installed from cmflow.vsix the way a user installs it (no development path):
// it activates on the sample bundle, analyzes it, and lists the failure. Catches files the .vscodeignore
// allow-list forgot. Run with VSIX=cmflow.vsix scripts/with-code-server.sh test/vscode/vsix.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, runCommand, workbenchUrl } from './workbench.mjs';

const SHOTS = path.join(process.env.EXT_DIR, 'test-results/screenshots');
fs.mkdirSync(SHOTS, { recursive: true });
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
let failed = false;
try {
  await page.goto(workbenchUrl(), { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await runCommand(page, 'CMFlow: Focus on Failures View');
  await page.locator('.monaco-list-row', { hasText: '0x80072EE2' }).first().waitFor({ timeout: 60000 });
  await runCommand(page, 'CMFlow: Show Swimlane');
  const swimlane = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  await swimlane.locator('#labels', { hasText: 'PS1WIN10X64' }).waitFor({ timeout: 60000 });
  console.log('installed from the .vsix: activates, analyzes, lists the failure, draws the swimlane');
} catch (e) {
  failed = true;
  console.error('VSIX test FAILED:', e.message);
  await page.screenshot({ path: path.join(SHOTS, 'vsix-failure.png') }).catch(() => {});
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
