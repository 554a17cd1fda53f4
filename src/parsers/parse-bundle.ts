// Parses every file of a bundle in a sensible order and describes its hosts. Files whose records carry a
// bias go first, so that files without one (WindowsUpdate.log, CMTrace copies, foreign writers) can take
// their host's zone at the matching local time, daylight-saving changes included.

import type { Bundle, BundleFile } from './bundle.ts';
import { bundleChunks } from './bundle.ts';
import type { BundleParse, FileOutcome } from './file-run.ts';
import { describeBundle, FileRun, HostZones, zoneLess } from './file-run.ts';
import type { MutableRecord } from './framer.ts';
import { parseBundleInWorkers } from './parallel.ts';
import type { ParseSink } from './record.ts';

export interface BundleParseOptions {
  readonly classify?: (record: MutableRecord) => void;
  /** Receives every record and problem as it is read. */
  readonly sink?: ParseSink;
  /** Cancellation: checked between chunks. */
  readonly signal?: AbortSignal;
  /** Called with the size of every chunk read (not with the worker threads). */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Parse files on this many worker threads (only without a `sink`: records stay in the workers, only
   * summaries come back). The worker script is `parse-worker.js` beside the running bundle unless named.
   */
  readonly workers?: number;
  readonly workerScript?: string;
  /** Run `classifyRecord` in the workers (they cannot receive a function). */
  readonly classifyInWorkers?: boolean;
}

export async function parseBundle(bundle: Bundle, options: BundleParseOptions = {}): Promise<BundleParse> {
  if ((options.workers ?? 1) > 1 && options.sink === undefined && bundle.files.length > 1) {
    return parseBundleInWorkers(bundle, options);
  }
  const zones = new HostZones();
  const order = [...bundle.files.filter((f) => !zoneLess(f)), ...bundle.files.filter(zoneLess)];
  const outcomes = new Map<BundleFile, FileOutcome>();
  let run: FileRun | undefined;
  for await (const { file, chunk, error } of bundleChunks(order)) {
    options.signal?.throwIfAborted();
    run ??= new FileRun(
      file,
      (local, previous) => zones.at(file.host, local, previous),
      options.classify,
      options.sink,
    );
    if (error) {
      run.fail(error);
    } else if (chunk) {
      options.onBytes?.(chunk.length);
      run.push(chunk);
    } else {
      const outcome = run.end();
      zones.add(file.host, outcome.zoneSamples, outcome.biasCounts);
      outcomes.set(file, outcome);
      run = undefined;
    }
  }
  return describeBundle(bundle, outcomes, zones);
}
