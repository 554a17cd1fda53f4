// Failures that are one story told many times. A bundle of hundreds of clients holds the same failure on
// many of them (every client behind one unreachable SUP times out alike): a reader wants each story once,
// with how often and where it happened. The CLI summary, the HTML report, the Failures tree and Problems
// group them the same way.

import { shapeOf } from '../parsers/messages/values.ts';
import type { TimelineFailure } from './model.ts';
import { groupBy } from './time-order.ts';

type Titled = Pick<TimelineFailure, 'code' | 'meaning' | 'type'> & Partial<Pick<TimelineFailure, 'recovered'>>;

/** A record's file and text, as the event objects of the timeline and of the extension both have them. */
export interface CitedRecord {
  readonly file: string;
  readonly text: string;
}

/** What failed: the code (or "timeout", "failure") and its meaning. */
export function failureTitle(f: Titled): string {
  return `${f.code ?? (f.type === 'timeout' ? 'timeout' : 'failure')}  ${f.meaning}`;
}

/**
 * The key of a group: what failed, whether its flow recovered, and the file name and wording (ids and
 * numbers aside) of the record that explains it, so that one failure with two different causes makes two
 * groups.
 */
export function failureGroupKey(f: Titled, record: CitedRecord | undefined): string {
  const title = f.recovered === true ? `${failureTitle(f)}\u0000recovered` : failureTitle(f);
  if (record === undefined) {
    return title;
  }
  const name = record.file.slice(record.file.lastIndexOf('/') + 1);
  const nl = record.text.search(/[\r\n]/);
  const firstLine = nl < 0 ? record.text : record.text.slice(0, nl);
  return `${title}\u0000${name}\u0000${shapeOf(firstLine)}`;
}

/** Items grouped by key, the largest groups first (sorting is stable: equal ones keep their first-come order). */
export function largestGroups<T>(items: readonly T[], key: (item: T) => string): T[][] {
  return [...groupBy(items, key).values()].sort((a, b) => b.length - a.length);
}

/** How often a group of folded failures happened in all (a failure outside flows folds its repeats). */
export function occurrences(group: ReadonlyArray<{ readonly occurrences: number }>): number {
  return group.reduce((sum, f) => sum + f.occurrences, 0);
}

/**
 * Failures in flows grouped by what failed and their upstream cause, the largest groups first and those
 * whose flows recovered after the rest; then
 * failures outside flows grouped by what failed and their own record, the most frequent first. `cause` and
 * `record` find the records a failure cites.
 */
export function groupFailures<F extends Titled & Pick<TimelineFailure, 'flow' | 'occurrences'>>(
  failures: readonly F[],
  cause: (f: F) => CitedRecord | undefined,
  record: (f: F) => CitedRecord | undefined,
): { readonly inFlows: F[][]; readonly others: F[][] } {
  return {
    inFlows: largestGroups(
      failures.filter((f) => f.flow !== undefined),
      (f) => failureGroupKey(f, cause(f)),
    ).sort((a, b) => Number(a[0]!.recovered === true) - Number(b[0]!.recovered === true)),
    // The most frequent first within a group too: a group is cited by its first.
    others: largestGroups(
      failures.filter((f) => f.flow === undefined).sort((a, b) => b.occurrences - a.occurrences),
      (f) => failureGroupKey(f, record(f)),
    ).sort((a, b) => occurrences(b) - occurrences(a)),
  };
}

/** "PS1WKS0001" or "38 hosts": where a group's failures happened. */
export function hostCount(hosts: readonly string[]): string {
  const distinct = new Set(hosts);
  return distinct.size === 1 ? hosts[0]! : `${distinct.size} hosts`;
}

/** "on PS1WKS0001" or "on 38 hosts". */
export function onHosts(hosts: readonly string[]): string {
  return `on ${hostCount(hosts)}`;
}
