// Collecting a bundle's layers ahead of the correlator, on worker threads. Reading, framing and classifying
// are most of an analysis's work and each layer's collection is independent of the others, while building
// flows needs the layers in order. So the calling thread reads the shared layer itself (it can do nothing
// before it) while the workers start on the clients, then correlates each client while the workers collect
// the next ones. Results come back as plain data and are handed out in the order asked for, so the
// analysis is the same as collecting on one thread.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Bundle, BundleFile } from '../parsers/bundle.ts';
import type { BundleParse } from '../parsers/file-run.ts';
import { collect } from './collect.ts';
import type { Collected, CollectOptions } from './collect.ts';
import { unpackEvents } from './packed-events.ts';
import type { PackedEvents } from './packed-events.ts';
import type { WentBack } from './clock-jumps.ts';
import type { IisColumns } from './iis-index.ts';
import { IisIndex } from './iis-index.ts';

/** What a worker needs of a file: where its bytes are, and the caller's view of its host and role. */
export type FileMeta = Omit<BundleFile, 'open' | 'diskPath'>;

export interface CollectTask {
  readonly id: number;
  /** The bundle as the user named it: the worker opens it itself (a .zip cannot be shared). */
  readonly source: string;
  readonly files: readonly FileMeta[];
}

export interface CollectedData {
  readonly parse: BundleParse;
  readonly events: PackedEvents;
  readonly iis: IisColumns;
  readonly lastSeenByFile: ReadonlyMap<string, number>;
  readonly wentBack: ReadonlyMap<string, WentBack>;
}

export type CollectReply =
  { readonly id: number; readonly collected: CollectedData } | { readonly id: number; readonly error: string };

export interface CollectPoolOptions extends CollectOptions {
  /**
   * Threads that collect layers ahead of the correlator; 0 collects on the calling thread. Default: one
   * per core but the one the correlator runs on, when the worker script is found and the clients' logs
   * come to at least LOCAL_COLLECT_BYTES.
   */
  readonly workers?: number;
  /** `collect-worker.js`, beside the running bundle unless named. */
  readonly workerScript?: string;
  /** Old-generation heap of each worker, MB (default WORKER_HEAP_MB). */
  readonly workerHeapMB?: number;
}

/** Collects layers of a bundle; `take` hands each out in the order layers were `submit`ted. */
export interface Collector {
  /**
   * `here`: collect this layer on the calling thread when it is taken (the shared layer: the correlator
   * can do nothing before it, so it reads it itself while the workers start on the clients).
   */
  submit(files: readonly BundleFile[], here?: boolean): void;
  take(): Promise<Collected>;
  close(): Promise<void>;
}

/**
 * Below this many bytes of clients' logs, the clients are collected on the calling thread. A worker costs
 * its start (loading the engine, 60-70 ms) and a second warm-up of the parser, which TurboFan compiles
 * once per thread, and it saves only what it overlaps. With two cores, `cmflow analyze` on generated
 * bundles, alternating runs, mean wall time and user CPU with a worker against none:
 * - the samples (under 1 MB): 0.31 against 0.26 s, and a peak of 101 against 85 MB;
 * - 5 MB (3 clients): 0.88 against 0.82 s, 1.34 against 1.18 s of CPU, 129 against 114 MB;
 * - 40 MB (30 MB of clients): 2.02 against 1.94 s, 3.46 against 2.89 s of CPU, 187 against 169 MB;
 * - 60 MB (45 MB of clients): 2.19 against 2.40 s, so the worker pays from somewhere in between;
 * - 100 MB (76 MB of clients): 3.18 against 3.48 s.
 */
export const LOCAL_COLLECT_BYTES = 32 * 1024 * 1024;

/** How many threads collect clients' logs of `clientBytes` in all: `requested`, or as LOCAL_COLLECT_BYTES says. */
export function collectWorkers(requested: number | undefined, clientBytes: number): number {
  return requested ?? (clientBytes < LOCAL_COLLECT_BYTES ? 0 : availableParallelism() - 1);
}

/** `clientBytes`: the size of the clients' logs, which are what the workers would collect. */
export function makeCollector(bundle: Bundle, options: CollectPoolOptions, clientBytes: number): Collector {
  const script = options.workerScript ?? join(__dirname, 'collect-worker.js');
  const count = collectWorkers(options.workers, clientBytes);
  if (count >= 1 && existsSync(script)) {
    return new WorkerCollector(bundle, options, script, count, options.workerHeapMB ?? WORKER_HEAP_MB);
  }
  return new LocalCollector(bundle, options);
}

/** One thread: each layer is collected when it is taken, as before there were workers. */
class LocalCollector implements Collector {
  private readonly queue: Array<readonly BundleFile[]> = [];
  constructor(
    private readonly bundle: Bundle,
    private readonly options: CollectOptions,
  ) {}
  submit(files: readonly BundleFile[]): void {
    this.queue.push(files);
  }
  take(): Promise<Collected> {
    return collect({ ...this.bundle, files: [...this.queue.shift()!] }, this.options);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Log bytes that may be collected ahead of the layer the correlator waits for (a few seconds of
 * collecting), within an eighth of this thread's heap: a layer waiting to be taken holds about 1.6 bytes
 * of heap per byte of its logs (the 1 GB bench bundle), and a run capped at 429 MB of heap did not fit
 * with 192 MB ahead. 128 MB keeps the worker busy as well as 192 did (1 GB, alternating: 30.8–37.7 s
 * against 33.4–35.3 s) and takes 35 MB off the peak (578–594 against 615–628 MB): layers wait in memory
 * whose high-water mark the process keeps.
 */
export function aheadBytes(heapLimit = getHeapStatistics().heap_size_limit): number {
  return Math.min(128 * 1024 * 1024, Math.floor(heapLimit / 8));
}

/**
 * Old-generation heap of a collecting worker, MB. A worker keeps nothing between layers and a client's
 * layer is a few MB of logs, but left alone V8 grows every thread's heap while memory is free: at 1 GB the
 * worker's heap was a sixth of the run's peak. A layer that does not fit (a client with a GB of logs) is
 * collected again on the calling thread, whose heap is not capped.
 */
export const WORKER_HEAP_MB = 128;

/**
 * Young generation of a collecting worker, MB. Nearly everything a worker allocates dies young (records,
 * their text, fields it drops), and V8's default let its heap reach 55-78 MB around a live set of 11 MB.
 * At 8 MB the bench's peak RSS fell by about 45 MB at 300 MB and 50 MB at 1 GB, at the same speed.
 */
export const WORKER_YOUNG_MB = 8;

interface Pending {
  readonly task: CollectTask;
  readonly files: readonly BundleFile[];
  readonly here: boolean;
  readonly bytes: number;
  /** The worker collecting it, while it does. */
  worker?: Worker;
  /** Collected by the calling thread when taken: every worker ran out of heap. */
  local?: boolean;
  /** The layer as it came back, made into events only when taken (see PackedEvents). */
  result?: Promise<() => Collected>;
  resolve?: (c: (() => Collected) | Promise<() => Collected>) => void;
  reject?: (e: Error) => void;
}

class WorkerCollector implements Collector {
  private readonly workers: Worker[];
  /** Log bytes of the layers posted to each worker and not yet answered. */
  private readonly load = new Map<Worker, number>();
  /** Submitted, not yet taken; the first `started` of them are running or done. */
  private readonly pending: Pending[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 0;
  private started = 0;
  private failure: Error | undefined;
  /** Log bytes of the started layers after the one the correlator waits for. */
  private aheadBytes = 0;
  /** How many log bytes may be collected ahead (`aheadBytes()` for this thread's heap). */
  private readonly ahead = aheadBytes();

  constructor(
    private readonly bundle: Bundle,
    private readonly options: CollectOptions,
    script: string,
    count: number,
    heapMB: number,
  ) {
    this.workers = Array.from(
      { length: count },
      () =>
        new Worker(script, {
          resourceLimits: { maxOldGenerationSizeMb: heapMB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
        }),
    );
    for (const w of this.workers) {
      this.load.set(w, 0);
      w.on('message', (reply: CollectReply) => this.reply(w, reply));
      w.on('error', (e: Error) =>
        (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? this.retire(w) : this.fail(e),
      );
    }
  }

  submit(files: readonly BundleFile[], here = false): void {
    const task: CollectTask = {
      id: this.nextId++,
      source: this.bundle.source,
      files: files.map((f) => ({
        path: f.path,
        size: f.size,
        hostDir: f.hostDir,
        host: f.host,
        roleHint: f.roleHint,
        kindHint: f.kindHint,
        group: f.group,
        rank: f.rank,
      })),
    };
    const p: Pending = { task, files, here, bytes: files.reduce((n, f) => n + f.size, 0) };
    p.result = new Promise<() => Collected>((resolve, reject) => {
      p.resolve = resolve;
      p.reject = reject;
    });
    // Taken in order; a failure is seen when its layer is taken, not as an unhandled rejection before.
    p.result.catch(() => {});
    this.pending.push(p);
    this.pump();
  }

  async take(): Promise<Collected> {
    const p = this.pending[0]!;
    try {
      return p.here || p.local ? await this.collectHere(p) : (await p.result!)();
    } finally {
      this.pending.shift();
      this.started -= 1;
      // The next layer is now the one waited for: it no longer counts as ahead.
      this.aheadBytes -= this.pending[0] !== undefined && this.started > 0 ? this.pending[0].bytes : 0;
      this.pump();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** A worker that ran out of heap is gone: what it held is collected here, the rest by the others. */
  private retire(worker: Worker): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    this.load.delete(worker);
    for (const [id, p] of this.running) {
      if (p.worker === worker) {
        this.running.delete(id);
        p.resolve!(this.collectHere(p).then((c) => () => c));
      }
    }
    this.pump();
  }

  private collectHere(p: Pending): Promise<Collected> {
    return collect({ ...this.bundle, files: [...p.files] }, this.options);
  }

  /**
   * The worker with the fewest bytes queued, unless all hold their share of the bytes ahead (an idle
   * worker always takes a layer). The calling thread hands out work only when it pauses between layers,
   * and it correlates the shared layer in one stretch of seconds: a worker whose queue is short sits idle
   * through it (measured with three layers queued: idle for a second and a half of a 12 s run at 300 MB).
   */
  private leastLoaded(): Worker | undefined {
    let best: Worker | undefined;
    const full = this.ahead / this.workers.length;
    for (const w of this.workers) {
      const n = this.load.get(w)!;
      if ((n === 0 || n < full) && (best === undefined || n < this.load.get(best)!)) {
        best = w;
      }
    }
    return best;
  }

  private pump(): void {
    // Layers finished ahead wait in memory, so how far the workers run ahead is bounded by log bytes; while
    // the calling thread reads the shared layer they collect many clients.
    while (this.started < this.pending.length) {
      const p = this.pending[this.started]!;
      // Every worker ran out of heap: the calling thread collects the rest, each when it takes it.
      const local = p.here || this.workers.length === 0;
      const worker = local ? undefined : this.leastLoaded();
      if (!local && (worker === undefined || (this.started > 0 && this.aheadBytes >= this.ahead))) {
        break;
      }
      this.aheadBytes += this.started > 0 ? p.bytes : 0;
      this.started += 1;
      if (local || worker === undefined) {
        p.local = !p.here;
        continue;
      }
      if (this.failure) {
        p.reject!(this.failure);
        continue;
      }
      if (this.options.signal?.aborted) {
        p.reject!(this.options.signal.reason instanceof Error ? this.options.signal.reason : new Error('aborted'));
        continue;
      }
      this.running.set(p.task.id, p);
      p.worker = worker;
      this.load.set(worker, this.load.get(worker)! + p.bytes);
      worker.postMessage(p.task);
    }
  }

  private reply(worker: Worker, reply: CollectReply): void {
    const p = this.running.get(reply.id);
    this.running.delete(reply.id);
    if (this.load.has(worker) && p) {
      this.load.set(worker, this.load.get(worker)! - p.bytes);
    }
    if (p) {
      if ('error' in reply) {
        p.reject!(new Error(reply.error));
      } else {
        const c = reply.collected;
        this.options.onBytes?.(p.bytes);
        p.resolve!(() => ({
          parse: c.parse,
          events: unpackEvents(c.events),
          iis: IisIndex.fromColumns(c.iis),
          lastSeenByFile: c.lastSeenByFile,
          wentBack: c.wentBack,
          records: c.parse.files.reduce((n, f) => n + f.summary.records, 0),
        }));
      }
    }
    this.pump();
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.running.values()) {
      p.reject!(e);
    }
    this.running.clear();
  }
}
