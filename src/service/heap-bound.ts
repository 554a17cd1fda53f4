// The heap bound of the thread that runs an analysis (the CLI's correlating worker, the extension's
// analysis service), and how to tell that an analysis outgrew it.

import { getHeapStatistics } from 'node:v8';

const MB = 1024 * 1024;

/** The default bound, in MB (see analysisHeapMB). */
export const DEFAULT_HEAP_MB = 1536;

/**
 * The old-generation bound, in MB, for the thread that runs an analysis: DEFAULT_HEAP_MB, or undefined to
 * leave the heap as it is (a limit already at or below it, or one the user set with `--max-old-space-size`).
 * `CMFLOW_HEAP_MB` sets it (0: no bound).
 *
 * V8 lets an old generation bounded at 2 GB or more grow to up to four times what it held after a full
 * collection before collecting again, and one bounded below that by a factor that falls with the bound:
 * 2 just below 2 GB, 1.8 at 1536 MB, 1.6 at 1024 MB (heap-controller.h: `MaxGrowingFactor`, between
 * `kMinSize` and `kMaxSize`, 128 and 1024 MB times the pointer multiplier of 2 on builds without pointer
 * compression, Node's). The correlating thread's live set is some 150 MB at 1 GB of logs; its heap reached
 * 390–420 MB unbounded and 310–340 MB at 2047 MB, for the same CPU within the noise. At 1536 MB the whole
 * process peaked 15–25 MB lower than at 2047 (1 GB bundle, six alternating runs each), again for the same
 * CPU; at 1024 MB an earlier build took 15% more CPU, the current one the same (562–574 against 574–596 MB,
 * five alternating runs), but then a bundle of some 7 GB of logs would need a second analysis. A bundle
 * whose analysis does not fit is analyzed again without the bound (`ERR_WORKER_OUT_OF_MEMORY`).
 */
export function analysisHeapMB(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  heapLimit = getHeapStatistics().heap_size_limit,
): number | undefined {
  const set = env.CMFLOW_HEAP_MB;
  if (set !== undefined && set !== '') {
    const mb = Number(set);
    return Number.isInteger(mb) && mb > 0 ? mb : undefined;
  }
  if ([...execArgv, env.NODE_OPTIONS ?? ''].some((o) => o.includes('--max-old-space-size'))) {
    return undefined;
  }
  return heapLimit > DEFAULT_HEAP_MB * MB ? DEFAULT_HEAP_MB : undefined;
}

/** Whether a worker ended because its heap reached its bound. */
export function outgrewHeap(e: unknown): boolean {
  return (e as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}
