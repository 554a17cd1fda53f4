// The scan flow, one per ScanJob on a client: policy → ScanJob → LocationRequest → CcmMessaging request →
// MP_Location request/reply → reply message → LocationServices callback → ScanAgent location update →
// WUAHandler update source + search → WindowsUpdate search → WUAHandler results → UpdatesStore →
// StateMessage; plus the deployment evaluation (UpdatesHandler/UpdatesDeployment) that asked for it.
// Hops that share an id are linked by it; hops that do not (LocationServices → CcmMessaging, client → MP)
// are joined by several agreeing fields or by a stated time window, and say so in the link. A scan the
// deployment evaluation asked for and ScanAgent never started is a flow of its own (`scan:request:<job>`).

import type { ClockSide } from './clock-jumps.ts';
import type { CollectedEvent } from './collect.ts';
import { isConfigMgrCall } from './file-clocks.ts';
import { LEAD_SPREAD, leadOf } from './leads.ts';
import type { Lead, LeadSample } from './leads.ts';
import { relayLeads } from './state-flow.ts';
import type { FlowDraft, Workspace } from './workspace.ts';
import { between, byTime, EventSet, firstAfter, groupBy, lastBefore } from './workspace.ts';
import { push } from './time-order.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** How far apart two hosts' logged times may be for a key match: generous, skew is not known yet. */
const CROSS_HOST_WINDOW = 3 * 60 * MINUTE;
/**
 * A join to the MP without CcmMessaging's lines: how near the client's time plus the MP's lead the MP's request
 * must lie, alone there: another from the address as near, give or take how far the lead's messages may disagree
 * (LEAD_SPREAD), may be a neighbour's behind its NAT address or the client's own asking again. Alone near the
 * request found instead, 30 s either side of it, refused requests 0.2 s from the lead for another from the
 * address 17 to 29 s away (9 scans over 132 bundles), and alone within the window, one 0.06 s from it for
 * another 9.5 s away.
 */
const NEAR_WITHOUT_MESSAGE = 15 * SECOND;
const ALONE_WITHOUT_MESSAGE = { within: NEAR_WITHOUT_MESSAGE, margin: LEAD_SPREAD };

export interface ScanJobWindow {
  readonly flow: FlowDraft;
  readonly start: number;
  readonly end: number;
  /** The record the window starts at: its clock, where the host's was set back, is the window's. */
  readonly anchor: CollectedEvent;
}

export function buildScanFlows(ws: Workspace, hosts: readonly string[] = ws.ownHosts()): void {
  for (const host of hosts) {
    const scanAgent = ws.component(host, 'scanagent');
    const jobs = new Map<string, CollectedEvent[]>();
    for (const e of scanAgent) {
      const job = e.fields.scanJob;
      if (job !== undefined) {
        const list = jobs.get(job) ?? [];
        list.push(e);
        jobs.set(job, list);
      }
    }
    const windows: ScanJobWindow[] = [];
    for (const [job, events] of jobs) {
      windows.push(buildScanFlow(ws, host, job, events, scanAgent));
    }
    attachWuaHandler(ws, host, windows);
    unstartedScans(ws, host, scanAgent, (e) => windows.some((w) => w.flow.events.has(e)));
  }
}

/**
 * Scans the deployment evaluation asked for (`UpdatesHandler.scanInitiated`) that no ScanJob took and whose
 * completion never came. Without an update source policy ScanAgent has nothing to scan against: it writes no
 * job and no "Policy available for UpdateSourceID" line, and WUAHandler.log is never created (reference §7.1,
 * "No scan policy"). The request is then all the logs hold of the scan, so it is a flow of its own, with the
 * evaluation that made it and what ScanAgent logged next; failures.ts flags it once ScanAgent.log goes on.
 */
function unstartedScans(
  ws: Workspace,
  host: string,
  scanAgent: readonly CollectedEvent[],
  inScanFlow: (e: CollectedEvent) => boolean,
): void {
  const handler = ws.component(host, 'updateshandler');
  for (const initiated of handler) {
    const job = initiated.fields.job;
    if (initiated.kind !== 'UpdatesHandler.scanInitiated' || job === undefined || inScanFlow(initiated)) {
      continue;
    }
    // A completion means ScanAgent answered (a recent scan's results, say) without a job of its own.
    if (handler.some((e) => e.kind === 'UpdatesHandler.scanCompleted' && e.fields.job === job)) {
      continue;
    }
    const flow = ws.flow({
      id: `scan:request:${job}`,
      kind: 'scan',
      host,
      keys: {},
      events: new EventSet([initiated]),
    });
    evaluationRecords(ws, host, initiated, job, flow, initiated.utc, initiated);
    // ScanAgent is told at once; what it logs in the next seconds without naming a job is its answer.
    const told = between(scanAgent, initiated.utc, initiated.utc + 5 * SECOND).filter(
      (e) => e.fields.scanJob === undefined && !inScanFlow(e),
    );
    for (const e of told) {
      flow.events.add(e);
    }
    told.forEach((e, i) =>
      ws.link(
        i === 0 ? initiated : told[i - 1]!,
        e,
        'time',
        'UpdatesHandler asked for a scan; ScanAgent is notified',
        5 * SECOND,
      ),
    );
    const syncs = failedSyncsBefore(ws, initiated);
    const lastSync = syncs[syncs.length - 1];
    if (lastSync !== undefined) {
      syncs.forEach((e) => flow.events.add(e));
      ws.chain(syncs, 'time', 'WSyncMgr: the sync failed again, none succeeded between', lastSync.utc - syncs[0]!.utc);
      ws.link(
        lastSync,
        initiated,
        'time',
        'no WSUS sync of the site had succeeded before the scan request',
        initiated.utc - lastSync.utc,
      );
    }
  }
}

/**
 * The site's WSUS syncs that failed before `request`, oldest first, when no sync in the logs succeeded
 * before it; none otherwise. Until a sync succeeds the site has no update source, so no update source policy
 * for any client (reference §6.0: the policy comes from WSyncMgr → SMSDBMON → PolicyPv): the failures are
 * where a missing scan policy began. One success before the request, and the policy came from it.
 */
function failedSyncsBefore(ws: Workspace, request: CollectedEvent): CollectedEvent[] {
  const outcomes = ws
    .everywhere('WSyncMgr.syncFailed', 'WSyncMgr.contentVersionSet', 'WSyncMgr.syncSucceeded')
    .filter((e) => e.utc <= request.utc);
  return outcomes.every((e) => e.kind === 'WSyncMgr.syncFailed') ? [...outcomes].sort(byTime) : [];
}

function buildScanFlow(
  ws: Workspace,
  host: string,
  job: string,
  jobEvents: CollectedEvent[],
  scanAgent: CollectedEvent[],
): ScanJobWindow {
  jobEvents.sort(byTime);
  const first = jobEvents[0]!;
  const last = jobEvents[jobEvents.length - 1]!;
  const source = jobEvents.find((e) => e.fields.updateSource !== undefined)?.fields.updateSource;
  const version = jobEvents.find((e) => e.fields.contentVersion !== undefined)?.fields.contentVersion;
  const keys: Record<string, string | number | string[]> = { scanJob: job };
  const flow = ws.flow({ id: `scan:${job}`, kind: 'scan', host, keys, events: new EventSet(jobEvents) });
  const add = (e: CollectedEvent | undefined): e is CollectedEvent => {
    if (e !== undefined) {
      flow.events.add(e);
    }
    return e !== undefined;
  };

  // The lines below that do not name the job are found by time, on the job's clock: where the client's was set
  // back, another scan of the other clock may read seconds away.
  const onClock = (e: CollectedEvent): boolean => ws.sameClock(e, first);
  // What ScanAgent logs just before the job without naming it: the policy notification and scan request.
  const preamble = between(scanAgent, first.utc - 5 * SECOND, first.utc).filter(
    (e) => e.fields.scanJob === undefined && e !== first && onClock(e),
  );
  for (const e of preamble) {
    add(e);
  }
  const policy = preamble.find((e) => e.kind === 'ScanAgent.policyAvailable');

  // Location requests: named by the job, or by the lines ScanAgent writes around them.
  const requests = new Set(jobEvents.flatMap((e) => (e.fields.locationRequest ? [e.fields.locationRequest] : [])));
  const requestLocations = jobEvents.find((e) => e.kind === 'ScanAgent.requestLocations');
  const requesting =
    requestLocations &&
    firstAfter(
      scanAgent,
      requestLocations.utc,
      5 * SECOND,
      (e) => e.kind === 'ScanAgent.requestingLocations' && onClock(e),
    );
  if (add(requesting)) {
    const idLine = firstAfter(
      scanAgent,
      requesting.utc,
      10 * SECOND,
      (e) => e.kind === 'ScanAgent.locationRequestId' && onClock(e),
    );
    if (idLine?.fields.locationRequest !== undefined) {
      requests.add(idLine.fields.locationRequest);
    }
  }
  // Where ScanAgent.log's history begins inside the job, the policy line is gone: the line asking for locations
  // names the update source and version too (without them no MP request was looked for).
  const us = source ?? policy?.fields.updateSource ?? requesting?.fields.updateSource;
  const cv = version ?? policy?.fields.contentVersion ?? requesting?.fields.contentVersion;
  if (us !== undefined) {
    keys.updateSource = us;
  }
  if (cv !== undefined) {
    keys.contentVersion = cv;
  }
  keys.locationRequests = [...requests];
  for (const l of requests) {
    for (const e of ws.byId(host, 'scanagent', 'locationRequest').get(l) ?? []) {
      if (e.fields.scanJob === undefined) {
        add(e);
      }
    }
    locationRequest(ws, host, l, us, cv, flow, scanAgent);
  }

  // ScanAgent's completion notice does not name the job: the one just before the job's own completion line.
  const scanRequested = jobEvents.find((e) => e.kind === 'ScanAgent.scanRequested');
  const done = jobEvents.find(
    (e) =>
      e.kind === 'ScanAgent.scanJobCompleted' ||
      e.kind === 'ScanAgent.scanFailed' ||
      e.kind === 'ScanAgent.executeFailed' ||
      e.kind === 'ScanAgent.locationsEmpty',
  );
  if (scanRequested && done) {
    add(
      lastBefore(
        scanAgent,
        done.utc,
        5 * SECOND,
        (e) => e.kind === 'ScanAgent.scanComplete' && e.utc >= scanRequested.utc && onClock(e),
      ),
    );
  }
  // Everything ScanAgent logged for the job, in order: lines that name the job are joined by its id, the
  // lines between them that do not (location request id, completion notice) by their place.
  const ordered = scanAgent.filter((e) => flow.events.has(e)).sort(ws.inLoggedOrder);
  for (let i = 1; i < ordered.length; i++) {
    const [a, b] = [ordered[i - 1]!, ordered[i]!];
    const shared = a.fields.scanJob === job && b.fields.scanJob === job;
    const sameRequest = a.fields.locationRequest !== undefined && a.fields.locationRequest === b.fields.locationRequest;
    ws.link(
      a,
      b,
      shared || sameRequest ? 'id' : 'time',
      shared
        ? ws.idKey('scanJob', job)
        : sameRequest
          ? ws.idKey('locationRequest', a.fields.locationRequest!)
          : 'next ScanAgent line for the job, same host',
      // The job's lines follow one another over its run.
      ordered[ordered.length - 1]!.utc - ordered[0]!.utc,
    );
  }

  deploymentEvaluation(ws, host, first, last, flow);
  const anchor = jobEvents.find((e) => e.kind === 'ScanAgent.addingUpdateSource') ?? first;
  return { flow, start: anchor.utc, end: (done ?? last).utc, anchor };
}

/** LocationServices, CcmMessaging and the MP for one location request. */
function locationRequest(
  ws: Workspace,
  host: string,
  l: string,
  us: string | undefined,
  cv: number | undefined,
  flow: FlowDraft,
  scanAgent: readonly CollectedEvent[],
): void {
  const add = (e: CollectedEvent | undefined): e is CollectedEvent => {
    if (e !== undefined) {
      flow.events.add(e);
    }
    return e !== undefined;
  };
  const ls = ws.component(host, 'locationservices');
  const lsOfRequest = ws.byId(host, 'locationservices', 'locationRequest').get(l) ?? [];
  const sent = lsOfRequest.find((e) => e.kind === 'LocationServices.locationRequestSent');
  const callback = lsOfRequest.find((e) => e.kind === 'LocationServices.callingBackWsusRequest');
  // Seconds apart on one clock: where the client's was set back, ScanAgent's line of the other clock may read
  // as close (a request three hours later was joined).
  const requesting = scanAgent.find(
    (e) =>
      e.kind === 'ScanAgent.requestingLocations' &&
      sent !== undefined &&
      e.utc <= sent.utc &&
      e.utc >= sent.utc - 30 * SECOND &&
      ws.sameClock(e, sent),
  );
  const scanAgentOfRequest = ws.byId(host, 'scanagent', 'locationRequest').get(l) ?? [];
  const idLine = scanAgentOfRequest.find((e) => e.kind === 'ScanAgent.locationRequestId');
  const update = scanAgentOfRequest.find((e) => e.kind === 'ScanAgent.locationUpdateReceived');
  let request: CollectedEvent | undefined;
  if (add(sent)) {
    // The request LocationServices built just before sending it: same update source, seconds apart.
    const start = lastBefore(ls, sent.utc, 30 * SECOND, (e) => e.kind === 'LocationServices.getLocationsAsync');
    const pre = between(ls, (start ?? sent).utc, sent.utc).filter(
      (e) =>
        e !== sent &&
        (e.fields.updateSource === undefined || e.fields.updateSource === us) &&
        e.kind?.startsWith('LocationServices.') === true,
    );
    pre.forEach(add);
    ws.chain([...pre, sent], 'derived', `LocationServices request for updateSource=${us ?? '?'}`);
    request = pre.find((e) => e.kind === 'LocationServices.wsusLocationRequest');
    if (requesting && pre[0]) {
      add(requesting);
      ws.link(requesting, pre[0], 'derived', `updateSource=${us ?? '?'} contentVersion=${cv ?? '?'}`);
    }
    if (idLine && add(idLine)) {
      ws.link(sent, idLine, 'id', ws.idKey('locationRequest', l));
    }
  }
  let replyStart: CollectedEvent | undefined;
  if (add(callback)) {
    replyStart = lastBefore(ls, callback.utc, 30 * SECOND, (e) => e.kind === 'LocationServices.processingReply');
    const reply = between(ls, (replyStart ?? callback).utc, callback.utc).filter(
      (e) => e.kind?.startsWith('LocationServices.') === true && e.kind !== 'LocationServices.locationRequestSent',
    );
    reply.forEach(add);
    ws.chain(reply, 'time', 'LocationServices reply processing, same host', 30 * SECOND);
    if (update && add(update)) {
      ws.link(callback, update, 'id', ws.idKey('locationRequest', l));
    }
  }

  // CcmMessaging: the message to mp_locationmanager sent with the request, and its reply.
  if (!sent) {
    // LocationServices.log (and CcmMessaging.log) no longer reach back to the request: busy logs roll over
    // first. ScanAgent's own line says when it was asked for, and the MP's records name the same update source,
    // version and address (13 empty-location causes were ScanAgent's lines, not the MP's empty reply).
    const asked = idLine ?? scanAgentOfRequest[0];
    if (asked !== undefined && !reachesBack(ws, host, 'locationservices', asked)) {
      answeringMp(ws, host, asked, us, cv, ws.ipsAt(host, asked.utc), flow, undefined, update);
    }
    return;
  }
  const send = nearest(locationSends(ws, host), sent.utc, 5 * SECOND, 30 * SECOND);
  if (!add(send)) {
    if (!reachesBack(ws, host, 'ccmmessaging', sent)) {
      // CcmMessaging.log no longer reaches back to it: LocationServices' request names its address itself.
      answeringMp(
        ws,
        host,
        request ?? sent,
        us,
        cv,
        addresses(ws, host, request, sent.utc),
        flow,
        undefined,
        replyStart ?? callback,
      );
    }
    return;
  }
  ws.link(
    request ?? sent,
    send,
    'time',
    'location request handed to CcmMessaging (queue mp_locationmanager)',
    30 * SECOND,
  );
  const m = send.fields.messageId!;
  const messages = ws.byId(host, 'ccmmessaging', 'messageId');
  const mine = messages.get(m) ?? [];
  const gotReply = mine.find((e) => e.kind === 'CcmMessaging.gotReply');
  const r = gotReply?.fields.replyId;
  const replyEvents = r === undefined ? [] : (messages.get(r) ?? []);
  [...mine, ...replyEvents].forEach(add);
  ws.chain(mine, 'id', `message=${m}`);
  if (gotReply && replyEvents.length > 0) {
    ws.chain([gotReply, ...replyEvents], 'id', `reply=${r!}`);
    const delivered = replyEvents[replyEvents.length - 1]!;
    if (replyStart) {
      ws.link(delivered, replyStart, 'time', 'reply delivered to LS_ReplyLocations, then processed', 30 * SECOND);
    }
  }
  const outgoing = mine.find((e) => e.kind === 'CcmMessaging.sendingOutgoing') ?? send;
  keys(flow).locationMessages = [...new Set([...arr(flow.keys.locationMessages), m])];

  // The MP that answered: its request body names the same update source, version and client address (the
  // one this request states: a client may move to another address within a bundle).
  const ips = addresses(ws, host, request, outgoing.utc);
  answeringMp(ws, host, outgoing, us, cv, ips, flow, gotReply ? { gotReply, message: m } : undefined, undefined);
}

/** The address the location request states, else those the client may have had then (see `Workspace.ipsAt`). */
function addresses(ws: Workspace, host: string, request: CollectedEvent | undefined, t: number): string[] {
  const stated = request?.fields.clientIp;
  return stated !== undefined ? [stated] : ws.ipsAt(host, t);
}

/**
 * The MP's request body for a location request sent at `outgoing` (CcmMessaging's line, or LocationServices' or
 * ScanAgent's when CcmMessaging.log no longer holds it), nearest the client's time plus that MP's lead, and the
 * MP's reply. With CcmMessaging's lines, the reply is linked to the message's; without them, to the client's
 * first record of it (`update`: LocationServices' reply processing or ScanAgent's location update). Either way
 * both hops are evidence for the clocks.
 */
function answeringMp(
  ws: Workspace,
  host: string,
  outgoing: CollectedEvent,
  us: string | undefined,
  cv: number | undefined,
  ips: readonly string[],
  flow: FlowDraft,
  message: { readonly gotReply: CollectedEvent; readonly message: string } | undefined,
  update: CollectedEvent | undefined,
): void {
  const add = (e: CollectedEvent | undefined): e is CollectedEvent => {
    if (e !== undefined) {
      flow.events.add(e);
    }
    return e !== undefined;
  };
  const sent = message !== undefined;
  const mpLocations = ws.mpLocations();
  const leads = locationLeads(ws, host);
  const side = ws.clockSide(outgoing);
  // Without CcmMessaging's lines the lead at this time is the later messages', and the address maybe the later
  // one: a clock set since, a move, or a neighbour behind the same NAT address would make the nearest another's
  // (an MP reply hours away was taken for three requests of a client that had moved). Such a join must lie
  // near that lead, and alone there.
  const window = sent ? CROSS_HOST_WINDOW : NEAR_WITHOUT_MESSAGE;
  const mpRequest = mpLocations.nearestRequest(
    us,
    cv,
    ips.length === 0 ? undefined : ips,
    outgoing.utc,
    window,
    window,
    (mp) => leads.get(mp)?.(outgoing.utc, side) ?? 0,
    sent ? undefined : ALONE_WITHOUT_MESSAGE,
    (at) => ws.onLaterClock(at),
  );
  if (!add(mpRequest)) {
    return;
  }
  const ip = mpRequest.fields.clientIp ?? '?';
  // An address none of the client's own logs states: say where it comes from.
  const from = ws.relayOnlyIp(host, ip) ? " (its relays' address in the MP's IIS log)" : '';
  ws.link(outgoing, mpRequest, 'derived', `contentId=${us ?? '?'} version=${cv ?? '?'} clientIp=${ip}${from}`);
  // ScanAgent's line comes a little before CcmMessaging's, and its location update a little after the reply
  // arrives: the same bounds, looser by those moments (a client's only evidence where CcmMessaging.log rolled).
  ws.pair(outgoing, mpRequest, 'client → MP location request', 0, 30 * SECOND, sent ? 200 : 300);
  const mpLog = ws.component(mpRequest.host, mpRequest.component);
  const sameThread = (e: CollectedEvent): boolean => e.thread === mpRequest.thread;
  const call = firstAfter(mpLog, mpRequest.utc, 5 * SECOND, (e) => e.kind === 'MPLocation.calling' && sameThread(e));
  const mpReply = mpLocations.firstReplyAfter(
    mpRequest.host,
    mpRequest.component,
    mpRequest.thread,
    mpRequest.utc,
    10 * SECOND,
  );
  add(call);
  if (add(mpReply)) {
    ws.chain(
      [mpRequest, ...(call ? [call] : []), mpReply],
      'time',
      'MP_Location request and reply, same thread',
      10 * SECOND,
    );
    if (message) {
      ws.link(mpReply, message.gotReply, 'derived', `reply to message=${message.message}`);
      ws.pair(mpReply, message.gotReply, 'MP → client location reply', 0, 30 * SECOND, 200);
    } else if (update) {
      ws.link(
        mpReply,
        update,
        'time',
        'MP reply reaches the client (CcmMessaging.log does not reach back to it)',
        30 * SECOND,
      );
      ws.pair(mpReply, update, 'MP → client location reply', 0, 30 * SECOND, 300);
    }
    keys(flow).mp = mpRequest.host;
  }
}

/** WUAHandler and WindowsUpdate.log during each job; with overlapping jobs, the job that started last. */
function attachWuaHandler(ws: Workspace, host: string, windows: ScanJobWindow[]): void {
  const wua = ws.component(host, 'wuahandler');
  const wu = ws.cached(`wu\u0000${host}`, () =>
    ws.on(host).filter((e) => e.kind?.startsWith('WindowsUpdate.') === true || isWindowsUpdateFile(e)),
  );
  // Where the host's clock was set back, a job of the other clock may read as overlapping this one (a scan's
  // search failure went to the scan three hours later by a clock set back three hours, whose start read two
  // seconds before it): only the windows and records of one clock belong together.
  const onClock = (e: CollectedEvent, w: ScanJobWindow): boolean => ws.sameClock(e, w.anchor);
  for (const w of windows) {
    // Only the windows that overlap this one can own its records (ownerOf over every window of the host
    // for every record was quadratic in the host's scans).
    const overlapping = windows.filter(
      (o) => o.start <= w.end + 2 * SECOND && w.start <= o.end + 2 * SECOND && onClock(o.anchor, w),
    );
    const mine = between(wua, w.start, w.end + 2 * SECOND).filter(
      (e) => onClock(e, w) && ownerOf(overlapping, e.utc) === w,
    );
    // WUAHandler.log no longer reaches back to ScanAgent's request (a busy log rolls over first, possibly during
    // the search, leaving its end only): the search it started is still in WindowsUpdate.log, found from
    // ScanAgent's request (13 causes of 0x80072EE2 scans were ScanAgent's lines, not the WinHTTP failures; a
    // history that began at the search's failure left that line as the cause).
    const requested = w.flow.events.list().find((e) => e.kind === 'ScanAgent.scanRequested');
    const rolled =
      requested !== undefined &&
      !mine.some((e) => e.kind === 'WUAHandler.searchStarted') &&
      !reachesBack(ws, host, 'wuahandler', requested);
    if (mine.length === 0) {
      if (rolled) {
        searchWithoutHandler(ws, host, wu, w.flow, mine);
      }
      continue;
    }
    mine.forEach((e) => w.flow.events.add(e));
    ws.chain(mine, 'time', 'WUAHandler during the scan job, same host', w.end + 2 * SECOND - w.start);
    const jobEvents = w.flow.events
      .list()
      .filter((e) => isComponent(e, 'scanagent'))
      .sort(byTime);
    const adding = jobEvents.find((e) => e.kind === 'ScanAgent.addingUpdateSource') ?? jobEvents[0];
    if (adding) {
      const matches =
        mine[0]!.fields.updateSource !== undefined && mine[0]!.fields.updateSource === adding.fields.updateSource;
      ws.link(
        adding,
        mine[0]!,
        matches ? 'id' : 'time',
        matches ? `updateSource=${adding.fields.updateSource!}` : 'ScanAgent hands the update source to WUAHandler',
        w.end + 2 * SECOND - w.start,
      );
    }
    const result = [...mine]
      .reverse()
      .find((e) => /scanSucceeded|scanFailed|searchFailed|addUpdateSourceFailed/.test(e.kind ?? ''));
    const after = jobEvents.find((e) => result !== undefined && e.utc >= result.utc);
    if (result && after) {
      ws.link(
        result,
        after,
        'time',
        'WUAHandler reports the scan result to ScanAgent',
        w.end - result.utc + 5 * SECOND,
      );
    }
    if (rolled) {
      searchWithoutHandler(ws, host, wu, w.flow, mine);
    } else {
      windowsUpdateSearch(ws, host, mine, wu, w.flow);
    }
    updateStates(ws, host, mine, w);
  }
}

/** The scan job a WUAHandler record at `t` belongs to: of the windows around it, the one that began last. */
function ownerOf(windows: readonly ScanJobWindow[], t: number): ScanJobWindow | undefined {
  let owner: ScanJobWindow | undefined;
  for (const o of windows) {
    if (o.start <= t && t <= o.end + 2 * SECOND && (owner === undefined || o.start > owner.start)) {
      owner = o;
    }
  }
  return owner;
}

/** Component test without a lowercased copy per event (`lower` is lowercase). */
function isComponent(e: CollectedEvent, lower: string): boolean {
  return e.component.length === lower.length && e.component.toLowerCase() === lower;
}

/**
 * Whether a client's log of `component` reaches back to `e`, a record of the same host: it holds a record no later,
 * by the clock each was logged by. Where the client's clock was set back (its logs went back in time), a record
 * before the change is earlier than every record after it, whatever their times.
 */
function reachesBack(ws: Workspace, host: string, component: string, e: CollectedEvent): boolean {
  const first = ws.cached(`reach\u0000${host}\u0000${component}`, () => {
    const earliest = new Map<ClockSide | undefined, number>();
    for (const x of ws.component(host, component)) {
      const side = ws.clockSide(x);
      if (!earliest.has(side)) {
        earliest.set(side, x.utc);
      }
    }
    return earliest;
  });
  const side = ws.clockSide(e);
  if (side === 'after' && first.has('before')) {
    return true;
  }
  const t = first.get(side) ?? first.get(undefined);
  return t !== undefined && t <= e.utc;
}

function isWindowsUpdateFile(e: CollectedEvent): boolean {
  return /(^|\/)windowsupdate[^/]*$/i.test(e.file);
}

/**
 * The WUA search ScanAgent asked for, when WUAHandler.log does not reach back to it: from ScanAgent's
 * "successfully requested Scan" to the search's end WUAHandler logged (`handler`, what is left of its lines
 * for the job), else ScanAgent's scan completion, joined by time alone.
 */
function searchWithoutHandler(
  ws: Workspace,
  host: string,
  wu: CollectedEvent[],
  flow: FlowDraft,
  handler: readonly CollectedEvent[],
): void {
  const scanAgent = flow.events
    .list()
    .filter((e) => isComponent(e, 'scanagent'))
    .sort(byTime);
  const requested = scanAgent.find((e) => e.kind === 'ScanAgent.scanRequested');
  const ended = scanAgent.find(
    (e) =>
      requested !== undefined &&
      e.utc >= requested.utc &&
      (e.kind === 'ScanAgent.scanFailed' || e.kind === 'ScanAgent.scanJobCompleted'),
  );
  if (requested) {
    windowsUpdateSearch(ws, host, [], wu, flow, {
      started: requested,
      ended:
        handler.find((e) => e.kind === 'WUAHandler.searchCompleted' || e.kind === 'WUAHandler.searchFailed') ?? ended,
      why: 'ScanAgent requested the scan; WUAHandler starts the WUA search (WUAHandler.log does not reach back to it)',
    });
  }
}

/** The WUA search the handler started: COMAPI START … END in WindowsUpdate.log. */
function windowsUpdateSearch(
  ws: Workspace,
  host: string,
  handler: CollectedEvent[],
  wu: CollectedEvent[],
  flow: FlowDraft,
  asked?: { readonly started: CollectedEvent; readonly ended: CollectedEvent | undefined; readonly why: string },
): void {
  const started = asked?.started ?? handler.find((e) => e.kind === 'WUAHandler.searchStarted');
  if (!started) {
    return;
  }
  const calls = ws.cached(`wu-calls\u0000${host}`, () =>
    // Windows Defender, Automatic Updates and the Store search too: only ConfigMgr's calls answer WUAHandler.
    wu.filter(
      (e) => (e.kind === 'WindowsUpdate.callStart' || e.kind === 'WindowsUpdate.callSubmitted') && isConfigMgrCall(e),
    ),
  );
  // On the handler's clock: where the client's was set back, a search of the other clock may read as close,
  // and its lines lie among this one's (a scan's session took the start of another scan's, three hours later
  // by a clock set back three hours, logged two seconds before this one's end).
  const onClock = (e: CollectedEvent): boolean => ws.sameClock(e, started);
  const start = nearest(calls.filter(onClock), started.utc, 5 * SECOND, 60 * SECOND);
  if (!start) {
    return;
  }
  const ended = asked
    ? asked.ended
    : handler.find((e) => e.kind === 'WUAHandler.searchCompleted' || e.kind === 'WUAHandler.searchFailed');
  const end =
    firstAfter(
      wu,
      start.utc,
      60 * MINUTE,
      (e) => e.kind === 'WindowsUpdate.callEnd' && isConfigMgrCall(e) && onClock(e),
    ) ?? ended;
  // WUA logs the consequences of a failed search (REPORT EVENT, FATAL) after COMAPI's END and before
  // WUAHandler hears of it: the session runs until WUAHandler reports the result.
  const until = Math.max(
    (end ?? start).utc + 100,
    ended !== undefined && ended.utc - start.utc < 60 * MINUTE ? ended.utc : 0,
  );
  const session = between(wu, start.utc, until).filter(onClock);
  session.forEach((e) => flow.events.add(e));
  ws.link(
    started,
    session[0]!,
    'time',
    asked?.why ?? 'WUAHandler starts the WUA search (COMAPI Search [ClientId = CcmExec])',
    60 * SECOND,
  );
  ws.chain(session, 'time', 'WUA search session in WindowsUpdate.log', until - start.utc);
  if (ended) {
    const code = ended.fields.errorCodes?.[0];
    const agrees = code !== undefined && session.some((e) => e.fields.errorCodes?.includes(code));
    ws.link(
      session[session.length - 1]!,
      ended,
      agrees ? 'derived' : 'time',
      agrees ? `same error ${code}` : 'search ends, WUAHandler reports it',
      60 * MINUTE,
    );
  }
  // The handler's first status line for each update (as a search of the handler's lines would find it).
  const statusOf = new Map<string | undefined, CollectedEvent>();
  for (const e of handler) {
    const id = e.fields.updates?.[0]?.id;
    if (e.kind === 'WUAHandler.updateStatus' && !statusOf.has(id)) {
      statusOf.set(id, e);
    }
  }
  for (const added of session.filter((e) => e.kind === 'WindowsUpdate.updateAdded')) {
    const id = added.fields.updates?.[0]?.id;
    const status = statusOf.get(id);
    if (status && id !== undefined) {
      ws.link(added, status, 'id', ws.idKey('update', id));
    }
  }
}

/** UpdatesStore and StateMessage for the updates the scan found, and the update-source state messages. */
function updateStates(ws: Workspace, host: string, handler: CollectedEvent[], w: ScanJobWindow): void {
  // A scan reports hundreds of updates: UpdatesStore's and StateMessage's records are grouped by update
  // once per host, not scanned again for each update.
  const store = ws.cached(`store-by-update\u0000${host}`, () =>
    groupBy(ws.component(host, 'updatesstore'), (e) => e.fields.updates?.[0]?.id),
  );
  const messages500 = ws.cached(`topic500-by-update\u0000${host}`, () =>
    groupBy(ws.component(host, 'statemessage'), (e) => (e.fields.topicType === 500 ? e.fields.topicId : undefined)),
  );
  const stateMsg = ws.component(host, 'statemessage');
  const found = handler.filter((e) => e.kind === 'WUAHandler.updateStatus');
  const updates = found.flatMap((e) => (e.fields.updates?.[0] ? [e.fields.updates[0].id] : []));
  keys(w.flow).updates = updates;
  for (const status of found) {
    const u = status.fields.updates?.[0]?.id;
    if (u === undefined) {
      continue;
    }
    // Where the client's clock was set back, its earlier clock's records share these logged times: only the
    // records logged by the status line's clock are its scan's.
    const sameClock = (e: CollectedEvent): boolean => ws.sameClock(e, status);
    const mine = between(store.get(u) ?? [], status.utc, w.end + 10 * MINUTE).filter(sameClock);
    const messages = between(messages500.get(u) ?? [], status.utc, w.end + 10 * MINUTE).filter(sameClock);
    const chain = [status, ...mine, ...messages];
    chain.forEach((e) => w.flow.events.add(e));
    ws.chain(chain, 'id', ws.idKey('update', u));
  }
  // ScanAgent's "Raised UpdateSource … state message" goes to StateMessage as topic 501.
  for (const raised of w.flow.events.list().filter((e) => e.kind === 'ScanAgent.updateSourceStateRaised')) {
    const us = raised.fields.updateSource;
    const messages = between(stateMsg, raised.utc - SECOND, raised.utc + 5 * SECOND).filter(
      (e) => e.fields.topicId === us && e.fields.topicType === 501 && ws.sameClock(e, raised),
    );
    messages.forEach((e) => w.flow.events.add(e));
    if (messages[0] && us !== undefined) {
      ws.chain([raised, ...messages], 'id', `updateSource=${us} (topic 501)`);
    }
  }
}

/** A host's UpdatesDeployment records (the component is spelled UpdatesDeploymentAgent in the logs). */
function deploymentEvents(ws: Workspace, host: string): readonly CollectedEvent[] {
  return ws.cached(`deployment\u0000${host}`, () => ws.on(host).filter((e) => /^updatesdeployment/i.test(e.component)));
}

/** The deployment evaluation that asked for the scan (UpdatesHandler, UpdatesDeployment). */
function deploymentEvaluation(
  ws: Workspace,
  host: string,
  first: CollectedEvent,
  last: CollectedEvent,
  flow: FlowDraft,
): void {
  const handler = ws.component(host, 'updateshandler');
  // The evaluation may ask for the scan just before the job starts, or join a job a policy change started.
  const initiated = nearest(
    handler.filter((e) => e.kind === 'UpdatesHandler.scanInitiated' && e.utc <= last.utc && ws.sameClock(e, first)),
    first.utc,
    60 * SECOND,
    60 * SECOND,
  );
  const job = initiated?.fields.job;
  if (!initiated || job === undefined) {
    return;
  }
  flow.events.add(initiated);
  if (initiated.utc <= first.utc) {
    ws.link(initiated, first, 'time', 'UpdatesHandler initiated a scan; ScanAgent starts a job', 60 * SECOND);
  } else {
    ws.link(first, initiated, 'time', 'UpdatesHandler joins the running scan job', 60 * SECOND);
  }
  evaluationRecords(ws, host, initiated, job, flow, first.utc, last);
}

/** The lines an evaluation of an assignment begins with. */
const EVALUATION_STARTS = new Set(['UpdatesDeployment.assignmentCiTotal', 'UpdatesDeployment.detectionJobStarted']);

/**
 * What the evaluation logged about the scan it asked for, into `flow`: the detection job's start, UpdatesHandler's
 * lines naming the job, the assignment's lines from `from` to 30 minutes after the scan's last record `last`
 * (the request itself when no scan job started), and "Updates will not be made available", which follows a job
 * error without naming the assignment. Completion travels back: ScanAgent finishes, UpdatesHandler hears of it,
 * UpdatesDeployment concludes; with no scan job, what UpdatesHandler heard follows the request.
 */
function evaluationRecords(
  ws: Workspace,
  host: string,
  initiated: CollectedEvent,
  job: string,
  flow: FlowDraft,
  from: number,
  last: CollectedEvent,
): void {
  keys(flow).detectionJob = job;
  const handler = ws.component(host, 'updateshandler');
  const deployment = deploymentEvents(ws, host);
  const started = deployment.find((e) => e.kind === 'UpdatesDeployment.detectionJobStarted' && e.fields.job === job);
  const assignment = started?.fields.assignment;
  const jobLines = handler.filter((e) => e !== initiated && e.fields.guids?.includes(job) === true);
  const assignmentLines =
    assignment === undefined
      ? []
      : deployment.filter(
          (e) =>
            e.fields.assignment === assignment &&
            e.utc >= (started?.utc ?? from) - MINUTE &&
            e.utc <= last.utc + 30 * MINUTE &&
            // The assignment is evaluated again and again: where the client's clock was set back, an evaluation
            // of the other clock may read as within the half hour.
            ws.sameClock(e, initiated),
        );
  const notAvailable = assignmentLines
    .filter((e) => e.kind === 'UpdatesDeployment.jobError')
    .flatMap((e) => {
      const next = firstAfter(deployment, e.utc, 2 * SECOND, (n) => n.kind === 'UpdatesDeployment.updatesNotAvailable');
      return next ? [next] : [];
    });
  const lines = [...(started ? [started] : []), ...jobLines, ...assignmentLines, ...notAvailable].sort(byTime);
  lines.forEach((e) => flow.events.add(e));
  if (started) {
    ws.link(started, initiated, 'id', `detectionJob=${job}`);
  }
  if (assignment !== undefined) {
    keys(flow).assignment = assignment;
  }
  const noJob = last === initiated;
  // What hears of the scan's end: not the start of an evaluation (the next one's may read a second before the
  // job's last line, and was linked as hearing of it, a link a second back in time).
  const later = lines.filter(
    (e) =>
      e !== started && !EVALUATION_STARTS.has(e.kind ?? '') && (noJob ? e.utc > last.utc : e.utc >= last.utc - SECOND),
  );
  if (later.length > 0) {
    if (noJob) {
      ws.link(last, later[0]!, 'time', 'no scan job; the deployment evaluation hears of the request', 30 * MINUTE);
    } else {
      ws.link(last, later[0]!, 'time', 'scan job done; the deployment evaluation hears of it', 5 * MINUTE);
    }
    ws.chain(
      later,
      assignment === undefined ? 'time' : 'id',
      assignment === undefined ? ws.idKey('detectionJob', job) : ws.idKey('assignment', assignment),
      30 * MINUTE,
    );
  }
}

/**
 * For each MP, how much later than the client logs a location message the MP logs its request: the offset
 * that most of the client's messages agree on (the densest LEAD_SPREAD among every request from its address
 * that MP logged within the window of each message), or 0 when no two agree. By the two logs' own times
 * alone, a client whose clock is a minute off and that asks its MP twice a minute had the request before its
 * own joined (9 of 218 in a generated 16 MB bundle, on 6 of its 10 clients). The window is centred on the
 * MP's lead for the client's relays where there is one (see `relayLeads`): a client whose clock is hours off
 * has its requests outside a window on its own time. Clocks drift far less than LEAD_SPREAD over a bundle's
 * span.
 */
function locationLeads(ws: Workspace, host: string): ReadonlyMap<string, Lead> {
  return ws.cached(`location-leads\u0000${host}`, () => {
    const relays = relayLeads(ws, host);
    const none: Lead = () => 0;
    const centres = new Map([...relays].map(([mp, relay]) => [mp, withEarlierClock(ws, host, relay)]));
    // Each message is looked for from the address the client had when it sent it.
    const sendsFrom = groupBy([...locationSends(ws, host), ...earlierAsks(ws, host)], (e) => ws.ipAt(host, e.utc));
    const samples = new Map<string, LeadSample[]>();
    const slack = Math.max(0, ...ws.mpLocations().hosts.map((mp) => ws.clockMove(mp)));
    for (const [ip, sends] of sendsFrom) {
      const times = sends.map((e) => e.utc);
      const sides = sends.map((e) => ws.clockSide(e));
      for (const centre of new Set([none, ...centres.values()])) {
        // On each MP's later clock, where it was set within the bundle: its steps would read as the client's.
        const found = ws
          .mpLocations()
          .offsetsFrom(ip, times, CROSS_HOST_WINDOW, centre, sides, (at) => ws.onLaterClock(at), slack);
        for (const [mp, list] of found) {
          if ((centres.get(mp) ?? none) === centre) {
            for (const s of list) {
              push(samples, mp, s);
            }
          }
        }
      }
    }
    return new Map(
      [...samples].map(([mp, list]): [string, Lead] => {
        const lead = leadOf(list, LEAD_SPREAD);
        const relay = relays.get(mp);
        if (relay === undefined || list.some((s) => s.side === 'before')) {
          return [mp, lead];
        }
        // The earlier clock of a client set back, where no location message of it is left (its logs rolled
        // over), takes its relays' lead for that clock where they know one: a client set back 3 h had its
        // earlier requests looked for around the later clock's lead, and one took its MP's request of 3 h later.
        // Before its first location message or after its last, the lead moves as its relays' does: a client set
        // back 40 s before its CcmMessaging.log begins had its earlier requests looked for 40 s off.
        const first = Math.min(...list.map((s) => s.t));
        const last = Math.max(...list.map((s) => s.t));
        return [
          mp,
          (t, side) => {
            if (side === 'before' && relay(t, 'before') !== relay(t, 'after')) {
              return relay(t, side);
            }
            if (t >= first && t <= last) {
              return lead(t, side);
            }
            const edge = t < first ? first : last;
            return lead(edge, side) + relay(t, side) - relay(edge, side);
          },
        ];
      }),
    );
  });
}

/**
 * A relay lead, and for the earlier clock of a client set back where no relay of that clock reached the MP's
 * logs (they rolled over), the later clock's lead less how far back the client's logs went: its earlier clock
 * read ahead of its later by at least that. A client set back 3 h, its earlier relays gone from MP_Relay.log,
 * had its earlier location requests looked for within 3 h of the later clock's lead, the MP's records of them
 * lay just beyond, and they were joined to requests of hours later.
 */
function withEarlierClock(ws: Workspace, host: string, relay: Lead): Lead {
  const jumps = ws.clockJumps(host);
  if (jumps === undefined) {
    return relay;
  }
  const back = jumps.lastBefore - jumps.firstAfter;
  return (t, side) =>
    side === 'before' && relay(t, 'before') === relay(t, 'after') ? relay(t, 'after') - back : relay(t, side);
}

/**
 * ScanAgent's requests for locations where none of the client's location messages of the time is left (its
 * CcmMessaging.log rolled over since), three or more: they lie a moment before the messages that carried them,
 * well within LEAD_SPREAD. Where the client's clock was set back, those of the earlier clock where no message of
 * that clock is left; otherwise those before its first message. Without them such a time had no location lead of
 * its own and took the later messages': a client set back 3 h, its relays of then rolled away too, had none of
 * its nine earlier scans joined to its MP's requests, which lay 20 s from its clock; a client set forward 10 min
 * had its earlier scans looked for 10 min from their MP's requests, none joined, so no reply told its earlier
 * clock and its records of then read 10 min early (a site's policy linked 7 min back in time to its first scan).
 */
function earlierAsks(ws: Workspace, host: string): CollectedEvent[] {
  const sends = locationSends(ws, host);
  const asks = ws.component(host, 'scanagent').filter((e) => e.kind === 'ScanAgent.requestingLocations');
  let earlier: CollectedEvent[];
  if (ws.clockJumps(host) !== undefined) {
    earlier = sends.some((e) => ws.clockSide(e) === 'before') ? [] : asks.filter((e) => ws.clockSide(e) === 'before');
  } else {
    const first = Math.min(...sends.map((e) => e.utc));
    earlier = asks.filter((e) => e.utc < first);
  }
  return earlier.length >= 3 ? earlier : [];
}

function locationSends(ws: Workspace, host: string): CollectedEvent[] {
  return ws.cached(`location-sends\u0000${host}`, () =>
    ws
      .component(host, 'ccmmessaging')
      .filter((e) => e.kind === 'CcmMessaging.sendingAsync' && (e.fields.queue ?? '').includes('mp_locationmanager')),
  );
}

function nearest(
  list: readonly CollectedEvent[],
  t: number,
  before: number,
  after: number,
): CollectedEvent | undefined {
  let best: CollectedEvent | undefined;
  for (const e of list) {
    const d = e.utc - t;
    if (d >= -before && d <= after && (best === undefined || Math.abs(d) < Math.abs(best.utc - t))) {
      best = e;
    }
  }
  return best;
}

function keys(flow: FlowDraft): Record<string, string | number | string[]> {
  return flow.keys;
}

function arr(v: string | number | string[] | undefined): string[] {
  return Array.isArray(v) ? v : [];
}
