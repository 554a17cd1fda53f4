// Clock skew against the truth: a generated bundle with two management points, every host's clock set by
// the generator, and the analysis asked to recover them. Each estimate must be within the uncertainty it
// states (MP noise logs extra requests from the bundle's own clients, and StateSys batches mix both MPs'
// files: the two things that once made estimates wrong or their uncertainty meaningless).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import type { Timeline } from '../../src/correlate/model.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { generateBundle } from '../gen/bundle-gen.ts';

let dir: string;
let t: Timeline;
let truth: ReadonlyMap<string, number>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmflow-skew-'));
  truth = (await generateBundle({ outDir: dir, targetBytes: 16_000_000, seed: 11, mpCount: 2 })).skewMs;
  t = await analyzeBundle(await openBundle(dir));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('clock skew of a generated bundle with two MPs', () => {
  it('estimates every host within the uncertainty it states', () => {
    expect(t.referenceHost).toBe('PS1SITE');
    const off = t.hosts
      .filter((h) => truth.has(h.name))
      .filter((h) => Math.abs(h.clockSkewMs - truth.get(h.name)!) > (h.skewUncertaintyMs ?? 0) + 1)
      .map((h) => `${h.name}: ${h.clockSkewMs} ± ${h.skewUncertaintyMs} ms, truly ${truth.get(h.name)} ms`);
    expect(t.hosts.filter((h) => truth.has(h.name)).length).toBeGreaterThanOrEqual(10);
    expect(off).toEqual([]);
  });

  it('knows every client to within a second: its messages cross both ways', () => {
    const wide = t.hosts
      .filter((h) => h.role === 'client' && !((h.skewUncertaintyMs ?? Infinity) <= 1_000))
      .map((h) => `${h.name}: ± ${h.skewUncertaintyMs} ms (${h.skewBasis})`);
    expect(wide).toEqual([]);
  });
});
