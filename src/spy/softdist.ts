// Client Spy's four software distribution tabs, rebuilt from execmgr.log (requests, states, runs), CAS.log
// (the cache), ContentTransferManager.log + DataTransferService.log (downloads) and Scheduler.log (mandatory
// schedules). One pass over a client's records builds a `SoftDistModel`; each tab draws a part of it.

import { localReading, toUtc, formatUtc } from '../parsers/time.ts';
import type { UtcInstant } from '../parsers/time.ts';
import type { SpyHost, SpyNode, SpyRecord } from './model.ts';
import { baseName, fact, group, last, missingFrom, unknown, utcText } from './model.ts';

export const SYSTEM_USER = 'System';

interface ProgramRun {
  readonly started: SpyRecord;
  context?: SpyRecord;
  exit?: SpyRecord;
  complete?: SpyRecord;
  exitCode?: number;
  status?: string;
}

interface ExecutionRequest {
  readonly key: string;
  advertisement: string | undefined;
  readonly packageId: string;
  readonly program: string;
  user: string;
  created?: SpyRecord;
  mandatory?: boolean;
  readonly states: SpyRecord[];
  readonly runs: ProgramRun[];
  contentRequest?: SpyRecord;
  version?: number;
}

interface Offer {
  readonly advertisement: string | undefined;
  readonly packageId: string;
  readonly program: string;
  readonly user: string;
  readonly packageName?: string;
  readonly record: SpyRecord;
  readonly named?: SpyRecord;
}

interface Schedule {
  readonly id: string;
  readonly advertisement: string | undefined;
  readonly packageId: string | undefined;
  readonly token: string;
  /** Latest evaluation: next occurrence (UTC) or none. */
  next: UtcInstant | undefined;
  nextUnreadable: boolean;
  record: SpyRecord;
}

interface CacheContent {
  readonly content: string;
  readonly packageId: string;
  readonly version: number;
  readonly records: SpyRecord[];
  folder?: SpyRecord;
  sizeKb?: number;
  sizeRecord?: SpyRecord;
  references?: number;
  referenceRecord?: SpyRecord;
  tombstoned?: SpyRecord;
  ctmJob?: string;
  downloadStarted?: SpyRecord;
  downloadCompleted?: SpyRecord;
}

interface DtsJob {
  progress?: SpyRecord;
  completed?: SpyRecord;
}

export interface SoftDistModel {
  readonly host: SpyHost;
  readonly requests: ExecutionRequest[];
  readonly offers: Offer[];
  readonly schedules: Map<string, Schedule>;
  readonly contents: Map<string, CacheContent>;
  readonly packageNames: Map<string, { name: string; record: SpyRecord }>;
  readonly dtsJobs: Map<string, DtsJob>;
  /** CTM job → DTS job. */
  readonly ctmToDts: Map<string, { dts: string; record: SpyRecord }>;
  cacheConfig?: SpyRecord;
  /** The host's last record: "now" for a bundle (when its logs were collected). */
  readonly end: UtcInstant | undefined;
}

/**
 * The user a record names: a SID, `System`, or undefined when it names an account (`CONTOSO\\jdoe`, as the
 * program events' UserContext does) that cannot be told from a SID without the logs saying so.
 */
function userOf(f: SpyRecord['fields']): string | undefined {
  const u = f.user;
  if (u === undefined || /^NT AUTHORITY\\SYSTEM$/i.test(u) || /^system$/i.test(u)) {
    return SYSTEM_USER;
  }
  return /^S-1-/.test(u) ? u : undefined;
}

export function buildSoftDistModel(host: SpyHost): SoftDistModel {
  const m: SoftDistModel = {
    host,
    requests: [],
    offers: [],
    schedules: new Map(),
    contents: new Map(),
    packageNames: new Map(),
    dtsJobs: new Map(),
    ctmToDts: new Map(),
    end: last(host.records.filter((r) => r.utc !== undefined))?.utc,
  };
  const requestFor = (
    adv: string | undefined,
    pkg: string,
    program: string,
    user: string | undefined,
  ): ExecutionRequest => {
    // An advertisement names one request per program and user; records without the advertisement (the
    // exit-code lines) or with an account instead of a SID find the request by package and program.
    let req = [...m.requests]
      .reverse()
      .find(
        (r) =>
          r.packageId === pkg &&
          r.program === program &&
          (adv === undefined || r.advertisement === undefined || r.advertisement === adv) &&
          (user === undefined || r.user === user),
      );
    if (req === undefined) {
      const who = user ?? SYSTEM_USER;
      req = {
        key: `${adv ?? ''}|${pkg}|${program}|${who}`,
        advertisement: adv,
        packageId: pkg,
        program,
        user: who,
        states: [],
        runs: [],
      };
      m.requests.push(req);
    }
    req.advertisement ??= adv;
    return req;
  };
  /** The run of a program that is waiting for its exit (execmgr names only the program there). */
  const openRun = (program: string): { req: ExecutionRequest; run: ProgramRun } | undefined => {
    for (let i = m.requests.length - 1; i >= 0; i--) {
      const req = m.requests[i]!;
      const run = last(req.runs);
      if (req.program === program && run !== undefined && run.complete === undefined) {
        return { req, run };
      }
    }
    return undefined;
  };
  const content = (pkg: string, version: number): CacheContent => {
    const key = `${pkg}.${version}`;
    let c = m.contents.get(key);
    if (c === undefined) {
      c = { content: key, packageId: pkg, version, records: [] };
      m.contents.set(key, c);
    }
    return c;
  };
  let pendingContext: SpyRecord | undefined;
  for (const r of host.records) {
    const f = r.fields;
    const pkg = f.packageId;
    switch (f.event) {
      case 'Execmgr.policyArrived':
      case 'Execmgr.advertisementOffered':
        if (pkg !== undefined && f.programName !== undefined) {
          const named = f.packageName === undefined ? undefined : r;
          m.offers.push({
            advertisement: f.advertisement,
            packageId: pkg,
            program: f.programName,
            user: userOf(f) ?? SYSTEM_USER,
            ...(f.packageName === undefined ? {} : { packageName: f.packageName }),
            record: r,
            ...(named === undefined ? {} : { named }),
          });
          if (f.packageName !== undefined) {
            m.packageNames.set(pkg, { name: f.packageName, record: r });
          }
        }
        break;
      case 'Execmgr.mandatoryRequest':
      case 'Execmgr.optionalRequest':
        if (pkg !== undefined && f.programName !== undefined) {
          const req = requestFor(f.advertisement, pkg, f.programName, userOf(f));
          req.created = r;
          req.mandatory = f.event === 'Execmgr.mandatoryRequest';
        }
        break;
      case 'Execmgr.stateChange':
        if (pkg !== undefined && f.programName !== undefined) {
          requestFor(f.advertisement, pkg, f.programName, userOf(f)).states.push(r);
        }
        break;
      case 'Execmgr.requestingContent':
        if (pkg !== undefined) {
          const req = [...m.requests].reverse().find((q) => q.packageId === pkg);
          if (req !== undefined) {
            req.contentRequest = r;
            if (f.contentVersion !== undefined) {
              req.version = f.contentVersion;
            }
          }
        }
        break;
      case 'Execmgr.executingProgram':
        pendingContext = r;
        break;
      case 'Execmgr.programStarted':
        if (pkg !== undefined && f.programName !== undefined) {
          const req = requestFor(f.advertisement, pkg, f.programName, userOf(f));
          req.runs.push({ started: r, ...(pendingContext === undefined ? {} : { context: pendingContext }) });
          pendingContext = undefined;
        }
        break;
      case 'Execmgr.exitCode': {
        // The program is not named: it belongs to the run that has started and not finished, the latest first.
        const open = [...m.requests].reverse().map((q) => ({ q, run: last(q.runs) }));
        const hit = open.find((o) => o.run !== undefined && o.run.exit === undefined);
        if (hit?.run !== undefined) {
          hit.run.exit = r;
          if (hit.run.exitCode === undefined && f.exitCode !== undefined) {
            hit.run.exitCode = f.exitCode;
          }
        }
        break;
      }
      case 'Execmgr.executionComplete':
        if (f.programName !== undefined) {
          const hit = openRun(f.programName);
          if (hit !== undefined) {
            hit.run.complete = r;
            if (f.exitCode !== undefined) {
              hit.run.exitCode = f.exitCode;
            }
            if (f.executionStatus !== undefined) {
              hit.run.status = f.executionStatus;
            }
          }
        }
        break;
      case 'Scheduler.nextOccurrence':
      case 'Scheduler.noMoreOccurrences':
        if (f.scheduleId !== undefined) {
          const next = f.event === 'Scheduler.nextOccurrence' ? scheduledUtc(r) : undefined;
          const s = m.schedules.get(f.scheduleId) ?? {
            id: f.scheduleId,
            advertisement: f.advertisement,
            packageId: pkg,
            token: f.scheduleToken ?? '',
            next: undefined,
            nextUnreadable: false,
            record: r,
          };
          s.next = next;
          s.nextUnreadable = f.event === 'Scheduler.nextOccurrence' && next === undefined;
          s.record = r;
          m.schedules.set(f.scheduleId, s);
        }
        break;
      case 'CAS.cacheConfig':
        m.cacheConfig = r;
        break;
      case 'CAS.foundInCache':
      case 'CAS.contentMapped':
      case 'CAS.targetLocation':
      case 'CAS.referenced':
      case 'CAS.tombstoned':
      case 'CAS.ctmJobSubmitted':
      case 'CAS.downloadStarted':
      case 'CAS.downloadCompleted':
      case 'CAS.notInCache':
        if (pkg !== undefined && f.contentVersion !== undefined) {
          const c = content(pkg, f.contentVersion);
          c.records.push(r);
          if (f.event === 'CAS.foundInCache' && f.sizeKb !== undefined) {
            c.sizeKb = f.sizeKb;
            c.sizeRecord = r;
          } else if (f.event === 'CAS.contentMapped' || f.event === 'CAS.targetLocation') {
            c.folder = r;
          } else if (f.event === 'CAS.referenced' && f.count !== undefined) {
            c.references = f.count;
            c.referenceRecord = r;
            delete c.tombstoned;
          } else if (f.event === 'CAS.tombstoned') {
            c.tombstoned = r;
            c.references = 0;
            c.referenceRecord = r;
          } else if (f.event === 'CAS.ctmJobSubmitted' && f.job !== undefined) {
            c.ctmJob = f.job;
          } else if (f.event === 'CAS.downloadStarted') {
            c.downloadStarted = r;
          } else if (f.event === 'CAS.downloadCompleted') {
            c.downloadCompleted = r;
          }
        }
        break;
      case 'CTM.downloadStarted':
        if (f.job !== undefined && f.dtsJob !== undefined) {
          m.ctmToDts.set(f.job, { dts: f.dtsJob, record: r });
        }
        break;
      case 'DTS.progress':
      case 'DTS.completed':
        if (f.dtsJob !== undefined) {
          const job = m.dtsJobs.get(f.dtsJob) ?? {};
          if (f.event === 'DTS.progress') {
            job.progress = r;
          } else {
            job.completed = r;
          }
          m.dtsJobs.set(f.dtsJob, job);
        }
        break;
      default:
        break;
    }
  }
  return m;
}

const SCHEDULE_TIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/** A Scheduler time is host-local: the record's own bias turns it into UTC. */
function scheduledUtc(r: SpyRecord): UtcInstant | undefined {
  const m = SCHEDULE_TIME.exec(r.fields.localTimeText ?? '');
  if (m === null || r.biasMinutes === undefined) {
    return undefined;
  }
  const local = localReading(Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), 0);
  return Number.isFinite(local) ? toUtc(local, r.biasMinutes) : undefined;
}

/** What an installer exit code means, for the codes software distribution meets most. */
const EXIT_CODES: Readonly<Record<number, string>> = {
  0: 'success',
  1602: 'ERROR_INSTALL_USEREXIT: the user cancelled installation',
  1603: 'ERROR_INSTALL_FAILURE: fatal error during installation',
  1618: 'ERROR_INSTALL_ALREADY_RUNNING: another installation is already in progress',
  1619: 'ERROR_INSTALL_PACKAGE_OPEN_FAILED: the installation package could not be opened',
  1641: 'ERROR_SUCCESS_REBOOT_INITIATED: the installer has started a reboot',
  3010: 'ERROR_SUCCESS_REBOOT_REQUIRED: a restart is required to complete the install',
};

export function exitCodeMeaning(code: number): string {
  return EXIT_CODES[code] ?? 'not a Windows Installer code CMFlow knows: see the program’s own documentation';
}

/** A failed run's exit code and its meaning, as Client Spy shows them under a program. */
function failureFacts(
  code: number | undefined,
  exit: SpyRecord | undefined,
  complete: SpyRecord | undefined,
): SpyNode[] {
  return [
    fact('Failure code', code === undefined ? undefined : String(code), [exit, complete], { state: 'error' }),
    fact('Failure reason', code === undefined ? undefined : exitCodeMeaning(code), [complete], { state: 'error' }),
  ];
}

function packageNameNode(m: SoftDistModel, pkg: string): SpyNode {
  const named = m.packageNames.get(pkg);
  return named === undefined
    ? unknown('Package name', missingFrom(m.host, 'execmgr.log', `the name of package ${pkg} (no record names it)`))
    : fact('Package name', named.name, [named.record]);
}

function currentState(req: ExecutionRequest): { state: string; record: SpyRecord | undefined } {
  const lastState = last(req.states);
  const run = last(req.runs);
  if (run?.complete !== undefined && run.status === 'Success' && (lastState?.utc ?? 0) <= (run.complete.utc ?? 0)) {
    return { state: 'Completed', record: run.complete };
  }
  return { state: lastState?.fields.toState ?? 'unknown', record: lastState };
}

function historyState(req: ExecutionRequest): { state: string; record: SpyRecord | undefined } {
  const run = [...req.runs].reverse().find((x) => x.complete !== undefined || x.exit !== undefined);
  if (run === undefined) {
    return { state: 'NotRun', record: undefined };
  }
  const ok = run.status === 'Success' || (run.status === undefined && run.exitCode === 0);
  return { state: ok ? 'Success' : 'Failure', record: run.complete ?? run.exit };
}

function contentAccessNode(m: SoftDistModel, req: ExecutionRequest): SpyNode {
  const version = req.version;
  const c = version === undefined ? undefined : m.contents.get(`${req.packageId}.${version}`);
  if (c === undefined) {
    return req.contentRequest === undefined
      ? unknown('Content access', missingFrom(m.host, 'execmgr.log', `a content request for ${req.packageId}`))
      : unknown(
          'Content access',
          missingFrom(m.host, 'CAS.log', `what happened to content ${req.packageId}.${version ?? '?'}`),
        );
  }
  if (c.downloadCompleted !== undefined || c.sizeRecord !== undefined) {
    return fact('Content access', `in cache (${c.folder?.fields.path ?? 'folder not logged'})`, [
      c.downloadCompleted ?? c.sizeRecord,
      c.folder,
    ]);
  }
  if (c.downloadStarted !== undefined) {
    return fact('Content access', 'downloading', [c.downloadStarted], { state: 'warning' });
  }
  return fact('Content access', 'waiting for content', [last(c.records)], { state: 'warning' });
}

function downloadOf(m: SoftDistModel, c: CacheContent): { dts?: DtsJob; link?: SpyRecord } {
  const link = c.ctmJob === undefined ? undefined : m.ctmToDts.get(c.ctmJob);
  const dts = link === undefined ? undefined : m.dtsJobs.get(link.dts);
  return { ...(dts === undefined ? {} : { dts }), ...(link === undefined ? {} : { link: link.record }) };
}

function bytesNode(m: SoftDistModel, req: ExecutionRequest): SpyNode | undefined {
  const c = req.version === undefined ? undefined : m.contents.get(`${req.packageId}.${req.version}`);
  if (c?.ctmJob === undefined) {
    return undefined;
  }
  const { dts, link } = downloadOf(m, c);
  const p = dts?.progress?.fields;
  if (dts?.progress === undefined || p?.transferredBytes === undefined) {
    return unknown('Bytes downloaded', missingFrom(m.host, 'DataTransferService.log', `the progress of ${c.content}`));
  }
  return fact('Bytes downloaded', `${p.transferredBytes} of ${p.totalBytes ?? '?'}`, [dts.progress, link], {
    description: `${p.transferredFiles ?? '?'} of ${p.totalFiles ?? '?'} files`,
  });
}

function userLabel(user: string): string {
  return user;
}

export function executionRequestsTab(m: SoftDistModel): SpyNode[] {
  if (m.requests.length === 0) {
    return [unknown('Execution requests', missingFrom(m.host, 'execmgr.log', 'execution requests'))];
  }
  return m.requests.map((req) => {
    const { state, record: stateRecord } = currentState(req);
    const history = historyState(req);
    const run = last(req.runs);
    const failed = last(req.runs.filter((x) => x.status !== undefined && x.status !== 'Success'));
    const retries = req.runs.filter((x) => x.status === 'FailureRetry').length;
    const children: SpyNode[] = [
      fact('Program name', req.program, [req.created ?? req.states[0]]),
      fact('Package ID', req.packageId, [req.created ?? req.states[0]]),
      packageNameNode(m, req.packageId),
      req.created === undefined
        ? unknown(
            'Request creation time',
            missingFrom(
              m.host,
              'execmgr.log',
              `when the request for ${req.advertisement ?? req.packageId} was created`,
            ),
          )
        : fact('Request creation time', utcText(req.created), [req.created], {
            description: req.mandatory === true ? 'mandatory' : 'requested (not mandatory)',
          }),
      fact('State', state, [stateRecord], { state: state === 'WaitingRetry' ? 'warning' : 'ok' }),
      fact('Running state', state === 'Running' ? 'Running' : 'Not running', [stateRecord]),
      run?.context === undefined
        ? unknown('Execution context', missingFrom(m.host, 'execmgr.log', 'the context until the program runs'))
        : fact('Execution context', run.context.fields.executionContext, [run.context]),
      fact('History state', history.state, [history.record ?? stateRecord ?? req.created], {
        state: history.state === 'Failure' ? 'error' : 'ok',
      }),
      run === undefined
        ? fact('Last run time', 'Never', [stateRecord])
        : fact('Last run time', utcText(run.started), [run.started]),
      fact(
        'Retry count',
        String(retries),
        failed?.complete === undefined ? [stateRecord ?? req.created] : [failed.complete],
      ),
      contentAccessNode(m, req),
    ];
    if (state === 'WaitingRetry' && failed !== undefined) {
      children.push(...failureFacts(failed.exitCode, failed.exit, failed.complete));
    }
    const bytes = bytesNode(m, req);
    if (bytes !== undefined) {
      children.push(bytes);
    }
    const nodeState = history.state === 'Failure' || state.startsWith('Waiting') ? 'warning' : 'ok';
    return fact(
      `${req.advertisement ?? '(no advertisement)'}  ${req.packageId}  ${req.program}`,
      userLabel(req.user),
      [req.created],
      {
        description: state,
        state: nodeState,
        children,
      },
    );
  });
}

export function historyTab(m: SoftDistModel): SpyNode[] {
  const ran = m.requests.filter((r) => r.runs.length > 0);
  if (ran.length === 0) {
    return [unknown('History', missingFrom(m.host, 'execmgr.log', 'program runs'))];
  }
  const users = [...new Set(ran.map((r) => r.user))].sort((a, b) =>
    a === SYSTEM_USER ? -1 : b === SYSTEM_USER ? 1 : a < b ? -1 : 1,
  );
  return users.map((user) => {
    const packages = [...new Set(ran.filter((r) => r.user === user).map((r) => r.packageId))];
    return group(
      user,
      packages.map((pkg) => {
        const named = m.packageNames.get(pkg);
        const programs = ran.filter((r) => r.user === user && r.packageId === pkg);
        return fact(pkg, named?.name ?? '[name not in any record]', [named?.record], {
          children: programs.map((req) => {
            const h = historyState(req);
            const run = last(req.runs)!;
            const failed = h.state === 'Failure';
            const kids: SpyNode[] = [
              fact('Run state', h.state, [h.record], { state: failed ? 'error' : 'ok' }),
              fact('Last run time', utcText(run.started), [run.started]),
            ];
            if (failed) {
              kids.push(...failureFacts(run.exitCode, run.exit, run.complete));
            }
            return fact(req.program, h.state, [h.record], { state: failed ? 'error' : 'ok', children: kids });
          }),
        });
      }),
    );
  });
}

function kb(bytes: number): number {
  return Math.round(bytes / 1024);
}

export function cacheTab(m: SoftDistModel): SpyNode[] {
  const cached: SpyNode[] = [];
  const downloading: SpyNode[] = [];
  let inUseKb = 0;
  let inUseRecords: SpyRecord[] = [];
  let sizesKnown = true;
  for (const c of m.contents.values()) {
    const { dts, link } = downloadOf(m, c);
    const isDownloading =
      c.downloadStarted !== undefined && c.downloadCompleted === undefined && dts?.completed === undefined;
    const completedBytes = dts?.completed !== undefined ? dts.progress?.fields.totalBytes : undefined;
    const sizeKb = c.sizeKb ?? (completedBytes === undefined ? undefined : kb(completedBytes));
    const sizeRecords = c.sizeKb !== undefined ? [c.sizeRecord] : [dts?.progress, link];
    if (!isDownloading && c.downloadCompleted === undefined && c.sizeRecord === undefined) {
      continue; // looked up, never in the cache
    }
    const named = m.packageNames.get(c.packageId);
    const lastUse = last(c.records.filter((r) => r.fields.event !== 'CAS.notInCache'));
    const children: SpyNode[] = [
      c.folder === undefined
        ? unknown('Folder', missingFrom(m.host, 'CAS.log', `the folder of ${c.content}`))
        : fact('Folder', c.folder.fields.path, [c.folder]),
      fact(
        'State',
        isDownloading ? 'Downloading' : c.tombstoned !== undefined ? 'Tombstoned (no references)' : 'Cached',
        [isDownloading ? c.downloadStarted : (c.tombstoned ?? c.downloadCompleted ?? c.sizeRecord)],
        { state: isDownloading ? 'warning' : 'ok' },
      ),
      fact('Package ID', c.packageId, [c.records[0]]),
      named === undefined
        ? unknown('Name', missingFrom(m.host, 'execmgr.log', `the name of package ${c.packageId} (no record names it)`))
        : fact('Name', named.name, [named.record]),
      fact('Version', String(c.version), [c.records[0]]),
    ];
    if (isDownloading) {
      const p = dts?.progress?.fields;
      children.push(
        p?.totalBytes === undefined
          ? unknown('Size', missingFrom(m.host, 'DataTransferService.log', `the size of ${c.content}`))
          : fact('Size', `${kb(p.totalBytes)} KB`, [dts?.progress]),
        p?.transferredBytes === undefined
          ? unknown(
              'Kilobytes downloaded',
              missingFrom(m.host, 'DataTransferService.log', `the progress of ${c.content}`),
            )
          : fact('Kilobytes downloaded', `${kb(p.transferredBytes)} KB`, [dts?.progress, link], {
              description: `${p.transferredFiles ?? '?'} of ${p.totalFiles ?? '?'} files at the last progress report`,
            }),
      );
    } else {
      children.push(
        sizeKb === undefined
          ? unknown('Size', missingFrom(m.host, 'CAS.log', `the size of ${c.content}`))
          : fact('Size', `${sizeKb} KB`, sizeRecords),
      );
      if (sizeKb === undefined) {
        sizesKnown = false;
      } else if (c.tombstoned === undefined) {
        inUseKb += sizeKb;
        inUseRecords = [...inUseRecords, ...sizeRecords.filter((r): r is SpyRecord => r !== undefined)];
      }
    }
    children.push(
      c.references === undefined
        ? unknown('Reference count', missingFrom(m.host, 'CAS.log', `references to ${c.content}`))
        : fact('Reference count', String(c.references), [c.referenceRecord]),
      fact('Last referenced time (UTC)', utcText(lastUse), [lastUse], {
        description: 'the last CAS record that used the content',
      }),
    );
    const node = fact(c.content, named?.name, [c.records[0]], { children, state: isDownloading ? 'warning' : 'ok' });
    (isDownloading ? downloading : cached).push(node);
  }
  const cfg = m.cacheConfig;
  const sizeMb = cfg?.fields.cacheSizeMb;
  const config = group('Cache configuration', [
    cfg?.fields.path === undefined
      ? unknown('Location', missingFrom(m.host, 'CAS.log', 'the cache location'))
      : fact('Location', cfg.fields.path, [cfg]),
    sizeMb === undefined
      ? unknown('Size', missingFrom(m.host, 'CAS.log', 'the cache size'))
      : fact('Size', `${sizeMb} MB`, [cfg]),
    sizesKnown && (cfg !== undefined || m.contents.size > 0)
      ? fact('In use', `${(inUseKb / 1024).toFixed(1)} MB`, inUseRecords, {
          description: 'sum of the cached contents that still have references',
        })
      : unknown(
          'In use',
          m.contents.size === 0
            ? missingFrom(m.host, 'CAS.log', 'cached content')
            : 'the size of some cached content is not in CAS.log or DataTransferService.log',
        ),
  ]);
  return [
    config,
    group(
      'Cached items',
      cached.length > 0 ? cached : [unknown('Cached items', missingFrom(m.host, 'CAS.log', 'cached content'))],
    ),
    group(
      'Downloading items',
      // No download in a CAS.log means none; without CAS.log the logs cannot say.
      downloading.length > 0 || m.host.files.some((f) => /^cas(-\d+-\d+)?\.lo[g_]$/i.test(baseName(f)))
        ? downloading
        : [unknown('Downloading items', missingFrom(m.host, 'CAS.log', 'content downloads'))],
    ),
  ];
}

export function pendingTab(m: SoftDistModel): SpyNode[] {
  if (m.offers.length === 0 && m.schedules.size === 0) {
    return [unknown('Pending executions', missingFrom(m.host, 'execmgr.log', 'advertisement policies'))];
  }
  const users = new Map<string, { mandatory: SpyNode[]; optional: SpyNode[]; past: SpyNode[] }>();
  const slot = (user: string): { mandatory: SpyNode[]; optional: SpyNode[]; past: SpyNode[] } => {
    let s = users.get(user);
    if (s === undefined) {
      s = { mandatory: [], optional: [], past: [] };
      users.set(user, s);
    }
    return s;
  };
  const nameOf = (pkg: string | undefined): SpyNode => {
    const named = pkg === undefined ? undefined : m.packageNames.get(pkg);
    return named === undefined
      ? fact('Package', '[Package Name No Longer Available]', [], {
          state: 'unknown',
          description: `no record names package ${pkg ?? '?'}: its policy is gone or execmgr.log has rolled over`,
        })
      : fact('Package', `${pkg} ${named.name}`, [named.record]);
  };
  for (const s of m.schedules.values()) {
    const offer = m.offers.find((o) => o.packageId === s.packageId);
    const user = offer?.user ?? SYSTEM_USER;
    const future = s.next !== undefined && (m.end === undefined || s.next > m.end);
    const children = [
      fact('Advertisement ID', s.advertisement, [s.record]),
      nameOf(s.packageId),
      fact('Program', offer?.program, [offer?.record]),
      fact('Schedule', s.token, [s.record], { description: `schedule ${s.id}` }),
    ];
    if (s.nextUnreadable) {
      children.push(unknown('Next run time', 'Scheduler.log names a time this record’s bias cannot convert'));
    } else if (s.next !== undefined) {
      children.push(fact('Next run time (UTC)', formatUtc(s.next), [s.record]));
    }
    const node = fact(s.advertisement ?? s.id, undefined, [s.record], { children });
    (future ? slot(user).mandatory : slot(user).past).push(
      future ? node : { ...node, description: 'no future executions' },
    );
  }
  const seen = new Set<string>();
  for (const o of m.offers) {
    const key = `${o.packageId}|${o.program}|${o.user}`;
    // Mandatory ones are listed with their schedule; one entry per program and user.
    if (seen.has(key) || [...m.schedules.values()].some((s) => s.packageId === o.packageId)) {
      continue;
    }
    seen.add(key);
    const named = m.offers.find(
      (x) => x.packageId === o.packageId && x.program === o.program && x.advertisement !== undefined,
    );
    const adv =
      named?.advertisement ??
      m.requests.find((r) => r.packageId === o.packageId && r.program === o.program)?.advertisement;
    slot(o.user).optional.push(
      fact(adv ?? '(advertisement not named)', undefined, [o.record], {
        children: [
          adv === undefined
            ? unknown(
                'Advertisement ID',
                missingFrom(m.host, 'execmgr.log', `which advertisement offers ${o.packageId}`),
              )
            : fact('Advertisement ID', adv, [named?.record ?? o.record]),
          fact('Program', o.program, [o.record]),
          nameOf(o.packageId),
        ],
      }),
    );
  }
  return [...users.entries()]
    .sort(([a], [b]) => (a === SYSTEM_USER ? -1 : b === SYSTEM_USER ? 1 : a < b ? -1 : 1))
    .map(([user, s]) =>
      group(user, [
        group('Mandatory advertisements with future executions', s.mandatory),
        group('Optional advertisements', s.optional),
        group('Past mandatory advertisements with no future executions', s.past),
      ]),
    );
}
