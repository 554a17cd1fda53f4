// What a ConfigMgr client writes in the logs Client Spy's trees are rebuilt from: software distribution
// (execmgr, CAS, ContentTransferManager, DataTransferService, Scheduler), inventory (InventoryAgent), software
// metering (mtrmgr, SWMTRReportGen) and client deployment (ccmsetup). The wording and its sources are listed at
// the top of src/parsers/messages/spy.ts: texts found in public sources are used as found; the few no source
// prints (cache configuration and reference lines, Scheduler schedule lines, the advertisement-offer line, the
// ` for user <SID>` suffix, most InventoryAgent steps, mtrmgr / SWMTRReportGen) are written in the same style.

import { dmtfUtc, fieldsOf } from './clock.ts';
import { wmiEvent } from './scenarios.ts';
import type { Client, Host, World } from './world.ts';

const MIN = 60_000;

/** `MM/dd/yyyy HH:mm:ss` of a host-local reading: how the Scheduler lines name a time. */
function localText(reading: number): string {
  const f = fieldsOf(reading);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(f.month)}/${p(f.day)}/${f.year} ${p(f.hour)}:${p(f.minute)}:${p(f.second)}`;
}

export interface SoftDistProgram {
  readonly advertisement: string;
  readonly packageId: string;
  /** Undefined: no record names the package (its advertisement policy is all that is left). */
  readonly packageName?: string;
  readonly version: number;
  readonly program: string;
  readonly commandLine: string;
  /** A user SID for per-user deployments; undefined for the machine (System). */
  readonly userSid?: string;
  /** Domain account of `userSid`, as execmgr's events print the user context. */
  readonly userAccount?: string;
}

/** What the spy scenario did, for the ground truth (`clientSpy` in the truth file). */
export interface SpyFacts {
  readonly executions: Array<{ advertisement: string; outcome: string; exitCode?: number }>;
  readonly cached: string[];
  readonly downloading: Array<{ content: string; transferredBytes: number; totalBytes: number }>;
  readonly deployments: Array<{ host: string; state: 'installed' | 'failed'; errorCode?: string; attempts: number }>;
}

const DP = 'PS1DP01.CONTOSO.COM';

/** Software distribution on one client: each step writes where execmgr, CAS, CTM and DTS would. */
export class SoftDist {
  private readonly h: Host;
  private cacheFolder = 4;

  constructor(
    private readonly w: World,
    private readonly c: Client,
  ) {
    this.h = c.host;
  }

  private exec(t: number, message: string, source: string, type: 1 | 2 | 3 = 1): void {
    this.h.ccm(t, 'execmgr', 'execmgr', source, message, { type });
  }

  private cas(t: number, message: string, source = 'cachemanager.cpp', type: 1 | 2 = 1): void {
    this.h.ccm(t, 'CAS', 'ContentAccess', source, message, { type });
  }

  private ctm(t: number, message: string, source = 'ctmjob.cpp'): void {
    this.h.ccm(t, 'ContentTransferManager', 'ContentTransferManager', source, message);
  }

  private dts(t: number, message: string, source = 'dtsjob.cpp'): void {
    this.h.ccm(t, 'DataTransferService', 'DataTransferService', source, message);
  }

  private forUser(p: SoftDistProgram): string {
    return p.userSid === undefined ? '' : ` for user ${p.userSid}`;
  }

  /** CAS reads its configuration when the agent starts. */
  cacheConfig(t: number, sizeMb: number): void {
    this.cas(t, `CacheManager: Cache location C:\\WINDOWS\\ccmcache, cache size ${sizeMb} MB`, 'cachemanager.cpp:312');
  }

  /** Policy for the advertisement arrives; `schedule` when it is mandatory. Returns the end instant. */
  policy(t: number, p: SoftDistProgram, schedule?: { token: string; next?: number }): number {
    this.exec(
      t,
      `Policy arrived for parent package ${p.packageId} program ${p.program}${this.forUser(p)}`,
      'execreqmgr.cpp:6916',
    );
    if (p.packageName !== undefined) {
      const to = p.userSid === undefined ? '' : ` to user ${p.userSid}`;
      this.exec(
        (t += this.w.rng.int(20, 200)),
        `Advertisement ${p.advertisement} offers program ${p.program} of package ${p.packageId} (${p.packageName}), version ${p.version}${to}`,
        'execreqmgr.cpp:6953',
      );
    }
    if (schedule !== undefined) {
      this.scheduleLine((t += this.w.rng.int(50, 400)), p, schedule.token, schedule.next);
    }
    return t;
  }

  scheduleLine(t: number, p: SoftDistProgram, token: string, next: number | undefined): void {
    const id = `${p.advertisement}-${p.packageId}-6F6BCC28`;
    const msg =
      next === undefined
        ? `Schedule ${id}: trigger ${token}, no further occurrences`
        : `Schedule ${id}: trigger ${token}, next occurrence ${localText(this.h.local(next))}`;
    this.h.ccm(t, 'Scheduler', 'Scheduler', 'schedulerbase.cpp:386', msg);
  }

  /** The execution request is created and asks CAS for its content. */
  request(t: number, p: SoftDistProgram, mandatory: boolean): number {
    const kind = mandatory ? 'mandatory request' : 'request';
    this.exec(
      t,
      `Creating ${kind} for advert ${p.advertisement}, program ${p.program}, package ${p.packageId}${this.forUser(p)}`,
      'execreqmgr.cpp:3929',
    );
    this.state((t += this.w.rng.int(5, 60)), p, 'NotExist', 'WaitingContent');
    this.exec(
      (t += this.w.rng.int(5, 40)),
      `Requesting content from CAS for package ${p.packageId} version ${p.version}`,
      'execreqmgr.cpp:5032',
    );
    return t;
  }

  state(t: number, p: SoftDistProgram, from: string, to: string): void {
    this.exec(
      t,
      `Execution Request for advert ${p.advertisement} package ${p.packageId} program ${p.program} state change from ${from} to ${to}${this.forUser(p)}`,
      'executionrequest.cpp:526',
    );
  }

  /** Content already in the cache: CAS finds it and adds a reference. */
  fromCache(t: number, p: SoftDistProgram, sizeKb: number, folder: number): number {
    const content = `${p.packageId}.${p.version}`;
    this.cas(t, `CDownloadManager::RequestDownload ${content}.System`, 'downloadmanager.cpp:1106');
    this.cas(
      (t += this.w.rng.int(5, 40)),
      `===== CacheManager: Checking if content ${content} is in the cache. =====`,
      'cachemanager.cpp:866',
    );
    this.cas(
      (t += this.w.rng.int(5, 40)),
      `===== CacheManager: Content ${content} of size (${sizeKb}K) was found in cache with an empty exclude file list.=====`,
      'cachemanager.cpp:899',
    );
    this.cas(
      (t += this.w.rng.int(5, 40)),
      `Saved Content ID Mapping ${content}, C:\\WINDOWS\\ccmcache\\${folder}`,
      'contentaccessservice.cpp:2011',
    );
    this.cas(
      (t += this.w.rng.int(5, 40)),
      `CacheManager: Content ${content} referenced by ${p.advertisement}, reference count 1`,
      'cachemanager.cpp:1402',
    );
    return t;
  }

  /**
   * Content not in the cache: CAS submits a CTM job, CTM locates a DP and starts a DTS job, DTS reports progress.
   * `progress` are the transferred byte counts DTS reports; the download completes when the last equals `bytes`.
   */
  download(
    t: number,
    p: SoftDistProgram,
    bytes: number,
    files: number,
    progress: readonly number[],
  ): { t: number; done: boolean } {
    const content = `${p.packageId}.${p.version}`;
    const ctmJob = this.w.rng.guid();
    const dtsJob = this.w.rng.guid();
    const request = this.w.rng.guid();
    const folder = this.cacheFolder++;
    const r = this.w.rng;
    this.cas(t, `CDownloadManager::RequestDownload ${content}.System`, 'downloadmanager.cpp:1106');
    this.cas(
      (t += r.int(5, 40)),
      `===== CacheManager: Checking if content ${content} is in the cache. =====`,
      'cachemanager.cpp:866',
    );
    this.cas(
      (t += r.int(5, 40)),
      `===== CacheManager: Content for ${content} was NOT found cache. =====`,
      'cachemanager.cpp:870',
    );
    this.cas(
      (t += r.int(10, 80)),
      `Submitted CTM job {${ctmJob}} to download Content ${content} under context System`,
      'downloadmanager.cpp:1284',
    );
    this.ctm(
      (t += r.int(10, 60)),
      `Attempting to create Location Request for PackageID='${p.packageId}' and Version='${p.version}'`,
      'ctmjob.cpp:1204',
    );
    this.ctm(
      (t += r.int(50, 300)),
      `Created and Sent Location Request '{${request}}' for package ${p.packageId}`,
      'ctmjob.cpp:1244',
    );
    this.ctm(
      (t += r.int(400, 2500)),
      `CTM job {${ctmJob}} entered phase CCM_DOWNLOADSTATUS_DOWNLOADING_DATA`,
      'ctmjob.cpp:2403',
    );
    this.cas(
      (t += r.int(5, 60)),
      `CacheManager: Target location for content ${content} is C:\\WINDOWS\\ccmcache\\${folder}`,
      'cachemanager.cpp:1573',
    );
    const url = `http://${DP}/SMS_DP_SMSPKG$/${p.packageId}`;
    this.ctm(
      (t += r.int(20, 200)),
      `CTM job {${ctmJob}} (corresponding DTS job {${dtsJob}}) started download from '${url}' for full content download.`,
      'ctmjob.cpp:2860',
    );
    this.dts(
      (t += r.int(10, 80)),
      `DTSJob {${dtsJob}} created to download from 'http://${DP}:80/SMS_DP_SMSPKG$/${p.packageId}' to 'C:\\WINDOWS\\ccmcache\\${folder}'.`,
      'dtsjob.cpp:1084',
    );
    this.cas((t += r.int(10, 80)), `Download started for content ${content}`, 'contentaccessservice.cpp:1698');
    let last = 0;
    for (const [i, sent] of progress.entries()) {
      t += i === 0 ? r.int(500, 3000) : r.int(2 * MIN, 6 * MIN);
      const doneFiles = sent >= bytes ? files : Math.floor((sent / bytes) * files);
      this.dts(
        t,
        `Job: {${dtsJob}}, Total Files: ${files}, Transferred Files: ${doneFiles}, Total Bytes: ${bytes}, Transferred Bytes: ${sent}`,
        'dtsjob.cpp:2566',
      );
      last = sent;
    }
    if (last < bytes) {
      return { t, done: false };
    }
    this.dts((t += r.int(50, 400)), `DTSJob {${dtsJob}} successfully completed download.`, 'dtsjob.cpp:2755');
    this.ctm(
      (t += r.int(20, 200)),
      `CTM job {${ctmJob}} successfully processed download completion.`,
      'ctmjob.cpp:3090',
    );
    this.cas(
      (t += r.int(20, 200)),
      `Download completed for content ${content} under context System`,
      'contentaccessservice.cpp:1760',
    );
    this.cas(
      (t += r.int(5, 60)),
      `Saved Content ID Mapping ${content}, C:\\WINDOWS\\ccmcache\\${folder}`,
      'contentaccessservice.cpp:2011',
    );
    this.cas(
      (t += r.int(5, 60)),
      `CacheManager: Content ${content} referenced by ${p.advertisement}, reference count 1`,
      'cachemanager.cpp:1402',
    );
    return { t, done: true };
  }

  /** One run of the program: Ready → Running → exit. Returns the end instant. */
  run(
    t: number,
    p: SoftDistProgram,
    from: 'WaitingContent' | 'WaitingRetry',
    exitCode: number,
    retryable: boolean,
  ): number {
    const r = this.w.rng;
    const h = this.h;
    const pid = r.int(1000, 9000) * 4;
    const userContext = p.userAccount ?? 'NT AUTHORITY\\SYSTEM';
    const context = p.userSid === undefined ? 'Admin' : 'User';
    const common = (cls: string, extra: ReadonlyArray<readonly [string, string | number]>): string =>
      wmiEvent(cls, [
        ['AdvertisementId', p.advertisement],
        ['ClientID', `GUID:${this.c.clientId}`],
        ['DateTime', dmtfUtc(h.utc(t))],
        ...extra,
        ['MachineName', h.name],
        ['PackageName', p.packageId],
        ['ProgramName', p.program],
        ['SiteCode', this.w.siteCode],
        ['UserContext', userContext.replace(/\\/g, '\\\\')],
      ]);
    this.state(t, p, from, 'Ready');
    this.exec(
      (t += r.int(50, 400)),
      `Executing program ${p.commandLine} in ${context} context`,
      'executionrequest.cpp:3312',
    );
    this.exec(
      (t += r.int(100, 900)),
      common('SoftDistProgramStartedEvent', [
        ['CommandLine', p.commandLine.replace(/"/g, '\\"')],
        ['ProcessID', pid],
      ]),
      'event.cpp:729',
    );
    this.state((t += r.int(5, 50)), p, 'Ready', 'Running');
    t += r.int(20_000, 90_000);
    const ok = exitCode === 0 || exitCode === 3010;
    const type = ok ? 1 : 2;
    this.exec(t, `Program exit code ${exitCode}`, 'executioncontext.cpp:470', type);
    this.exec((t += r.int(5, 40)), 'Looking for MIF file to get program status', 'executionrequest.cpp:4301');
    this.exec(
      (t += r.int(5, 40)),
      `Script for Package:${p.packageId}, Program: ${p.program} ${ok ? 'succeeded' : 'failed'} with exit code ${exitCode}`,
      'executionrequest.cpp:4434',
      type,
    );
    this.exec(
      (t += r.int(5, 40)),
      common(ok ? 'SoftDistProgramCompletedSuccessfullyEvent' : 'SoftDistProgramErrorExitEvent', [
        ['ExitCode', exitCode],
      ]),
      'event.cpp:729',
    );
    this.exec(
      (t += r.int(5, 40)),
      `Raised Program ${ok ? 'Success' : 'Error'} Event for Ad:${p.advertisement}, Package:${p.packageId}, Program: ${p.program}`,
      'executioncontext.cpp:483',
      type,
    );
    const status = ok ? 'Success' : retryable ? 'FailureRetry' : 'FailureNonRetry';
    this.exec(
      (t += r.int(5, 40)),
      `Execution is complete for program ${p.program}. The exit code is ${exitCode}, the execution status is ${status}`,
      'execreqmgr.cpp:4238',
      type,
    );
    if (!ok && retryable) {
      this.state((t += r.int(5, 40)), p, 'Running', 'WaitingRetry');
    }
    return t;
  }

  /** Grooming: a content whose last reference went away. */
  tombstone(t: number, packageId: string, version: number, sizeKb: number): void {
    const content = `${packageId}.${version}`;
    this.cas(
      t,
      `===== CacheManager: Content ${content} of size (${sizeKb}K) was found in cache with an empty exclude file list.=====`,
      'cachemanager.cpp:899',
    );
    this.cas(
      t + this.w.rng.int(20, 200),
      `CacheManager: All references to cached Content ${content} have been removed, content is tombstoned and may be removed during future grooming operations.`,
      'cachemanager.cpp:1488',
    );
  }
}

/** One inventory action as InventoryAgent runs it; returns the end instant. */
export function inventoryCycle(
  w: World,
  c: Client,
  t: number,
  action: {
    id: string;
    name: string;
    report: string;
    major: number;
    minor: number;
    endpoint: string;
    classes: readonly string[];
  },
): number {
  const h = c.host;
  const r = w.rng;
  const L = 'InventoryAgent';
  const thread = `InventoryAgent#${action.id}`;
  const line = (x: number, msg: string, src: string): void => h.ccm(x, L, L, src, msg, { thread });
  line(
    t,
    'Inventory: *********************** Start of message processing. ***********************',
    'agentendpoint.cpp:2023',
  );
  line((t += r.int(5, 40)), 'Inventory: Message type is InventoryAction', 'agentendpoint.cpp:2115');
  line(
    (t += r.int(5, 40)),
    'Inventory: Temp directory = C:\\WINDOWS\\CCM\\Inventory\\Temp\\',
    'agentendpoint.cpp:2138',
  );
  line((t += r.int(5, 40)), 'Inventory: Clearing old collected files.', 'agentendpoint.cpp:2170');
  line((t += r.int(5, 60)), `Inventory: Opening store for action {${action.id}} ...`, 'agentendpoint.cpp:2240');
  for (const cls of action.classes) {
    line(
      (t += r.int(50, 900)),
      `Collection: Namespace = \\\\localhost\\root\\ccm\\invagt; Query = SELECT __CLASS, __PATH, __RELPATH FROM ${cls}; Timeout = 600 secs.`,
      'collectiontask.cpp:478',
    );
  }
  const secs = (r.int(400, 9000) / 1000).toFixed(3);
  line(
    (t += r.int(400, 6000)),
    `Inventory: Collection Task completed in ${secs} seconds, 0 Errors.`,
    'collectiontask.cpp:316',
  );
  line(
    (t += r.int(20, 200)),
    `Inventory: Action=${action.name}, ReportType=${action.report}, MajorVersion=${action.major}, MinorVersion=${action.minor}`,
    'agentendpoint.cpp:1480',
  );
  line(
    (t += r.int(100, 900)),
    `Inventory: Successfully sent report. Destination:mp:${action.endpoint}, ID: {${r.guid()}}, Timeout: 80640 minutes MsgMode: Signed, Not Encrypted`,
    'agentendpoint.cpp:1532',
  );
  line(
    (t += r.int(10, 80)),
    `Inventory: Cycle completed in ${(Number(secs) + 0.4).toFixed(3)} seconds`,
    'agentendpoint.cpp:2357',
  );
  line(
    (t += r.int(5, 40)),
    'Inventory: ************************ End of message processing. ************************',
    'agentendpoint.cpp:2380',
  );
  return t;
}

export const INVENTORY_CYCLES = [
  {
    id: '00000000-0000-0000-0000-000000000003',
    name: 'Discovery',
    report: 'Full',
    major: 1,
    minor: 0,
    endpoint: 'MP_DdrEndpoint',
    classes: [
      'CCM_DiscoveryData',
      'CCM_NetworkAdapterConfiguration',
      'CCM_ExtNetworkAdapterConfiguration',
      'Win32_ComputerSystem',
    ],
  },
  {
    id: '00000000-0000-0000-0000-000000000001',
    name: 'Hardware',
    report: 'Delta',
    major: 14,
    minor: 3,
    endpoint: 'MP_HinvEndpoint',
    classes: ['Win32_OperatingSystem', 'Win32_Processor', 'Win32Reg_AddRemovePrograms64'],
  },
  {
    id: '00000000-0000-0000-0000-000000000002',
    name: 'Software',
    report: 'Delta',
    major: 7,
    minor: 2,
    endpoint: 'MP_SinvEndpoint',
    classes: ['CCM_SoftwareFile'],
  },
  {
    id: '00000000-0000-0000-0000-000000000010',
    name: 'File Collection',
    report: 'Full',
    major: 3,
    minor: 0,
    endpoint: 'MP_SinvEndpoint',
    classes: ['CCM_CollectedFile'],
  },
  {
    id: '00000000-0000-0000-0000-000000000011',
    name: 'IDMIF Collection',
    report: 'Delta',
    major: 1,
    minor: 4,
    endpoint: 'MP_HinvEndpoint',
    classes: ['CCM_IDMIFData'],
  },
] as const;

export interface MeteringRule {
  readonly ruleId: string;
  readonly fileName: string;
  readonly originalFileName: string;
  readonly fileVersion: string;
  readonly languageId: number;
}

/** mtrmgr receives its rules, matches a running process, SWMTRReportGen writes the usage report. */
export function meteringActivity(w: World, c: Client, t: number, rules: readonly MeteringRule[]): number {
  const h = c.host;
  const r = w.rng;
  for (const rule of rules) {
    h.ccm(
      (t += r.int(5, 80)),
      'mtrmgr',
      'mtrmgr',
      'mtrmgr.cpp:1102',
      `Metering rule ${rule.ruleId}: FileName=${rule.fileName}, OriginalFileName=${rule.originalFileName}, FileVersion=${rule.fileVersion}, LanguageID=${rule.languageId}`,
    );
  }
  const first = rules[0];
  if (first !== undefined) {
    const pid = r.int(1000, 9000) * 4;
    h.ccm(
      (t += r.int(5 * MIN, 12 * MIN)),
      'mtrmgr',
      'mtrmgr',
      'mtrmgr.cpp:2240',
      `Process ID ${pid} is for process C:\\Program Files\\Microsoft Office\\root\\Office16\\${first.fileName}`,
    );
    h.ccm(
      (t += r.int(5, 80)),
      'mtrmgr',
      'mtrmgr',
      'mtrmgr.cpp:2311',
      `Found match against rule ${first.ruleId} for process ${pid}`,
    );
  }
  h.ccm(
    (t += r.int(2 * MIN, 6 * MIN)),
    'SWMTRReportGen',
    'SWMTRReportGen',
    'swmtrreportgen.cpp:388',
    `Generated metering report for ${rules.length} rules in C:\\WINDOWS\\CCM\\MeterData\\{${r.guid()}}.xml`,
  );
  return t;
}

/** One ccmsetup run in `Windows\ccmsetup\Logs\ccmsetup.log`; `failure` makes the MSI fail with 1603. */
export function ccmsetupRun(w: World, h: Host, t: number, failure: boolean, args: string): number {
  const r = w.rng;
  const dir = 'Windows/ccmsetup/Logs';
  const line = (x: number, msg: string, src: string, type: 1 | 2 | 3 = 1): void =>
    h.ccmIn(dir, x, 'ccmsetup', 'ccmsetup', src, msg, { type });
  const pid = r.int(500, 2000) * 4;
  line(t, `==========[ ccmsetup started in process ${pid} ]==========`, 'ccmsetup.cpp:11113');
  line(
    (t += r.int(5, 60)),
    `Running on 'Microsoft Windows 10 Enterprise' (10.0.19045). Service Pack (0.0). SuiteMask = 272. Product Type = 18`,
    'util.cpp:1818',
  );
  line(
    (t += r.int(5, 60)),
    `Ccmsetup command line: "C:\\WINDOWS\\ccmsetup\\ccmsetup.exe" ${args}`,
    'ccmsetup.cpp:11161',
  );
  line((t += r.int(5, 60)), 'Version: 5.0.9128.1000', 'ccmsetup.cpp:11205');
  line((t += r.int(200, 2000)), 'Successfully created the ccmsetup service', 'ccmsetup.cpp:2853');
  line((t += r.int(2000, 9000)), 'Downloading file C:\\WINDOWS\\ccmsetup\\client.msi', 'ccmsetup.cpp:9730');
  line((t += r.int(8000, 40_000)), 'Download complete.', 'ccmsetup.cpp:9876');
  line(
    (t += r.int(500, 3000)),
    `Installing version 5.00.9128.1000 of the client with product code {${r.guid()}}`,
    'msiinstall.cpp:503',
  );
  t += r.int(3 * MIN, 7 * MIN);
  if (failure) {
    line(t, 'Installation failed with error code 1603', 'msiinstall.cpp:600', 3);
    line((t += r.int(100, 900)), 'CcmSetup failed with error code 0x80070643', 'ccmsetup.cpp:11583', 3);
  } else {
    line(t, 'Installation succeeded.', 'msiinstall.cpp:593');
    line((t += r.int(500, 4000)), 'CcmSetup is exiting with return code 0', 'ccmsetup.cpp:11583');
  }
  return t;
}
