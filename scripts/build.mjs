// Bundles the CLI, the benchmark, the extension, its analysis worker and the webviews (for the browser)
// with esbuild. Type checking is `tsc`'s job.
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
  // playwright-core stays a runtime require: it finds its own files next to it, and the bench runs from
  // the checkout, never from the packaged extension.
  build({ ...common, entryPoints: ['test/bench/bench.ts'], outfile: 'dist/bench.js', external: ['playwright-core'] }),
  build({ ...common, entryPoints: ['src/service/worker.ts'], outfile: 'dist/worker.js' }),
  build({ ...common, entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // The extension's integration suite, loaded by VS Code's extension host (code-server or desktop).
  build({
    ...common,
    entryPoints: [
      'test/integration/index.ts',
      'test/integration/clientspy.test.ts',
      'test/integration/extension.test.ts',
      'test/integration/run-electron.ts',
    ],
    outdir: 'out/test/integration',
    external: ['vscode', 'mocha', '@vscode/test-electron'],
  }),
  // Webviews: one script (IIFE, no module loader in a webview) and one stylesheet per view. No source maps
  // inlined: the page's CSP allows nothing but its own files.
  build({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome114'],
    sourcemap: 'linked',
    minify: true,
    logLevel: 'warning',
    entryPoints: { swimlane: 'src/views/swimlane/main.ts', clientspy: 'src/views/clientspy/main.ts' },
    outdir: 'dist/views',
  }),
  build({
    bundle: true,
    minify: true,
    logLevel: 'warning',
    entryPoints: { swimlane: 'src/views/swimlane/swimlane.css', clientspy: 'src/views/clientspy/clientspy.css' },
    outdir: 'dist/views',
  }),
]);
