// The same mocha suite in desktop VS Code, for machines that can download it (`npm run test:electron`).
// Here, where VS Code cannot be downloaded, `npm test` runs the suite in code-server instead.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(__dirname, '../../..');
const workspace = join(mkdtempSync(join(tmpdir(), 'cmflow-ws-')), 'wsus-unreachable-2ee2');
cpSync(join(root, 'samples/logs/wsus-unreachable-2ee2'), workspace, { recursive: true });

runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/test/integration/index.js'),
  launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
}).catch((e: unknown) => {
  console.error(`extension tests failed: ${(e as Error).message}`);
  process.exit(1);
});
