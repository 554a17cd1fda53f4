// Collecting the layers on worker threads must give exactly the analysis one thread gives: same events,
// flows, links, failures and hosts, for every sample and for a bundle of many clients at a few MPs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { aheadBytes, collectWorkers, LOCAL_COLLECT_BYTES, makeCollector } from '../../src/correlate/collect-pool.ts';
import { packEvents, unpackEvents } from '../../src/correlate/packed-events.ts';
import type { CollectedEvent } from '../../src/correlate/collect.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { generateBundle } from '../gen/bundle-gen.ts';

const ROOT = resolve(__dirname, '../..');
const WORKER = join(ROOT, 'dist/collect-worker.js');
const SAMPLES = join(ROOT, 'samples/logs');
let many: string;
/** Eight clients, the eighth (PS1WKS0008) set back 3 h nine hours in. */
let stepped: string;

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  many = mkdtempSync(join(tmpdir(), 'cmflow-pool-'));
  await generateBundle({ outDir: many, targetBytes: 8_000_000, seed: 11 });
  stepped = mkdtempSync(join(tmpdir(), 'cmflow-pool-'));
  await generateBundle({ outDir: stepped, targetBytes: 13_000_000, seed: 11, clockSteps: true });
}, 120_000);

afterAll(() => {
  rmSync(many, { recursive: true, force: true });
  rmSync(stepped, { recursive: true, force: true });
});

async function both(dir: string): Promise<void> {
  const one = await analyzeBundle(await openBundle(dir), { workers: 0 });
  for (const workers of [1, 2]) {
    const threads = await analyzeBundle(await openBundle(dir), { workers, workerScript: WORKER });
    expect(threads).toEqual(one);
  }
}

describe('collecting on worker threads', () => {
  const samples = readdirSync(SAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it.each(samples)('%s: same timeline as one thread', async (name) => {
    await both(join(SAMPLES, name));
  });

  it('many clients: same timeline as one thread', async () => {
    await both(many);
  }, 60_000);

  it('host names the caller gave win over the folder names the worker sees', async () => {
    const dir = join(SAMPLES, 'healthy-compliance');
    const hostDir = (await openBundle(dir)).files.find((f) => f.roleHint === 'client')!.hostDir;
    const hosts = { [hostDir]: { name: 'RENAMED', role: 'client' as const } };
    const one = await analyzeBundle(await openBundle(dir, { hosts }), { workers: 0 });
    const threads = await analyzeBundle(await openBundle(dir, { hosts }), { workers: 2, workerScript: WORKER });
    expect(one.hosts.map((h) => h.name)).toContain('RENAMED');
    expect(threads).toEqual(one);
  });

  it("a layer too big for a worker's heap is collected on the calling thread, with the same result", async () => {
    const one = await analyzeBundle(await openBundle(many), { workers: 0 });
    // A heap this small cannot even start a worker: every layer comes back out of memory.
    const starved = await analyzeBundle(await openBundle(many), { workers: 2, workerScript: WORKER, workerHeapMB: 1 });
    expect(starved).toEqual(one);
  }, 60_000);

  it('a worker hands back where each log went back in time, as the calling thread finds it', async () => {
    const bundle = await openBundle(stepped);
    const files = bundle.files.filter((f) => f.host === 'PS1WKS0008');
    const wentBack = async (workers: number): Promise<unknown> => {
      const collector = makeCollector(bundle, { workers, workerScript: WORKER }, Number.POSITIVE_INFINITY);
      collector.submit(files);
      try {
        return (await collector.take()).wentBack;
      } finally {
        await collector.close();
      }
    };
    const here = (await wentBack(0)) as ReadonlyMap<string, { host: string }>;
    expect(here.size).toBeGreaterThanOrEqual(2);
    expect([...here.values()].every((b) => b.host === 'PS1WKS0008')).toBe(true);
    expect(await wentBack(1)).toEqual(here);
  }, 60_000);

  it('reports a worker that cannot find a file instead of hanging', async () => {
    const bundle = await openBundle(join(SAMPLES, 'healthy-compliance'));
    // A client's file: the shared layer is read on the calling thread.
    const client = bundle.files.find((f) => f.roleHint === 'client')!;
    const broken = { ...bundle, files: [...bundle.files, { ...client, path: 'no/such/file.log' }] };
    await expect(analyzeBundle(broken, { workers: 2, workerScript: WORKER })).rejects.toThrow(
      /no\/such\/file\.log: not found in the bundle/,
    );
  });
});

describe('how many threads collect', () => {
  it("collects on the calling thread until the clients' logs are worth a thread's start", () => {
    expect(collectWorkers(undefined, 0)).toBe(0);
    expect(collectWorkers(undefined, LOCAL_COLLECT_BYTES - 1)).toBe(0);
    expect(collectWorkers(undefined, LOCAL_COLLECT_BYTES)).toBe(availableParallelism() - 1);
  });

  it('does as the caller asks, whatever the size', () => {
    expect(collectWorkers(2, 1000)).toBe(2);
    expect(collectWorkers(0, 10 * LOCAL_COLLECT_BYTES)).toBe(0);
  });
});

describe('bytes collected ahead', () => {
  it('stays within an eighth of the heap, so that a capped heap still holds what waits to be taken', () => {
    expect(aheadBytes(429 * 1024 * 1024)).toBe(Math.floor((429 * 1024 * 1024) / 8));
    expect(aheadBytes(4096 * 1024 * 1024)).toBe(128 * 1024 * 1024);
  });
});

describe('events packed for the crossing', () => {
  it('carry each distinct fields object once, and come back sharing it', () => {
    const event = (line: number, fields: CollectedEvent['fields']): CollectedEvent => ({
      file: 'c/CCM/Logs/ScanAgent.log',
      line,
      endLine: line,
      host: 'C1',
      utc: (1_700_000_000_000 + line) as CollectedEvent['utc'],
      component: 'ScanAgent',
      severity: 'info',
      kind: 'ScanAgent.locationsRequested',
      fields,
      thread: 7,
      seq: line,
      offset: line * 100,
      length: 100,
      dup: 1,
      shape: undefined,
      row: -1,
    });
    const repeated = { scanJob: '4cd06388-d509-46e4-8c00-75909edd9ef8' };
    const other = { scanJob: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };
    const events = [event(1, repeated), event(2, other), event(3, repeated), event(4, { ...repeated })];
    const packed = packEvents(events);
    expect(Array.from(packed.fieldRefs)).toEqual([0, 1, 0, 2]);
    const back = unpackEvents(packed);
    expect(back).toEqual(events);
    expect(back[2]!.fields).toBe(back[0]!.fields);
    expect(back[3]!.fields).not.toBe(back[0]!.fields);
  });

  it('bring back every kind of plain data a fields object holds, each string once', () => {
    const update = '1d8a2c5e-0b3f-4e6a-9c7d-2f4e6a8b0c1d';
    const fields = {
      updates: [{ id: update, state: 'Missing' }, { id: update }],
      contentVersion: 3,
      count: -2_147_483_648,
      notificationId: 4_294_967_296,
      ratio: 1.5,
      negativeZero: -0,
      notANumber: Number.NaN,
      wsusUrls: ['http://sup01.contoso.com:8530'],
      errorCodes: [],
      nothing: null,
      yes: true,
      no: false,
      left: undefined,
      nested: { deeper: [[update], {}] },
    } as unknown as CollectedEvent['fields'];
    const e: CollectedEvent = {
      file: 'c/Windows/CCM/Logs/WUAHandler.log',
      line: 9,
      endLine: 9,
      host: 'C1',
      utc: 1_700_000_000_000 as CollectedEvent['utc'],
      component: 'WUAHandler',
      severity: 'warning',
      kind: undefined,
      fields,
      thread: undefined,
      seq: 1,
      offset: 0,
      length: 80,
      dup: 1,
      shape: 'Update # missing',
      row: -1,
    };
    const packed = packEvents([e]);
    expect(packed.strings.filter((s) => s === update)).toHaveLength(1);
    const [back] = unpackEvents(packed);
    const { left: _, ...defined } = fields as unknown as Record<string, unknown>;
    expect(back).toEqual({ ...e, fields: defined });
    expect(Object.keys(back!.fields)).not.toContain('left');
    expect(Object.is((back!.fields as unknown as Record<string, unknown>)['negativeZero'], -0)).toBe(true);
  });
});
