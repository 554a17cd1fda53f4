// `npm run bench`: parse throughput and peak memory on generated bundles of 100 MB and 1 GB, beside the
// floor measured on the same bytes in the same run. Phases: `floor` (read, decode, split lines), `frame`
// (records: framing, UTC time, component, severity, spans), `parse` (records + message fields, one thread),
// `parallel` (records + message fields on worker threads), `analyze` (the correlated timeline), `render` (the
// swimlane webview in headless Chromium on that timeline: first paint after analysis, frame times while
// panning and zooming; skipped when Chromium is absent). Each runs in a child process of its own so that
// its peak resident memory (maxRSS) is its own. This is a report, never a test: nothing fails on speed.
// Beside wall-clock throughput it reports each phase's CPU time, the whole process's and the calling
// thread's: on a shared machine wall time swings with the neighbours' load, CPU time much less.
//
//   node dist/bench.js [--sizes 100,1000] [--dir .bench] [--runs 2] [--phases parse,render]

import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateBundle } from '../gen/bundle-gen.ts';
import { analyzeToStore } from '../../src/correlate/analyze.ts';
import { analysisHeapMB } from '../../src/service/heap-bound.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { classifyRecord } from '../../src/parsers/classify.ts';
import { parseBundle } from '../../src/parsers/parse-bundle.ts';
import { defaultWorkerCount } from '../../src/parsers/parallel.ts';
import { floorRead } from './floor.ts';
import type * as RenderModule from './render.ts';
import type { RenderStats } from './render.ts';

/**
 * The render phase's module, loaded only where it runs: it brings playwright-core, and a child that loaded it
 * for nothing counted some 40 MB of it in every other phase's peak (analyze at 1 GB: 645-649 MB against
 * the CLI's 578-603).
 */
const renderModule = (): Promise<typeof RenderModule> => import('./render.ts');

type Phase = 'floor' | 'parse' | 'frame' | 'parallel' | 'analyze' | 'render';
const PHASES: readonly Phase[] = ['floor', 'frame', 'parse', 'parallel', 'analyze', 'render'];

interface PhaseResult {
  phase: Phase;
  seconds: number;
  bytes: number;
  units: number;
  maxRssMB: number;
  /** CPU of the whole process (every thread, V8's helpers included) and of the calling thread. */
  cpuSeconds: number;
  mainCpuSeconds: number | undefined;
  render?: RenderStats;
}

/** CPU seconds of this process's main thread so far, from /proc (Linux); undefined elsewhere. */
function mainThreadCpu(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function cpuSince(
  start: NodeJS.CpuUsage,
  mainStart: number | undefined,
): Pick<PhaseResult, 'cpuSeconds' | 'mainCpuSeconds'> {
  const used = process.cpuUsage(start);
  const main = mainThreadCpu();
  return {
    cpuSeconds: (used.user + used.system) / 1e6,
    mainCpuSeconds: main === undefined || mainStart === undefined ? undefined : main - mainStart,
  };
}

const MB = 1_000_000;

async function runPhase(phase: Phase, bundleDir: string): Promise<PhaseResult> {
  const bundle = await openBundle(bundleDir);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadCpu();
  let bytes = 0;
  let units = 0;
  if (phase === 'floor') {
    const r = await floorRead(bundle.files);
    bytes = r.bytes;
    units = r.lines;
  } else if (phase === 'analyze') {
    const analyzed = await analyzeToStore(bundle);
    bytes = bundle.files.reduce((sum, f) => sum + f.size, 0);
    units = analyzed.timeline.flows.length;
    analyzed.close();
  } else if (phase === 'render') {
    const analyzed = await analyzeToStore(bundle);
    bytes = bundle.files.reduce((sum, f) => sum + f.size, 0);
    units = analyzed.timeline.eventCount;
    // Analysis leaves its garbage behind; collecting it first keeps its cost out of the view's figures
    // (in the extension, the view opens well after analysis).
    (globalThis as { gc?: () => void }).gc?.();
    const render = await (await renderModule()).measureRender(analyzed.timeline, resolve('test-results/screenshots'));
    analyzed.close();
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSince(cpuStart, mainStart);
    return { phase, seconds, bytes, units, maxRssMB: process.resourceUsage().maxRSS / 1024, ...cpu, render };
  } else if (phase === 'parallel') {
    const parsed = await parseBundle(bundle, {
      workers: defaultWorkerCount(),
      workerScript: join(__dirname, 'parse-worker.js'),
      classifyInWorkers: true,
    });
    bytes = parsed.files.reduce((sum, f) => sum + f.summary.bytes, 0);
    units = parsed.files.reduce((sum, f) => sum + f.summary.records, 0);
  } else {
    const parsed = await parseBundle(bundle, {
      ...(phase === 'parse' && { classify: classifyRecord }),
      sink: {
        record() {
          units += 1;
        },
        problem() {},
      },
    });
    bytes = parsed.files.reduce((sum, f) => sum + f.summary.bytes, 0);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    phase,
    seconds,
    bytes,
    units,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    ...cpuSince(cpuStart, mainStart),
  };
}

function child(phase: Phase, bundleDir: string, heapCapMB?: number): Promise<PhaseResult> {
  const heapMB = heapCapMB ?? (phase === 'analyze' || phase === 'render' ? analysisHeapMB() : undefined);
  return new Promise((ok, fail) => {
    const p = fork(__filename, ['--phase', phase, '--bundle', bundleDir], {
      // A capped run that runs out of heap is a result, not a crash of the report: keep its output quiet.
      stdio: ['ignore', 'pipe', heapCapMB === undefined ? 'inherit' : 'ignore', 'ipc'],
      // Analysis runs under the heap bound the CLI and the extension give their correlating thread.
      ...(heapMB !== undefined && { execArgv: [`--max-old-space-size=${heapMB}`] }),
    });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) =>
      code === 0 ? ok(JSON.parse(out) as PhaseResult) : fail(new Error(`${phase} phase exited with ${code}`)),
    );
  });
}

/**
 * What a generated bundle depends on: its size and the generator's sources. A bundle made by an older
 * generator is made again; with the size alone, a kept `.bench/` went on measuring stale bundles.
 */
function bundleStamp(sizeMB: number): string {
  const gen = resolve(__dirname, '../test/gen');
  const hash = createHash('sha256');
  for (const name of readdirSync(gen)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    hash.update(name).update(readFileSync(join(gen, name)));
  }
  return `${sizeMB} ${hash.digest('hex').slice(0, 16)}`;
}

async function ensureBundle(dir: string, sizeMB: number): Promise<void> {
  const marker = join(dir, '.complete');
  const stamp = bundleStamp(sizeMB);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const made = await generateBundle({ outDir: dir, targetBytes: sizeMB * MB, seed: 20261121 });
  writeFileSync(marker, stamp);
  console.log(
    `generated ${dir}: ${made.files} files, ${(made.bytes / MB).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

function best(results: PhaseResult[]): PhaseResult {
  return results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phase: { type: 'string' },
      bundle: { type: 'string' },
      sizes: { type: 'string', default: '100,1000' },
      dir: { type: 'string', default: '.bench' },
      runs: { type: 'string', default: '2' },
      phases: { type: 'string', default: PHASES.join(',') },
    },
  });
  if (values.phase) {
    const result = await runPhase(values.phase as Phase, values.bundle!);
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const rows: Array<Record<string, string | number>> = [];
  const renders: Array<Record<string, string | number>> = [];
  console.log(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}`);
  for (const sizeMB of values.sizes.split(',').map(Number)) {
    const dir = resolve(values.dir, `bundle-${sizeMB}mb`);
    await ensureBundle(dir, sizeMB);
    const runs = Number(values.runs);
    const take = async (phase: Phase, heapCapMB?: number): Promise<PhaseResult> => {
      const all: PhaseResult[] = [];
      for (let i = 0; i < runs; i++) {
        all.push(await child(phase, dir, heapCapMB));
      }
      return best(all);
    };
    const wanted = new Set(values.phases.split(',') as Phase[]);
    const unknown = [...wanted].filter((p) => !PHASES.includes(p));
    if (unknown.length > 0) {
      throw new Error(`unknown phase ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
    }
    if ((['floor', 'frame', 'parse', 'parallel', 'analyze'] as const).some((p) => wanted.has(p))) {
      // Every figure is against the floor, so it always runs. Phases are interleaved so that a noisy
      // neighbour hurts each alike; the best of `runs` is kept.
      const maybe = (phase: Phase): Promise<PhaseResult | undefined> =>
        wanted.has(phase) ? take(phase) : Promise.resolve(undefined);
      const floor = await take('floor');
      const frame = await maybe('frame');
      const parse = await maybe('parse');
      const parallel = await maybe('parallel');
      const analyze = await maybe('analyze');
      // V8 grows its heap lazily while memory is free, so the default peak says little about what analysis
      // needs. The same run with the old generation capped at 0.45 x the bundle shows that it fits.
      const capMB = Math.max(128, Math.round((0.45 * sizeMB * MB) / 2 ** 20));
      const capped = analyze ? await take('analyze', capMB).catch(() => undefined) : undefined;
      const size = floor.bytes / MB;
      const rate = (r: PhaseResult): number => r.bytes / MB / r.seconds;
      const vsFloor = (r: PhaseResult): number => Number((rate(r) / rate(floor)).toFixed(2));
      // CPU per record, all threads, beside what the 1/3-of-the-floor target leaves for everything: its wall
      // time on every core this machine has. This is what says whether a change of design could reach it.
      const records = parse?.units ?? frame?.units;
      const usPerRecord = (cpuSeconds: number): number | '-' =>
        records ? Number(((cpuSeconds * 1e6) / records).toFixed(2)) : '-';
      const cores = defaultWorkerCount();
      const targetCpuS = 3 * floor.seconds * cores;
      const row = {
        bundleMB: Math.round(size),
        floorMBs: Math.round(rate(floor)),
        floorPeakMB: Math.round(floor.maxRssMB),
        floorCpuS: Number(floor.cpuSeconds.toFixed(1)),
        ...(frame && {
          frameMBs: Math.round(rate(frame)),
          frameVsFloor: vsFloor(frame),
          frameCpuUsPerRecord: usPerRecord(frame.cpuSeconds),
        }),
        ...(parse && {
          parseMBs: Math.round(rate(parse)),
          parseVsFloor: vsFloor(parse),
          records: parse.units,
          parsePeakMB: Math.round(parse.maxRssMB),
          parsePeakVsBundle: Number((parse.maxRssMB / size).toFixed(3)),
          parseCpuUsPerRecord: usPerRecord(parse.cpuSeconds),
        }),
        ...(parallel && {
          threadsMBs: Math.round(rate(parallel)),
          threadsVsFloor: vsFloor(parallel),
          threadsPeakMB: Math.round(parallel.maxRssMB),
        }),
        ...(analyze && {
          analyzeMBs: Math.round(rate(analyze)),
          analyzeVsFloor: vsFloor(analyze),
          analyzePeakMB: Math.round(analyze.maxRssMB),
          analyzePeakVsBundle: Number((analyze.maxRssMB / size).toFixed(3)),
          analyzeCpuS: Number(analyze.cpuSeconds.toFixed(1)),
          analyzeMainCpuS: analyze.mainCpuSeconds === undefined ? '-' : Number(analyze.mainCpuSeconds.toFixed(1)),
          flows: analyze.units,
          analyzeCpuUsPerRecord: usPerRecord(analyze.cpuSeconds),
          targetCpuUsPerRecord: usPerRecord(targetCpuS),
          cappedHeapMB: capMB,
          cappedMBs: capped ? Math.round(rate(capped)) : 'out of memory',
          cappedPeakMB: capped ? Math.round(capped.maxRssMB) : '-',
          cappedPeakVsBundle: capped ? Number((capped.maxRssMB / size).toFixed(3)) : '-',
        }),
      };
      if (parse && parallel && parallel.units !== parse.units) {
        throw new Error(`threads found ${parallel.units} records, one thread ${parse.units}`);
      }
      rows.push(row);
      const parts = [
        `${row.bundleMB} MB bundle: floor ${row.floorMBs} MB/s (peak ${row.floorPeakMB} MB, CPU ${row.floorCpuS} s)`,
      ];
      if (frame) {
        parts.push(`records ${row.frameMBs} MB/s = ${row.frameVsFloor} x floor`);
      }
      if (parse) {
        parts.push(
          `records + message fields ${row.parseMBs} MB/s = ${row.parseVsFloor} x floor, ` +
            `${row.records} records, peak ${row.parsePeakMB} MB = ${row.parsePeakVsBundle} x bundle`,
        );
      }
      if (parallel) {
        parts.push(
          `${defaultWorkerCount()} threads ${row.threadsMBs} MB/s = ${row.threadsVsFloor} x floor, peak ${row.threadsPeakMB} MB`,
        );
      }
      if (analyze) {
        parts.push(
          `analyze ${row.analyzeMBs} MB/s = ${row.analyzeVsFloor} x floor, ${row.flows} flows, peak ${row.analyzePeakMB} MB = ${row.analyzePeakVsBundle} x bundle, ` +
            `CPU ${row.analyzeCpuS} s (calling thread ${row.analyzeMainCpuS} s)`,
          capped
            ? `analyze, heap capped at ${capMB} MB: ${row.cappedMBs} MB/s, peak ${row.cappedPeakMB} MB = ${row.cappedPeakVsBundle} x bundle`
            : `analyze does not fit a heap capped at ${capMB} MB`,
        );
        if (records) {
          parts.push(
            `CPU per record (${records} records): ` +
              [
                frame && `records ${row.frameCpuUsPerRecord} µs`,
                parse && `records + message fields ${row.parseCpuUsPerRecord} µs`,
                `analyze ${row.analyzeCpuUsPerRecord} µs`,
              ]
                .filter(Boolean)
                .join(', ') +
              `; 1/3 of the floor leaves ${row.targetCpuUsPerRecord} µs on ${cores} cores`,
          );
        }
      }
      console.log(parts.join(' | '));
    }
    if (wanted.has('render')) {
      if (!(await renderModule()).chromiumAvailable()) {
        console.log(`${sizeMB} MB bundle: render phase skipped: no Chromium (scripts/test-deps.sh installs it)`);
      } else {
        // One run: the phase analyzes the bundle again, and its figures are medians over many frames.
        const r = (await child('render', dir)).render!;
        const { pageMarks, ...figures } = r;
        renders.push({ bundleMB: sizeMB, ...figures, pageMarks: JSON.stringify(pageMarks) });
        const f = (n: number): string => n.toFixed(1);
        console.log(
          `${sizeMB} MB bundle, swimlane: ${r.events} events in ${r.lanes} lanes, init ${r.initKB} KB | first paint ${f(r.firstPaintMs)} ms after analysis ` +
            `(lane index ${f(r.indexMs)} ms; in the page ${JSON.stringify(r.pageMarks)}) | frame median ${f(r.frameMedianMs)} ms, p95 ${f(r.frameP95Ms)} ms over ${r.frames} frames ` +
            `(animation-frame interval median ${f(r.rafMedianMs)} ms, p95 ${f(r.rafP95Ms)} ms) | window answered in median ${f(r.windowMedianMs)} ms, p95 ${f(r.windowP95Ms)} ms (${r.windows} windows)`,
        );
      }
    }
  }
  if (rows.length > 0) {
    console.table(rows);
  }
  if (renders.length > 0) {
    console.table(renders);
  }
  writeFileSync(
    resolve(values.dir, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), rows, renders }, null, 2) + '\n',
  );
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
});
