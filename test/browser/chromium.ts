// Headless Chromium for the webview browser tests: Debian's `chromium` driven by playwright-core, which
// never downloads a browser of its own. `scripts/test-deps.sh` installs the package when it is missing.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
// Shared with test/vscode/workbench.mjs. Without the background-networking flags Chromium keeps trying
// this machine's closed network.
import ARGS from './chromium-flags.json';

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run scripts/test-deps.sh (apt-get install chromium) or set CHROMIUM`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}
