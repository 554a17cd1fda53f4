// Time order of a host's events, and searching a time-ordered list: what the workspace's lists and the
// shared layer's columnar indexes both go by.

import type { CollectedEvent } from './collect.ts';

/** Logged UTC, then the order in which the records were read. */
export function byTime(a: CollectedEvent, b: CollectedEvent): number {
  return a.utc - b.utc || a.seq - b.seq;
}

/**
 * Index of the first item of a time-ordered list whose time is at or after `t` (strictly after, with
 * `strict`). Time is `utc` unless a reader is given.
 */
export function firstIndexAt<T>(
  list: readonly T[],
  t: number,
  time: (x: T) => number = (x) => (x as CollectedEvent).utc,
  strict = false,
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = time(list[mid]!);
    if (v < t || (strict && v === t)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
