// Time order of a host's events, and searching and grouping a time-ordered list: what the workspace's lists
// and the shared layer's columnar indexes (lists of entries, with a time reader) both go by.

import type { CollectedEvent } from './collect.ts';

/** An event's logged UTC: the time a search goes by unless it is given another reader. */
const utcOf = <T>(x: T): number => (x as CollectedEvent).utc;

/** Logged UTC, then the order in which the records were read. */
export function byTime(a: CollectedEvent, b: CollectedEvent): number {
  return a.utc - b.utc || a.seq - b.seq;
}

/**
 * Index of the first item of a time-ordered list whose time is at or after `t` (strictly after, with
 * `strict`). Time is `utc` unless a reader is given.
 */
export function firstIndexAt<T>(list: readonly T[], t: number, time: (x: T) => number = utcOf, strict = false): number {
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

/**
 * First item of a time-ordered list at or after `t` (and before `t + within`), optionally matching. Items
 * are events, or entries of a columnar index with their time reader.
 */
export function firstAfter<T = CollectedEvent>(
  list: readonly T[],
  t: number,
  within: number,
  test: (x: T) => boolean = () => true,
  time: (x: T) => number = utcOf,
): T | undefined {
  for (let i = firstIndexAt(list, t, time); i < list.length && time(list[i]!) <= t + within; i++) {
    if (test(list[i]!)) {
      return list[i];
    }
  }
  return undefined;
}

/** Last item of a time-ordered list at or before `t` (and after `t - within`), optionally matching. */
export function lastBefore<T = CollectedEvent>(
  list: readonly T[],
  t: number,
  within: number,
  test: (x: T) => boolean = () => true,
  time: (x: T) => number = utcOf,
): T | undefined {
  for (let i = firstIndexAt(list, t, time, true) - 1; i >= 0 && time(list[i]!) >= t - within; i--) {
    if (test(list[i]!)) {
      return list[i];
    }
  }
  return undefined;
}

/** Items of a time-ordered list within [from, to], or (from, to] with `afterFrom`. */
export function between<T = CollectedEvent>(
  list: readonly T[],
  from: number,
  to: number,
  afterFrom = false,
  time: (x: T) => number = utcOf,
): T[] {
  const out: T[] = [];
  for (let i = firstIndexAt(list, from, time, afterFrom); i < list.length && time(list[i]!) <= to; i++) {
    out.push(list[i]!);
  }
  return out;
}

/** Items grouped by a key, each group in the order of `items` (time order stays time order). */
export function groupBy<T = CollectedEvent>(items: readonly T[], key: (x: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const e of items) {
    const k = key(e);
    if (k !== undefined) {
      push(out, k, e);
    }
  }
  return out;
}

/** Appends to the list a key maps to, making it on first use. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
