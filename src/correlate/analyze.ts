// The correlator, start to end: collect the records that matter from a bundle, assemble the sync, scan
// and state-message flows, estimate each host's clock skew from the messages that cross between hosts,
// join what only time can join (IIS requests) on the corrected clocks, find failures and their upstream
// causes, and hand back one timeline in corrected UTC.

import type { Bundle, BundleFile, HostRole } from '../parsers/bundle.ts';
import { layoutRoles } from '../parsers/bundle.ts';
import type { HostSummary } from '../parsers/file-run.ts';
import type { Collected, CollectedEvent } from './collect.ts';
import { makeCollector } from './collect-pool.ts';
import { relayAddresses } from './client-addresses.ts';
import { alignDecodedLogs, alignRepeatedHour, fileClockBasis, lastOffset } from './file-clocks.ts';
import type { FileClock } from './file-clocks.ts';
import { DEFAULT_TIMEOUTS, findFailures, isProblem } from './failures.ts';
import type { IisIndex } from './iis-index.ts';
import type { FailureResult, LogReach, Recovery, TimeoutWindows } from './failures.ts';
import type { FlowStatus, Timeline } from './model.ts';
import { buildInstallFlows } from './install-flow.ts';
import { buildScanFlows } from './scan-flow.ts';
import { quietSpan, SkewModel } from './skew.ts';
import type { SkewResult } from './skew.ts';
import { buildStateMessageFlows, prepareStateMessages } from './state-flow.ts';
import { buildSyncFlows, linkSyncToScans } from './sync-flow.ts';
import { TimelineStore } from './store.ts';
import type { StoredFailure } from './store.ts';
import { RecordReader } from '../parsers/reread.ts';
import { hoursAndMinutes } from '../parsers/time.ts';
import type { FlowDraft, WorkspaceLink } from './workspace.ts';
import { Workspace } from './workspace.ts';

const SECOND = 1000;
const HOUR = 3_600_000;

export interface AnalyzeOptions {
  readonly signal?: AbortSignal;
  /** Called with the size of every chunk of log bytes read: progress against the bundle's total size. */
  readonly onBytes?: (bytes: number) => void;
  /** Windows after which a missing step counts as a timeout; unset ones keep their defaults. */
  readonly timeouts?: Partial<TimeoutWindows>;
  /**
   * Threads that read and classify the layers ahead of the correlator (see collect-pool.ts); 0 reads on
   * this thread. Default: one per core but this thread's, when `collect-worker.js` sits beside the
   * running bundle (the CLI's and the benchmark's dist/) and the clients' logs are large enough to pay
   * for a thread (`LOCAL_COLLECT_BYTES`); never from sources run as TypeScript.
   */
  readonly workers?: number;
  readonly workerScript?: string;
  /** Old-generation heap of each of those threads, MB; a layer that does not fit is read on this thread. */
  readonly workerHeapMB?: number;
}

/**
 * Correlates a bundle. The management points' and site servers' logs are read and indexed once; then
 * each client's logs are read, correlated against them, and released, so the working set is the shared
 * events plus one client. The flows of clients whose folder does not say "client" are built with the
 * shared layer.
 */
export async function analyzeBundle(bundle: Bundle, options: AnalyzeOptions = {}): Promise<Timeline> {
  const analyzed = await analyzeToStore(bundle, options);
  try {
    await analyzed.prefetch();
    return analyzed.timeline.materialize('all');
  } finally {
    // The timeline holds its texts: the files the reader opened to read them are closed.
    analyzed.close();
  }
}

export interface AnalyzedBundle {
  readonly timeline: TimelineStore;
  /** Reads records again from their bytes; knows each file's framer and encoding. */
  readonly reader: RecordReader;
  /** Fetches ahead the bytes of records inside a .zip, so that their text can be read; no-op for folders. */
  prefetch(): Promise<void>;
  close(): void;
}

/**
 * Correlates a bundle into a columnar store. The management points' and site servers' logs are read and
 * indexed once; then each client's logs are read, correlated against them, written to the store and
 * released, so the working set is the shared events plus one client. The flows of clients whose folder
 * does not say "client" are built with the shared layer.
 */
export async function analyzeToStore(bundle: Bundle, options: AnalyzeOptions = {}): Promise<AnalyzedBundle> {
  // Each host's files, grouped in one pass: filtering the whole list once per client was quadratic in the
  // bundle (0.8 s of the correlating thread at 1 GB: 640 clients by 7,800 files).
  const filesOf = new Map<string, BundleFile[]>();
  for (const f of bundle.files) {
    const list = filesOf.get(f.host);
    if (list) {
      list.push(f);
    } else {
      filesOf.set(f.host, [f]);
    }
  }
  // A client's logs are a layer of their own, read against the shared one: the servers' logs. A site server or
  // MP with the client installed is a server, so its client's logs are shared with the rest of it (and its
  // own flows built there): its MP's logs must be seen by every client's layer.
  const roles = layoutRoles(bundle.files);
  const clientHosts = [...roles].flatMap(([host, r]) => (r[0] === 'client' ? [host] : [])).sort();
  const isClient = new Set(clientHosts);
  const reader = new RecordReader();
  const windows: TimeoutWindows = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const byPath = new Map(bundle.files.map((f) => [f.path, f]));
  const register = (c: Collected): void => {
    for (const report of c.parse.files) {
      const file = byPath.get(report.summary.file);
      if (file) {
        reader.add(file, report.summary.kind, report.summary.encoding);
      }
    }
  };
  const clientBytes = bundle.files.reduce((sum, f) => (isClient.has(f.host) ? sum + f.size : sum), 0);
  const collector = makeCollector(bundle, options, clientBytes);
  try {
    collector.submit(
      bundle.files.filter((f) => !isClient.has(f.host)),
      true,
    );
    for (const host of clientHosts) {
      collector.submit(filesOf.get(host)!);
    }
    const hostRoles = [...roles].map(([name, r]) => ({ name, roles: r }));
    const store = await correlate(
      () => collector.take(),
      clientHosts,
      hostRoles,
      bundle.name,
      reader,
      register,
      windows,
      options,
    );
    return {
      timeline: store,
      reader,
      prefetch: () => reader.prefetch(store.spans()),
      close: () => reader.close(),
    };
  } finally {
    await collector.close();
  }
}

/** Tells the skew model where the layer's hosts' logs went back in time: where a clock was set back. */
function tellJumps(ws: Workspace, skew: SkewModel): void {
  for (const host of ws.ownHosts()) {
    const jumps = ws.clockJumps(host);
    const oneLog = ws.oneLogJumps(host);
    if (jumps !== undefined) {
      skew.setJumps(host, jumps);
    } else if (oneLog !== undefined) {
      skew.setOneLogJumps(host, oneLog);
    }
  }
}

/** Where a client's address before its logs state one may be told from its relays (see client-addresses.ts). */
function learnAddresses(ws: Workspace, iis: IisIndex): void {
  for (const host of ws.ownHosts()) {
    ws.learnAddresses(host, relayAddresses(ws, host, iis));
  }
}

/** The layers in order: the shared one, then each client's against it. */
async function correlate(
  take: () => Promise<Collected>,
  clientHosts: readonly string[],
  hostRoles: ReadonlyArray<{ name: string; roles: readonly HostRole[] }>,
  bundleName: string,
  reader: RecordReader,
  register: (c: Collected) => void,
  windows: TimeoutWindows,
  options: AnalyzeOptions,
): Promise<TimelineStore> {
  let shared: Collected | undefined = await take();
  register(shared);
  const store = new TimelineStore(reader);
  const output = new Output(store);
  output.addHosts(shared);

  const iisIndex = shared.iis;
  const lastSeen = new Map(shared.lastSeenByFile);
  // Where each log begins: a busy server's logs rotate long before the clients' do.
  const firstSeen = new Map<string, number>();
  const begins = (layer: Collected): void => {
    for (const report of layer.parse.files) {
      if (report.summary.firstUtc !== undefined) {
        firstSeen.set(report.summary.file, report.summary.firstUtc);
      }
    }
  };
  begins(shared);
  const reach: LogReach = { first: firstSeen, last: lastSeen };
  output.addFileClocks(alignClocks(shared, lastSeen));
  const sharedWs = new Workspace(shared.events, undefined, shared);
  // From here the workspace holds the shared layer's events: those it keeps as columns (MP_Location
  // bodies, the state-message side) are let go only if nothing else holds them.
  shared = undefined;
  learnAddresses(sharedWs, iisIndex);
  buildSyncFlows(sharedWs);
  const context = prepareStateMessages(sharedWs);
  buildScanFlows(sharedWs);
  buildInstallFlows(sharedWs);
  buildStateMessageFlows(sharedWs, context);
  const skew = new SkewModel(hostRoles);
  tellJumps(sharedWs, skew);
  skew.addPairs(sharedWs.takePairs());
  sharedWs.skew = skew.offsets();
  const setForward = new ServersSetForward(sharedWs, skew);

  for (let i = 0; i < clientHosts.length; i++) {
    options.signal?.throwIfAborted();
    const client = await take();
    register(client);
    iisIndex.merge(client.iis);
    output.addHosts(client);
    for (const [file, t] of client.lastSeenByFile) {
      lastSeen.set(file, t);
    }
    begins(client);
    output.addFileClocks(alignClocks(client, lastSeen));
    const ws = new Workspace(client.events, sharedWs, client);
    tellJumps(ws, skew);
    learnAddresses(ws, iisIndex);
    buildScanFlows(ws);
    buildInstallFlows(ws);
    buildStateMessageFlows(ws, context);
    linkSyncToScans(ws);
    skew.addPairs(ws.takePairs());
    setForward.look();
    ws.skew = skew.offsets();
    linkIisRequests(ws, iisIndex);
    output.add(ws, findFailures(ws, reach, undefined, windows));
    iisIndex.settle();
    sharedWs.settle();
  }
  linkSyncToScans(sharedWs);
  sharedWs.skew = skew.offsets();
  linkIisRequests(sharedWs, iisIndex);
  output.add(sharedWs, findFailures(sharedWs, reach, output.sharedProblemsInFlows, windows));
  setForward.reclock(store);
  return output.finish(bundleName, skew.result(), hostRoles);
}

/** How far from where its clients put a server's step its logs may skip the time. */
const STEP_PLACED_WITHIN = 30 * 60 * SECOND;

/**
 * A server set forward within the bundle shows only in its clients where its messages to the site do not reach
 * back before the step (they rotated away) or allow it (they allow minutes): each client looks set back by as
 * much at the same time (`SharedStep`). Where the server's logs are quiet at least that long among the times
 * its clients put the step at, the time its clock skipped, the step is its own: the server takes its earlier
 * clock and those clients their one clock. It is looked for as each client is settled, so the clients read
 * after it is found are correlated against the server's two clocks (a client set itself too, hours later, had
 * its own step hidden by its MP's), and those read before it was found that stood as one clock are read
 * again against both (`SkewModel.rereadClients`); the rows written before are read again once every row is
 * written. Without it, an MP set forward 10 min had its records before the step 10 min early, links from its
 * other clients' and the site's records ran 10 min back in time to them, and its clients stood as set back
 * 10 min themselves. A server set back has its logs go back in time (`serversSetBack`) or nothing to place the
 * step by, and stays said of only.
 */
class ServersSetForward {
  private readonly found: Array<{
    readonly server: string;
    readonly untilMs: number;
    readonly earlierSkewMs: number;
    readonly clients: ReadonlyArray<{ readonly name: string; readonly untilMs: number; readonly skewMs: number }>;
    readonly reread: ReturnType<SkewModel['rereadClients']>;
  }> = [];
  /** A step not (yet) found a server's own is asked again after each client: its times are read once. */
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly shared: Workspace,
    private readonly skew: SkewModel,
  ) {}

  /** After a client is settled, before its rows are written. */
  look(): void {
    for (const step of this.skew.sharedSteps()) {
      const server = this.skew.estimate(step.server)!;
      const clients = step.clients.map((name) => ({ name, ...this.skew.estimate(name)! }));
      if (
        step.clientsMovedMs >= 0 ||
        server.reference ||
        server.before !== undefined ||
        clients.some((c) => c.before!.byOrder)
      ) {
        continue;
      }
      const by = -step.clientsMovedMs;
      // By the server's clock: its later one after the step, its earlier (by less) before. The span must lie
      // near the times the clients put the step at: each is halfway between a client's messages either side,
      // which may be many minutes apart (four clients put an MP's step 6-13 min before its logs skipped).
      const quiet = quietSpan(
        this.loggedTimes(step.server),
        step.fromMs + server.skewMs - by - HOUR,
        step.toMs + server.skewMs + HOUR,
        by - step.uncertaintyMs,
        (step.fromMs + step.toMs) / 2 + server.skewMs,
      );
      if (
        quiet === undefined ||
        quiet.startMs - (server.skewMs - by) > step.toMs + STEP_PLACED_WITHIN ||
        quiet.endMs - server.skewMs < step.fromMs - STEP_PLACED_WITHIN
      ) {
        continue;
      }
      this.skew.serverSetForward(step, quiet);
      this.found.push({
        server: step.server,
        untilMs: quiet.endMs,
        earlierSkewMs: server.skewMs - by,
        clients: clients.map((c) => ({ name: c.name, untilMs: c.before!.untilMs, skewMs: c.skewMs })),
        reread: this.skew.rereadClients(step.server, step),
      });
    }
  }

  /** Once every row is written: those written before each step was found, read by the clocks it gave. */
  reclock(store: TimelineStore): void {
    for (const f of this.found) {
      store.reclock(f.server, f.untilMs, f.earlierSkewMs);
      for (const c of f.clients) {
        store.reclock(c.name, c.untilMs, c.skewMs);
      }
      for (const c of f.reread) {
        store.reclock(c.name, Number.POSITIVE_INFINITY, c.skewMs);
        if (c.before !== undefined) {
          store.reclock(c.name, c.before.untilMs, c.before.skewMs);
        }
      }
    }
  }

  /** What the server logged when, by its clock: its MP_Location bodies and its other kept records. */
  private loggedTimes(server: string): number[] {
    let times = this.times.get(server);
    if (times === undefined) {
      times = [...this.shared.mpLocations().times(server), ...this.shared.on(server).map((e) => e.utc)];
      this.times.set(
        server,
        times.sort((a, b) => a - b),
      );
    }
    return times;
  }
}

/**
 * Checks a layer's decoded WindowsUpdate.log files against their hosts' clocks and moves those decoded in
 * another zone (see file-clocks.ts), and how far each log reaches with them.
 */
function alignClocks(layer: Collected, lastSeen: Map<string, number>): FileClock[] {
  const hostsOf = (format: 'wu-etl' | 'wu-legacy'): Map<string, string> => {
    const files = new Set(
      layer.parse.files.filter((r) => r.summary.formats.includes(format)).map((r) => r.summary.file),
    );
    const out = new Map<string, string>();
    for (const h of files.size === 0 ? [] : layer.parse.hosts) {
      for (const f of h.files) {
        if (files.has(f)) {
          out.set(f, h.name);
        }
      }
    }
    return out;
  };
  alignRepeatedHour(layer.events, hostsOf('wu-legacy'));
  const decoded = hostsOf('wu-etl');
  if (decoded.size === 0) {
    return [];
  }
  const zones = new Map(layer.parse.hosts.map((h) => [h.name, h.biasChanges]));
  const clocks = alignDecodedLogs(layer.events, decoded, zones);
  for (const c of clocks) {
    const last = lastSeen.get(c.file);
    if (c.finding === 'moved' && last !== undefined) {
      lastSeen.set(c.file, last - lastOffset(c) * 60 * SECOND);
    }
  }
  return clocks;
}

/** Writes each layer's flows, failures and links into the store as the layers are done. */
class Output {
  private readonly failures: StoredFailure[] = [];
  private readonly hosts = new Map<string, HostSummary>();
  /** Shared-layer problems some client's flow took (they are that flow's failure, not one on their own). */
  readonly sharedProblemsInFlows = new Set<CollectedEvent>();
  private readonly rows = new RowRuns();
  private readonly clocks: FileClock[] = [];

  constructor(private readonly store: TimelineStore) {}

  addFileClocks(clocks: readonly FileClock[]): void {
    for (const c of clocks) {
      this.clocks.push(c);
      if (c.finding === 'moved') {
        this.store.setFileClock(c.file, c);
      }
    }
  }

  addHosts(c: Collected): void {
    for (const h of c.parse.hosts) {
      const known = this.hosts.get(h.name);
      this.hosts.set(
        h.name,
        known
          ? { ...known, files: [...known.files, ...h.files], roles: [...new Set([...known.roles, ...h.roles])] }
          : h,
      );
    }
  }

  add(ws: Workspace, found: FailureResult): void {
    // Events come in runs of one host: whether it is a shared layer's is asked when the host changes.
    let rowHost: string | undefined;
    let sharedHost = false;
    const row = (e: CollectedEvent): number => {
      if (e.row < 0) {
        // An IIS request's fields come from its file's header, not its own bytes: the store keeps them.
        const iis = e.component === 'IIS' ? { event: 'IIS.request', ...e.fields } : undefined;
        e.row = this.store.addEvent(e, ws.corrected(e), iis);
      }
      if (e.host !== rowHost) {
        rowHost = e.host;
        sharedHost = ws.shared !== undefined && !ws.byHost.has(e.host);
      }
      if (sharedHost && isProblem(e)) {
        this.sharedProblemsInFlows.add(e);
      }
      return e.row;
    };
    // A flow's events come from one host or a few: its skew is looked up again only when the host changes,
    // or when its clock was set within the bundle.
    let lastHost: string | undefined;
    let lastSkew = 0;
    let stepped = false;
    const corrected = (e: CollectedEvent): number => {
      if (e.host !== lastHost) {
        lastHost = e.host;
        lastSkew = ws.skewOf(e.host);
        stepped = ws.skewFor({ host: e.host, utc: Number.NEGATIVE_INFINITY }) !== lastSkew;
      }
      return e.utc - (stepped ? ws.skewFor(e) : lastSkew);
    };
    const order = (a: CollectedEvent, b: CollectedEvent): number => corrected(a) - corrected(b) || a.seq - b.seq;
    for (const f of ws.flows) {
      const list = f.events.list().sort(order);
      const status: FlowStatus = found.status.get(f.id) ?? 'incomplete';
      this.store.flows.push({
        id: f.id,
        kind: f.kind,
        keys: f.keys,
        status,
        recovered: found.recovered.has(f.id),
        summary: summarize(f, list, status, found.recovered.get(f.id)),
        host: f.host,
        events: this.rows.of(list, row),
      });
    }
    for (const failure of found.failures) {
      this.failures.push({
        ...failure,
        event: row(failure.event),
        upstreamCause: row(failure.upstreamCause),
        chain: this.rows.of(failure.chain, row),
      });
    }
    // A link is part of the timeline when both of its events are. One end may be a shared event whose
    // flow is written last (the site's sync): such links wait until then.
    for (const link of ws.links) {
      this.addLink(link, ws.shared !== undefined);
    }
  }

  private readonly pendingLinks: WorkspaceLink[] = [];

  private addLink(p: WorkspaceLink, mayWait: boolean): void {
    if (p.from.row >= 0 && p.to.row >= 0) {
      this.store.addLink(p.from.row, p.to.row, p.evidence, p.key, p.windowMs);
    } else if (mayWait && (p.from.row >= 0 || p.to.row >= 0)) {
      this.pendingLinks.push(p);
    }
  }

  finish(bundle: string, skew: SkewResult, hostRoles: ReadonlyArray<{ name: string }>): TimelineStore {
    const store = this.store;
    for (const p of this.pendingLinks.splice(0)) {
      this.addLink(p, false);
    }
    store.bundle = bundle;
    store.referenceHost = skew.reference;
    store.hosts = hostRoles.map(({ name }) => {
      const h = this.hosts.get(name);
      const estimate = skew.hosts.get(name);
      return {
        dir: h?.dir ?? '',
        name,
        role: h?.roles[0] ?? 'unknown',
        roles: h?.roles ?? [],
        biasMinutes: h?.biasMinutes,
        ...(h !== undefined &&
          h.biasChanges.length > 0 && {
            zoneChanges: h.biasChanges.map((c) => ({ atMs: c.utc, biasBefore: c.before, biasAfter: c.after })),
          }),
        clockSkewMs: estimate?.skewMs ?? 0,
        skewUncertaintyMs: estimate?.uncertaintyMs,
        skewBasis: estimate?.basis ?? 'no events kept from this host',
        ...(estimate?.before && { clockBefore: estimate.before }),
        files: h?.files ?? [],
        fileClocks: this.clocks
          .filter((c) => c.host === name)
          .map((c) => ({
            file: c.file,
            finding: c.finding,
            offsetMinutes: c.offsetMinutes,
            ...(c.changes.length > 0 && { changes: c.changes }),
            basis: fileClockBasis(c, h?.biasMinutes),
          })),
      };
    });
    // Flows in the order they began; failures in flows first, in time order, then the rest by frequency.
    store.flows.sort((a, b) => store.eventTime(a.events[0] ?? 0) - store.eventTime(b.events[0] ?? 0));
    store.failures.push(
      ...this.failures.sort(
        (a, b) =>
          Number(a.flow === undefined) - Number(b.flow === undefined) ||
          (a.flow === undefined ? b.occurrences - a.occurrences : 0) ||
          store.eventTime(a.event) - store.eventTime(b.event),
      ),
    );
    return store;
  }
}

/**
 * The MP's IIS log records each client request (CCM_POST /ccm_system/request, client address), in UTC by the
 * MP's clock. No id ties it to the client's message: the request from the client's address nearest the
 * send on the corrected clocks, within a few seconds, is taken.
 */
function linkIisRequests(ws: Workspace, iis: IisIndex): void {
  const window = 5 * SECOND;
  for (const flow of ws.flows) {
    const mp = flow.keys.mp;
    if (typeof mp !== 'string') {
      continue;
    }
    const sends = flow.events
      .list()
      .filter((e) => e.kind === 'CcmMessaging.sendingOutgoing' || e.kind === 'CcmMessaging.post');
    for (const send of sends) {
      // The address the client had then: it may move to another within a bundle.
      const ip = ws.ipAt(flow.host, send.utc);
      if (ip === undefined) {
        continue;
      }
      const best = iis.nearest(mp, ip, ws.corrected(send), window, (at) => ws.skewFor(at));
      if (best) {
        flow.events.add(best);
        ws.link(send, best, 'time', `CCM_POST from ${ip} on the corrected clocks`, window);
      }
    }
  }
}

/** A delay as a person says it: seconds under a minute, then minutes, or hours and minutes. */
export function roughly(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : hoursAndMinutes(Math.round(ms / 60_000));
}

/** Where one log alone holds a flow (the client's own logs do not reach back to it), which and why. */
function only(keys: FlowDraft['keys']): string {
  return typeof keys.clientLogs === 'string' ? ` (${keys.clientLogs})` : '';
}

function summarize(
  flow: FlowDraft,
  events: readonly CollectedEvent[],
  status: FlowStatus,
  recovered: Recovery | undefined,
): string {
  const k = flow.keys;
  const past =
    recovered === undefined
      ? ''
      : `${recovered.failures === 1 ? ' after a failure' : ` after ${recovered.failures} failures`}, ` +
        `${roughly(recovered.lateMs)} after the trouble began`;
  const outcome =
    status === 'ok' ? `completed${past}` : status === 'failed' ? 'FAILED' : 'did not complete in these logs';
  switch (flow.kind) {
    case 'scan': {
      if (k.scanJob === undefined) {
        return flat`${flow.host}: scan asked for by detection job ${String(k.detectionJob ?? '?')}, no scan job started: ${outcome}`;
      }
      const updates = events.filter((e) => e.kind === 'WUAHandler.updateStatus');
      const missing = updates.filter((e) => e.fields.updates?.[0]?.state === 'Missing').length;
      const found = updates.length > 0 ? `, ${updates.length} updates (${missing} missing)` : '';
      const via = typeof k.mp === 'string' ? ` via ${k.mp}` : '';
      return flat`${flow.host}: scan of update source ${String(k.updateSource ?? '?')} v${String(k.contentVersion ?? '?')}${via}${found}: ${outcome}`;
    }
    case 'state-message': {
      const serials = Array.isArray(k.serialNumbers) ? k.serialNumbers : [];
      const range =
        serials.length > 0
          ? ` (serial ${serials[0]}${serials.length > 1 ? `–${serials[serials.length - 1]}` : ''})`
          : '';
      const smx = typeof k.smxFile === 'string' ? `, ${k.smxFile}` : '';
      const via = typeof k.mp === 'string' ? ` via ${k.mp}` : '';
      return flat`${flow.host}: ${serials.length} state message${serials.length === 1 ? '' : 's'}${range}${via}${smx}${only(k)}: ${outcome}`;
    }
    case 'sync':
      return flat`${flow.host}: sync set update source ${String(k.updateSource)} to content version ${String(k.contentVersion)}: ${outcome}`;
    case 'install': {
      const updates = Array.isArray(k.updates) ? k.updates : [];
      const which = updates.length === 1 ? ` ${String(updates[0])}` : '';
      // WUAHandler's result per update (or WUA's, where WindowsUpdate.log alone holds the installation): how
      // many failed, and with which codes.
      const result = k.clientLogs === undefined ? 'WUAHandler.updateInstallFinished' : 'WindowsUpdate.installCompleted';
      const codes = events.flatMap((e) => (e.kind === result ? (e.fields.errorCodes ?? []).slice(0, 1) : []));
      const failed = codes.length > 0 ? `, ${codes.length} failed (${[...new Set(codes)].join(', ')})` : '';
      return flat`${flow.host}: install of ${updates.length} update${updates.length === 1 ? '' : 's'}${which}${failed}${only(k)}: ${outcome}`;
    }
  }
}

/**
 * The rows of flows and failure chains, as views of shared 64 K-row buffers. Tens of thousands of flows
 * each held an `Int32Array` of its own, whose buffer and backing store cost some 250 bytes beside its rows.
 * Filled with a loop: `Int32Array.from(list, f)` goes through the iterator protocol, eight times slower for
 * a flow's events (0.6 s of the correlating thread at 1 GB).
 */
class RowRuns {
  private static readonly SIZE = 1 << 16;
  private buffer = new Int32Array(0);
  private used = 0;

  of<T>(list: readonly T[], f: (x: T) => number): Int32Array {
    const n = list.length;
    let out: Int32Array;
    if (n > RowRuns.SIZE >>> 4) {
      out = new Int32Array(n);
    } else {
      if (this.used + n > this.buffer.length) {
        this.buffer = new Int32Array(RowRuns.SIZE);
        this.used = 0;
      }
      out = this.buffer.subarray(this.used, this.used + n);
      this.used += n;
    }
    for (let i = 0; i < n; i++) {
      out[i] = f(list[i]!);
    }
    return out;
  }
}

/**
 * A template literal as one flat string. A plain one is a tree of its concatenations, about four times
 * the size of its characters, and every flow's summary is kept to the end.
 */
function flat(strings: TemplateStringsArray, ...values: unknown[]): string {
  const parts: string[] = [strings[0]!];
  for (let i = 0; i < values.length; i++) {
    parts.push(String(values[i]), strings[i + 1]!);
  }
  return parts.join('');
}
