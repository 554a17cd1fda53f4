// The correlated timeline: what the correlator produces and every consumer (CLI summary, exports, the
// extension's trees and swimlane) reads. Plain data, JSON-ready; times are skew-corrected UTC instants.

import type { HostRole } from '../parsers/bundle.ts';
import type { MessageFields } from '../parsers/messages/fields.ts';
import type { Severity } from '../parsers/record.ts';
import type { UtcInstant } from '../parsers/time.ts';
import { formatUtcSeconds, zoneFromBias } from '../parsers/time.ts';
import type { ClockBefore } from './skew.ts';

export type { ClockBefore };

/**
 * A change of a host's zone in a few words: "UTC-04:00, then UTC-05:00 from 2025-11-02 06:01:18 UTC by its
 * clock (its first record in that zone)".
 */
export function zoneChangeText(c: ZoneChange): string {
  const at = formatUtcSeconds(c.atMs);
  return (
    `${zoneFromBias(c.biasBefore)}, then ${zoneFromBias(c.biasAfter)} from ${at} UTC by its clock ` +
    '(its first record in that zone)'
  );
}

/** Ms a host's clock read ahead of the reference when it logged `utc` (its own UTC). */
export function skewAt(host: Pick<TimelineHost, 'clockSkewMs' | 'clockBefore'>, utc: number): number {
  const before = host.clockBefore;
  return before !== undefined && utc < before.untilMs ? before.skewMs : host.clockSkewMs;
}

/** From `atMs` (the host's own UTC) on, the host's logs state `biasAfter` instead of `biasBefore`. */
export interface ZoneChange {
  readonly atMs: number;
  readonly biasBefore: number;
  readonly biasAfter: number;
}

export interface TimelineHost {
  /** Host folder relative to the bundle root, forward slashes. */
  readonly dir: string;
  readonly name: string;
  /** Primary role (first of `roles`). */
  readonly role: HostRole;
  readonly roles: readonly HostRole[];
  /** Usual bias of the host's logs (UTC = local + bias), undefined when no log states one. */
  readonly biasMinutes: number | undefined;
  /**
   * Where the bias its logs state changed (summer time began or ended, or its zone was set), in time order;
   * absent when it kept one. A file with no zone of its own was read with the bias of its time.
   */
  readonly zoneChanges?: readonly ZoneChange[];
  /**
   * Estimated clock error relative to the reference host: the host's clock reads `clockSkewMs` ahead of it.
   * Corrected time = logged UTC - clockSkewMs.
   */
  readonly clockSkewMs: number;
  /** Half-width of the interval the estimate comes from; undefined when the skew could not be estimated. */
  readonly skewUncertaintyMs: number | undefined;
  /** How the estimate was made, in a sentence a person can check. */
  readonly skewBasis: string;
  /**
   * Set when the host's clock was set once within the bundle (time sync, or by hand): `clockSkewMs` is its
   * clock from then on, and this what it read before `untilMs` (its own logged UTC).
   */
  readonly clockBefore?: ClockBefore;
  readonly files: readonly string[];
  /**
   * The host's WindowsUpdate.log files decoded by Get-WindowsUpdateLog, whose times are the local time of
   * the machine that decoded them: each moved onto the host's clock, found on it, or not checked.
   */
  readonly fileClocks: readonly TimelineFileClock[];
}

/**
 * What a decoded log's ConfigMgr searches said of its clock: `moved` onto its host's (decoded in another
 * zone), `on-host-clock` (they line up as read), or `not-checked` (it holds none, or none lines up at any
 * quarter hour: it is read in the host's zone, as any file with no zone of its own is).
 */
export type FileClockFinding = 'moved' | 'on-host-clock' | 'not-checked';

/**
 * A WindowsUpdate.log decoded by Get-WindowsUpdateLog, whose times may not be its host's: decoded on a
 * machine in another zone, its events' `time` is corrected by the offset (`loggedTime` is what the file
 * says).
 */
export interface TimelineFileClock {
  /** Path relative to the bundle root, forward slashes. */
  readonly file: string;
  /** Moved onto the host's clock, found on it (its ConfigMgr searches line up as read), or not checked. */
  readonly finding: FileClockFinding;
  /** Minutes the file's times read ahead of its host's clock: subtracted from each of its records (up to `changes`). */
  readonly offsetMinutes: number;
  /**
   * Where the offset changes within the file, with its host's zone: a file decoded in one zone throughout reads
   * an hour further off its host's clock on one side of the host's summer time ending. Absent when one holds.
   */
  readonly changes?: readonly OffsetChange[];
  /** How the offset was found, in a sentence a person can check. */
  readonly basis: string;
}

/** From this line of a decoded file on, its times read `offsetMinutes` ahead of its host's clock. */
export interface OffsetChange {
  readonly fromLine: number;
  readonly offsetMinutes: number;
}

export interface TimelineEvent {
  /** `file:line` (plus `#n` if several records start on one line): unique and readable. */
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  /** Skew-corrected UTC instant. */
  readonly time: UtcInstant;
  /** UTC as logged (local + bias), before skew correction. */
  readonly loggedTime: UtcInstant;
  readonly host: string;
  readonly component: string;
  readonly severity: Severity;
  readonly text: string;
  /** Message template that matched (`ScanAgent.locationRequestId`), if any. */
  readonly kind: string | undefined;
  readonly fields: MessageFields;
  readonly thread: number | undefined;
}

/** How a link is known: a shared identifier, several fields that agree, or closeness in time. */
export type Evidence = 'id' | 'derived' | 'time';

export interface TimelineLink {
  readonly from: string;
  readonly to: string;
  readonly evidence: Evidence;
  /** The shared identifier or the fields that agree (`scanJob=…`, `contentId+version+clientIp`), or the window. */
  readonly key: string;
  /** For time links: the window the match was made in. */
  readonly windowMs?: number;
}

export type FlowKind = 'sync' | 'scan' | 'state-message' | 'install';
export type FlowStatus = 'ok' | 'failed' | 'incomplete';

export interface TimelineFlow {
  /** `scan:<scanJob>`, `state-message:<message id>`, `sync:<update source>:<content version>`. */
  readonly id: string;
  readonly kind: FlowKind;
  /** The identifiers that define the flow, normalised. */
  readonly keys: Readonly<Record<string, string | number | readonly string[]>>;
  readonly status: FlowStatus;
  /** Ok, but after failures: each of its failures is marked recovered. */
  readonly recovered: boolean;
  /** One line a person can read: what happened to this flow. */
  readonly summary: string;
  readonly host: string;
  /** Event ids in time order. */
  readonly events: readonly string[];
}

export interface TimelineFailure {
  /** The failing event (the most downstream record of the incident). */
  readonly event: string;
  /** Normalised error code (0x…), if the incident has one. */
  readonly code: string | undefined;
  /** What the code or failure means, from the catalogue. */
  readonly meaning: string;
  /** Event id of the earliest record that explains the failure. */
  readonly upstreamCause: string;
  /** Event ids from the upstream cause to the failing event, following links. */
  readonly chain: readonly string[];
  /** What to check next. */
  readonly hint: string;
  /**
   * Where the meaning and hint come from: the reference's source tags with their titles (`S2 Troubleshoot
   * software update scan failures; …`), which the hint cites by tag. Undefined when CMFlow says it alone
   * (a timeout, a failure with no code and no known cause).
   */
  readonly source: string | undefined;
  readonly flow: string | undefined;
  /** `record` (an error the logs state) or `timeout` (a step that never happened within its window). */
  readonly type: 'record' | 'timeout';
  /** Identical failures folded into this one (same host, component and message shape). */
  readonly occurrences: number;
  /**
   * Its flow went on to its last step afterwards (a retry or a later attempt succeeded; the flow's status is
   * ok): the failure delayed the flow rather than stopped it.
   */
  readonly recovered: boolean;
}

export interface Timeline {
  readonly schema: 'cmflow.timeline/1';
  readonly bundle: string;
  /** Host whose clock the others are corrected to. */
  readonly referenceHost: string | undefined;
  readonly hosts: readonly TimelineHost[];
  /** Events in corrected time order. */
  readonly events: readonly TimelineEvent[];
  readonly flows: readonly TimelineFlow[];
  readonly links: readonly TimelineLink[];
  readonly failures: readonly TimelineFailure[];
}
