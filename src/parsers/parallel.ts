// Parses a bundle's files on worker threads, one file per task, largest files first so the threads finish
// together. Records stay in the workers; what comes back is each file's `FileOutcome`. Two phases, as in
// the sequential parse: files with a bias first, then zone-less files with their hosts' zone samples.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Bundle, BundleFile } from './bundle.ts';
import type { BundleParse, FileOutcome, ZoneSample } from './file-run.ts';
import { describeBundle, HostZones, zoneLess } from './file-run.ts';
import type { BundleParseOptions } from './parse-bundle.ts';

/** A file to parse, as the worker gets it. */
export interface FileTask {
  readonly id: number;
  /** The bundle as the user named it: the worker opens it itself (a .zip cannot be shared). */
  readonly source: string;
  readonly path: string;
  readonly classify: boolean;
  /** The host's zone samples, for zone-less files. */
  readonly zones: readonly ZoneSample[];
}

export type WorkerReply =
  { readonly id: number; readonly outcome: FileOutcome } | { readonly id: number; readonly error: string };

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export async function parseBundleInWorkers(bundle: Bundle, options: BundleParseOptions): Promise<BundleParse> {
  const script = options.workerScript ?? join(__dirname, 'parse-worker.js');
  const count = Math.min(options.workers ?? defaultWorkerCount(), bundle.files.length);
  const workers = Array.from({ length: count }, () => new Worker(script));
  const zones = new HostZones();
  const outcomes = new Map<BundleFile, FileOutcome>();
  try {
    for (const phase of [bundle.files.filter((f) => !zoneLess(f)), bundle.files.filter(zoneLess)]) {
      const results = await runPhase(workers, phase, bundle.source, zones, options);
      for (const [file, outcome] of results) {
        zones.add(file.host, outcome.zoneSamples, outcome.biasCounts);
        outcomes.set(file, outcome);
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return describeBundle(bundle, outcomes, zones);
}

function runPhase(
  workers: Worker[],
  files: BundleFile[],
  source: string,
  zones: HostZones,
  options: BundleParseOptions,
): Promise<Map<BundleFile, FileOutcome>> {
  const queue = [...files].sort((a, b) => b.size - a.size);
  const results = new Map<BundleFile, FileOutcome>();
  const inFlight = new Map<number, BundleFile>();
  let nextId = 0;
  return new Promise((resolve, reject) => {
    if (queue.length === 0) {
      resolve(results);
      return;
    }
    const cleanups: Array<() => void> = [];
    const finish = (error?: Error): void => {
      cleanups.forEach((c) => c());
      if (error) {
        reject(error);
      } else {
        resolve(results);
      }
    };
    const feed = (worker: Worker): void => {
      if (options.signal?.aborted) {
        finish(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
        return;
      }
      const file = queue.shift();
      if (!file) {
        return;
      }
      const id = nextId++;
      inFlight.set(id, file);
      const task: FileTask = {
        id,
        source,
        path: file.path,
        classify: options.classifyInWorkers ?? false,
        zones: zones.of(file.host),
      };
      worker.postMessage(task);
    };
    for (const worker of workers) {
      const onMessage = (reply: WorkerReply): void => {
        const file = inFlight.get(reply.id);
        inFlight.delete(reply.id);
        if ('error' in reply) {
          finish(new Error(`${file?.path ?? 'a file'}: ${reply.error}`));
          return;
        }
        if (file) {
          results.set(file, reply.outcome);
        }
        if (queue.length === 0 && inFlight.size === 0) {
          finish();
        } else {
          feed(worker);
        }
      };
      const onError = (e: Error): void => finish(e);
      worker.on('message', onMessage);
      worker.on('error', onError);
      cleanups.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      });
      // Two tasks per worker: it reads the next file while it parses the current one.
      feed(worker);
      feed(worker);
    }
  });
}
