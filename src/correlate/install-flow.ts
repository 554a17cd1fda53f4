// The install flow on a client: WUAHandler copies the updates a deployment installs to WUA's cache and starts
// an asynchronous installation → WUA's install call in WindowsUpdate.log (the COM API in CcmExec, the agent
// and its handlers in wuauserv) installs each update → WUAHandler reports each update's result and the job's
// (reference §6.6, §6.7). An update that fails says why in WindowsUpdate.log first (`Completed install of …
// installerError=1603, hr=0x80070643`), then in WUAHandler's `finished installing (0x80070643)`, then the
// job's `Job Result = 0x80240022`: the walk back from the job's failure ends at the handler's line.

import type { CollectedEvent } from './collect.ts';
import { isConfigMgrCall } from './file-clocks.ts';
import type { FlowDraft, Workspace } from './workspace.ts';
import { between, EventSet, firstAfter } from './workspace.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The lines WUAHandler writes for an installation run, before its start and after it. */
const PREPARATION = [
  'WUAHandler.copyToCacheAdding',
  'WUAHandler.copyToCacheCompleted',
  'WUAHandler.downloadedStartingInstall',
];
const RESULTS = [
  'WUAHandler.updateInstallFinished',
  'WUAHandler.asyncInstallCompleted',
  'WUAHandler.installationCompleted',
  'WUAHandler.installJobFailures',
];

/** WUAHandler's last line of a run: the updates installed, or the job's failure. */
export function isInstallEnd(e: CollectedEvent): boolean {
  return e.kind === 'WUAHandler.installationCompleted' || e.kind === 'WUAHandler.installJobFailures';
}

/** How far before WUAHandler's start its copies to WUA's cache may lie (a large update downloads for long). */
const PREPARED_WITHIN = 2 * HOUR;
/** How far an installation may run (WUA installs update after update; a servicing stack may take long). */
const RUNS_WITHIN = 4 * HOUR;
/** WUA's install call starts just after WUAHandler's start (as its search does, scan-flow.ts). */
const CALL_BEFORE = 5 * SECOND;
const CALL_AFTER = 60 * SECOND;

/** WindowsUpdate.log's records of ConfigMgr's install calls: `COMAPI: Install`, `Agent: Installing updates`, the handlers. */
function isInstallRecord(e: CollectedEvent): boolean {
  switch (e.kind) {
    case 'WindowsUpdate.installStarting':
    case 'WindowsUpdate.installCompleted':
    case 'WindowsUpdate.rebootRequired':
      return true;
    case 'WindowsUpdate.callStart':
    case 'WindowsUpdate.callSubmitted':
    case 'WindowsUpdate.callResumed':
    case 'WindowsUpdate.callEnd':
      return e.fields.operation?.toLowerCase() === 'install' && isConfigMgrCall(e);
    case 'WindowsUpdate.agentStart':
    case 'WindowsUpdate.agentEnd':
      return e.fields.operation?.toLowerCase() === 'installing updates' && isConfigMgrCall(e);
    default:
      return false;
  }
}

/**
 * One flow per WUAHandler installation run (`Async installation of updates started.`) of each host of the
 * layer, and one per install call of ConfigMgr's that WindowsUpdate.log alone still holds (see `olderCalls`).
 */
export function buildInstallFlows(ws: Workspace): void {
  for (const host of ws.ownHosts()) {
    const starts = ws.kinds(host, 'WUAHandler.installStarted');
    const wu = ws.on(host).filter(isInstallRecord);
    if (starts.length === 0 && wu.length === 0) {
      continue;
    }
    const preparation = ws.kinds(host, ...PREPARATION);
    const results = ws.kinds(host, ...RESULTS);
    const taken = new Set<CollectedEvent>();
    let previousEnd = Number.NEGATIVE_INFINITY;
    starts.forEach((started, i) => {
      const next = starts[i + 1]?.utc ?? Number.POSITIVE_INFINITY;
      const before = between(preparation, Math.max(previousEnd, started.utc - PREPARED_WITHIN), started.utc, true);
      const after = between(results, started.utc, Math.min(next, started.utc + RUNS_WITHIN)).filter(
        (e) => e.utc < next,
      );
      const endAt = after.findIndex(isInstallEnd);
      const handler = endAt < 0 ? after : after.slice(0, endAt + 1);
      const end = endAt < 0 ? undefined : handler[handler.length - 1];
      previousEnd = (end ?? started).utc;
      for (const e of buildOne(ws, host, started, before, handler, wu)) {
        taken.add(e);
      }
    });
    olderCalls(ws, host, wu, taken);
  }
}

/**
 * The install calls ConfigMgr made that WindowsUpdate.log holds from before WUAHandler.log begins (WUAHandler
 * logs every scan's update list and rolls over long before WindowsUpdate.log does) or with no WUAHandler.log in
 * the bundle: each a flow of its own, WUA's call with each update's install and result, keyed by
 * `clientLogs`. Without them, 56 of 88 installations of a generated bundle with rolled-over logs had no flow
 * (seed 25), a failed update's `Completed install … hr=0x80070643` a failure on its own.
 */
function olderCalls(
  ws: Workspace,
  host: string,
  wu: readonly CollectedEvent[],
  taken: ReadonlySet<CollectedEvent>,
): void {
  const handler = ws.component(host, 'wuahandler');
  const first = ws.firstLogged(handler);
  const why =
    first === undefined
      ? `WindowsUpdate.log only: no WUAHandler.log line of ${host} in the bundle`
      : `WindowsUpdate.log only: before ${host}'s WUAHandler.log begins`;
  const starts = wu.filter(
    (e) =>
      e.kind === 'WindowsUpdate.callStart' && !taken.has(e) && (first === undefined || ws.inLoggedOrder(e, first) < 0),
  );
  for (const start of starts) {
    const next = wu.find((e) => e.kind === 'WindowsUpdate.callStart' && e.utc > start.utc);
    const end = firstAfter(wu, start.utc, RUNS_WITHIN, (e) => e.kind === 'WindowsUpdate.callEnd');
    const until = Math.min(end?.utc ?? Number.POSITIVE_INFINITY, (next?.utc ?? Number.POSITIVE_INFINITY) - 1);
    const call = between(wu, start.utc, Math.min(until, start.utc + RUNS_WITHIN)).filter((e) => !taken.has(e));
    const ids = [
      ...new Set(
        call.flatMap((e) =>
          e.kind === 'WindowsUpdate.installStarting' ? (e.fields.updates ?? []).map((u) => u.id) : [],
        ),
      ),
    ];
    ws.flow({
      id: `install:${start.file}:${start.line}`,
      kind: 'install',
      host,
      keys: { updates: ids, clientLogs: why },
      events: new EventSet(call),
    });
    ws.chain(call, 'time', 'WUA install session in WindowsUpdate.log', call[call.length - 1]!.utc - start.utc);
    linkUpdates(ws, call, []);
  }
}

/** A WUAHandler run's flow; returns the records of WUA's install call it took. */
function buildOne(
  ws: Workspace,
  host: string,
  started: CollectedEvent,
  before: readonly CollectedEvent[],
  handler: readonly CollectedEvent[],
  wu: readonly CollectedEvent[],
): CollectedEvent[] {
  const finished = handler.filter((e) => e.kind === 'WUAHandler.updateInstallFinished');
  // In the order WUAHandler numbers the updates when it reports them (`Update 1 (…)`), then any it copied and
  // never reported: a log rolled over after the first copy began with the second update's.
  const ids = [
    ...new Set(
      [...finished, ...before].flatMap((e) =>
        e.kind === 'WUAHandler.copyToCacheCompleted' || e.kind === 'WUAHandler.updateInstallFinished'
          ? (e.fields.updates ?? []).map((u) => u.id)
          : [],
      ),
    ),
  ];
  const flow: FlowDraft = ws.flow({
    id: `install:${started.file}:${started.line}`,
    kind: 'install',
    host,
    keys: { updates: ids },
    events: new EventSet([...before, started, ...handler]),
  });
  const prepared = [...before, started];
  ws.chain(prepared, 'time', 'WUAHandler installation run, in order', started.utc - prepared[0]!.utc);
  const call = callOf(wu, started, handler);
  let last = started;
  if (call.length > 0) {
    call.forEach((e) => flow.events.add(e));
    ws.link(
      started,
      call[0]!,
      'time',
      'WUAHandler starts the WUA install (COMAPI Install [ClientId = CcmExec])',
      CALL_AFTER,
    );
    ws.chain(call, 'time', 'WUA install session in WindowsUpdate.log', call[call.length - 1]!.utc - call[0]!.utc);
    linkUpdates(ws, call, finished);
    last = call[call.length - 1]!;
  }
  // The handler hears of each result once WUA's call ends, in the order it numbers the updates.
  if (handler.length > 0) {
    ws.link(
      last,
      handler[0]!,
      'time',
      'install ends, WUAHandler reports it',
      Math.max(CALL_AFTER, handler[0]!.utc - last.utc),
    );
    ws.chain(
      handler,
      'time',
      'WUAHandler installation results, in order',
      handler[handler.length - 1]!.utc - handler[0]!.utc,
    );
  }
  return call;
}

/** WUA's install call for a run: from its start (just after WUAHandler's) to its end, or to WUAHandler's first result. */
function callOf(
  wu: readonly CollectedEvent[],
  started: CollectedEvent,
  handler: readonly CollectedEvent[],
): CollectedEvent[] {
  const start = firstAfter(
    wu,
    started.utc - CALL_BEFORE,
    CALL_BEFORE + CALL_AFTER,
    (e) => e.kind === 'WindowsUpdate.callStart',
  );
  if (start === undefined) {
    return [];
  }
  const reported = handler.find((e) => e.kind === 'WUAHandler.updateInstallFinished' || isInstallEnd(e));
  const end = firstAfter(wu, start.utc, RUNS_WITHIN, (e) => e.kind === 'WindowsUpdate.callEnd');
  const until = end?.utc ?? reported?.utc ?? start.utc + RUNS_WITHIN;
  return between(wu, start.utc, until);
}

/**
 * Each update's install in WindowsUpdate.log (`Starting install of CBS update {ID}`, then the same thread's
 * `Completed install …`) to WUAHandler's line for the update (`Update n (id) finished installing (0x…)`).
 */
function linkUpdates(ws: Workspace, call: readonly CollectedEvent[], finished: readonly CollectedEvent[]): void {
  const byId = new Map(finished.map((e) => [e.fields.updates?.[0]?.id, e]));
  call.forEach((starting, i) => {
    const id = starting.kind === 'WindowsUpdate.installStarting' ? starting.fields.updates?.[0]?.id : undefined;
    if (id === undefined) {
      return;
    }
    const completed = call
      .slice(i + 1)
      .find((e) => e.kind === 'WindowsUpdate.installCompleted' && e.thread === starting.thread);
    const reported = byId.get(id);
    if (completed !== undefined) {
      ws.link(
        starting,
        completed,
        'time',
        'the handler completes the install it started, same thread',
        completed.utc - starting.utc,
      );
    }
    if (reported !== undefined) {
      ws.link(completed ?? starting, reported, completed ? 'derived' : 'id', `updateId=${id}`);
    }
  });
}
