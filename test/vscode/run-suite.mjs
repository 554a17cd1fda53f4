// Runs the mocha suite (out/test/integration/index.js) inside code-server's real extension host, the way
// @vscode/test-electron runs it in desktop VS Code: the workbench loads the extension from source and the
// tests, and reports the result through window.codeAutomationExit. Exit code 0 when every test passed.
import path from 'node:path';
import { forwardConsole, launchBrowser, workbenchUrl } from './workbench.mjs';

const EXT = process.env.EXT_DIR;
const TESTS = path.join(EXT, 'out/test/integration/index.js');
const TIMEOUT = Number(process.env.TEST_TIMEOUT_MS || 240000);

const t0 = Date.now();
const browser = await launchBrowser();
const page = await browser.newPage();
let finish;
const finished = new Promise((r) => (finish = r));
await page.exposeFunction('codeAutomationExit', (code) => finish(code));
forwardConsole(page);
await page.goto(workbenchUrl({ devExt: EXT, testsPath: TESTS }));
const code = await Promise.race([finished, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
console.log(`extension tests finished: exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
await browser.close();
process.exit(code === 0 ? 0 : 1);
