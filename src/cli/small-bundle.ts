// Whether a bundle is small enough for `cmflow` to analyze it on its own thread, without the bounded
// thread a large one runs on (see main.ts `run`).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A bundle smaller than this is analyzed on this thread, without a bound: the thread costs more than the
 * bound saves. Starting it loads the engine a second time, and below this size the heap stays far below
 * the bound anyway. `cmflow analyze` with the bounded thread against without it, alternating runs, means:
 * - a sample: 0.31 against 0.22 s, and a peak of 86 against 68 MB;
 * - a generated 15 MB bundle: 1.21 against 1.01 s, 140 against 123 MB;
 * - 40 MB: 2.21 against 2.03 s, 168 against 157 MB;
 * - 60 MB: 2.46 against 2.20 s, the same peak;
 * - 100 MB: 3.47 against 3.20 s, but a peak 10 MB higher. The bound is what holds the 1 GB bundle under
 *   0.6x its size.
 */
export const SMALL_BUNDLE_BYTES = 64 * 1024 * 1024;
/** What a .zip holds is counted as this many times its size: about what log text compresses by. */
export const ZIP_RATIO = 16;

/**
 * Whether the files under `path` come to less than SMALL_BUNDLE_BYTES. Every file counts, not only logs,
 * and the walk stops as soon as the sum gets there. Anything it cannot read counts as large, so that the
 * command runs as it would have.
 */
export function isSmallBundle(path: string): boolean {
  let total = 0;
  // Folders as the bundle lists them: entries' own types, so a link to a folder is not followed.
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (total >= SMALL_BUNDLE_BYTES) {
        return;
      }
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        total += statSync(full).size;
      }
    }
  };
  try {
    const st = statSync(path);
    if (st.isDirectory()) {
      walk(path);
    } else {
      total = /\.zip$/i.test(path) ? st.size * ZIP_RATIO : st.size;
    }
  } catch {
    return false;
  }
  return total < SMALL_BUNDLE_BYTES;
}
