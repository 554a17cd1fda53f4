// Failures and where they began. A problem is a record that states one (an error, a known failure phrase,
// an error code in a warning, an empty location reply) or a step that never came within its window while
// the log that would show it goes on (a timeout). Within a flow, problems are grouped into incidents by
// walking the links backwards from the latest problem: every problem reached belongs to it, and the
// earliest of them is the upstream cause. Problems outside any flow are folded by host, component and
// message shape, so a warning repeated a hundred times is one failure seen a hundred times.

import { REFERENCE, describeErrorCode, hresultFromWin32, win32Error } from './catalog.ts';
import type { CollectedEvent } from './collect.ts';
import type { FlowStatus, TimelineFailure } from './model.ts';
import type { FlowDraft, Workspace, WorkspaceLink } from './workspace.ts';
import { push } from './time-order.ts';
import { isInstallEnd } from './install-flow.ts';
import { onSiteServer } from './state-flow.ts';

const MINUTE = 60_000;
/** Topic 501's state "Scan completed" (reference §6.11). */
const SCAN_COMPLETED = 3;

/** Message kinds that are failures whatever their severity. */
const PROBLEM_KINDS = new Set([
  'WUAHandler.groupPolicyOverride',
  'WUAHandler.addUpdateSourceFailed',
  'WUAHandler.searchFailed',
  'WUAHandler.scanFailed',
  'WUAHandler.installJobFailures',
  'WUAHandler.downloadFailed',
  'WUAHandler.downloadUnexpectedResult',
  'ScanAgent.executeFailed',
  'ScanAgent.scanFailed',
  'ScanAgent.locationsEmpty',
  'UpdatesDeployment.jobError',
  'UpdatesDeployment.updatesNotAvailable',
  'CcmMessaging.postFailed',
  'CcmMessaging.httpError',
  'MPFDM.moveFailed',
  'MPFDM.cannotConnectToSiteServer',
  'MPFDM.networkPathNotFound',
  'WindowsUpdate.sendFailed',
  'WindowsUpdate.failed',
  'WindowsUpdate.syncUpdatesFailed',
  'WindowsUpdate.wsError',
  'WindowsUpdate.fatal',
  'WSyncMgr.syncFailed',
]);

const { S2, S3, S5, S9, S11 } = REFERENCE;

/** What a failure without an error code means, what to check, and the sources, by the kind of its upstream cause. */
const KIND_ADVICE: Record<string, { meaning: string; hint: string; source: string }> = {
  'MPLocation.replyBody': {
    meaning: 'The management point returned no WSUS (software update point) location for the update source.',
    hint:
      'Check that a software update point is in a boundary group of the client (ConfigMgr 1702 and later), that the ' +
      "SUP synchronised (WSyncMgr.log), and that the content version the client asks for matches the site's " +
      "(MP_Location 'Version' against WSyncMgr 'Set content version'); in the site database see CI_UpdateSources, " +
      'WSUSServerLocations and Update_SyncStatus.',
    source: `${S11}; ${S2}`,
  },
  'LocationServices.wsusLocationReply': {
    meaning: 'The location reply the client received lists no WSUS server.',
    hint: 'See the management point that answered (MP_Location.log): an empty reply there means no SUP for the boundary group or a content version mismatch.',
    source: `${S11}; ${S2}`,
  },
  'ScanAgent.locationsEmpty': {
    meaning: 'The scan job received an empty list of WSUS locations and waits: no scan runs.',
    hint: 'Follow the location request to MP_Location.log on the management point; check the SUP boundary group assignment.',
    source: S11,
  },
  'WUAHandler.groupPolicyOverride': {
    meaning: 'A domain Group Policy sets the Windows Update server, overriding the policy ConfigMgr writes.',
    hint:
      "Compare the GPO 'Specify intranet Microsoft update service location' with the SUP: server name and port must " +
      'match exactly or the scan fails (reference S2). Run gpresult /h on the client; unlink the WSUS GPO from ConfigMgr clients.',
    source: S2,
  },
  'WindowsUpdate.sendFailed': {
    meaning: 'The Windows Update agent could not send its request to the update server.',
    hint: 'Test the SUP URL from the client (ClientWebService/client.asmx), check the WinHTTP proxy (netsh winhttp show proxy) and the firewall to 8530/8531.',
    source: `${S2}; ${S9}`,
  },
};

/** A failure as the correlator finds it: the timeline's failure, on the events themselves. */
export interface FoundFailure extends Omit<TimelineFailure, 'event' | 'upstreamCause' | 'chain'> {
  readonly event: CollectedEvent;
  readonly upstreamCause: CollectedEvent;
  readonly chain: readonly CollectedEvent[];
}

/** Events linking to an event (links into it), this layer's and the shared layer's. */
interface Incoming {
  get(e: CollectedEvent): readonly CollectedEvent[] | undefined;
}

/** How a flow that completed went on past its failures. */
export interface Recovery {
  /** Failures found in the flow, each marked recovered. */
  readonly failures: number;
  /** From its earliest problem to its last step, on the corrected clocks. */
  readonly lateMs: number;
}

export interface FailureResult {
  readonly failures: FoundFailure[];
  readonly status: ReadonlyMap<string, FlowStatus>;
  /** Flows that completed after failures (status ok). */
  readonly recovered: ReadonlyMap<string, Recovery>;
}

export function isProblem(e: CollectedEvent): boolean {
  // CMTrace's rule reads every `Completed install … installerError=0, hr=0x0` as an error: only a code is one.
  if (e.kind === 'WindowsUpdate.installCompleted') {
    return e.fields.errorCodes !== undefined;
  }
  if (e.severity === 'error' || PROBLEM_KINDS.has(e.kind ?? '')) {
    return true;
  }
  if (isEmptyLocationReply(e)) {
    return true;
  }
  return e.severity === 'warning' && (e.fields.errorCodes !== undefined || e.fields.win32Error !== undefined);
}

function isEmptyLocationReply(e: CollectedEvent): boolean {
  return (
    (e.kind === 'MPLocation.replyBody' || e.kind === 'LocationServices.wsusLocationReply') &&
    e.fields.wsusUrls?.length === 0
  );
}

/** How long a step may take before its absence counts as a failure (while the log that would show it goes on). */
export interface TimeoutWindows {
  /** UpdatesHandler asked for a scan; ScanAgent should start a scan job. */
  readonly scanStartMinutes: number;
  /** ScanAgent asked for WSUS locations; LocationServices should answer. */
  readonly locationReplyMinutes: number;
  /** WUAHandler started a WUA search; it should complete. */
  readonly wuaSearchMinutes: number;
  /** MP_Relay received state messages; StateSys should process them. */
  readonly stateSysMinutes: number;
  /** The client sent state messages; a management point should relay them. */
  readonly relayMinutes: number;
  /** WUAHandler started installing updates; it should report how each installation ended. */
  readonly installMinutes: number;
}

export const DEFAULT_TIMEOUTS: TimeoutWindows = {
  scanStartMinutes: 10,
  locationReplyMinutes: 10,
  wuaSearchMinutes: 30,
  stateSysMinutes: 30,
  relayMinutes: 10,
  installMinutes: 120,
};

interface Timeout {
  readonly anchor: CollectedEvent;
  readonly meaning: string;
  readonly hint: string;
  readonly source?: string;
}

/** Where each log begins and ends (logged UTC of its first and last record), by bundle path. */
export interface LogReach {
  readonly first: ReadonlyMap<string, number>;
  readonly last: ReadonlyMap<string, number>;
}

/**
 * Failures of the flows this layer built, and of this layer's events that are in no flow. `inOtherFlows`
 * names problems (of a shared layer) that flows elsewhere took, so they are not reported on their own.
 */

export function findFailures(
  ws: Workspace,
  reach: LogReach,
  inOtherFlows: ReadonlySet<CollectedEvent> = new Set(),
  windows: TimeoutWindows = DEFAULT_TIMEOUTS,
): FailureResult {
  const failures: FoundFailure[] = [];
  const status = new Map<string, FlowStatus>();
  const recovered = new Map<string, Recovery>();
  // Only problems are asked about (standalone() reports those in no flow), so only they are kept.
  const inFlow = new Set<CollectedEvent>();
  const failed: Array<{
    flow: FlowDraft;
    problems: CollectedEvent[];
    timeoutAt: Map<CollectedEvent, Timeout>;
    recovered: boolean;
    /** The flow went on past every failure: they are marked recovered. */
    wentOn: boolean;
  }> = [];
  const inFailedFlow = new Set<CollectedEvent>();
  for (const flow of ws.flows) {
    const events = flow.events.list();
    const timeouts = findTimeouts(ws, flow, events, reach, windows);
    const problems = events.filter(isProblem);
    for (const p of problems) {
      inFlow.add(p);
    }
    const timeoutAt = new Map(timeouts.map((t) => [t.anchor, t]));
    for (const t of timeouts) {
      if (!problems.includes(t.anchor)) {
        problems.push(t.anchor);
      }
    }
    const end = completion(flow, events);
    if (problems.length === 0) {
      status.set(flow.id, end === undefined ? 'incomplete' : 'ok');
      continue;
    }
    // A flow that got to its last step after every one of its failures went on past them (a retry, the
    // next attempt, a share that came back): it was delayed, not stopped. Not an installation: one that
    // completes with an update failed left that update uninstalled.
    const past =
      flow.kind !== 'install' && end !== undefined && problems.every((p) => ws.corrected(p) <= ws.corrected(end));
    // A relay whose file MPFDM moved after every failure (an outage that ended) went on past them too, where
    // StateSys.log does not reach the move (a busy site's log rotates first; where it does, a file it never
    // processed is a timeout after the move): its last step is not in these logs, not missing. Such relays
    // of a generated bundle with the site's logs rotated were FAILED by the outage they got through.
    const movedPast =
      !past &&
      flow.kind === 'state-message' &&
      end === undefined &&
      events.some((e) => e.kind === 'MPFDM.fileMoved' && problems.every((p) => ws.corrected(p) <= ws.corrected(e)));
    status.set(flow.id, past ? 'ok' : movedPast ? 'incomplete' : 'failed');
    if (past) {
      const first = Math.min(...problems.map((p) => ws.corrected(p)));
      recovered.set(flow.id, { failures: 0, lateMs: ws.corrected(end) - first });
    }
    failed.push({ flow, problems, timeoutAt, recovered: past, wentOn: past || movedPast });
    for (const e of events) {
      inFailedFlow.add(e);
    }
  }
  // A walk back starts at a problem and goes from an event to those linking to it, within a failed flow
  // (walkBack) or among problems (earliestProblemBefore): only links into those events are ever asked for.
  // Built when first asked: most layers' flows all end well.
  let own: Map<CollectedEvent, CollectedEvent[]> | undefined;
  const shared = ws.shared ? ws.shared.cached('incoming-links', () => incomingLinks(ws.shared!.links)) : undefined;
  const incoming: Incoming = {
    get: (e) => {
      own ??= incomingLinks(ws.links, (to) => inFailedFlow.has(to) || isProblem(to));
      const a = own.get(e);
      const b = shared?.get(e);
      return a && b ? [...a, ...b] : (a ?? b);
    },
  };
  for (const { flow, problems, timeoutAt, recovered: past, wentOn } of failed) {
    const byLatest = [...problems].sort((a, b) => ws.corrected(b) - ws.corrected(a) || b.seq - a.seq);
    const assigned = new Set<CollectedEvent>();
    for (const symptom of byLatest) {
      if (assigned.has(symptom)) {
        continue;
      }
      const parent = walkBack(symptom, flow, incoming);
      const reached = problems.filter((p) => parent.has(p));
      reached.forEach((p) => assigned.add(p));
      // The earliest of the problems no other problem leads to: the links' direction (a request before its
      // reply, on any clock) orders problems that lie closer in time than their hosts' clocks are known.
      const first = upstreamMost(reached, parent, incoming);
      const cause = first.sort((a, b) => ws.corrected(a) - ws.corrected(b) || a.seq - b.seq)[0] ?? symptom;
      const path = pathFrom(cause, symptom, parent);
      failures.push(describe(symptom, cause, compressChain(path), flow, timeoutAt.get(symptom), 1, wentOn));
      if (past) {
        const r = recovered.get(flow.id)!;
        recovered.set(flow.id, { ...r, failures: r.failures + 1 });
      }
    }
  }
  failures.push(...standalone(ws, (e) => inFlow.has(e) || inOtherFlows.has(e), incoming));
  return { failures, status, recovered };
}

/** Links into each event, of the events `into` keeps (all by default). */
function incomingLinks(
  links: readonly WorkspaceLink[],
  into: (to: CollectedEvent) => boolean = () => true,
): Map<CollectedEvent, CollectedEvent[]> {
  const incoming = new Map<CollectedEvent, CollectedEvent[]>();
  for (const l of links) {
    if (into(l.to)) {
      push(incoming, l.to, l.from);
    }
  }
  return incoming;
}

/**
 * The problems no other of them leads to along the links among the events a walk back reached (`reached`,
 * the walk's map), or all of them where every one has another before it (links in a circle).
 */
function upstreamMost(
  problems: readonly CollectedEvent[],
  reached: ReadonlyMap<CollectedEvent, CollectedEvent | undefined>,
  incoming: Incoming,
): CollectedEvent[] {
  if (problems.length < 2) {
    return [...problems];
  }
  const forward = new Map<CollectedEvent, CollectedEvent[]>();
  for (const e of reached.keys()) {
    for (const from of incoming.get(e) ?? []) {
      if (reached.has(from)) {
        push(forward, from, e);
      }
    }
  }
  // Everything downstream of some problem, the problems themselves not counted unless another leads to them.
  const downstream = new Set<CollectedEvent>();
  const queue = problems.flatMap((p) => forward.get(p) ?? []);
  for (let head = 0; head < queue.length; head++) {
    const e = queue[head]!;
    if (!downstream.has(e)) {
      downstream.add(e);
      queue.push(...(forward.get(e) ?? []));
    }
  }
  const roots = problems.filter((p) => !downstream.has(p));
  return roots.length > 0 ? roots : [...problems];
}

/** Reverse BFS over links, staying within the flow; returns each reached event's successor toward the symptom. */
function walkBack(
  symptom: CollectedEvent,
  flow: FlowDraft,
  incoming: Incoming,
): Map<CollectedEvent, CollectedEvent | undefined> {
  const next = new Map<CollectedEvent, CollectedEvent | undefined>([[symptom, undefined]]);
  const queue = [symptom];
  for (let head = 0; head < queue.length; head++) {
    const e = queue[head]!;
    for (const from of incoming.get(e) ?? []) {
      if (flow.events.has(from) && !next.has(from)) {
        next.set(from, e);
        queue.push(from);
      }
    }
  }
  return next;
}

function pathFrom(
  cause: CollectedEvent,
  symptom: CollectedEvent,
  next: ReadonlyMap<CollectedEvent, CollectedEvent | undefined>,
): CollectedEvent[] {
  const path = [cause];
  let at: CollectedEvent | undefined = cause;
  while (at !== undefined && at !== symptom) {
    at = next.get(at);
    if (at !== undefined) {
      path.push(at);
    }
  }
  return path;
}

/** Keeps what a reader needs: the cause, the symptom, and where the path enters and leaves each log. */
function compressChain(path: readonly CollectedEvent[]): CollectedEvent[] {
  const out: CollectedEvent[] = [];
  path.forEach((e, i) => {
    const prev = path[i - 1]?.file;
    const next = path[i + 1]?.file;
    if (i === 0 || i === path.length - 1 || e.file !== prev || e.file !== next) {
      out.push(e);
    }
  });
  return out;
}

function describe(
  symptom: CollectedEvent,
  cause: CollectedEvent,
  chain: readonly CollectedEvent[],
  flow: FlowDraft | undefined,
  timeout: Timeout | undefined,
  occurrences: number,
  recovered = false,
): FoundFailure {
  const code =
    symptom.fields.errorCodes?.[0] ??
    cause.fields.errorCodes?.[0] ??
    chain.find((e) => e.fields.errorCodes !== undefined)?.fields.errorCodes?.[0] ??
    win32AsHresult(cause.fields.win32Error ?? symptom.fields.win32Error);
  const win32 = cause.fields.win32Error ?? symptom.fields.win32Error;
  const advice = KIND_ADVICE[cause.kind ?? ''] ?? KIND_ADVICE[symptom.kind ?? ''];
  let meaning: string;
  let hint: string;
  let source: string | undefined;
  if (timeout) {
    meaning = timeout.meaning;
    hint = timeout.hint;
    source = timeout.source;
  } else if (advice && (code === undefined || cause.kind === 'WUAHandler.groupPolicyOverride')) {
    meaning = advice.meaning;
    hint = advice.hint;
    source = advice.source;
  } else if (code !== undefined) {
    const info = (win32 !== undefined ? win32Error(win32) : undefined) ?? describeErrorCode(code);
    meaning = `${info.name}: ${info.meaning}`;
    hint = `${info.usualCause} Next: ${info.nextCheck}`;
    source = info.source;
  } else {
    meaning = `${symptom.component} reported a failure.`;
    hint = `Read ${cause.file}:${cause.line} and the records around it.`;
  }
  if (code !== undefined && advice && cause.kind === 'WUAHandler.groupPolicyOverride') {
    meaning = `${describeErrorCode(code).name}: ${advice.meaning}`;
  }
  // A code that sums up others (0x80240022, every update of the job failed) is explained by its cause's own.
  const causeCode = cause.fields.errorCodes?.[0];
  if (!timeout && code !== undefined && causeCode !== undefined && causeCode !== code) {
    const first = describeErrorCode(causeCode);
    meaning = `${meaning} Upstream, ${causeCode} ${first.name}: ${first.meaning}`;
    hint = `${first.usualCause} Next: ${first.nextCheck}`;
    source = [...new Set(`${first.source}; ${source ?? ''}`.split('; ').filter((x) => x !== ''))].join('; ');
  }
  return {
    event: symptom,
    code,
    meaning,
    upstreamCause: cause,
    chain,
    hint,
    source,
    flow: flow?.id,
    type: timeout ? 'timeout' : 'record',
    occurrences,
    recovered,
  };
}

function win32AsHresult(n: number | undefined): string | undefined {
  return n === undefined ? undefined : hresultFromWin32(n);
}

/** The flow's last step, when it got there: its latest record that says so. */
function completion(flow: FlowDraft, events: readonly CollectedEvent[]): CollectedEvent | undefined {
  let end: CollectedEvent | undefined;
  for (const e of events) {
    if (isCompletion(flow, e) && (end === undefined || e.utc > end.utc)) {
      end = e;
    }
  }
  return end;
}

function isCompletion(flow: FlowDraft, e: CollectedEvent): boolean {
  switch (flow.kind) {
    case 'scan':
      // ScanAgent's last line of a scan that succeeded raises its update source's state 3, "Scan completed"
      // (topic 501, reference §6.11): where the client's logs rolled over, it may be all that is left.
      return (
        e.kind === 'WUAHandler.scanSucceeded' ||
        (e.kind === 'ScanAgent.scanJobCompleted' && e.fields.reason === 'completed successfully') ||
        (e.kind === 'ScanAgent.updateSourceStateRaised' && e.fields.stateId === SCAN_COMPLETED)
      );
    case 'state-message':
      return e.kind === 'StateSys.processingFile';
    case 'sync':
      return e.kind?.startsWith('PolicyPv.') === true;
    case 'install':
      // Where WindowsUpdate.log alone holds the installation (install-flow's `olderCalls`), its call's end.
      return (
        e.kind === 'WUAHandler.installationCompleted' ||
        (flow.keys['clientLogs'] !== undefined && e.kind === 'WindowsUpdate.callEnd')
      );
  }
}

/** Steps that never came while the log that would show them goes on past their window. */
function findTimeouts(
  ws: Workspace,
  flow: FlowDraft,
  events: readonly CollectedEvent[],
  reach: LogReach,
  windows: TimeoutWindows,
): Timeout[] {
  const lastSeenByFile = reach.last;
  const out: Timeout[] = [];
  const minutes = (n: number): string => (n === 1 ? '1 minute' : `${n} minutes`);
  const reaches = (e: CollectedEvent, windowMs: number, file = e.file): boolean =>
    (lastSeenByFile.get(file) ?? 0) >= e.utc + windowMs;
  if (flow.kind === 'scan' && flow.keys['scanJob'] === undefined) {
    // A scan request no ScanJob took (scan-flow.ts, unstartedScans).
    const scanAgentLog = ws.component(flow.host, 'scanagent')[0]?.file;
    // UpdatesHandler heard nothing more of the job (a failure it heard of is a problem of the flow already).
    const heard = events.some(
      (e) => e.kind !== 'UpdatesHandler.scanInitiated' && /^updateshandler$/i.test(e.component),
    );
    // The site's syncs that had all failed before the request, joined oldest first (scan-flow.ts, failedSyncsBefore).
    const syncFailed = events.find((e) => e.kind === 'WSyncMgr.syncFailed');
    for (const asked of heard ? [] : events.filter((e) => e.kind === 'UpdatesHandler.scanInitiated')) {
      if (reaches(asked, windows.scanStartMinutes * MINUTE, scanAgentLog ?? asked.file)) {
        out.push({
          anchor: asked,
          meaning:
            `UpdatesHandler asked for a scan (detection job ${asked.fields.job ?? '?'}) and ScanAgent started no scan ` +
            `job within ${minutes(windows.scanStartMinutes)}, while ${scanAgentLog === undefined ? 'UpdatesHandler.log' : 'ScanAgent.log'} ` +
            'goes on: it logged no "Policy available for UpdateSourceID", so it had no software update scan policy.',
          hint:
            syncFailed === undefined
              ? 'Without an update source policy no scan runs and WUAHandler.log is never written (S2). Check the client ' +
                "setting Software Updates > 'Enable software updates on clients' (S3); that the SUP has synchronised " +
                '(WSyncMgr.log) and the site made the update source policy (PolicyPv.log); and that the client ' +
                'downloaded it (PolicyAgent.log).'
              : `Every WSUS sync the site logged before the request failed (${syncFailed.host} WSyncMgr.log, from ` +
                `line ${syncFailed.line}), and none had succeeded: until one does the site has no synchronised update ` +
                'source, so PolicyPv makes no update source policy and no client can scan (S2: without that policy no ' +
                'scan runs). Fix the sync first: WCM.log for the software update point configuration, WSyncMgr.log ' +
                "for the sync's own errors (S5); then look for 'Set content version of update source' in WSyncMgr.log, " +
                "'Added Scan Tool ID' in PolicyPv.log and the policy download in the client's PolicyAgent.log.",
          source: syncFailed === undefined ? `${S2}; ${S3}` : `${S2}; ${S5}`,
        });
      }
    }
  } else if (flow.kind === 'scan') {
    for (const asked of events.filter((e) => e.kind === 'ScanAgent.locationsRequested')) {
      const l = asked.fields.locationRequest;
      const answered = events.some(
        (e) => e.kind === 'ScanAgent.locationUpdateReceived' && e.fields.locationRequest === l,
      );
      if (!answered && reaches(asked, windows.locationReplyMinutes * MINUTE)) {
        out.push({
          anchor: asked,
          meaning: `No WSUS location arrived for location request ${l ?? '?'} within ${minutes(windows.locationReplyMinutes)}, while ScanAgent.log goes on.`,
          hint: 'Follow the request in LocationServices.log and CcmMessaging.log (was it sent, did the MP reply?) and in MP_Location.log on the management point.',
        });
      }
    }
    for (const started of events.filter((e) => e.kind === 'WUAHandler.searchStarted')) {
      const ended = events.some(
        (e) =>
          e.utc >= started.utc &&
          /WUAHandler\.(searchCompleted|searchFailed|scanSucceeded|scanFailed)/.test(e.kind ?? ''),
      );
      if (!ended && reaches(started, windows.wuaSearchMinutes * MINUTE)) {
        out.push({
          anchor: started,
          meaning: `The WUA search started by WUAHandler did not complete within ${minutes(windows.wuaSearchMinutes)}, while WUAHandler.log goes on.`,
          hint: 'Read WindowsUpdate.log for the search (COMAPI Search [ClientId = CcmExec]); check the Windows Update service and the SUP.',
        });
      }
    }
  } else if (flow.kind === 'state-message') {
    const relayed = events.find((e) => e.kind === 'MPRelay.messageBody');
    const processed = events.some((e) => e.kind === 'StateSys.processingFile');
    if (
      relayed &&
      !processed &&
      coversEverywhere(ws, reach, STATE_SYS, ws.corrected(relayed), windows.stateSysMinutes)
    ) {
      const last = [...events].sort((a, b) => b.utc - a.utc)[0]!;
      out.push({
        anchor: last,
        meaning: `State messages the MP received were not processed by StateSys within ${minutes(windows.stateSysMinutes)}, while StateSys.log covers that time.`,
        hint: onSiteServer(ws.stateSide(), relayed.host)
          ? 'The MP is on the site server and writes into auth\\statesys.box\\incoming itself (no MPFDM): check that ' +
            'inbox for waiting files and StateSys.log for the processing thread.'
          : 'Check MPFDM.log on the MP (moves to the site inbox; needs the Remote Registry service and access to the site server), ' +
            'the MP outbox \\SMS\\MP\\OUTBOXES\\statemsg.box, and auth\\statesys.box\\incoming on the site server.',
      });
    }
    const send = events.find((e) => e.kind === 'CcmMessaging.sendingAsync');
    // Only the client's own MPs (those its other flows reached) can say it never arrived: an MP whose logs
    // were not collected would not (107 relays of the clients of an MP left out of a bundle were FAILED).
    const mps = mpsOf(ws, flow.host);
    if (
      send &&
      !relayed &&
      mps.length > 0 &&
      coversEverywhere(ws, reach, MP_RELAY, ws.corrected(send), windows.relayMinutes, mps)
    ) {
      out.push({
        anchor: send,
        meaning: `No management point logged this relay of state messages within ${minutes(windows.relayMinutes)}, while MP_Relay.log of ${mps.length === 1 ? 'its MP' : 'each of its MPs'} (${mps.join(', ')}) covers that time.`,
        hint: "Check CcmMessaging.log for the message's delivery, the MP's IIS log for the client's CCM_POST, and MP_Relay.log.",
      });
    }
  } else if (flow.kind === 'install') {
    const started = events.find((e) => e.kind === 'WUAHandler.installStarted');
    const reported = events.some((e) => e.kind === 'WUAHandler.updateInstallFinished' || isInstallEnd(e));
    if (started !== undefined && !reported && reaches(started, windows.installMinutes * MINUTE)) {
      // The update WUA was installing when its log stops speaking of the call: started, never completed.
      const starting = events.filter((e) => e.kind === 'WindowsUpdate.installStarting');
      const completed = events.filter((e) => e.kind === 'WindowsUpdate.installCompleted').length;
      const stuck = starting[completed];
      const id = stuck?.fields.updates?.[0]?.id;
      out.push({
        anchor: started,
        meaning:
          `The installation WUAHandler started reported no result within ${minutes(windows.installMinutes)}, while ` +
          `WUAHandler.log goes on${id === undefined ? '' : `; WindowsUpdate.log started installing update ${id} and logged no end to it`}.`,
        hint:
          'Read the install call in WindowsUpdate.log (COMAPI Install [ClientId = CcmExec]) for the update it was installing, ' +
          'then %windir%\\Logs\\CBS\\CBS.log for that package; check for a pending restart and that the Windows Update and ' +
          'Windows Modules Installer services are running.',
      });
    }
  }
  return out;
}

const MP_RELAY = ['MPRelay.messageBody', 'MPRelay.startProcessing', 'MPRelay.taskCompleted'];
const STATE_SYS = ['StateSys.processingFile', 'StateSys.inboxNotification'];

/** The MPs a client's flows reached, in the bundle (its location requests' and relays' MPs). */
function mpsOf(ws: Workspace, client: string): string[] {
  return ws.cached(`mps-of\u0000${client}`, () =>
    [
      ...new Set(ws.flows.flatMap((f) => (f.host === client && typeof f.keys.mp === 'string' ? [f.keys.mp] : []))),
    ].sort(),
  );
}

/**
 * Whether every host that logged these kinds (or each of `only`, which must all have them) has logs (the
 * current file and its rotations) that begin by `at` (a corrected time) and go on `minutes` past it, each on
 * its own clock. A busy MP's MP_Relay.log or a
 * site's StateSys.log rotates within hours while the clients' logs reach back days: a step missing from a
 * log that did not reach back that far is not missing (120 relays of a 16 MB bundle whose MP kept only its
 * last twelve hours of MP_Relay.log were FAILED by timeout).
 */
function coversEverywhere(
  ws: Workspace,
  reach: LogReach,
  kinds: readonly string[],
  at: number,
  minutes: number,
  only?: readonly string[],
): boolean {
  const logs = ws.cached(`logs-of\u0000${kinds.join('\u0000')}`, () => {
    const side = ws.stateSide();
    const byHost = new Map<string, Set<string>>();
    for (const i of side.everywhere(...kinds)) {
      const host = side.columns.host(i);
      byHost.set(host, (byHost.get(host) ?? new Set()).add(side.columns.file(i)));
    }
    for (const e of ws.everywhere(...kinds)) {
      byHost.set(e.host, (byHost.get(e.host) ?? new Set()).add(e.file));
    }
    return byHost;
  });
  if (logs.size === 0 || (only !== undefined && only.some((h) => !logs.has(h)))) {
    return false;
  }
  for (const [host, files] of logs) {
    if (only !== undefined && !only.includes(host)) {
      continue;
    }
    const from = at + (ws.skew.get(host) ?? 0);
    const first = Math.min(...[...files].map((f) => reach.first.get(f) ?? Number.POSITIVE_INFINITY));
    const last = Math.max(...[...files].map((f) => reach.last.get(f) ?? Number.NEGATIVE_INFINITY));
    if (first > from || last < from + minutes * MINUTE) {
      return false;
    }
  }
  return true;
}

/** Problems outside every flow, folded by host, component, message shape and code. */
function standalone(ws: Workspace, inFlow: (problem: CollectedEvent) => boolean, incoming: Incoming): FoundFailure[] {
  const groups = new Map<string, CollectedEvent[]>();
  for (const host of ws.ownHosts()) {
    for (const e of ws.on(host)) {
      if (isProblem(e) && !inFlow(e)) {
        const shape = e.kind ?? e.shape ?? '';
        const key = `${e.host}\u0000${e.component}\u0000${shape}\u0000${e.fields.errorCodes?.[0] ?? ''}`;
        const list = groups.get(key) ?? [];
        list.push(e);
        groups.set(key, list);
      }
    }
  }
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const last = list[list.length - 1]!;
    // Outside a flow, links still tell where trouble began (an MPFDM outage is chained from its first
    // failure): the cause is the earliest problem reached backwards from the first occurrence.
    const cause = earliestProblemBefore(ws, first, incoming);
    const chain = [...(cause === first ? [] : [cause]), first, ...(list.length > 1 ? [last] : [])];
    return describe(last, cause, chain, undefined, undefined, list.length);
  });
}

function earliestProblemBefore(ws: Workspace, from: CollectedEvent, incoming: Incoming): CollectedEvent {
  let earliest = from;
  const seen = new Set([from]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    for (const e of incoming.get(queue[head]!) ?? []) {
      if (!seen.has(e) && isProblem(e)) {
        seen.add(e);
        queue.push(e);
        if (ws.corrected(e) < ws.corrected(earliest)) {
          earliest = e;
        }
      }
    }
  }
  return earliest;
}
