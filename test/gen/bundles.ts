// The sample bundles of samples/logs/: which hosts (zone, clock skew), which flows at which true instants, which
// failure is injected where, and the ground truth that goes with them. Each bundle is built from its own seed,
// so adding a bundle never changes another one's bytes. write-samples.ts renders them; tests read the truth.

import { historyStamp, skewAt } from './clock.ts';
import type { MarkedRecord } from './logbook.ts';
import { MemorySink } from './logbook.ts';
import { clientNoise, clientStartup, mpNoise, siteNoise } from './noise.ts';
import type { RelayResult, ScanJob, SearchMode, SourceMode, UpdateInfo, UpdateSourcePolicy } from './scenarios.ts';
import {
  addUpdateSource,
  finishDetection,
  forwardStateMessages,
  installUpdates,
  makeUpdates,
  policyRefresh,
  reportUpdateStatus,
  requestLocations,
  runFileDispatch,
  runStateSystem,
  scanComplete,
  startDetection,
  wsusSyncFailing,
  startScanJob,
  wsusSync,
  wuaSearch,
  wuServiceStart,
} from './scenarios.ts';
import type { SoftDistProgram, SpyFacts } from './spy-scenario.ts';
import { INVENTORY_CYCLES, SoftDist, ccmsetupRun, inventoryCycle, meteringActivity } from './spy-scenario.ts';
import type { Client, Host, PeerClient } from './world.ts';
import { World } from './world.ts';

// --- ground truth -------------------------------------------------------------------------------------------

export const TRUTH_SCHEMA = 'cmflow.gen-truth/1';

export interface TruthHost {
  readonly name: string;
  readonly role: 'client' | 'mp' | 'site';
  /** A machine with more than one role (an MP on the site server, a client installed there), its roles. */
  readonly roles?: ReadonlyArray<'client' | 'mp' | 'site'>;
  /** Folder of the host in the bundle (= name). */
  readonly folder: string;
  readonly fqdn: string;
  readonly ip: string;
  readonly zone: string;
  /** Windows bias the host's CCM / SMS-trace logs print (UTC = local + bias); before `biasStep`, if any. */
  readonly biasMinutes: number;
  /** The zone's bias changes within the bundle (summer time ends): at (true UTC, ISO 8601), and the bias after. */
  readonly biasStep?: { readonly at: string; readonly toMinutes: number };
  /**
   * How far the host's clock is ahead of true UTC, in ms (what a correlator should recover): at the end of the
   * bundle, when its clock was set within it.
   */
  readonly skewMs: number;
  /** A clock set within the bundle: when (true UTC, ISO 8601) and how far ahead it ran before. */
  readonly clockStep?: { readonly at: string; readonly skewBeforeMs: number };
  /** Only for a client whose WindowsUpdate.log is Get-WindowsUpdateLog output (absent: legacy text log). */
  readonly windowsUpdateLog?: TruthWindowsUpdateLog;
}

/** A WindowsUpdate.log decoded by Get-WindowsUpdateLog, whose times are the decoding machine's local time. */
export interface TruthWindowsUpdateLog {
  readonly format: 'get-windowsupdatelog';
  /** Path relative to the bundle folder. */
  readonly file: string;
  /** Windows bias of the machine that decoded the ETL files (UTC = local + bias). */
  readonly decodedBiasMinutes: number;
  readonly decodedZone: string;
  /**
   * How far the file's times read ahead of the host's own local clock: host bias - decoded bias (the host's
   * skew is in both). For a host whose bias changed within the bundle, before the change.
   */
  readonly offsetMinutes: number;
  /** The same after the host's bias changed (summer time ended): the file's zone stayed. */
  readonly offsetMinutesAfterBiasStep?: number;
}

/** A record in the bundle: path relative to the bundle folder, 1-based lines as an editor counts them. */
export interface TruthLocation {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  /** Text found on `line` (the record's first physical line). */
  readonly phrase: string;
  /** Text found somewhere in the record (lines `line`..`endLine`), when the telling part is on a later line. */
  readonly recordContains?: string;
}

export interface TruthFailure {
  readonly id: string;
  readonly summary: string;
  /** Normalised `0x` + 8 upper-case hex digits, as src/parsers normalises error codes. */
  readonly errorCode?: string;
  /** The code as the symptom line writes it. */
  readonly errorText?: string;
  /** Where a user first sees the failure. */
  readonly symptom: TruthLocation;
  /** The earliest record that explains it. */
  readonly upstreamCause: TruthLocation;
  /** Every record of the failure from cause to symptom, in causal order. */
  readonly chain: readonly TruthLocation[];
  /** Its flow went on to complete afterwards: the failure delayed it (the flow's status is ok). */
  readonly recovered?: true;
}

export interface TruthScanJob {
  readonly scanJob: string;
  readonly updateSource: string;
  readonly contentVersion: number;
  readonly locationRequests: readonly string[];
  readonly locationMessages: ReadonlyArray<{ message: string; reply: string }>;
}

export interface TruthFlow {
  readonly client: string;
  readonly clientIp: string;
  readonly clientId: string;
  readonly mp: string;
  readonly trigger: 'policy' | 'deployment';
  readonly scanJobs: readonly TruthScanJob[];
  readonly assignment?: { readonly id: string; readonly detectJob: string };
  readonly updates: ReadonlyArray<{ id: string; revision: number; state: 'Missing' | 'Installed'; title: string }>;
  readonly relays: ReadonlyArray<{ messageId: string; smx: string; serials: readonly number[] }>;
  /** What happened in the end, in words. */
  readonly outcome: string;
}

/** A WUAHandler installation run: the updates it installs and whether every one of them installed. */
export interface TruthInstall {
  readonly client: string;
  /** Update ids, lower case without braces, in the order WUAHandler numbers them. */
  readonly updates: readonly string[];
  readonly status: 'ok' | 'failed';
}

export interface Truth {
  readonly schema: typeof TRUTH_SCHEMA;
  readonly bundle: string;
  readonly title: string;
  readonly description: string;
  readonly hosts: readonly TruthHost[];
  readonly flows: readonly TruthFlow[];
  /** Installation runs, in the bundles that install updates. */
  readonly installs?: readonly TruthInstall[];
  readonly failures: readonly TruthFailure[];
  /** Every file of the bundle with its line count. */
  readonly files: ReadonlyArray<{ file: string; lines: number; bytes: number }>;
  /** What the Client Spy logs of the bundle say (bundles that write them), for the spy tests. */
  readonly clientSpy?: SpyFacts;
}

// --- building blocks --------------------------------------------------------------------------------------

/** A mark in the sink plus what the record must say. */
interface MarkRef {
  readonly mark: string;
  readonly phrase: string;
  readonly recordContains?: string;
}

interface FailureSpec {
  readonly id: string;
  readonly summary: string;
  readonly errorCode?: string;
  readonly errorText?: string;
  /** Cause first, symptom last. */
  readonly chain: readonly MarkRef[];
  /** Index in `chain` of the symptom (default: last). */
  readonly symptomIndex?: number;
  /** The flow completes after the failure. */
  readonly recovered?: true;
}

export interface BuiltBundle {
  readonly world: World;
  readonly sink: MemorySink;
  readonly flows: TruthFlow[];
  readonly installs?: TruthInstall[];
  readonly failures: FailureSpec[];
  readonly clientSpy?: SpyFacts;
}

export interface BundleDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  build(): BuiltBundle;
}

const at = (iso: string): number => Date.parse(iso);
const MIN = 60_000;

function newWorld(name: string): { w: World; sink: MemorySink } {
  const sink = new MemorySink();
  return { w: new World(`cmflow-sample/${name}`, sink), sink };
}

function site(w: World, biasMinutes: number, skewMs: number, zone: string, name = 'PS1SITE'): Host {
  return w.host({ name, role: 'site', ip: '10.1.1.10', biasMinutes, skewMs, zone });
}

function mp(w: World, biasMinutes: number, skewMs: number, zone: string, name = 'PS1MP01'): Host {
  return w.host({ name, role: 'mp', ip: '10.1.1.21', biasMinutes, skewMs, zone });
}

function policyFor(w: World, contentVersion: number): UpdateSourcePolicy {
  return { policyId: w.rng.fork('policy').guid().toLowerCase(), policyVersion: `${contentVersion + 2}.00` };
}

interface CycleOptions {
  readonly updateSource: string;
  readonly contentVersion: number;
  readonly updates: readonly UpdateInfo[];
  /** `policy`: a new UpdateSource policy arrives; `deployment`: a deployment evaluation asks for a scan. */
  readonly trigger: 'policy' | 'deployment';
  readonly policy?: UpdateSourcePolicy;
  readonly sourceMode: SourceMode;
  readonly searchMode?: SearchMode;
  readonly reply?: 'ok' | 'empty';
  /** Prefix for marks on the records a failure or test points at. */
  readonly markPrefix: string;
  /** Delay from the end of the scan to the state-message forwarding cycle; none when undefined. */
  readonly forwardAfterMs?: number;
}

interface CycleResult {
  readonly t: number;
  readonly flow: TruthFlow;
  readonly job: ScanJob;
  readonly relay: RelayResult | undefined;
}

function truthScanJob(job: ScanJob): TruthScanJob {
  return {
    scanJob: job.scanJob,
    updateSource: job.updateSource,
    contentVersion: job.contentVersion,
    locationRequests: [...job.locationRequests],
    locationMessages: job.locationMessages.map((m) => ({ ...m })),
  };
}

function truthUpdates(updates: readonly UpdateInfo[]): TruthFlow['updates'] {
  return updates.map((u) => ({
    id: u.id,
    revision: u.revision,
    state: u.installed ? 'Installed' : 'Missing',
    title: u.title,
  }));
}

/**
 * One client's scan cycle from trigger to the state messages leaving the client, with the failure modes the
 * bundles inject. The pieces are the steps of scenarios.ts in the order §8 of the reference draws them.
 */
function scanCycle(w: World, c: Client, t0: number, o: CycleOptions): CycleResult {
  const p = o.markPrefix;
  let t = t0;
  let job: ScanJob;
  let detection: ReturnType<typeof startDetection> | undefined;
  const ciCount = o.updates.length;
  if (o.trigger === 'policy') {
    if (o.policy === undefined) {
      throw new Error('a policy-triggered cycle needs the policy');
    }
    t = policyRefresh(w, c, t, o.policy) + w.rng.int(300, 2500);
    const started = startScanJob(w, c, t, {
      updateSource: o.updateSource,
      contentVersion: o.contentVersion,
      updates: o.updates,
      trigger: 'policy',
      locations: { reply: o.reply ?? 'ok', markPrefix: `${p}.loc1` },
    });
    job = started.job;
    // The deployment's evaluation runs on its own thread while the scan job waits for locations.
    detection = startDetection(w, c, t + w.rng.int(400, 1500), ciCount);
    t = Math.max(started.t, detection.t);
  } else {
    detection = startDetection(w, c, t, ciCount);
    const started = startScanJob(w, c, detection.t + w.rng.int(10, 120), {
      updateSource: o.updateSource,
      contentVersion: o.contentVersion,
      updates: o.updates,
      trigger: 'rescan',
      locations: { reply: o.reply ?? 'ok', markPrefix: `${p}.loc1` },
    });
    job = started.job;
    t = started.t;
  }
  const flowBase = {
    client: c.host.name,
    clientIp: c.host.ip,
    clientId: c.clientId,
    mp: c.mp.name,
    trigger: o.trigger,
    assignment: { id: detection.assignment.id, detectJob: detection.assignment.detectJob },
    updates: truthUpdates(o.updates),
  };
  const finish = (tEnd: number, outcome: string): CycleResult => {
    let relay: RelayResult | undefined;
    let tt = tEnd;
    if (o.forwardAfterMs !== undefined) {
      relay = forwardStateMessages(w, c, tEnd + o.forwardAfterMs, p);
      tt = relay?.t ?? tt;
    }
    return {
      t: tt,
      job,
      relay,
      flow: {
        ...flowBase,
        scanJobs: [truthScanJob(job)],
        relays: relay === undefined ? [] : [{ messageId: relay.messageId, smx: relay.smx, serials: relay.serials }],
        outcome,
      },
    };
  };
  if (o.reply === 'empty') {
    return finish(t, 'no WSUS location: the scan job waits for locations, no scan runs');
  }
  const added = addUpdateSource(w, job, t + w.rng.int(20, 200), o.sourceMode, p);
  t = added.t;
  if (!added.ok) {
    t = finishDetection(w, c, t + w.rng.int(200, 1500), detection.assignment, o.updates, '0x87d00692', p);
    return finish(t, 'update source not added (group policy conflict 0x87d00692), no scan');
  }
  const searchMode = o.searchMode ?? 'ok';
  t = wuaSearch(w, job, t + w.rng.int(50, 400), searchMode, p);
  if (searchMode === 'timeout-2ee2') {
    t = scanComplete(w, job, t + w.rng.int(20, 200), '0x80072ee2', p);
    t = finishDetection(w, c, t + w.rng.int(100, 900), detection.assignment, o.updates, '0x80072ee2', p);
    return finish(t, 'WUA search failed 0x80072EE2 (WSUS unreachable), scan failed');
  }
  t = scanComplete(w, job, t + w.rng.int(20, 200));
  t = reportUpdateStatus(w, job, t + w.rng.int(50, 400));
  t = finishDetection(w, c, t + w.rng.int(100, 900), detection.assignment, o.updates);
  return finish(t, 'scan completed, compliance state reported');
}

/**
 * What goes on around a bundle's flows when nothing else is wrong: the client's and the MP's ordinary
 * traffic (relays included), the site's, MPFDM moving the SMX files and StateSys processing them.
 */
function everydayTraffic(
  w: World,
  c: Client,
  m: Host,
  peers: readonly PeerClient[],
  start: number,
  end: number,
  updateSource: string | undefined,
  contentVersion: number,
): void {
  clientNoise(w, c, start, end);
  mpNoise(w, m, peers, start, end, { updateSource, contentVersion, relays: true });
  siteNoise(w, start, end);
  runFileDispatch(w, m);
  runStateSystem(w);
}

/** WindowsUpdate.log opening and ClientIDManagerStartup at the client's (earlier) service start. */
function clientBoot(w: World, c: Client, t: number, wsusUrl = w.supUrl): void {
  wuServiceStart(w, c, t, wsusUrl);
  clientStartup(w, c, t + w.noise.int(20_000, 60_000));
}

/**
 * A deployment evaluation asks for a scan that ScanAgent, with no update source policy, never starts (reference
 * §7.1): ScanAgent is notified at once and again `againMinutes` later, and logs nothing else. Marks the request
 * `flow.*` (see startDetection), and the first notification `notifiedMark` when given.
 */
function unstartedScan(
  w: World,
  c: Client,
  t: number,
  updates: number,
  againMinutes: number,
  notifiedMark?: string,
): void {
  const detection = startDetection(w, c, t, updates, 'flow');
  const notify = (at: number, mark?: string): void =>
    c.host.ccm(
      at,
      'ScanAgent',
      'ScanAgent',
      'cscanagent.cpp:203',
      'Inside CScanAgent::Notify()',
      mark === undefined ? undefined : { mark },
    );
  notify(detection.t + w.rng.int(10, 120), notifiedMark);
  notify(detection.t + againMinutes * MIN + w.rng.int(0, 30_000));
}

// --- the bundles ------------------------------------------------------------------------------------------

const healthy: BundleDefinition = {
  name: 'healthy-compliance',
  title: 'Healthy compliance scan, three hosts in three time zones',
  description:
    'WSUS sync sets a new content version, PolicyPv updates the scan tool policy, the client downloads it, scans ' +
    'against the SUP it gets from the MP (new update source, WUA policy changes), finds 2 missing and 2 installed ' +
    "updates, and its state messages travel through MP_Relay and MPFDM into State System. The MP's IIS restarts " +
    'once mid-file (second header block). Client, MP and site server are in three zones with skewed clocks.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 480, 0, 'US Pacific (PST, UTC-8)');
    const m = mp(w, -60, -17_000, 'Central Europe (CET, UTC+1)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.1.20.37', biasMinutes: 300, skewMs: 42_000, zone: 'US Eastern (EST, UTC-5)' },
      m,
    );
    const peers = w.addPeers(10, '10.1.22');
    const us = w.rng.guid();
    const cv = 38;
    const start = at('2025-01-14T13:40:00Z');
    const end = at('2025-01-14T14:32:00Z');
    clientBoot(w, c, start + 30_000, w.supUrl);
    const ready = wsusSync(w, at('2025-01-14T14:00:05Z'), {
      updateSource: us,
      contentVersion: cv,
      itemsUpdated: 130,
      markPrefix: 'sync',
    });
    const updates = makeUpdates(w, 4, 2, '2025-01');
    const cycle = scanCycle(w, c, ready + 7 * MIN + 43_000, {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'new',
      markPrefix: 'flow',
      forwardAfterMs: 6 * MIN + 12_000,
    });
    m.iisRestart(ready + 11 * MIN + 30_000);
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return { world: w, sink, flows: [cycle.flow], failures: [] };
  },
};

const installFailed: BundleDefinition = {
  name: 'install-failed-0643',
  title: 'An update fails to install: 0x80070643 (installer error 1603)',
  description:
    'A healthy scan finds two missing updates. The first deployment installs one of them (WUAHandler copies it to ' +
    "WUA's cache, WUA's CBS handler installs it, a restart is required). Half an hour later the second installs " +
    'the other: the handler completes with installerError=1603, hr=0x80070643, WUAHandler reports the update ' +
    'finished installing (0x80070643) and the job fails with 0x80240022, every update of it having failed.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 360, 0, 'US Central (CST, UTC-6)');
    const m = mp(w, 360, 2_100, 'US Central (CST, UTC-6)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.4.12.60', biasMinutes: 360, skewMs: -9_300, zone: 'US Central (CST, UTC-6)' },
      m,
    );
    const peers = w.addPeers(8, '10.4.13');
    const us = w.rng.guid();
    const cv = 51;
    const start = at('2025-02-11T15:00:00Z');
    const end = at('2025-02-11T16:40:00Z');
    clientBoot(w, c, start + 20_000, w.supUrl);
    const updates = makeUpdates(w, 4, 2, '2025-02');
    const cycle = scanCycle(w, c, at('2025-02-11T15:12:31Z'), {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'new',
      markPrefix: 'flow',
      forwardAfterMs: 4 * MIN + 9_000,
    });
    const [first, second] = updates.filter((u) => !u.installed) as [UpdateInfo, UpdateInfo];
    installUpdates(w, c, [first], cycle.t + 3 * MIN + 12_000, new Map(), 'ok');
    installUpdates(
      w,
      c,
      [second],
      cycle.t + 34 * MIN + 40_000,
      new Map([[second.id, { hr: '0x80070643', installerError: 1603 }]]),
      'bad',
    );
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [cycle.flow],
      installs: [
        { client: c.host.name, updates: [first.id], status: 'ok' },
        { client: c.host.name, updates: [second.id], status: 'failed' },
      ],
      failures: [
        {
          id: 'install-0643',
          summary:
            'The update failed to install with 0x80070643 (installer error 1603); the job failed with 0x80240022',
          errorCode: '0x80240022',
          errorText: '0x80240022',
          chain: [
            {
              mark: 'bad.wuCompleted.1',
              phrase:
                'Completed install of CBS update with type=3, requiresReboot=0, installerError=1603, hr=0x80070643',
            },
            { mark: 'bad.finished.1', phrase: 'finished installing (0x80070643), Reboot Required? No' },
            { mark: 'bad.installEnd', phrase: 'Installation job encountered some failures. Job Result = 0x80240022.' },
          ],
        },
      ],
    };
  },
};

/**
 * WUA's sends to the SUP time out and the scan fails with 0x80072EE2, from the first failed send (`firstSend`,
 * worded as the client's WindowsUpdate.log words it) to the deployment's job error.
 */
function wuaSearchTimeout(firstSend: string): FailureSpec {
  return {
    id: 'wua-search-timeout',
    summary: 'WUA search failed with 0x80072EE2: the WinHTTP sends to the SUP timed out',
    errorCode: '0x80072EE2',
    errorText: '0x80072ee2',
    chain: [
      { mark: 'flow.wuFirstSendFailed', phrase: firstSend },
      { mark: 'flow.searchFailed', phrase: 'OnSearchComplete - Failed to end search job. Error = 0x80072ee2.' },
      { mark: 'flow.scanFailed', phrase: 'Scan failed with error = 0x80072ee2.' },
      { mark: 'flow.scanJobFailed', phrase: 'Scan Failed with Error=0x80072ee2' },
      { mark: 'flow.jobError', phrase: 'Job error (0x80072ee2) received for assignment' },
    ],
    symptomIndex: 2,
  };
}

const wsus2ee2: BundleDefinition = {
  name: 'wsus-unreachable-2ee2',
  title: 'WUA cannot reach the SUP: 0x80072EE2',
  description:
    'A deployment evaluation asks for a scan; locations come back fine, but every WinHTTP send from WUA to the SUP ' +
    'times out (WindowsUpdate.log), so WUAHandler reports 0x80072ee2, ScanAgent raises UpdateSource state 5 and the ' +
    'detection job fails. The failure state messages still reach the site.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 300, 1_400, 'US Eastern (EST, UTC-5)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.1.20.37', biasMinutes: 300, skewMs: -6_200, zone: 'US Eastern (EST, UTC-5)' },
      m,
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 41;
    const start = at('2025-01-21T15:05:00Z');
    const end = at('2025-01-21T15:48:00Z');
    clientBoot(w, c, start + 20_000);
    const cycle = scanCycle(w, c, at('2025-01-21T15:21:13Z'), {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 4, 2, '2025-01'),
      trigger: 'deployment',
      sourceMode: 'existing',
      searchMode: 'timeout-2ee2',
      markPrefix: 'flow',
      forwardAfterMs: 4 * MIN + 41_000,
    });
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [cycle.flow],
      failures: [wuaSearchTimeout('WARNING: Send failed with hr = 80072ee2.')],
    };
  },
};

const wulogDecodedElsewhere: BundleDefinition = {
  name: 'wulog-decoded-elsewhere',
  title: 'Windows 11 client, WindowsUpdate.log decoded in another zone: 0x80072EE2',
  description:
    'PS1WIN11X64 is a Windows 11 client in US Eastern; its WindowsUpdate.log is Get-WindowsUpdateLog output that ' +
    "an admin decoded on a workstation in Central Europe, so every time in it is that workstation's local time, " +
    "six hours ahead of the client's own logs (the client's clock skew still applies). A policy-triggered scan " +
    'succeeds; about 50 minutes later a deployment evaluation asks for another, and it fails as in ' +
    'wsus-unreachable-2ee2: the WinHTTP sends to the SUP time out (`*FAILED* [80072EE2] Send request`), ' +
    'WUAHandler reports 0x80072ee2, ScanAgent raises UpdateSource state 5 and the detection job fails.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 300, -900, 'US Eastern (EST, UTC-5)');
    const c = w.client(
      {
        name: 'PS1WIN11X64',
        ip: '10.1.20.52',
        biasMinutes: 300,
        skewMs: 2_700,
        zone: 'US Eastern (EST, UTC-5)',
        windowsUpdateLog: {
          format: 'get-windowsupdatelog',
          decodedBiasMinutes: -60,
          decodedZone: 'Central Europe (CET, UTC+1)',
        },
      },
      m,
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 44;
    const start = at('2025-02-18T14:05:00Z');
    const end = at('2025-02-18T15:32:00Z');
    clientBoot(w, c, start + 25_000);
    const updates = makeUpdates(w, 4, 2, '2025-02');
    const first = scanCycle(w, c, at('2025-02-18T14:19:41Z'), {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'existing',
      searchMode: 'ok',
      markPrefix: 'first',
      forwardAfterMs: 3 * MIN + 22_000,
    });
    const second = scanCycle(w, c, first.t + 47 * MIN + 16_000, {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'deployment',
      sourceMode: 'existing',
      searchMode: 'timeout-2ee2',
      markPrefix: 'flow',
      forwardAfterMs: 4 * MIN + 8_000,
    });
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [first.flow, second.flow],
      failures: [wuaSearchTimeout('*FAILED* [80072EE2] Send request')],
    };
  },
};

const wulogAcrossSummerTime: BundleDefinition = {
  name: 'wulog-decoded-summer-time-end',
  title: 'Windows 11 client across the end of summer time, WindowsUpdate.log decoded afterwards: 0x80072EE2',
  description:
    'PS1WIN11EDT is a Windows 11 client in US Eastern; summer time ends on it at 02:00 on 2 November 2025 (EDT, ' +
    'UTC-4, then EST, UTC-5), and its CCM logs change bias there. Its WindowsUpdate.log is Get-WindowsUpdateLog ' +
    'output decoded on the client afterwards, in EST throughout: the file states no zone, so read in the ' +
    "client's zone its records from before the change read an hour behind the client's other logs and those " +
    'after it line up. A policy-triggered scan at 00:50 EDT succeeds; a deployment evaluation at 01:41 EDT asks ' +
    'for another, which fails as in wsus-unreachable-2ee2 (the WinHTTP sends to the SUP time out, 0x80072ee2); ' +
    'a scan at 03:10 EST succeeds again. The site server and the MP keep UTC.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 0, 0, 'UTC');
    const m = mp(w, 0, 1_300, 'UTC');
    const change = at('2025-11-02T06:00:00Z');
    const c = w.client(
      {
        name: 'PS1WIN11EDT',
        ip: '10.1.20.61',
        biasMinutes: 240,
        biasStep: { at: change, toMinutes: 300 },
        skewMs: -4_100,
        zone: 'US Eastern (EDT, UTC-4, until 2 Nov 2025 02:00; then EST, UTC-5)',
        windowsUpdateLog: {
          format: 'get-windowsupdatelog',
          decodedBiasMinutes: 300,
          decodedZone: 'US Eastern (EST, UTC-5)',
        },
      },
      m,
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 51;
    const start = at('2025-11-02T04:35:00Z');
    const end = at('2025-11-02T08:40:00Z');
    clientBoot(w, c, start + 20_000);
    const updates = makeUpdates(w, 4, 1, '2025-10');
    const before = scanCycle(w, c, at('2025-11-02T04:50:12Z'), {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'existing',
      searchMode: 'ok',
      markPrefix: 'before',
      forwardAfterMs: 2 * MIN + 40_000,
    });
    const failed = scanCycle(w, c, at('2025-11-02T05:41:37Z'), {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'deployment',
      sourceMode: 'existing',
      searchMode: 'timeout-2ee2',
      markPrefix: 'flow',
      forwardAfterMs: 3 * MIN + 5_000,
    });
    const after = scanCycle(w, c, at('2025-11-02T08:10:04Z'), {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'deployment',
      sourceMode: 'existing',
      searchMode: 'ok',
      markPrefix: 'after',
      forwardAfterMs: 2 * MIN + 12_000,
    });
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [before.flow, failed.flow, after.flow],
      failures: [wuaSearchTimeout('*FAILED* [80072EE2] Send request')],
    };
  },
};

const emptyLocation: BundleDefinition = {
  name: 'empty-wsus-location',
  title: 'The MP returns no WSUS location; the scan never runs',
  description:
    'A branch-office client (AD site BRANCH-LYON, not in a boundary group with a SUP) gets the new update source ' +
    'policy and asks for WSUS locations; MP_Location replies with an empty LocationRecords list, LocationServices ' +
    'calls back with nothing, ScanAgent waits (UpdateSource state 1) and asks again six minutes later with the same ' +
    'result. WUAHandler never scans (no WUAHandler.log). Peers in HQ get full replies from the same MP.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 0, 0, 'UK (GMT, UTC+0)');
    const m = mp(w, -60, -900, 'Central Europe (CET, UTC+1)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.7.40.18', biasMinutes: -60, skewMs: 3_100, zone: 'Central Europe (CET, UTC+1)' },
      m,
      'BRANCH-LYON',
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 52;
    const start = at('2025-01-22T07:40:00Z');
    const end = at('2025-01-22T08:35:00Z');
    clientBoot(w, c, start + 45_000);
    const ready = wsusSync(w, at('2025-01-22T08:00:02Z'), { updateSource: us, contentVersion: cv, itemsUpdated: 96 });
    const cycle = scanCycle(w, c, ready + 4 * MIN + 9_000, {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 3, 1, '2025-01'),
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'existing',
      reply: 'empty',
      markPrefix: 'flow',
    });
    // ScanAgent asks again; the MP still has nothing for this client's boundary.
    const retryEnd = requestLocations(w, cycle.job, cycle.t + 6 * MIN + 2_000, {
      reply: 'empty',
      markPrefix: 'flow.loc2',
    });
    const relay = forwardStateMessages(w, c, retryEnd + 3 * MIN + 20_000, 'flow');
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    const flow: TruthFlow = {
      ...cycle.flow,
      scanJobs: [truthScanJob(cycle.job)],
      relays: relay === undefined ? [] : [{ messageId: relay.messageId, smx: relay.smx, serials: relay.serials }],
    };
    return {
      world: w,
      sink,
      flows: [flow],
      failures: [
        {
          id: 'empty-wsus-location',
          summary: 'No software update point for the client: the MP returned an empty WSUS location reply, no scan ran',
          chain: [
            { mark: 'flow.loc1.mpReply', phrase: 'MP LM: Reply message body:', recordContains: '<LocationRecords/>' },
            { mark: 'flow.loc1.lsReply', phrase: 'WSUSLocationReply : ', recordContains: '<LocationRecords/>' },
            { mark: 'flow.loc1.lsEmpty', phrase: 'Calling back with empty WSUS locations' },
            { mark: 'flow.loc1.saEmpty', phrase: 'Received empty location list, will wait for locations' },
          ],
        },
      ],
    };
  },
};

const gpoConflict: BundleDefinition = {
  name: 'gpo-conflict-87d00692',
  title: 'Domain GPO overrides the WSUS server: 0x87d00692',
  description:
    'The client gets its first WSUS update source; WUAHandler sets the WUA policy to the SUP, but a domain Group ' +
    'Policy ("Specify intranet Microsoft update service location" = WSUS01) wins the refresh. Adding the update ' +
    'source fails with 0x87d00692, ScanAgent fails at AddUpdateSource and the deployment reports the job error.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 480, 650, 'US Pacific (PST, UTC-8)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.3.8.44', biasMinutes: 480, skewMs: -2_400, zone: 'US Pacific (PST, UTC-8)' },
      m,
    );
    const peers = w.addPeers(8, '10.3.9');
    const us = w.rng.guid();
    const cv = 44;
    const start = at('2025-02-04T17:10:00Z');
    const end = at('2025-02-04T17:52:00Z');
    // The domain GPO is in force from boot: WUA already points at WSUS01.
    clientBoot(w, c, start + 15_000, 'http://WSUS01.CONTOSO.COM:8530');
    const cycle = scanCycle(w, c, at('2025-02-04T17:24:51Z'), {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 3, 1, '2025-01'),
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'gpo-conflict',
      markPrefix: 'flow',
      forwardAfterMs: 5 * MIN + 3_000,
    });
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [cycle.flow],
      failures: [
        {
          id: 'gpo-conflict',
          summary:
            'Group policy conflict 0x87D00692: a domain GPO sets another WSUS server, the update source cannot be added',
          errorCode: '0x87D00692',
          errorText: '0x87d00692',
          chain: [
            {
              mark: 'flow.gpoOverwrite',
              phrase: 'Group policy settings were overwritten by a higher authority (Domain Controller)',
            },
            { mark: 'flow.addSourceFailed', phrase: 'Failed to Add Update Source for WUAgent of type (2)' },
            { mark: 'flow.executeFailed', phrase: 'CScanJob::Execute- Failed at AddUpdateSource, Error = 0x87d00692' },
            { mark: 'flow.jobError', phrase: 'Job error (0x87d00692) received for assignment' },
          ],
        },
      ],
    };
  },
};

const noScanPolicy: BundleDefinition = {
  name: 'no-scan-policy',
  title: 'No update source policy: the scan a deployment asks for never starts',
  description:
    'A deployment evaluation starts its detection job and UpdatesHandler asks for a scan. ScanAgent is notified but ' +
    'has no update source policy (software updates not enabled for the client, or no synchronised SUP to make ' +
    'the policy): it logs no "Policy available for UpdateSourceID", starts no scan job, asks the MP for no WSUS ' +
    'location, and WUAHandler.log is never created. The detection job never completes; ScanAgent.log goes on ' +
    '(notified again 24 minutes later), so the missing scan is a timeout. Peers relay as usual.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 360, 2_300, 'US Central (CST, UTC-6)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.2.14.61', biasMinutes: 360, skewMs: -3_800, zone: 'US Central (CST, UTC-6)' },
      m,
    );
    const peers = w.addPeers(8, '10.2.15');
    const us = w.rng.guid();
    const cv = 47;
    const start = at('2025-02-18T14:02:00Z');
    const end = at('2025-02-18T14:50:00Z');
    clientBoot(w, c, start + 25_000);
    unstartedScan(w, c, at('2025-02-18T14:17:31Z'), 6, 24, 'flow.notified');
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [],
      failures: [
        {
          id: 'no-scan-policy',
          summary: 'No software update scan policy: UpdatesHandler asked for a scan and ScanAgent started no scan job',
          chain: [{ mark: 'flow.scanInitiated', phrase: 'Successfully initiated scan for job ({' }],
        },
      ],
    };
  },
};

const syncFailedNoPolicy: BundleDefinition = {
  name: 'sync-failed-no-policy',
  title: 'The site never synchronises with WSUS, so a client has no scan policy',
  description:
    'The software update point was set up again and WSyncMgr fails every hourly sync with "Sync failed: WSUS ' +
    'server not configured" (WCM.log would say why); no sync in WSyncMgr.log succeeds, so the site has no update ' +
    'source to make a policy of. On the client a deployment evaluation asks for a scan and ScanAgent, with no ' +
    'update source policy, starts none; WUAHandler.log is never created and ScanAgent.log goes on. The missing ' +
    "scan's upstream cause is the site's first failed sync.",
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 300, 1_200, 'US Eastern (EST, UTC-5)');
    const c = w.client(
      { name: 'PS1WIN11X64', ip: '10.4.20.17', biasMinutes: 300, skewMs: 2_600, zone: 'US Eastern (EST, UTC-5)' },
      m,
    );
    const peers = w.addPeers(6, '10.4.21');
    const start = at('2025-03-04T15:00:00Z');
    const end = at('2025-03-04T17:40:00Z');
    for (let hour = 0; hour < 3; hour++) {
      wsusSyncFailing(
        w,
        start + 5 * MIN + hour * 60 * MIN + w.rng.int(0, 20_000),
        hour === 0 ? 'sync.failed' : undefined,
      );
    }
    clientBoot(w, c, start + 40_000);
    unstartedScan(w, c, at('2025-03-04T17:12:08Z'), 5, 22);
    // Peers relay state messages of their own; with no synchronised update source nobody scans.
    everydayTraffic(w, c, m, peers, start, end, undefined, 0);
    return {
      world: w,
      sink,
      flows: [],
      failures: [
        {
          id: 'sync-failed-no-policy',
          summary:
            'No WSUS sync of the site ever succeeded, so no update source policy: the scan UpdatesHandler asked for never started',
          chain: [
            { mark: 'sync.failed', phrase: 'Sync failed: WSUS server not configured.' },
            { mark: 'flow.scanInitiated', phrase: 'Successfully initiated scan for job ({' },
          ],
        },
      ],
    };
  },
};

/** What differs between the two MPFDM outage samples; everything else (timeline, noise, MPs) is shared. */
interface MpfdmOutage {
  readonly biasMinutes: number;
  readonly zone: string;
  readonly mpSkewMs: number;
  readonly client: { readonly name: string; readonly ip: string; readonly skewMs: number };
  readonly contentVersion: number;
  /** Updates the scan reports, and how many of them are missing. */
  readonly updates: readonly [number, number];
  readonly end: string;
  /** When the share comes back (the bundle's end if it never does). */
  readonly outageEnd: string;
  readonly recovers: boolean;
  readonly outcome: string;
  readonly failure: Pick<FailureSpec, 'id' | 'summary' | 'recovered'>;
}

/**
 * A client scans and forwards its state messages during an MPFDM outage (§6.13): MPFDM cannot reach the site
 * server's share from 18:16 and retries every minute, until the share comes back or the bundle ends.
 */
function mpfdmOutageBundle(name: string, o: MpfdmOutage): BuiltBundle {
  const { w, sink } = newWorld(name);
  site(w, o.biasMinutes, 0, o.zone);
  const m = mp(w, o.biasMinutes, o.mpSkewMs, o.zone);
  const c = w.client({ ...o.client, biasMinutes: o.biasMinutes, zone: o.zone }, m);
  const peers = w.addPeers(8, '10.1.22');
  const us = w.rng.guid();
  const cv = o.contentVersion;
  const start = at('2025-02-11T18:00:00Z');
  const end = at(o.end);
  clientBoot(w, c, start + 25_000);
  const cycle = scanCycle(w, c, at('2025-02-11T18:19:37Z'), {
    updateSource: us,
    contentVersion: cv,
    updates: makeUpdates(w, o.updates[0], o.updates[1], '2025-02'),
    trigger: 'deployment',
    sourceMode: 'existing',
    markPrefix: 'flow',
    forwardAfterMs: 3 * MIN + 30_000,
  });
  clientNoise(w, c, start, end);
  mpNoise(w, m, peers, start, end, { updateSource: us, contentVersion: cv, relays: true, density: 1.5 });
  siteNoise(w, start, end);
  runFileDispatch(w, m, {
    from: at('2025-02-11T18:16:00Z'),
    to: at(o.outageEnd),
    recovers: o.recovers,
    causeMark: 'mpfdm.cause',
  });
  runStateSystem(w);
  return {
    world: w,
    sink,
    flows: [{ ...cycle.flow, outcome: o.outcome }],
    failures: [
      {
        ...o.failure,
        errorCode: '0x00000035',
        errorText: 'error 53',
        chain: [
          { mark: 'mpfdm.cause', phrase: 'The operating system reported error 53: The network path was not found.' },
          { mark: 'flow.smx.moveFailed', phrase: 'Failed to move file C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\' },
        ],
      },
    ],
  };
}

const mpfdmStuck: BundleDefinition = {
  name: 'statemsg-stuck-mpfdm',
  title: 'State messages stuck on the MP: MPFDM cannot reach the site server',
  description:
    'The client scans and forwards its state messages; MP_Relay writes the SMX into the MP outbox, but MPFDM cannot ' +
    'reach \\\\PS1SITE.CONTOSO.COM\\SMS_PS1 (error 53, network path not found) and retries every minute. ' +
    'StateSys.log processes the files that arrived before the outage and nothing after it.',
  build() {
    return mpfdmOutageBundle(this.name, {
      biasMinutes: 300,
      zone: 'US Eastern (EST, UTC-5)',
      mpSkewMs: -4_000,
      client: { name: 'PS1WIN10X64', ip: '10.1.20.37', skewMs: 15_000 },
      contentVersion: 47,
      updates: [4, 2],
      end: '2025-02-11T18:44:00Z',
      outageEnd: '2025-02-11T18:44:00Z',
      recovers: false,
      outcome: 'scan completed, state messages stuck in the MP outbox (MPFDM error 53)',
      failure: {
        id: 'mpfdm-cannot-reach-site',
        summary: 'MPFDM cannot move state messages to the site server: error 53, the network path was not found',
      },
    });
  },
};

const mpfdmDelayed: BundleDefinition = {
  name: 'statemsg-delayed-mpfdm',
  title: 'State messages delayed on the MP: MPFDM loses the site server for a quarter of an hour',
  description:
    'The client scans and forwards its state messages while MPFDM cannot reach \\\\PS1SITE.CONTOSO.COM\\SMS_PS1 ' +
    '(error 53, network path not found, retried every minute). The share comes back 18 minutes later: MPFDM moves the ' +
    "backlog, the relay's SMX file with it, and StateSys processes them. The flow completes, late; the failed moves " +
    'are reported as recovered.',
  build() {
    return mpfdmOutageBundle(this.name, {
      biasMinutes: 360,
      zone: 'US Central (CST, UTC-6)',
      mpSkewMs: 2_500,
      client: { name: 'PS1WIN11X64', ip: '10.1.20.52', skewMs: -9_000 },
      contentVersion: 52,
      updates: [5, 2],
      end: '2025-02-11T18:50:00Z',
      outageEnd: '2025-02-11T18:34:00Z',
      recovers: true,
      outcome: 'scan completed; state messages reached the site after MPFDM could move them again (error 53 first)',
      failure: {
        id: 'mpfdm-outage-recovered',
        summary: 'MPFDM could not move the state messages to the site server (error 53) until the share came back',
        recovered: true,
      },
    });
  },
};

const interleaved: BundleDefinition = {
  name: 'interleaved-scans',
  title: 'Three clients and two overlapping scan jobs on one MP within seconds',
  description:
    'After a sync, three clients pick up the policy and hit PS1MP01 within seconds with location requests for the ' +
    'same update source and version; PS1WIN10X64 additionally starts a second ScanJob (deployment re-scan) while ' +
    'its first one is still adding the update source, so two location requests and two WUA searches of one client ' +
    'overlap. Flows can only be told apart by ids and client IP, not by time.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 300, 350, 'US Eastern (EST, UTC-5)');
    const a = w.client(
      { name: 'PS1WIN10X64', ip: '10.1.20.37', biasMinutes: 300, skewMs: 2_100, zone: 'US Eastern (EST, UTC-5)' },
      m,
    );
    // Windows 11 writes no WindowsUpdate.log: the admin ran Get-WindowsUpdateLog on the client itself.
    const b = w.client(
      {
        name: 'PS1WIN11X64',
        ip: '10.1.20.52',
        biasMinutes: 300,
        skewMs: -3_300,
        zone: 'US Eastern (EST, UTC-5)',
        windowsUpdateLog: {
          format: 'get-windowsupdatelog',
          decodedBiasMinutes: 300,
          decodedZone: 'US Eastern (EST, UTC-5)',
        },
      },
      m,
    );
    const d = w.client(
      { name: 'PS1WKS0107', ip: '10.2.4.19', biasMinutes: 360, skewMs: 700, zone: 'US Central (CST, UTC-6)' },
      m,
    );
    const peers = w.addPeers(10, '10.1.22');
    const us = w.rng.guid();
    const cv = 71;
    const start = at('2025-02-12T13:35:00Z');
    const end = at('2025-02-12T14:22:00Z');
    for (const c of [a, b, d]) {
      clientBoot(w, c, start + w.rng.int(5_000, 90_000));
    }
    const ready = wsusSync(w, at('2025-02-12T13:45:10Z'), { updateSource: us, contentVersion: cv, itemsUpdated: 211 });
    const policy = policyFor(w, cv);
    const updates = makeUpdates(w, 5, 2, '2025-02');
    const t0 = ready + 5 * MIN + 2_000;

    // Client A: first job adds a new update source (slow: WUA policy refresh + 30 s wait) ...
    const h1 = w.rng.int(0, 900);
    let ta = policyRefresh(w, a, t0 + h1, policy) + 600;
    const j1 = startScanJob(w, a, ta, {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'policy',
      locations: { markPrefix: 'a.j1.loc1' },
    });
    const detA = startDetection(w, a, ta + 900, updates.length);
    const added1 = addUpdateSource(w, j1.job, j1.t + 80, 'new', 'a.j1');
    // ... and while it waits for WUA to take the policy, the deployment's re-scan creates a second job.
    const j2 = startScanJob(w, a, j1.t + 9_500, {
      updateSource: us,
      contentVersion: cv,
      updates,
      trigger: 'rescan',
      locations: { markPrefix: 'a.j2.loc1' },
    });
    ta = wuaSearch(w, j1.job, added1.t + 150, 'ok', 'a.j1');
    ta = scanComplete(w, j1.job, ta + 60);
    ta = reportUpdateStatus(w, j1.job, ta + 200);
    const added2 = addUpdateSource(w, j2.job, Math.max(ta, j2.t) + 300, 'existing', 'a.j2');
    ta = wuaSearch(w, j2.job, added2.t + 150, 'ok', 'a.j2');
    ta = scanComplete(w, j2.job, ta + 60);
    ta = reportUpdateStatus(w, j2.job, ta + 200, new Set(updates.map((u) => u.id)));
    ta = finishDetection(w, a, ta + 400, detA.assignment, updates);

    // Clients B and D: same policy within seconds, existing update source.
    const cb = scanCycle(w, b, t0 + 1_700, {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 4, 3, '2025-02'),
      trigger: 'policy',
      policy,
      sourceMode: 'existing',
      markPrefix: 'b',
    });
    const cd = scanCycle(w, d, t0 + 2_300, {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 3, 1, '2025-02'),
      trigger: 'policy',
      policy,
      sourceMode: 'existing',
      markPrefix: 'd',
    });
    // All three forward their state messages within a few seconds of each other.
    const fwd = Math.max(ta, cb.t, cd.t) + 4 * MIN;
    const ra = forwardStateMessages(w, a, fwd + 800, 'a');
    const rb = forwardStateMessages(w, b, fwd + 2_900, 'b');
    const rd = forwardStateMessages(w, d, fwd + 1_600, 'd');
    for (const c of [a, b, d]) {
      clientNoise(w, c, start, end);
    }
    mpNoise(w, m, peers, start, end, { updateSource: us, contentVersion: cv, relays: true });
    siteNoise(w, start, end);
    runFileDispatch(w, m);
    runStateSystem(w);
    const relayOf = (r: RelayResult | undefined): TruthFlow['relays'] =>
      r === undefined ? [] : [{ messageId: r.messageId, smx: r.smx, serials: r.serials }];
    const flowA: TruthFlow = {
      client: a.host.name,
      clientIp: a.host.ip,
      clientId: a.clientId,
      mp: m.name,
      trigger: 'policy',
      scanJobs: [truthScanJob(j1.job), truthScanJob(j2.job)],
      assignment: { ...detA.assignment },
      updates: truthUpdates(updates),
      relays: relayOf(ra),
      outcome: 'two overlapping scan jobs, both completed; state reported once',
    };
    return {
      world: w,
      sink,
      flows: [flowA, { ...cb.flow, relays: relayOf(rb) }, { ...cd.flow, relays: relayOf(rd) }],
      failures: [],
    };
  },
};

const skewMidnight: BundleDefinition = {
  name: 'skew-midnight',
  title: 'A flow across midnight UTC between Tokyo and Pacific hosts, client clock 3 minutes fast',
  description:
    'The client is in Tokyo (bias -540, local date already the next day) with a clock 3 minutes fast; MP and site ' +
    'server are in US Pacific (bias +480, local date the previous afternoon). The scan starts before and ends after ' +
    'midnight UTC, so the MP writes two IIS daily files. Sorting by local time, or even by UTC without the skew, ' +
    'puts records in the wrong order.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 480, 0, 'US Pacific (PST, UTC-8)');
    const m = mp(w, 480, -2_500, 'US Pacific (PST, UTC-8)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.9.3.77', biasMinutes: -540, skewMs: 180_000, zone: 'Japan (JST, UTC+9)' },
      m,
      'APAC-TOKYO',
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 63;
    const start = at('2024-12-20T23:35:00Z');
    const end = at('2024-12-21T00:20:00Z');
    clientBoot(w, c, start + 40_000);
    const cycle = scanCycle(w, c, at('2024-12-20T23:57:48Z'), {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 4, 2, '2024-12'),
      trigger: 'deployment',
      sourceMode: 'existing',
      markPrefix: 'flow',
      forwardAfterMs: 4 * MIN + 50_000,
    });
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return { world: w, sink, flows: [cycle.flow], failures: [] };
  },
};

const clockSetBack: BundleDefinition = {
  name: 'clock-set-back',
  title: 'A client clock 4 minutes fast, set right by time sync between its scans',
  description:
    'The client (US Central) runs 4 min 12 s fast until the Windows Time service corrects it at 16:30 UTC, ' +
    'between its second and third scan of the afternoon: every one of its logs jumps back four minutes there, ' +
    'and records from just after the correction carry times already written before it. Two scans before and ' +
    'two after, each with its location request and state-message relay; all four complete. One clock for the ' +
    'whole bundle puts one side four minutes off.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 360, 0, 'US Central (CST, UTC-6)');
    const m = mp(w, 360, 1_800, 'US Central (CST, UTC-6)');
    const c = w.client(
      {
        name: 'PS1WIN10X64',
        ip: '10.2.31.40',
        biasMinutes: 360,
        skewMs: 252_000,
        clockStep: { at: at('2025-03-04T16:30:00Z'), byMs: -250_700 },
        zone: 'US Central (CST, UTC-6)',
      },
      m,
    );
    const peers = w.addPeers(8, '10.2.22');
    const us = w.rng.guid();
    const cv = 58;
    const start = at('2025-03-04T15:00:00Z');
    const end = at('2025-03-04T17:45:00Z');
    clientBoot(w, c, start + 30_000);
    const updates = makeUpdates(w, 4, 2, '2025-03');
    const cycles = ['15:12:07', '15:53:40', '16:41:19', '17:18:52'].map((time, k) =>
      scanCycle(w, c, at(`2025-03-04T${time}Z`), {
        updateSource: us,
        contentVersion: cv,
        updates,
        trigger: 'deployment',
        sourceMode: 'existing',
        markPrefix: `scan${k + 1}`,
        forwardAfterMs: (3 + k) * MIN + 17_000,
      }),
    );
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return { world: w, sink, flows: cycles.map((x) => x.flow), failures: [] };
  },
};

const rotated: BundleDefinition = {
  name: 'rotated-history',
  title: 'Client CcmMessaging and LocationServices logs rotated in the middle of a flow',
  description:
    'The location request is sent in CcmMessaging-<stamp>.log (history), its reply lands in CcmMessaging.lo_, and ' +
    'the state-message relay in the current CcmMessaging.log; LocationServices rolled over between sending the ' +
    'request (LocationServices.lo_) and processing the reply (LocationServices.Log, capital L). The history file ' +
    'name carries the client-local time of the rollover. Rollovers are placed by time, not by size, to keep the ' +
    'sample small.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 240, 0, 'US Eastern (EDT, UTC-4)');
    const m = mp(w, -60, 300, 'UK (BST, UTC+1)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.1.20.37', biasMinutes: 240, skewMs: -1_200, zone: 'US Eastern (EDT, UTC-4)' },
      m,
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 36;
    const start = at('2024-10-20T10:05:00Z');
    const end = at('2024-10-20T10:52:00Z');
    clientBoot(w, c, start + 10_000);
    // Timed so that the location request leaves the client at about 06:29:2x local time.
    const cycle = scanCycle(w, c, at('2024-10-20T10:29:30Z'), {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 4, 2, '2024-10'),
      trigger: 'deployment',
      sourceMode: 'existing',
      markPrefix: 'flow',
      forwardAfterMs: 7 * MIN + 5_000,
    });
    clientNoise(w, c, start, end, 1.5);
    mpNoise(w, m, peers, start, end, { updateSource: us, contentVersion: cv, relays: true });
    siteNoise(w, start, end);
    runFileDispatch(w, m);
    runStateSystem(w);

    const logs = `${c.host.ccmDir}`;
    const sent = sink.timeOf('flow.loc1.lsSend');
    const created = sink.timeOf('flow.loc1.lsCreated');
    const forwarded = sink.timeOf('flow.forwarded');
    // CcmMessaging rolls right after the request is sent (history file), and again before the relay (.lo_).
    const r1 = sent + 1;
    const r2 = forwarded - w.rng.int(60_000, 150_000);
    sink.rotate(
      `${logs}/CcmMessaging.log`,
      [
        { until: r1, path: `${logs}/CcmMessaging-${historyStamp(c.host.local(r1))}.log` },
        { until: r2, path: `${logs}/CcmMessaging.lo_` },
      ],
      `${logs}/CcmMessaging.log`,
    );
    // LocationServices rolls between creating the request and processing its reply.
    sink.rotate(
      `${logs}/LocationServices.log`,
      [{ until: created + 1, path: `${logs}/LocationServices.lo_` }],
      `${logs}/LocationServices.Log`,
    );
    return { world: w, sink, flows: [cycle.flow], failures: [] };
  },
};

const clientSpy: BundleDefinition = {
  name: 'client-spy-softdist',
  title: 'Client Spy: software distribution, cache, inventory, metering and client deployment',
  description:
    'PS1WIN10X64 runs three software distribution programs: 7-Zip installs from a fresh download (success), the ' +
    'mandatory VPN client exits 1618 twice and waits to retry, and a user-requested CAD viewer is still ' +
    'downloading (250 of 700 MB); an earlier per-user add-in ran for a domain user. Its cache holds the three ' +
    'contents plus a tombstoned one; a mandatory upgrade is scheduled for a package no record names. All five ' +
    'inventory actions (DDR included) report, three metering rules arrive, and a healthy update scan reports ' +
    'compliance through the MP. ccmsetup installed the client the day before. PS1WKS0212 never gets a client: ' +
    'ccmsetup fails with 1603 / 0x80070643 on two days.',
  build() {
    const { w, sink } = newWorld(this.name);
    site(w, 300, 0, 'US Eastern (EST, UTC-5)');
    const m = mp(w, 300, 900, 'US Eastern (EST, UTC-5)');
    const c = w.client(
      { name: 'PS1WIN10X64', ip: '10.1.20.37', biasMinutes: 300, skewMs: 8_000, zone: 'US Eastern (EST, UTC-5)' },
      m,
    );
    // A workstation where the client never installs: its only log is ccmsetup.log.
    const failing = w.client(
      { name: 'PS1WKS0212', ip: '10.2.4.77', biasMinutes: 360, skewMs: 1_500, zone: 'US Central (CST, UTC-6)' },
      m,
    ).host;
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 58;
    const start = at('2025-02-18T13:55:00Z');
    const end = at('2025-02-18T15:45:00Z');

    // Client deployment: installed the day before; the other workstation fails twice.
    ccmsetupRun(w, c.host, at('2025-02-17T15:02:11Z'), false, '/runservice /config:MobileClient.tcf');
    ccmsetupRun(w, failing, at('2025-02-17T16:20:40Z'), true, '/mp:PS1MP01.CONTOSO.COM SMSSITECODE=PS1');
    ccmsetupRun(w, failing, at('2025-02-18T14:35:05Z'), true, '/mp:PS1MP01.CONTOSO.COM SMSSITECODE=PS1');

    clientBoot(w, c, start + 20_000);
    const sd = new SoftDist(w, c);
    sd.cacheConfig(start + 95_000, 5120);
    const user = 'S-1-5-21-3623811015-3361044348-30300820-1107';
    const account = 'CONTOSO\\jdoe';
    const sevenZip: SoftDistProgram = {
      advertisement: 'PS120004',
      packageId: 'PS100012',
      packageName: '7-Zip 19.00 (x64 edition)',
      version: 1,
      program: 'Install',
      commandLine: 'msiexec /i "7z1900-x64.msi" /q',
    };
    const vpn: SoftDistProgram = {
      advertisement: 'PS120005',
      packageId: 'PS100014',
      packageName: 'Contoso VPN Client 4.2',
      version: 2,
      program: 'Install VPN',
      commandLine: 'msiexec /i "VPNClient.msi" /qn REBOOT=ReallySuppress',
    };
    const cad: SoftDistProgram = {
      advertisement: 'PS120006',
      packageId: 'PS100015',
      packageName: 'Contoso CAD Viewer 2025',
      version: 1,
      program: 'Install',
      commandLine: 'setup.exe /silent',
      userSid: user,
      userAccount: account,
    };
    const addIn: SoftDistProgram = {
      advertisement: 'PS120007',
      packageId: 'PS100016',
      packageName: 'Contoso Timesheet Add-in',
      version: 1,
      program: 'Per-user install',
      commandLine: 'TimesheetAddin.exe /quiet',
      userSid: user,
      userAccount: account,
    };
    const upgrade: SoftDistProgram = {
      advertisement: 'PS120008',
      packageId: 'PS100017',
      version: 3,
      program: 'Upgrade',
      commandLine: 'upgrade.cmd',
    };

    // Policies arrive with the machine and user policy cycles.
    let t = at('2025-02-18T14:04:10Z');
    t = sd.policy(t, sevenZip, { token: '0126E6C000080000', next: at('2025-02-18T14:10:00Z') });
    t = sd.policy(t + 700, vpn, { token: '0126E6C000100008', next: at('2025-02-18T14:20:00Z') });
    t = sd.policy(t + 900, upgrade, { token: '01A4E0C000080000', next: at('2025-02-20T03:00:00Z') });
    t = sd.policy(t + 5_000, cad);
    sd.policy(t + 600, addIn);

    // 7-Zip: a fresh download, then a successful run; its once-only schedule has no further occurrences.
    t = sd.request(at('2025-02-18T14:10:00.350Z'), sevenZip, true);
    t = sd.download(t + 200, sevenZip, 1_947_136, 1, [0, 1_947_136]).t;
    t = sd.run(t + 500, sevenZip, 'WaitingContent', 0, false);
    sd.scheduleLine(t + 2_000, sevenZip, '0126E6C000080000', undefined);

    // VPN client: content from the cache, exit 1618 (another installation in progress), retried, 1618 again.
    t = sd.request(at('2025-02-18T14:20:00.210Z'), vpn, true);
    t = sd.fromCache(t + 150, vpn, 48_213, 2);
    t = sd.run(t + 400, vpn, 'WaitingContent', 1618, true);
    t = sd.run(t + 10 * MIN, vpn, 'WaitingRetry', 1618, true);
    sd.scheduleLine(t + 1_500, vpn, '0126E6C000100008', at('2025-02-19T14:20:00Z'));

    // The user's add-in ran earlier in the session, from the cache.
    t = sd.request(at('2025-02-18T14:45:12Z'), addIn, false);
    t = sd.fromCache(t + 150, addIn, 2_310, 3);
    sd.run(t + 400, addIn, 'WaitingContent', 0, false);

    // Grooming finds an old content nobody references any more.
    sd.tombstone(at('2025-02-18T14:52:30Z'), 'PS100010', 3, 15_360);

    // The CAD viewer, requested by the user, is still downloading when the logs were collected.
    t = sd.request(at('2025-02-18T15:05:41Z'), cad, false);
    sd.download(t + 200, cad, 734_003_200, 4, [0, 131_072_000, 262_144_000]);

    // Inventory: all five actions, DDR first.
    let ti = at('2025-02-18T14:02:30Z');
    for (const action of INVENTORY_CYCLES) {
      ti = inventoryCycle(w, c, ti, action) + w.rng.int(40_000, 120_000);
    }
    meteringActivity(w, c, at('2025-02-18T14:15:20Z'), [
      {
        ruleId: 'PS100003',
        fileName: 'WINWORD.EXE',
        originalFileName: 'WinWord.exe',
        fileVersion: '16.*',
        languageId: 65535,
      },
      {
        ruleId: 'PS100004',
        fileName: 'ACAD.EXE',
        originalFileName: 'acad.exe',
        fileVersion: '25.0*',
        languageId: 1033,
      },
      {
        ruleId: 'PS100005',
        fileName: 'VISIO.EXE',
        originalFileName: 'VISIO.EXE',
        fileVersion: '16.*',
        languageId: 65535,
      },
    ]);

    // Software updates: a healthy scan, state messages reach the site.
    const ready = wsusSync(w, at('2025-02-18T14:58:05Z'), { updateSource: us, contentVersion: cv, itemsUpdated: 88 });
    const cycle = scanCycle(w, c, ready + 6 * MIN + 12_000, {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 4, 2, '2025-02'),
      trigger: 'policy',
      policy: policyFor(w, cv),
      sourceMode: 'existing',
      markPrefix: 'flow',
      forwardAfterMs: 5 * MIN + 40_000,
    });
    everydayTraffic(w, c, m, peers, start, end, us, cv);
    return {
      world: w,
      sink,
      flows: [cycle.flow],
      failures: [],
      clientSpy: {
        executions: [
          { advertisement: 'PS120004', outcome: 'Success', exitCode: 0 },
          { advertisement: 'PS120005', outcome: 'WaitingRetry', exitCode: 1618 },
          { advertisement: 'PS120006', outcome: 'WaitingContent' },
          { advertisement: 'PS120007', outcome: 'Success', exitCode: 0 },
        ],
        cached: ['PS100012.1', 'PS100014.2', 'PS100016.1', 'PS100010.3'],
        downloading: [{ content: 'PS100015.1', transferredBytes: 262_144_000, totalBytes: 734_003_200 }],
        deployments: [
          { host: 'PS1WIN10X64', state: 'installed', attempts: 1 },
          { host: 'PS1WKS0212', state: 'failed', errorCode: '0x80070643', attempts: 2 },
        ],
      },
    };
  },
};

/**
 * The usual small site: one server is the site server, the SUP, the management point and a ConfigMgr client.
 * Its MP logs lie in the install folder and MP_Relay writes into StateSys's inbox itself (no MPFDM, §6.12);
 * its own client scans and reports through its own MP, beside a workstation in another zone.
 */
const mpOnSiteServer: BundleDefinition = {
  name: 'mp-on-site-server',
  title: 'Management point and a client on the site server: one machine, three roles',
  description:
    'PS1SITE is the site server, the software update point, the management point (its logs in ' +
    '`Microsoft Configuration Manager\\SMS_CCM\\Logs`) and a ConfigMgr client (`Windows\\CCM\\Logs`) at once, as ' +
    "on most small sites. MP_Relay writes the state messages straight into StateSys's inbox, so there is no MPFDM. " +
    'PS1WIN11X64, in another zone with its clock 23 s behind, scans and reports through it; so does the site ' +
    "server's own client, through its own MP. Nothing fails.",
  build() {
    const { w, sink } = newWorld(this.name);
    const zone = 'US Central (CST, UTC-6)';
    const s = site(w, 360, 0, zone);
    const m = w.host({ name: s.name, role: 'mp', ip: s.ip, biasMinutes: 360, skewMs: 0, zone, onSiteServer: true });
    const own = w.client({ name: s.name, ip: s.ip, biasMinutes: 360, skewMs: 0, zone }, m);
    const c = w.client(
      { name: 'PS1WIN11X64', ip: '10.1.20.52', biasMinutes: 300, skewMs: -23_400, zone: 'US Eastern (EST, UTC-5)' },
      m,
    );
    const peers = w.addPeers(8, '10.1.22');
    const us = w.rng.guid();
    const cv = 41;
    const start = at('2025-02-11T15:10:00Z');
    const end = at('2025-02-11T16:05:00Z');
    clientBoot(w, c, start + 20_000);
    clientBoot(w, own, start + 50_000);
    const ready = wsusSync(w, at('2025-02-11T15:30:05Z'), {
      updateSource: us,
      contentVersion: cv,
      itemsUpdated: 92,
      markPrefix: 'sync',
    });
    const policy = policyFor(w, cv);
    const cycle = scanCycle(w, c, ready + 6 * MIN + 12_000, {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 5, 3, '2025-02'),
      trigger: 'policy',
      policy,
      sourceMode: 'new',
      markPrefix: 'flow',
      forwardAfterMs: 5 * MIN + 40_000,
    });
    const ownCycle = scanCycle(w, own, ready + 9 * MIN + 31_000, {
      updateSource: us,
      contentVersion: cv,
      updates: makeUpdates(w, 3, 2, '2025-02'),
      trigger: 'policy',
      policy,
      sourceMode: 'existing',
      markPrefix: 'own',
      forwardAfterMs: 4 * MIN + 5_000,
    });
    clientNoise(w, c, start, end);
    clientNoise(w, own, start, end);
    mpNoise(w, m, peers, start, end, { updateSource: us, contentVersion: cv, relays: true });
    siteNoise(w, start, end);
    runStateSystem(w);
    return { world: w, sink, flows: [cycle.flow, ownCycle.flow], failures: [] };
  },
};

export const SAMPLE_BUNDLES: readonly BundleDefinition[] = [
  healthy,
  installFailed,
  wsus2ee2,
  wulogDecodedElsewhere,
  wulogAcrossSummerTime,
  emptyLocation,
  gpoConflict,
  noScanPolicy,
  syncFailedNoPolicy,
  mpfdmStuck,
  mpfdmDelayed,
  interleaved,
  skewMidnight,
  clockSetBack,
  mpOnSiteServer,
  rotated,
  clientSpy,
];

// --- rendering --------------------------------------------------------------------------------------------

export interface RenderedSample {
  readonly name: string;
  /** path inside the bundle → content (BOM as U+FEFF), sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly truth: Truth;
}

function countLines(content: string): number {
  let n = 0;
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) {
    n++;
  }
  return n;
}

function locate(marks: ReadonlyMap<string, MarkedRecord>, ref: MarkRef, bundle: string): TruthLocation {
  const rec = marks.get(ref.mark);
  if (rec === undefined) {
    throw new Error(`${bundle}: mark ${ref.mark} was never emitted`);
  }
  const firstLine = rec.text.split('\r\n')[0] ?? '';
  if (!firstLine.includes(ref.phrase)) {
    throw new Error(`${bundle}: ${ref.mark} at ${rec.path}:${rec.line} does not say "${ref.phrase}"`);
  }
  if (ref.recordContains !== undefined && !rec.text.includes(ref.recordContains)) {
    throw new Error(`${bundle}: ${ref.mark} does not contain "${ref.recordContains}"`);
  }
  return {
    file: rec.path,
    line: rec.line,
    endLine: rec.endLine,
    phrase: ref.phrase,
    ...(ref.recordContains === undefined ? {} : { recordContains: ref.recordContains }),
  };
}

/** Build and render one sample bundle; paths in the result and the truth are relative to the bundle folder. */
export function renderSample(def: BundleDefinition): RenderedSample {
  const built = def.build();
  const { files, marks } = built.sink.render();
  const w = built.world;
  // An MP on the site server, or a client installed there, is another role of the same machine: one host.
  const machines = new Map<string, Host[]>();
  for (const h of [w.site, ...w.mps, ...w.clients.map((c) => c.host)]) {
    machines.set(h.name, [...(machines.get(h.name) ?? []), h]);
  }
  const hosts: TruthHost[] = [...machines.values()]
    .map((roles) => ({
      h: roles[0]!,
      roles: roles.map((r) => r.role),
      wu: roles.find((r) => r.role === 'client')?.windowsUpdateLog,
    }))
    .map(({ h, roles, wu }) => ({
      name: h.name,
      role: h.role,
      ...(roles.length > 1 ? { roles } : {}),
      folder: h.name,
      fqdn: h.fqdn,
      ip: h.ip,
      zone: h.zone,
      biasMinutes: h.clock.biasMinutes,
      skewMs: skewAt(h.clock, Number.POSITIVE_INFINITY),
      ...(h.clock.step === undefined
        ? {}
        : { clockStep: { at: new Date(h.clock.step.at).toISOString(), skewBeforeMs: h.clock.skewMs } }),
      ...(h.clock.biasStep === undefined
        ? {}
        : {
            biasStep: { at: new Date(h.clock.biasStep.at).toISOString(), toMinutes: h.clock.biasStep.toMinutes },
          }),
      ...(wu === undefined
        ? {}
        : {
            windowsUpdateLog: {
              format: wu.format,
              file: h.wuPath,
              decodedBiasMinutes: wu.decodedBiasMinutes,
              decodedZone: wu.decodedZone,
              offsetMinutes: h.clock.biasMinutes - wu.decodedBiasMinutes,
              ...(h.clock.biasStep === undefined
                ? {}
                : { offsetMinutesAfterBiasStep: h.clock.biasStep.toMinutes - wu.decodedBiasMinutes }),
            },
          }),
    }));
  const failures: TruthFailure[] = built.failures.map((f) => {
    const chain = f.chain.map((ref) => locate(marks, ref, def.name));
    const cause = chain[0];
    const symptom = chain[f.symptomIndex ?? chain.length - 1];
    if (cause === undefined || symptom === undefined) {
      throw new Error(`${def.name}: failure ${f.id} has an empty chain`);
    }
    return {
      id: f.id,
      summary: f.summary,
      ...(f.errorCode === undefined ? {} : { errorCode: f.errorCode }),
      ...(f.errorText === undefined ? {} : { errorText: f.errorText }),
      symptom,
      upstreamCause: cause,
      chain,
      ...(f.recovered === undefined ? {} : { recovered: f.recovered }),
    };
  });
  const fileList = [...files].map(([file, content]) => ({
    file,
    lines: countLines(content),
    bytes: Buffer.byteLength(content, 'utf8'),
  }));
  return {
    name: def.name,
    files,
    truth: {
      schema: TRUTH_SCHEMA,
      bundle: def.name,
      title: def.title,
      description: def.description,
      hosts,
      flows: built.flows,
      ...(built.installs === undefined ? {} : { installs: built.installs }),
      failures,
      files: fileList,
      ...(built.clientSpy === undefined ? {} : { clientSpy: built.clientSpy }),
    },
  };
}
