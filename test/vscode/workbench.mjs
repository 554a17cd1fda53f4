// Drives code-server's workbench in Debian's Chromium through playwright-core: the URL that loads the
// extension from source (and, for the suite, the tests), the command palette, and the console forwarding
// that carries the extension host's mocha output.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';

// The flags the browser tests use too (test/browser/chromium.ts).
const ARGS = JSON.parse(fs.readFileSync(new URL('../browser/chromium-flags.json', import.meta.url), 'utf8'));

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
}

/**
 * The workbench URL for `folder`; with devExt/testsPath the window is an Extension Development Host
 * (code-server honours the payload only with --vscode-option enable-smoke-test-driver).
 */
export function workbenchUrl({ base = process.env.CS_URL, folder = process.env.CS_FOLDER, devExt, testsPath } = {}) {
  const authority = new URL(base).host;
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  const payload = [];
  if (devExt) {
    payload.push(['extensionDevelopmentPath', remote(devExt)]);
  }
  if (testsPath) {
    payload.push(['extensionTestsPath', remote(testsPath)]);
  }
  let url = `${base}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload.length > 0) {
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return url;
}

/** F1, type the title, Enter; retried because the palette can open before contributions are registered. */
export async function runCommand(page, title, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('>' + title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) {
        throw new Error(`"${title}" is not in the command palette`);
      }
    }
  }
}

const NOISE =
  /^(Creating a socket|Resolving connection|Resolved connection|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate|\[reconnection-grace-time\]|Failed to load resource|Failed: getaddrinfo|The web worker extension host|Updating additional builtin|\s*$)/;

/** Forwards the page console (where the extension host's output arrives) to stdout, minus workbench noise. */
export function forwardConsole(page) {
  page.on('console', async (m) => {
    let vals;
    try {
      vals = await Promise.all(m.args().map((a) => a.jsonValue()));
    } catch {
      vals = [m.text()];
    }
    if (typeof vals[0] === 'string' && vals[0].startsWith('%c')) {
      vals = vals.slice(2);
    }
    const text = util.format(...vals);
    if (process.env.VERBOSE || !NOISE.test(text)) {
      console.log(text);
    }
  });
}
