// Bundles the CLI, the benchmark, the extension and its analysis worker with esbuild. Type checking is `tsc`'s job.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['src/parsers/parse-worker.ts'], outfile: 'dist/parse-worker.js' }),
  build({ ...common, entryPoints: ['src/correlate/collect-worker.ts'], outfile: 'dist/collect-worker.js' }),
  build({ ...common, entryPoints: ['test/bench/bench.ts'], outfile: 'dist/bench.js' }),
  build({ ...common, entryPoints: ['src/service/worker.ts'], outfile: 'dist/worker.js' }),
  build({ ...common, entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // The extension's integration suite, loaded by VS Code's extension host (code-server or desktop).
  build({
    ...common,
    entryPoints: [
      'test/integration/index.ts',
      'test/integration/extension.test.ts',
      'test/integration/run-electron.ts',
    ],
    outdir: 'out/test/integration',
    external: ['vscode', 'mocha', '@vscode/test-electron'],
  }),
]);
