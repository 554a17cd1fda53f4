// The worker-thread parse must report exactly what the sequential parse reports: same files, summaries,
// problems, hosts and zones (zone-less files included, which need their host's zones from phase one).

import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/parsers/bundle.ts';
import { classifyRecord } from '../../src/parsers/classify.ts';
import { parseBundle } from '../../src/parsers/parse-bundle.ts';

const ROOT = resolve(__dirname, '../..');
const WORKER = join(ROOT, 'dist/parse-worker.js');

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
});

describe('parsing on worker threads', () => {
  it.each(['healthy-compliance', 'skew-midnight', 'rotated-history'])('%s: same report as one thread', async (name) => {
    const bundle = await openBundle(join(ROOT, 'samples/logs', name));
    const one = await parseBundle(bundle, { classify: classifyRecord });
    const many = await parseBundle(bundle, { workers: 2, workerScript: WORKER, classifyInWorkers: true });
    expect(many).toEqual(one);
    const wu = many.files.find((f) => f.summary.file.endsWith('WindowsUpdate.log'))!;
    expect(wu.problems[0]!.message).toMatch(/host's bias from its other logs/);
  });

  it('reports a worker that cannot find its file instead of hanging', async () => {
    const bundle = await openBundle(join(ROOT, 'samples/logs/healthy-compliance'));
    const broken = { ...bundle, files: [...bundle.files, { ...bundle.files[0]!, path: 'no/such/file.log' }] };
    await expect(parseBundle(broken, { workers: 2, workerScript: WORKER })).rejects.toThrow(
      /no\/such\/file\.log: not found in the bundle/,
    );
  });
});
