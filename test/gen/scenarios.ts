// The software-update scan and state-message flow of configmgr-log-formats.md §6 and §8, written once as steps
// that every bundle (and the benchmark) composes: sync on the site server, policy on the client, scan job,
// WSUS location round trip through the MP, WUA search, compliance state messages, relay through the MP, file
// dispatch to the site server and State System processing. Steps take a TRUE instant and return the instant at
// which they finished; ids come from the world's seeded PRNG; failures are injected by parameters. Message
// texts are the reference's verbatim English texts wherever it has them; where it has none (ScanAgent
// completion, MPFDM failures, ...), they are written in the same components' style and listed in the README.

import { biasAt, dmtfUtc, fieldsOf, gmtDate, hmsColonMs, isoOffset, ymd } from './clock.ts';
import { CRLF } from './formats.ts';
import type { Prng } from './prng.ts';
import type { Client, Host, PeerClient, World } from './world.ts';

// --- shared constants -------------------------------------------------------------------------------------

/** The ServiceID WUA uses for a WSUS server it is managed by (fixed by Windows, not per site). */
export const WSUS_SERVICE_ID = '3DA21691-E39D-4DA6-8A4B-B43877BCB1B7';
export const SEARCH_CRITERIA = "(DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')";
const CLIENT_VERSION = '5.00.9128.1007';
const SITE_INBOXES = 'C:\\Program Files\\Microsoft Configuration Manager\\inboxes';
const MP_STATEMSG_OUTBOX = 'C:\\SMS\\mp\\outboxes\\StateMsg.box';
const SITE_STATESYS_INBOX = 'C:\\Program Files\\Microsoft Configuration Manager\\inboxes\\auth\\statesys.box\\incoming';

const braced = (g: string): string => `{${g}}`;
const lower = (g: string): string => g.toLowerCase();

/** Milliseconds between two steps of one component: the jitter real logs show. */
function gap(w: World, min: number, max: number): number {
  return w.rng.int(min, max);
}

// --- updates ------------------------------------------------------------------------------------------------

export interface UpdateInfo {
  /** WSUS update id, lower case without braces (as WUAHandler and UpdatesStore write it). */
  readonly id: string;
  readonly revision: number;
  /** Title including the `(KBnnnnnnn)` WUAHandler prints. */
  readonly title: string;
  readonly articleId: string;
  readonly productId: string;
  readonly installed: boolean;
}

interface CatalogEntry {
  readonly title: (month: string) => string;
  readonly kbBase: number;
  readonly product: 'windows' | 'dotnet' | 'msrt' | 'office';
}

const CATALOG: readonly CatalogEntry[] = [
  {
    title: (m) => `${m} Cumulative Update for Windows 10 Version 22H2 for x64-based Systems`,
    kbBase: 5049000,
    product: 'windows',
  },
  {
    title: (m) => `${m} Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 for x64`,
    kbBase: 5050100,
    product: 'dotnet',
  },
  { title: () => 'Windows Malicious Software Removal Tool x64 - v5.130', kbBase: 890830, product: 'msrt' },
  {
    title: (m) => `${m} Update for Windows 10 Version 22H2 for x64-based Systems`,
    kbBase: 5001700,
    product: 'windows',
  },
  {
    title: (m) => `${m} Security Update for Microsoft Office LTSC 2021 64-Bit Edition`,
    kbBase: 5002600,
    product: 'office',
  },
  {
    title: (m) => `${m} Servicing Stack Update for Windows 10 Version 22H2 for x64-based Systems`,
    kbBase: 5031500,
    product: 'windows',
  },
  {
    title: (m) => `${m} Dynamic Update for Windows 10 Version 22H2 for x64-based Systems`,
    kbBase: 5048100,
    product: 'windows',
  },
];

/** Product (category) ids per world, so that every client reports the same ProductID for Windows 10. */
function productId(w: World, product: CatalogEntry['product']): string {
  return lower(w.rng.fork(`product/${product}`).guid());
}

/**
 * `count` updates, the first `installed` of them already installed. Months count back from `month`
 * (`2025-01`), so older cumulative updates are the installed ones, as on a real machine.
 */
export function makeUpdates(w: World, count: number, installed: number, month: string): UpdateInfo[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const out: UpdateInfo[] = [];
  for (let i = 0; i < count; i++) {
    const entry = CATALOG[i % CATALOG.length] as CatalogEntry;
    const isInstalled = i < installed;
    const back = isInstalled ? 1 + Math.floor(i / CATALOG.length) : 0;
    const mm = (((m - 1 - back) % 12) + 12) % 12;
    const yy = y - (m - 1 - back < 0 ? 1 : 0);
    const label = `${yy}-${String(mm + 1).padStart(2, '0')}`;
    const kb = entry.product === 'msrt' ? entry.kbBase : entry.kbBase + w.rng.int(0, 999);
    out.push({
      id: lower(w.rng.guid()),
      revision: w.rng.pick([1, 100, 101, 104, 200, 201, 202]),
      title: `${entry.title(label)} (KB${kb})`,
      articleId: String(kb),
      productId: productId(w, entry.product),
      installed: isInstalled,
    });
  }
  return out;
}

// --- site server: sync creates the update source content version -----------------------------------------

function statmsg(w: World, site: Host, t: number, id: number, pid: number, tid: number): string {
  const istr = Array.from({ length: 10 }, (_, i) => `ISTR${i}=""`).join(' ');
  return (
    `STATMSG: ID=${id} SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=${site.fqdn} ` +
    `SITE=${w.siteCode} PID=${pid} TID=${tid} GMTDATE=${gmtDate(site.utc(t))} ${istr} NUMATTRS=0`
  );
}

const WSYNC = 'SMS_WSUS_SYNC_MANAGER';

/** Writes a line of the site's WSyncMgr.log. */
function wsyncLog(w: World): (t: number, msg: string, tilde?: 'none' | 'trailing') => void {
  return (t, msg, tilde = 'none') => w.site.sms(t, 'WSyncMgr', WSYNC, msg, { tilde });
}

/** The lines every scheduled sync starts with, from `t0`; returns the instant of the last. */
function syncStart(w: World, t0: number): number {
  const log = wsyncLog(w);
  let t = t0;
  log(t, 'Wakeup for a polling cycle', 'trailing');
  log((t += gap(w, 5, 40)), 'Starting Sync');
  log((t += gap(w, 5, 40)), 'Performing sync on schedule');
  return t;
}

export interface SyncOptions {
  readonly updateSource: string;
  readonly contentVersion: number;
  readonly itemsUpdated: number;
  readonly markPrefix?: string;
}

/**
 * WSyncMgr synchronises with WSUS and sets the new content version of the update source; SMSDBMON sees the
 * Update_SyncStatus change and drops a .STN for PolicyPv, which updates the scan tool policy (§6.0).
 * Returns the instant PolicyPv is done, i.e. when clients can first see the new policy.
 */
export function wsusSync(w: World, t0: number, o: SyncOptions): number {
  const site = w.site;
  const sup = site.fqdn.toLowerCase();
  const pid = site.thread('smsexec-pid');
  const tid = site.thread(WSYNC);
  const log = wsyncLog(w);
  let t = syncStart(w, t0);
  log((t += gap(w, 20, 200)), `Read SUPs from SCF for ${site.fqdn}`);
  log((t += gap(w, 1, 10)), 'Found 1 SUPs');
  log((t += gap(w, 1, 10)), `Found active SUP ${site.fqdn} from SCF File.`);
  log((t += gap(w, 200, 900)), statmsg(w, site, t, 6701, pid, tid));
  log((t += gap(w, 10, 90)), `Synchronizing WSUS server ${sup}`);
  log((t += gap(w, 10, 90)), statmsg(w, site, t, 6704, pid, tid));
  log((t += gap(w, 100, 400)), `Synchronizing WSUS server ${sup} ...`);
  log((t += gap(w, 200, 900)), 'sync: Starting WSUS synchronization');
  const total = o.itemsUpdated + w.rng.int(900, 1600);
  for (const pct of [22, 61, 100]) {
    t += gap(w, 20_000, 50_000);
    const done = Math.round((total * pct) / 100);
    const eta = pct === 100 ? '00:00:00' : `00:0${w.rng.int(1, 3)}:${String(w.rng.int(10, 59))}`;
    log(t, `sync: WSUS synchronizing updates, processed ${done} out of ${total} items (${pct}%), ETA in ${eta}`);
  }
  log((t += gap(w, 500, 3000)), `Done synchronizing WSUS Server ${sup}`);
  log((t += gap(w, 10, 90)), statmsg(w, site, t, 6705, pid, tid));
  log((t += gap(w, 100, 400)), `Synchronizing SMS database with WSUS server ${sup} ...`);
  for (const pct of [9, 48, 100]) {
    t += gap(w, 8_000, 25_000);
    const done = Math.round((o.itemsUpdated * pct) / 100);
    log(t, `sync: SMS synchronizing updates, processed ${done} out of ${o.itemsUpdated} items (${pct}%)`);
  }
  log((t += gap(w, 300, 2000)), `Done synchronizing SMS with WSUS Server ${sup}`);
  const setAt = (t += gap(w, 100, 900));
  site.sms(
    setAt,
    'WSyncMgr',
    WSYNC,
    `Set content version of update source {${o.updateSource}} for site ${w.siteCode} to ${o.contentVersion}`,
    o.markPrefix === undefined ? {} : { mark: `${o.markPrefix}.setContentVersion` },
  );
  log((t += gap(w, 20, 200)), statmsg(w, site, t, 6702, pid, tid));
  log((t += gap(w, 20, 200)), `Sync succeeded. Setting sync alert to canceled state on site ${w.siteCode}`);
  log(
    (t += gap(w, 20, 200)),
    `Updated ${o.itemsUpdated} items in SMS database, new update source content version is ${o.contentVersion}`,
  );
  const secs = Math.round((t - t0) / 1000);
  log(
    (t += gap(w, 5, 50)),
    `Sync time: 0d00h${String(Math.floor(secs / 60)).padStart(2, '0')}m${String(secs % 60).padStart(2, '0')}s`,
  );
  log((t += gap(w, 100, 900)), 'Wakeup by SCF change', 'trailing');

  // SMSDBMON fires on the Update_SyncStatus trigger shortly after the content version is written.
  const D = 'SMS_DATABASE_NOTIFICATION_MONITOR';
  const notif = w.rng.int(40_000, 90_000);
  const stn = `${SITE_INBOXES}\\policypv.box\\{${o.updateSource}}.STN`;
  let d = setAt + gap(w, 1500, 5000);
  site.sms(d, 'SMSDBMON', D, `RCV: UPDATE on Update_SyncStatus for UpdSyncStatus_iu [{${o.updateSource}}][${notif}]`);
  site.sms((d += gap(w, 5, 60)), 'SMSDBMON', D, `SND: Dropped ${stn} (non-zero) [${notif}]`);

  const P = 'SMS_POLICY_PROVIDER';
  let p = d + gap(w, 800, 6000);
  site.sms(p, 'PolicyPv', P, `Found {${o.updateSource}}.STN`, { tilde: 'leading' });
  site.sms((p += gap(w, 200, 1500)), 'PolicyPv', P, `Added Scan Tool ID {${o.updateSource}}`);
  site.sms((p += gap(w, 20, 300)), 'PolicyPv', P, `Adding to delete list: ${stn}`);
  return p;
}

/**
 * A scheduled WSUS sync that fails because the site has no configured WSUS server (S5's wording), and the
 * retry WSyncMgr schedules. Returns the instant of the failure line; `mark` marks it.
 */
export function wsusSyncFailing(w: World, t0: number, mark?: string): number {
  const log = wsyncLog(w);
  let t = syncStart(w, t0);
  const failedAt = (t += gap(w, 200, 900));
  w.site.sms(
    failedAt,
    'WSyncMgr',
    WSYNC,
    'Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details. Source: CWSyncMgr::DoSync',
    mark === undefined ? {} : { mark },
  );
  log((t += gap(w, 20, 200)), 'Sync failed. Will retry in 60 minutes');
  return failedAt;
}

// --- client: policy ---------------------------------------------------------------------------------------

export interface UpdateSourcePolicy {
  /** Lower case, as the policy path writes it. */
  readonly policyId: string;
  /** `40.00` */
  readonly policyVersion: string;
}

function policyPath(w: World, p: UpdateSourcePolicy, order: 'source-first' | 'version-first'): string {
  return order === 'source-first'
    ? `CCM_Policy_Policy5.PolicyID="{${p.policyId}}",PolicySource="SMS:${w.siteCode}",PolicyVersion="${p.policyVersion}"`
    : `CCM_Policy_Policy5.PolicyID="{${p.policyId}}",PolicyVersion="${p.policyVersion}",PolicySource="SMS:${w.siteCode}"`;
}

/** A request a client made to its MP, as IIS logs it (at completion, `time-taken` after it arrived). */
export interface MpRequest {
  readonly clientIp: string;
  readonly method: string;
  readonly uriStem: string;
  /** `-` when empty. */
  readonly uriQuery?: string;
  readonly userAgent: string;
  readonly timeTakenMs: number;
  /** status, substatus, win32 status; 200 0 0 when omitted. */
  readonly status?: readonly [number, number, number];
  readonly username?: string;
}

/** IIS row on `mp` for a request that arrived at true instant `t`. */
export function mpRequest(mp: Host, t: number, r: MpRequest, mark?: string): void {
  const status = r.status ?? [200, 0, 0];
  mp.iis(
    t + r.timeTakenMs,
    {
      serverIp: mp.ip,
      method: r.method,
      uriStem: r.uriStem,
      uriQuery: r.uriQuery ?? '-',
      port: 80,
      username: r.username ?? '-',
      clientIp: r.clientIp,
      userAgent: r.userAgent,
      status: status[0],
      substatus: status[1],
      win32Status: status[2],
      timeTakenMs: r.timeTakenMs,
    },
    mark,
  );
}

/** The CCM_POST every CcmMessaging exchange makes. */
function ccmPost(clientIp: string, timeTakenMs: number): MpRequest {
  return { clientIp, method: 'CCM_POST', uriStem: '/ccm_system/request', userAgent: 'ccmhttp', timeTakenMs };
}

/** A WMI event dump as CcmExec / PolicyAgent log it: the record spans lines and ends with `};` + CRLF. */
export function wmiEvent(cls: string, props: ReadonlyArray<readonly [string, string | number]>): string {
  const body = props.map(([k, v]) => `\t${k} = ${typeof v === 'number' ? String(v) : `"${v}"`};`).join(CRLF);
  return `Raising event:${CRLF}[SMS_CodePage(437), SMS_LocaleID(1033)]${CRLF}instance of ${cls}${CRLF}{${CRLF}${body}${CRLF}};${CRLF}`;
}

/** A CcmMessaging request/reply exchange to an MP queue that is not part of the scan flow. */
function ccmRequestReply(w: World, c: Client, t: number, queue: string, endpoint: string): number {
  const M = 'CcmMessaging';
  const h = c.host;
  const msg = w.rng.guid();
  const reply = w.rng.guid();
  h.ccm(t, M, M, 'ccmmessaging.cpp:2131', `Sending async message '{${msg}}' to outgoing queue '${queue}'`);
  h.ccm(
    (t += gap(w, 5, 40)),
    M,
    M,
    'ccmmessaging.cpp:6243',
    `Sending outgoing message '{${msg}}'. Flags 0x200, sender account empty`,
  );
  const took = gap(w, 15, 120);
  mpRequest(c.mp, t + gap(w, 10, 40), ccmPost(h.ip, took));
  t += took + gap(w, 30, 90);
  h.ccm(
    t,
    M,
    M,
    'ccmmessaging.cpp:5403',
    `Message '{${msg}}' got reply '{${reply}}' to local endpoint queue '${endpoint}'`,
  );
  h.ccm(
    (t += gap(w, 1, 15)),
    M,
    M,
    'ccmmessaging.cpp:6622',
    `OutgoingMessage(Queue='${queue.replace('mp:', 'mp_')}', ID={${msg}}): Delivered successfully to host '${c.mp.fqdn}'.`,
  );
  h.ccm(
    (t += gap(w, 1, 20)),
    M,
    M,
    'ccmmessaging.cpp:3950',
    `Message '{${reply}}' delivered to endpoint '${endpoint}'`,
  );
  return t;
}

/**
 * Machine policy retrieval that brings a new UpdateSource policy version: assignment request, download of the
 * policy body from the MP, compile, evaluate (§6.1). Returns the instant the policy is applied.
 */
export function policyRefresh(w: World, c: Client, t0: number, policy: UpdateSourcePolicy): number {
  const h = c.host;
  const PA = 'PolicyAgent';
  let t = t0;
  h.ccm(t, PA, 'PolicyAgent_RequestAssignments', 'policyagent.cpp:3040', 'Requesting Machine policy assignments');
  h.ccm(
    (t += gap(w, 2, 30)),
    PA,
    'PolicyAgent_RequestAssignments',
    'event.cpp:701',
    wmiEvent('CCM_PolicyAgent_AssignmentsRequested', [
      ['ClientID', `GUID:${c.clientId}`],
      ['DateTime', dmtfUtc(h.utc(t))],
      ['PolicyNamespace', '\\\\.\\ROOT\\ccm\\Policy\\Machine'],
      ['ProcessID', c.ccmexecPid],
      ['ThreadID', h.thread('PolicyAgent_RequestAssignments')],
    ]),
  );
  t = ccmRequestReply(w, c, t + gap(w, 5, 30), 'mp:[http]mp_policymanager', 'PolicyAgent_ReplyAssignments');
  t += gap(w, 20, 200);
  h.ccm(
    t,
    PA,
    'PolicyAgent_ReplyAssignments',
    'policyagentreply.cpp:214',
    'Received delta policy update with 1 assignments',
  );
  const hash = w.rng.chars(64, '0123456789ABCDEF');
  const url = `http://${c.mp.fqdn}/SMS_MP/.sms_pol?{${policy.policyId}}.SHA256:${hash}`;
  h.ccm(
    (t += gap(w, 5, 60)),
    PA,
    'PolicyAgent_ReplyAssignments',
    'policyagentreply.cpp:689',
    `Initializing download of policy '${policyPath(w, policy, 'source-first')}' from '${url}'`,
  );
  h.ccm(
    (t += gap(w, 5, 40)),
    PA,
    'PolicyAgent_ReplyAssignments',
    'policyagentreply.cpp:733',
    `Successfully initiated download of policy '${policyPath(w, policy, 'source-first')}'`,
  );
  const dts = w.rng.guid();
  const took = gap(w, 10, 90);
  mpRequest(c.mp, t + gap(w, 200, 900), {
    clientIp: h.ip,
    method: 'GET',
    uriStem: '/SMS_MP/.sms_pol',
    uriQuery: `{${policy.policyId}}.SHA256:${hash}`,
    userAgent: 'Microsoft+BITS/7.8',
    timeTakenMs: took,
  });
  t += gap(w, 1500, 4000);
  h.ccm(
    t,
    PA,
    'PolicyAgent_PolicyDownload',
    'policydownload.cpp:412',
    `Download of policy ${policyPath(w, policy, 'source-first')} completed (DTS Job ID: {${dts}})`,
  );
  h.ccm(
    (t += gap(w, 50, 400)),
    PA,
    'PolicyAgent_PolicyDownload',
    'policydownload.cpp:1023',
    `Policy '${policyPath(w, policy, 'version-first')}' successfully compiled`,
  );
  const PE = 'PolicyEvaluator';
  const C = 'PolicyAgent_PolicyEvaluator';
  t += gap(w, 200, 1200);
  h.ccm(t, PE, C, 'policyevaluator.cpp:1873', `Updating policy ${policyPath(w, policy, 'source-first')}`);
  h.ccm(
    (t += gap(w, 20, 200)),
    PE,
    C,
    'policyevaluator.cpp:1935',
    `Applied policy ${policyPath(w, policy, 'source-first')}`,
  );
  h.ccm(
    (t += gap(w, 10, 80)),
    PE,
    C,
    'policyevaluator.cpp:2650',
    `Policy state for [${policyPath(w, policy, 'version-first')}] is currently [Active]`,
  );
  return t;
}

// --- client: state messages ---------------------------------------------------------------------------------

/** StateMessage.log lines for one recorded state message; queues it for the next forwarding cycle. */
export function recordStateMessage(
  w: World,
  c: Client,
  t: number,
  topicType: number,
  topicId: string,
  stateId: number,
  params: readonly string[],
): number {
  const h = c.host;
  const S = 'StateMessage';
  h.ccm(t, S, S, 'statemsg.cpp:905', `Adding message with TopicType ${topicType} and TopicId ${topicId} to WMI`);
  t += gap(w, 3, 40);
  h.ccm(
    t,
    S,
    S,
    'statemsg.cpp:1156',
    `State message(State ID : ${stateId}) with TopicType ${topicType} and TopicId ${topicId} has been recorded for SYSTEM`,
  );
  c.pending.push({ topicType, topicId, stateId, params, recordedAt: t, serial: c.nextSerial++ });
  return t;
}

/** The Report XML a client forwards, as StateMessage.log and MP_Relay.log print it (UTF-16 declaration kept). */
/** Who sends a state-message report: its NetBIOS name, SMS unique id and clock. */
export interface Reporter {
  readonly name: string;
  readonly clientId: string;
  /** True instant → the reporter's UTC reading (the XML times carry the reporter's clock skew). */
  utc(t: number): number;
}

export function reporterOf(c: Client): Reporter {
  return { name: c.host.name, clientId: c.clientId, utc: (t) => c.host.utc(t) };
}

export function stateReportXml(
  h: Reporter,
  msgs: ReadonlyArray<{
    topicType: number;
    topicId: string;
    stateId: number;
    params: readonly string[];
    recordedAt: number;
    serial: number;
  }>,
  dateT: number,
): string {
  const body = msgs
    .map(
      (m) =>
        `<StateMessage MessageTime="${dmtfUtc(h.utc(m.recordedAt))}" SerialNumber="${m.serial}">` +
        `<Topic ID="${m.topicId}" Type="${m.topicType}" IDType="3" User="" UserSID=""/>` +
        `<State ID="${m.stateId}" Criticality="0"/>` +
        `<UserParameters Flags="0" Count="${m.params.length}">${m.params.map((p) => `<Param>${p}</Param>`).join('')}</UserParameters>` +
        '</StateMessage>',
    )
    .join('');
  return (
    '<Report><ReportHeader><Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType>' +
    `<ClientID>GUID:${h.clientId}</ClientID><ClientVersion>${CLIENT_VERSION}</ClientVersion>` +
    `<NetBIOSName>${h.name}</NetBIOSName><CodePage>437</CodePage><SystemDefaultLCID>1033</SystemDefaultLCID>` +
    '<Priority>5</Priority></Machine></Identification><ReportDetails><ReportContent>State Message Data</ReportContent>' +
    `<ReportType>Full</ReportType><Date>${dmtfUtc(h.utc(dateT))}</Date><Version>1.0</Version><Format>1.0</Format>` +
    `</ReportDetails></ReportHeader><ReportBody>${body}</ReportBody></Report>`
  );
}

export interface RelayResult {
  readonly t: number;
  readonly messageId: string;
  readonly smx: string;
  readonly serials: readonly number[];
}

/** MP side of a state-message relay: IIS row, MP_Relay.log record, SMX file into the MP outbox. */
export function mpRelay(
  w: World,
  mp: Host,
  t: number,
  clientIp: string,
  reportXml: string,
  records: number,
  marks: { iis?: string; body?: string; smx?: string } = {},
): { t: number; smx: string } {
  const took = gap(w, 20, 160);
  mpRequest(mp, t, ccmPost(clientIp, took), marks.iis);
  const R = 'MP_Relay';
  const C = 'MP_RelayEndpoint';
  const thread = `${C}#${w.rng.int(0, 5)}`;
  let m = t + gap(w, 5, Math.max(6, took - 5));
  mp.ccm(
    m,
    R,
    C,
    'mprelay.cpp:214',
    'Mp Message Handler: start message processing for Relay------------------------------',
    { thread },
  );
  mp.ccm((m += gap(w, 1, 5)), R, C, 'mprelay.cpp:233', 'Mp Message Handler: FileType=SMX', { thread });
  mp.ccm(
    (m += gap(w, 1, 5)),
    R,
    C,
    'mprelay.cpp:251',
    `Message Body :${CRLF}<?xml version="1.0" encoding="UTF-16"?>${CRLF}${reportXml}`,
    marks.body === undefined ? { thread } : { thread, mark: marks.body },
  );
  mp.ccm((m += gap(w, 1, 5)), R, C, 'invrelay.cpp:377', 'Inv-Relay Task: Processing message body', { thread });
  // An MP on the site server writes straight into StateSys's inbox (reference §6.12): there is no MPFDM.
  const outbox = mp.onSiteServer ? SITE_STATESYS_INBOX : MP_STATEMSG_OUTBOX;
  mp.ccm((m += gap(w, 1, 5)), R, C, 'invrelay.cpp:512', `Relay: Outbox dir: ${outbox}`, { thread });
  mp.ccm((m += gap(w, 1, 5)), R, C, 'invrelay.cpp:530', 'Priority in the message = 5', { thread });
  mp.ccm((m += gap(w, 1, 5)), R, C, 'invrelay.cpp:541', `State Priority Directory = ${outbox}`, { thread });
  mp.ccm((m += gap(w, 1, 8)), R, C, 'invrelay.cpp:602', 'Inv-Relay: Task completed successfully', { thread });
  const smx = `${w.rng.chars(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}.SMX`;
  const file = marks.smx === undefined ? { t: m, smx, records } : { t: m, smx, records, mark: marks.smx };
  if (mp.onSiteServer) {
    w.statesysInbox.push(file);
  } else {
    w.outbox(mp).push(file);
  }
  return { t: m, smx };
}

/**
 * A state-message forwarding cycle: StateMessage body + forwarded, CcmMessaging relay to mp_relayendpoint with
 * the POST, then the MP side (§6.9, §6.4, §6.12). Sends everything pending; nothing when nothing is pending.
 */
export function forwardStateMessages(w: World, c: Client, t0: number, markPrefix?: string): RelayResult | undefined {
  const msgs = c.pending.splice(0, c.pending.length);
  if (msgs.length === 0) {
    return undefined;
  }
  const h = c.host;
  const S = 'StateMessage';
  const mk = (name: string): { mark?: string } => (markPrefix === undefined ? {} : { mark: `${markPrefix}.${name}` });
  let t = t0;
  const xml = stateReportXml(reporterOf(c), msgs, t);
  h.ccm(
    t,
    S,
    S,
    'statemsg.cpp:1710',
    `StateMessage body: <?xml version="1.0" encoding="UTF-16"?>${CRLF}${xml}`,
    mk('stateBody'),
  );
  h.ccm((t += gap(w, 5, 60)), S, S, 'statemsg.cpp:1820', 'CStateMsgManager::GetSignEncyptMode');
  h.ccm(
    (t += gap(w, 20, 300)),
    S,
    S,
    'statemsg.cpp:1527',
    'Successfully forwarded State Messages to the MP',
    mk('forwarded'),
  );

  const M = 'CcmMessaging';
  const msg = w.rng.guid();
  t += gap(w, 5, 80);
  h.ccm(
    t,
    M,
    M,
    'ccmmessaging.cpp:2131',
    `Sending async message '{${msg}}' to outgoing queue 'mp:mp_relayendpoint'`,
    mk('relaySend'),
  );
  h.ccm(
    (t += gap(w, 5, 40)),
    M,
    M,
    'ccmmessaging.cpp:6243',
    `Sending outgoing message '{${msg}}'. Flags 0x200, sender account empty`,
  );
  h.ccm(
    (t += gap(w, 5, 30)),
    M,
    M,
    'ccmhttp.cpp:1562',
    `POST: Host=${c.mp.fqdn}, Path=/ccm_system/request, Port=80, Protocol=http, Flags=512, Options=480`,
  );
  const mpSide = mpRelay(w, c.mp, t + gap(w, 10, 40), h.ip, xml, msgs.length, {
    ...(markPrefix === undefined
      ? {}
      : { iis: `${markPrefix}.relayIis`, body: `${markPrefix}.relayBody`, smx: `${markPrefix}.smx` }),
  });
  t = Math.max(t, mpSide.t) + gap(w, 10, 60);
  h.ccm(t, M, M, 'ccmmessaging.cpp:5458', `Message '{${msg}}' doesn't have reply`);
  h.ccm(
    (t += gap(w, 1, 15)),
    M,
    M,
    'ccmmessaging.cpp:6622',
    `OutgoingMessage(Queue='mp_mp_relayendpoint', ID={${msg}}): Delivered successfully to host '${c.mp.fqdn}'.`,
    mk('relayDelivered'),
  );
  return { t, messageId: msg, smx: mpSide.smx, serials: msgs.map((m) => m.serial) };
}

// --- client: scan job ---------------------------------------------------------------------------------------

export interface ScanJob {
  readonly client: Client;
  readonly scanJob: string;
  readonly updateSource: string;
  readonly contentVersion: number;
  readonly updates: readonly UpdateInfo[];
  /** Every location request the job made, in order (a job that waits for locations asks again). */
  readonly locationRequests: string[];
  /** CcmMessaging ids of the location exchanges, in order. */
  readonly locationMessages: Array<{ message: string; reply: string }>;
}

const SA = 'ScanAgent';

/** ScanAgent up to `Locations requested ...` (§6.2): a new ScanJob for the update source and its first request. */
export function startScanJob(
  w: World,
  c: Client,
  t0: number,
  o: {
    updateSource: string;
    contentVersion: number;
    updates: readonly UpdateInfo[];
    trigger: 'policy' | 'rescan';
    locations?: { reply?: 'ok' | 'empty'; markPrefix?: string };
  },
): { job: ScanJob; t: number } {
  const h = c.host;
  const job: ScanJob = {
    client: c,
    scanJob: w.rng.guid(),
    updateSource: o.updateSource,
    contentVersion: o.contentVersion,
    updates: o.updates,
    locationRequests: [],
    locationMessages: [],
  };
  const us = braced(o.updateSource);
  const cv = o.contentVersion;
  let t = t0;
  if (o.trigger === 'policy') {
    h.ccm(t, SA, SA, 'cscanagent.cpp:203', 'Inside CScanAgent::Notify()');
    h.ccm(
      (t += gap(w, 2, 20)),
      SA,
      SA,
      'cscanagent.cpp:1185',
      'CScanAgent::OnPolicyChange- Policy InstanceModificationEvent notification received',
    );
  } else {
    h.ccm(t, SA, SA, 'cscanagent.cpp:203', 'Inside CScanAgent::Notify()');
  }
  h.ccm(
    (t += gap(w, 10, 120)),
    SA,
    SA,
    'cscanagent.cpp:2206',
    `CScanAgent::ScanByUpdates- Policy available for UpdateSourceID=${us} ContentVersion=${cv}`,
  );
  h.ccm(
    (t += gap(w, 2, 20)),
    SA,
    SA,
    'cscanagent.cpp:2288',
    `CScanAgent::ScanByUpdates- Added Policy to final ScanRequest List UpdateSourceID=${us}, Policy-ContentVersion=${cv}, Required-ContentVersion=${cv}`,
  );
  h.ccm((t += gap(w, 2, 20)), SA, SA, 'cscanagent.cpp:892', 'Inside CScanAgent::ProcessScanRequest()');
  h.ccm((t += gap(w, 2, 20)), SA, SA, 'scanjobmgr.cpp:377', 'CScanJobManager::Scan- entered');
  const J = `ScanJob({${job.scanJob}}): `;
  h.ccm((t += gap(w, 2, 20)), SA, SA, 'cscanjob.cpp:251', `${J}CScanJob::Initialize- entered`);
  h.ccm((t += gap(w, 2, 20)), SA, SA, 'cscanjob.cpp:544', `${J}CScanJob::Scan- entered`);
  t = requestLocations(w, job, t + gap(w, 2, 20), o.locations);
  return { job, t };
}

/**
 * ScanAgent asks LocationServices for WSUS locations; LS persists and sends the request through CcmMessaging;
 * the MP answers from MP_GetWSUSServerLocations (§6.2-6.5). With `reply: 'empty'` the MP knows no SUP for the
 * client, the reply has no location records. Returns when ScanAgent has the callback.
 */
export function requestLocations(
  w: World,
  job: ScanJob,
  t0: number,
  o: { reply?: 'ok' | 'empty'; markPrefix?: string } = {},
): number {
  const c = job.client;
  const h = c.host;
  const mp = c.mp;
  const us = braced(job.updateSource);
  const cv = job.contentVersion;
  const J = `ScanJob({${job.scanJob}}): `;
  const L = w.rng.guid();
  job.locationRequests.push(L);
  const mk = (name: string): { mark?: string } =>
    o.markPrefix === undefined ? {} : { mark: `${o.markPrefix}.${name}` };
  let t = t0;
  h.ccm(t, SA, SA, 'cscanjob.cpp:1127', `${J}CScanJob::RequestLocations- entered`);
  h.ccm(
    (t += gap(w, 2, 15)),
    SA,
    SA,
    'cscanjob.cpp:1160',
    `- - - - - -Requesting WSUS Server Locations from LS for ${us} version ${cv}`,
  );

  const LS = 'LocationServices';
  t += gap(w, 2, 15);
  h.ccm(t, LS, LS, 'ccmwsuslocation.cpp:289', 'CCCMWSUSLocation::GetLocationsAsyncEx');
  h.ccm(
    (t += gap(w, 1, 10)),
    LS,
    LS,
    'ccmwsuslocation.cpp:342',
    `Attempting to persist WSUS location request for ContentID='${us}' and ContentVersion='${cv}'`,
  );
  h.ccm((t += gap(w, 5, 60)), LS, LS, 'ccmwsuslocation.cpp:371', 'Persisted WSUS location request');
  h.ccm(
    (t += gap(w, 1, 10)),
    LS,
    LS,
    'ccmwsuslocation.cpp:420',
    `Attempting to send WSUS Location Request for ContentID='${us}'`,
  );
  const request =
    `<WSUSLocationRequest SchemaVersion="1.00"><Content ID="${us}" Version="${cv}"/><AssignedSite SiteCode="${w.siteCode}"/>` +
    `<ClientLocationInfo OnInternet="0"><ADSite Name="${c.adSite}"/><Forest Name="${w.domain}"/><Domain Name="${w.domain}"/>` +
    `<IPAddresses><IPAddress SubnetAddress="${c.subnet}" Address="${h.ip}"/></IPAddresses></ClientLocationInfo></WSUSLocationRequest>`;
  h.ccm((t += gap(w, 1, 10)), LS, LS, 'ccmwsuslocation.cpp:437', `WSUSLocationRequest : ${request}`, mk('lsRequest'));

  const M = 'CcmMessaging';
  const msg = w.rng.guid();
  const reply = w.rng.guid();
  job.locationMessages.push({ message: msg, reply });
  h.ccm(
    (t += gap(w, 2, 20)),
    M,
    M,
    'ccmmessaging.cpp:2131',
    `Sending async message '{${msg}}' to outgoing queue 'mp:[http]mp_locationmanager'`,
    mk('lsSend'),
  );
  h.ccm(
    (t += gap(w, 1, 10)),
    LS,
    LS,
    'ccmwsuslocation.cpp:468',
    `Created and Sent Location Request '{${L}}' for package ${us}`,
    mk('lsCreated'),
  );
  h.ccm((t += gap(w, 1, 12)), SA, SA, 'cscanjob.cpp:1185', `- - - - - -Location Request ID = {${L}}`);
  h.ccm(
    (t += gap(w, 5, 40)),
    SA,
    SA,
    'scanagentcache.cpp:455',
    'CScanAgentCache::PersistInstanceInCache- Persisted Instance CCM_ScanJobInstance',
  );
  h.ccm(
    (t += gap(w, 1, 10)),
    SA,
    SA,
    'cscanjob.cpp:1232',
    `${J}- - - - - -Locations requested for ScanJobID={${job.scanJob}} (LocationRequestID={${L}}), will process the scan request once locations are available.`,
  );
  const send = t0 + gap(w, 80, 160);
  h.ccm(send, M, M, 'ccmmessaging.cpp:6243', `Sending outgoing message '{${msg}}'. Flags 0x200, sender account empty`);

  // MP side: IIS logs the POST when it completes; MP_LocationManager answers within the request.
  const arrive = send + gap(w, 8, 40);
  const drawn = w.rng.int(0, 5);
  const received = arrive + gap(w, 2, 10);
  const calling = received + gap(w, 1, 6);
  const records =
    o.reply === 'empty'
      ? '<LocationRecords/>'
      : `<LocationRecords><LocationRecord WSUSURL="${w.supUrl}" ServerName="${w.supFqdn}" Version="${cv}"/></LocationRecords>`;
  const replyXml = `<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="${w.siteCode}"/>${records}</Site></Sites></WSUSLocationReply>`;
  const m = calling + gap(w, 8, 60);
  mpLocationExchange(mp, drawn, [received, calling, m], request, WSUS_CALL, replyXml, {
    request: mk('mpRequest'),
    reply: mk('mpReply'),
  });
  const took = m - arrive + gap(w, 1, 6);
  mpRequest(mp, arrive, ccmPost(h.ip, took), mk('iis').mark);

  t = Math.max(t, arrive + took) + gap(w, 15, 50);
  h.ccm(
    t,
    M,
    M,
    'ccmmessaging.cpp:5403',
    `Message '{${msg}}' got reply '{${reply}}' to local endpoint queue 'LS_ReplyLocations'`,
  );
  h.ccm(
    (t += gap(w, 1, 10)),
    M,
    M,
    'ccmmessaging.cpp:6622',
    `OutgoingMessage(Queue='mp_[http]mp_locationmanager', ID={${msg}}): Delivered successfully to host '${mp.fqdn}'.`,
  );
  h.ccm(
    (t += gap(w, 1, 15)),
    M,
    M,
    'ccmmessaging.cpp:3950',
    `Message '{${reply}}' delivered to endpoint 'LS_ReplyLocations'`,
  );

  t += gap(w, 2, 20);
  h.ccm(t, LS, LS, 'lsreplyhandler.cpp:122', 'Processing Location reply message');
  h.ccm((t += gap(w, 1, 10)), LS, LS, 'ccmwsuslocation.cpp:731', `WSUSLocationReply : ${replyXml}`, mk('lsReply'));
  if (o.reply === 'empty') {
    h.ccm((t += gap(w, 1, 10)), LS, LS, 'ccmwsuslocation.cpp:805', 'Calling back with empty WSUS locations', {
      type: 2,
      ...mk('lsEmpty'),
    });
  } else {
    h.ccm((t += gap(w, 1, 10)), LS, LS, 'ccmwsuslocation.cpp:812', 'Calling back with the following WSUS locations');
    h.ccm(
      (t += gap(w, 1, 5)),
      LS,
      LS,
      'ccmwsuslocation.cpp:821',
      `WSUS Path='${w.supUrl}', Server='${w.supFqdn}', Version='${cv}'`,
    );
  }
  h.ccm(
    (t += gap(w, 1, 10)),
    LS,
    LS,
    'ccmwsuslocation.cpp:846',
    `Calling back with locations for WSUS request {${L}}`,
    mk('lsCallback'),
  );
  t += gap(w, 2, 20);
  h.ccm(
    t,
    SA,
    SA,
    'cscanagent.cpp:1391',
    `*****WSUSLocationUpdate received for location request guid={${L}}`,
    mk('saLocationUpdate'),
  );
  if (o.reply === 'empty') {
    h.ccm(
      (t += gap(w, 2, 20)),
      SA,
      SA,
      'cscanjob.cpp:1318',
      `${J}CScanJob::OnLocationUpdate- Received empty location list, will wait for locations`,
      { type: 2, ...mk('saEmpty') },
    );
    t = raiseUpdateSourceState(w, job, t + gap(w, 5, 40), 1);
  } else {
    h.ccm(
      (t += gap(w, 2, 20)),
      SA,
      SA,
      'cscanjob.cpp:1342',
      `${J}CScanJob::OnLocationUpdate- Received Location=${w.supUrl}, Version=${cv}`,
    );
  }
  return t;
}

/** `Raised UpdateSource ({US}) state message successfully. StateId = n` and the 501 state message it records. */
function raiseUpdateSourceState(w: World, job: ScanJob, t: number, stateId: number, mark?: string): number {
  const h = job.client.host;
  h.ccm(
    t,
    SA,
    SA,
    'cscanjob.cpp:2377',
    `ScanJob({${job.scanJob}}): Raised UpdateSource ({${job.updateSource}}) state message successfully. StateId = ${stateId}`,
    mark === undefined ? {} : { mark },
  );
  return recordStateMessage(w, job.client, t + gap(w, 2, 20), 501, braced(job.updateSource), stateId, [
    String(job.contentVersion),
  ]);
}

export type SourceMode = 'new' | 'existing' | 'gpo-conflict';

/** The WSUS server a domain GPO forces in the gpo-conflict scenario. */
export const GPO_WSUS_URL = 'http://WSUS01.CONTOSO.COM:8530';

/**
 * ScanAgent hands the update source to WUAHandler (§6.6). A new source changes the WUA policy (visible in
 * WindowsUpdate.log as `WSUS server ... (Changed)`); with a conflicting domain GPO the policy is overwritten
 * and the source cannot be added (0x87d00692). Returns the instant ScanAgent requested the scan, or the failure.
 */
export function addUpdateSource(
  w: World,
  job: ScanJob,
  t0: number,
  mode: SourceMode,
  markPrefix?: string,
): { t: number; ok: boolean } {
  const c = job.client;
  const h = c.host;
  const us = braced(job.updateSource);
  const J = `ScanJob({${job.scanJob}}): `;
  const mk = (name: string): string | undefined => (markPrefix === undefined ? undefined : `${markPrefix}.${name}`);
  const opt = (name: string, type: 1 | 2 | 3 = 1): { type: 1 | 2 | 3; mark?: string } => {
    const mark = mk(name);
    return mark === undefined ? { type } : { type, mark };
  };
  let t = t0;
  h.ccm(
    t,
    SA,
    SA,
    'cscanjob.cpp:1601',
    `${J}CScanJob::Execute- Adding UpdateSource=${us}, ContentType=2, ContentLocation=${w.supUrl}, ContentVersion=${job.contentVersion}`,
  );
  const W = 'WUAHandler';
  t += gap(w, 20, 200);
  h.ccm(t, W, W, 'cwuahandler.cpp:1488', `Its a WSUS Update Source type (${us}), adding it.`);
  if (mode === 'existing') {
    h.ccm(
      (t += gap(w, 20, 300)),
      W,
      W,
      'cwuahandler.cpp:1602',
      `WSUS update source already exists, it has increased version to ${job.contentVersion}.`,
    );
  } else {
    h.ccm((t += gap(w, 5, 60)), W, W, 'cwuahandler.cpp:1530', 'Its a completely new WSUS Update Source.');
    h.ccm(
      (t += gap(w, 20, 200)),
      W,
      W,
      'wuapolicy.cpp:622',
      `Enabling WUA Managed server policy to use server: ${w.supUrl}`,
    );
    h.ccm((t += gap(w, 100, 900)), W, W, 'wuapolicy.cpp:701', 'Policy refresh forced.');
    h.ccm(
      (t += gap(w, 5, 40)),
      W,
      W,
      'wuapolicy.cpp:733',
      'Waiting for 2 mins for Group Policy to notify of WUA policy change...',
    );
    if (mode === 'gpo-conflict') {
      // The domain GPO wins the refresh: WUA keeps pointing at the GPO's server.
      const gp = t + gap(w, 2500, 6000);
      wuSettings(w, c, gp, GPO_WSUS_URL, false);
      t = gp + gap(w, 300, 1500);
      h.ccm(
        t,
        W,
        W,
        'wuapolicy.cpp:781',
        `Group policy settings were overwritten by a higher authority (Domain Controller) to: Server ${GPO_WSUS_URL} and Policy ENABLED`,
        opt('gpoOverwrite', 3),
      );
      h.ccm(
        (t += gap(w, 5, 60)),
        W,
        W,
        'cwuahandler.cpp:1671',
        `Failed to Add Update Source for WUAgent of type (2) and id (${us}). Error = 0x87d00692.`,
        opt('addSourceFailed', 3),
      );
      t += gap(w, 20, 200);
      h.ccm(
        t,
        SA,
        SA,
        'cscanjob.cpp:1622',
        `${J}CScanJob::Execute- Failed at AddUpdateSource, Error = 0x87d00692`,
        opt('executeFailed', 3),
      );
      h.ccm(
        (t += gap(w, 5, 60)),
        SA,
        SA,
        'cscanjob.cpp:2051',
        `${J}CScanJob::OnScanComplete - Scan Failed with Error=0x87d00692`,
        { type: 3 },
      );
      t = raiseUpdateSourceState(w, job, t + gap(w, 5, 40), 5);
      return { t, ok: false };
    }
    const gp = t + gap(w, 2500, 6000);
    wuSettings(w, c, gp, w.supUrl, true);
    t = gp + gap(w, 200, 900);
    h.ccm(t, W, W, 'wuapolicy.cpp:752', 'Waiting for 30 secs for policy to take effect on WU Agent.');
    t += 30_000 + gap(w, 5, 60);
    h.ccm(t, W, W, 'cwuahandler.cpp:1588', `Added Update Source (${us}) of content type: 2`);
  }
  t = raiseUpdateSourceState(w, job, t + gap(w, 20, 200), 2);
  h.ccm(
    (t += gap(w, 5, 60)),
    SA,
    SA,
    'cscanjob.cpp:1655',
    `${J}CScanJob::Execute - successfully requested Scan, ScanType=1`,
  );
  return { t, ok: true };
}

// --- client: Windows Update Agent ---------------------------------------------------------------------------

/** Thread ids in WindowsUpdate.log (hex, per process). Stable per client and role. */
function wuTid(c: Client, role: string): number {
  return c.host.thread(`wu:${role}`);
}

/** WindowsUpdate.log after a policy refresh: the WSUS server WUA now uses. */
function wuSettings(w: World, c: Client, t: number, url: string, changed: boolean): void {
  const h = c.host;
  const pid = c.svchostPid;
  const tid = wuTid(c, 'agent-settings');
  if (h.windowsUpdateLog !== undefined) {
    // Windows 10+ (§3.2): the settings cache prints the servers without the legacy `* ` and `(Changed)`.
    h.wu(t, pid, tid, 'Agent', `WSUS server: ${url}`);
    h.wu(t + gap(w, 0, 2), pid, tid, 'Agent', `WSUS status server: ${url}`);
    return;
  }
  const suffix = changed ? ' (Changed)' : '';
  h.wu(t, pid, tid, 'Agent', `  * WSUS server: ${url}${suffix}`);
  h.wu(t + gap(w, 0, 2), pid, tid, 'Agent', `  * WSUS status server: ${url}${suffix}`);
  if (changed) {
    h.wu(t + gap(w, 3, 20), pid, wuTid(c, 'au'), 'AU', 'Sus server changed through policy.');
  }
}

/**
 * The top of a legacy WindowsUpdate.log after the service started (used as the file's opening noise). Nothing
 * for a client whose log is Get-WindowsUpdateLog output: the cmdlet decodes whatever ETL files a running
 * system still has, which rarely begin at a service start.
 */
export function wuServiceStart(w: World, c: Client, t0: number, url: string): number {
  const h = c.host;
  if (h.windowsUpdateLog !== undefined) {
    return t0;
  }
  const pid = c.svchostPid;
  const tid = wuTid(c, 'service');
  let t = t0;
  const line = (text: string, comp = 'Misc'): void => h.wu((t += gap(w, 0, 15)), pid, tid, comp, text);
  line(`===========  Logging initialized (build: 7.6.7601.24436, tz: ${isoOffset(biasAt(h.clock, t0))})  ===========`);
  line('  = Process: C:\\Windows\\system32\\svchost.exe');
  line('  = Module: c:\\windows\\system32\\wuaueng.dll');
  line('*************', 'Service');
  line('** START **  Service: Service startup', 'Service');
  line('*********', 'Service');
  line('  * Prerequisite roots succeeded.', 'Agent');
  line('***********  Agent: Initializing global settings cache  ***********', 'Agent');
  line(`  * WSUS server: ${url}`, 'Agent');
  line(`  * WSUS status server: ${url}`, 'Agent');
  line('  * Target group: (Unassigned Computers)', 'Agent');
  line('  * Windows Update access disabled: No', 'Agent');
  line('Initializing Windows Update Agent', 'DnldMgr');
  line('###########  AU: Initializing Automatic Updates  ###########', 'AU');
  line(`  # WSUS server: ${url}`, 'AU');
  line('  # Detection frequency: 22', 'AU');
  line('  # Approval type: Disabled (Policy)', 'AU');
  line('  # Auto-install minor updates: Yes (User preference)', 'AU');
  line('AU finished delayed initialization', 'AU');
  return t;
}

export type SearchMode = 'ok' | 'timeout-2ee2';

/** The name of a mark for a record of the search, when the caller asked for marks. */
type MarkOf = (name: string) => string | undefined;

/**
 * WUAHandler runs the single-call search and WUA performs it (§6.6), WindowsUpdate.log in the client's format:
 * legacy text (§6.7) or Get-WindowsUpdateLog output (§3.2). With `timeout-2ee2` the WinHTTP sends to the SUP
 * time out and the search fails with 0x80072EE2. Returns the instant WUAHandler finished (scan done or failed).
 */
export function wuaSearch(w: World, job: ScanJob, t0: number, mode: SearchMode, markPrefix?: string): number {
  const c = job.client;
  const h = c.host;
  const W = 'WUAHandler';
  const markOf: MarkOf = (name) => (markPrefix === undefined ? undefined : `${markPrefix}.${name}`);
  const mk = (name: string, type: 1 | 2 | 3 = 1): { type: 1 | 2 | 3; mark?: string } => {
    const mark = markOf(name);
    return mark === undefined ? { type } : { type, mark };
  };
  let t = t0;
  h.ccm(
    t,
    W,
    W,
    'cwuahandler.cpp:2035',
    'Scan results will include superseded updates only when they are superseded by service packs and definition updates.',
  );
  h.ccm((t += gap(w, 2, 20)), W, W, 'cwuahandler.cpp:2112', `Search Criteria is ${SEARCH_CRITERIA}`);
  h.ccm((t += gap(w, 2, 20)), W, W, 'cwuahandler.cpp:2140', 'Running single-call scan of updates.');
  h.ccm((t += gap(w, 20, 150)), W, W, 'cwuahandler.cpp:2211', 'Async searching of updates using WUAgent started.');

  // WindowsUpdate.log: the search call starts in CcmExec a few ms later, the agent runs in wuauserv's svchost.
  const searchStart = t + gap(w, 5, 40);
  const searchEnd =
    h.windowsUpdateLog === undefined
      ? legacySearchLog(w, job, searchStart, mode, markOf)
      : win10SearchLog(w, job, searchStart, mode, markOf);
  c.wuSearches.push({ from: searchStart, to: searchEnd });

  if (mode === 'timeout-2ee2') {
    t = searchEnd + gap(w, 20, 200);
    h.ccm(
      t,
      W,
      W,
      'cwuahandler.cpp:2420',
      'OnSearchComplete - Failed to end search job. Error = 0x80072ee2.',
      mk('searchFailed', 3),
    );
    h.ccm(
      (t += gap(w, 1, 15)),
      W,
      W,
      'cwuahandler.cpp:2441',
      'Scan failed with error = 0x80072ee2.',
      mk('scanFailed', 3),
    );
    return t;
  }

  t = searchEnd + gap(w, 20, 200);
  h.ccm(t, W, W, 'cwuahandler.cpp:2398', 'Async searching completed.');
  h.ccm((t += gap(w, 20, 200)), W, W, 'cwuahandler.cpp:2475', 'Finished searching for everything in single call.');
  for (const up of job.updates) {
    const state = up.installed ? 'Installed' : 'Missing';
    h.ccm(
      (t += gap(w, 1, 8)),
      W,
      W,
      'cwuahandler.cpp:2690',
      `Update (${state}): ${up.title} (${up.id}, ${up.revision})`,
    );
  }
  h.ccm((t += gap(w, 5, 60)), W, W, 'cwuahandler.cpp:2811', 'Successfully completed scan.', mk('scanOk'));
  return t;
}

/** Who writes a search into WindowsUpdate.log: the COM API in CcmExec, the agent in wuauserv's svchost. */
function searchWriters(job: ScanJob): { h: Host; cpid: number; ctid: number; spid: number; atid: number } {
  const c = job.client;
  return {
    h: c.host,
    cpid: c.ccmexecPid,
    ctid: wuTid(c, 'comapi'),
    spid: c.svchostPid,
    atid: wuTid(c, `agent-search-${job.scanJob}`),
  };
}

/**
 * The search in the legacy text WindowsUpdate.log (§6.7): COMAPI in CcmExec, the agent and PT in svchost, and
 * the REPORT EVENT at the end. Returns the instant of its last line.
 */
function legacySearchLog(w: World, job: ScanJob, searchStart: number, mode: SearchMode, markOf: MarkOf): number {
  const c = job.client;
  const { h, cpid, ctid, spid, atid } = searchWriters(job);
  let u = searchStart;
  h.wu(u, cpid, ctid, 'COMAPI', '-------------');
  h.wu((u += gap(w, 0, 2)), cpid, ctid, 'COMAPI', '-- START --  COMAPI: Search [ClientId = CcmExec]');
  h.wu((u += gap(w, 0, 2)), cpid, ctid, 'COMAPI', '---------');
  h.wu((u += gap(w, 20, 80)), cpid, ctid, 'COMAPI', '<<-- SUBMITTED -- COMAPI: Search [ClientId = CcmExec]');
  u += gap(w, 200, 1500);
  const a = (text: string, comp = 'Agent', dt: readonly [number, number] = [0, 3]): void =>
    h.wu((u += gap(w, dt[0], dt[1])), spid, atid, comp, text);
  a('*************');
  a('** START **  Agent: Finding updates [CallerId = CcmExec]');
  a('*********');
  a('  * Include potentially superseded updates');
  a('  * Online = Yes; Ignore download priority = Yes');
  a(`  * Criteria = "${SEARCH_CRITERIA}"`);
  a(`  * ServiceID = {${WSUS_SERVICE_ID}} Managed`);
  a('  * Search Scope = {Machine}');
  a('+++++++++++  PT: Synchronizing server updates  +++++++++++', 'PT', [100, 600]);
  a(`  + ServiceId = {${WSUS_SERVICE_ID}}, Server URL = ${w.supUrl}/ClientWebService/client.asmx`, 'PT');

  if (mode === 'timeout-2ee2') {
    // WinHTTP gives up after its receive timeout; WUA retries the send once before giving up on the sync.
    const misc = (text: string, mark?: string): void => {
      h.wu((u += gap(w, 0, 4)), spid, atid, 'Misc', text, mark);
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      u += gap(w, 21_000, 30_000);
      misc('WARNING: Send failed with hr = 80072ee2.', attempt === 0 ? markOf('wuFirstSendFailed') : undefined);
      misc(
        'WARNING: SendRequest failed with hr = 80072ee2. Proxy List used: <(null)> Bypass List used : <(null)> Auth Schemes used : <>',
      );
      misc(
        `WARNING: WinHttp: SendRequestUsingProxy failed for <${w.supUrl}/ClientWebService/client.asmx>. error 0x80072ee2`,
      );
    }
    misc('*FAILED* [80072EE2] Send request');
    const pt = (text: string): void => a(text, 'PT', [0, 3]);
    pt(
      'WARNING: SyncUpdates failure, error = 0x80072EE2, soap client error = 5, soap error code = 0, HTTP status code = 200',
    );
    pt('WARNING: PTError: 0x80072ee2');
    pt('WARNING: SyncUpdates_WithRecovery failed.: 0x80072ee2');
    pt('WARNING: Sync of Updates: 0x80072ee2');
    pt('WARNING: SyncServerUpdatesInternal failed: 0x80072ee2');
    a('  * WARNING: Failed to synchronize, error = 0x80072EE2');
    a('  * WARNING: Exit code = 0x80072EE2');
    a('*********');
    a('**  END  **  Agent: Finding updates [CallerId = CcmExec]');
    a('*************');
    a('WARNING: WU client failed Searching for update with error 0x80072ee2');
    u += gap(w, 20, 200);
    h.wu(u, cpid, ctid, 'COMAPI', '>>--  RESUMED  -- COMAPI: Search [ClientId = CcmExec]');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '  - Updates found = 0');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '  - WARNING: Exit code = 0x00000000, Result code = 0x80072EE2');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '  - WARNING: Exit code = 0x80072EE2');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '-- END -- COMAPI: Search [ClientId = CcmExec]');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '-------------');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', 'WARNING: Operation failed due to earlier error, hr=80072EE2');
    h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', 'FATAL: Unable to complete asynchronous search. (hr=80072EE2)');
    wuReportEvent(
      w,
      c,
      (u += gap(w, 100, 900)),
      searchStart,
      148,
      '80072ee2',
      'Failure',
      'Windows Update Client failed to detect with error 0x80072ee2.',
    );
    return u;
  }

  u += gap(w, 2000, 9000);
  const found = job.updates.length;
  for (const up of job.updates) {
    a(`  * Added update {${up.id.toUpperCase()}}.${up.revision} to search result`, 'Agent', [0, 12]);
  }
  const categories = w.rng.int(40, 90);
  const evaluated = w.rng.int(500, 900);
  a(
    `  * Found ${found} updates and ${categories} categories in search; evaluated appl. rules of ${evaluated} out of ${evaluated + w.rng.int(300, 900)} deployed entities`,
  );
  a('*********');
  a('**  END  **  Agent: Finding updates [CallerId = CcmExec]');
  a('*************');
  u += gap(w, 10, 120);
  h.wu(u, cpid, ctid, 'COMAPI', '>>--  RESUMED  -- COMAPI: Search [ClientId = CcmExec]');
  h.wu((u += gap(w, 100, 500)), cpid, ctid, 'COMAPI', `  - Updates found = ${found}`);
  h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '-- END -- COMAPI: Search [ClientId = CcmExec]');
  h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '-------------');
  wuReportEvent(
    w,
    c,
    (u += gap(w, 100, 900)),
    searchStart,
    147,
    '0',
    'Success',
    `Windows Update Client successfully detected ${found} updates.`,
  );
  return u;
}

/** Base64-ish characters of a correlation vector (`sF3vtbMuJE60gBgl.1.0`), kept to letters and digits. */
const CV_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A WU correlation vector as Get-WindowsUpdateLog prints it after `cV:`. */
export function correlationVector(rng: Prng): string {
  return `${rng.chars(16, CV_ALPHABET)}.1.0`;
}

/**
 * The search in Get-WindowsUpdateLog output (§3.2): ComApi `* START *` / `* END *` lines carrying the caller
 * and the correlation vector, the agent's criteria, ProtocolTalker's server and `*FAILED* [hr]` lines; no
 * REPORT EVENT. The START and END wording for CcmExec and the failure lines are written in the style of the
 * verbatim Windows Defender line, not copied from a ConfigMgr log. Returns the instant of its last line.
 */
function win10SearchLog(w: World, job: ScanJob, searchStart: number, mode: SearchMode, markOf: MarkOf): number {
  const { h, cpid, ctid, spid, atid } = searchWriters(job);
  const cv = correlationVector(w.rng);
  let u = searchStart;
  h.wu(u, cpid, ctid, 'ComApi', `* START *   Search ClientId = CcmExec (cV: ${cv})`);
  u += gap(w, 200, 1500);
  const a = (text: string, comp = 'Agent', dt: readonly [number, number] = [0, 3], mark?: string): void =>
    h.wu((u += gap(w, dt[0], dt[1])), spid, atid, comp, text, mark);
  a(`Criteria = "${SEARCH_CRITERIA}"`);
  a(`ServiceID = {${WSUS_SERVICE_ID}} Managed`);
  a('Search Scope = {Machine}');
  a(
    `ServiceId = {${WSUS_SERVICE_ID}}, Server URL = ${w.supUrl}/ClientWebService/client.asmx`,
    'ProtocolTalker',
    [100, 600],
  );
  const end = (found: number): void => {
    h.wu(
      u,
      cpid,
      ctid,
      'ComApi',
      `* END *   Search ClientId = CcmExec, Updates found = ${found}, ServiceId = {${WSUS_SERVICE_ID}} (cV = ${cv})`,
    );
  };

  if (mode === 'timeout-2ee2') {
    // WinHTTP gives up after its receive timeout; WUA retries the send once before giving up on the sync.
    for (let attempt = 0; attempt < 2; attempt++) {
      u += gap(w, 21_000, 30_000);
      a('*FAILED* [80072EE2] Send request', 'Misc', [0, 4], attempt === 0 ? markOf('wuFirstSendFailed') : undefined);
    }
    a('*FAILED* [80072EE2] SyncUpdates_WithRecovery failed', 'ProtocolTalker');
    a('Exit code = 0x80072EE2');
    u += gap(w, 20, 200);
    end(0);
    return u;
  }

  u += gap(w, 2000, 9000);
  const found = job.updates.length;
  for (const up of job.updates) {
    a(`Added update {${up.id.toUpperCase()}}.${up.revision} to search result`, 'Agent', [0, 12]);
  }
  const categories = w.rng.int(40, 90);
  const evaluated = w.rng.int(500, 900);
  a(
    `Found ${found} updates and ${categories} categories in search; evaluated appl. rules of ${evaluated} out of ${evaluated + w.rng.int(300, 900)} deployed entities`,
  );
  u += gap(w, 10, 120);
  end(found);
  return u;
}

/** `REPORT EVENT:` lines embed tab-separated fields and the local time with an ISO offset (opposite sign to bias). */
function wuReportEvent(
  w: World,
  c: Client,
  t: number,
  eventT: number,
  eventId: number,
  result: string,
  status: string,
  text: string,
): void {
  const h = c.host;
  const f = fieldsOf(h.local(eventT));
  const stamp = `${ymd(f)} ${hmsColonMs(f)}${isoOffset(biasAt(h.clock, eventT))}`;
  h.wu(
    t,
    c.svchostPid,
    wuTid(c, 'report'),
    'Report',
    `REPORT EVENT: {${w.rng.guid()}}\t${stamp}\t1\t${eventId}\t101\t{00000000-0000-0000-0000-000000000000}\t0\t${result}\tCcmExec\t${status}\tSoftware Synchronization\t${text}`,
  );
}

/** ScanAgent receives the completion (§6.2); success raises UpdateSource state 3, failure state 5. */
export function scanComplete(w: World, job: ScanJob, t0: number, error?: string, markPrefix?: string): number {
  const h = job.client.host;
  const J = `ScanJob({${job.scanJob}}): `;
  let t = t0;
  h.ccm(t, SA, SA, 'cscanagent.cpp:1504', 'CScanAgent::ScanComplete- Scan completion received.');
  if (error === undefined) {
    h.ccm(
      (t += gap(w, 5, 40)),
      SA,
      SA,
      'cscanjob.cpp:2032',
      `${J}CScanJob::OnScanComplete -Scan completed successfully, ScanType=1`,
    );
    return raiseUpdateSourceState(w, job, t + gap(w, 5, 40), 3);
  }
  h.ccm(
    (t += gap(w, 5, 40)),
    SA,
    SA,
    'cscanjob.cpp:2051',
    `${J}CScanJob::OnScanComplete - Scan Failed with Error=${error}`,
    markPrefix === undefined ? { type: 3 } : { type: 3, mark: `${markPrefix}.scanJobFailed` },
  );
  return raiseUpdateSourceState(
    w,
    job,
    t + gap(w, 5, 40),
    5,
    markPrefix === undefined ? undefined : `${markPrefix}.state5`,
  );
}

/** An update whose installation fails: the HRESULT WUA returns and the installer's own exit code. */
export interface InstallFailure {
  readonly hr: string;
  readonly installerError: number;
}

/**
 * WUAHandler installs missing updates through WUA (reference §6.6 and §6.7, S4 and P5): each update's files copied
 * to WUA's cache, the async installation, WindowsUpdate.log's install call (the COM API in CcmExec, the agent and
 * the CBS handler in wuauserv's svchost), and each update's result. `failing` maps an update id to how it fails;
 * when every update fails, the job ends with 0x80240022 ("Operation failed for all the updates"). Marks, with
 * `markPrefix`: `installStarted`, `wuInstallStart`, `wuStarting.<n>`, `wuCompleted.<n>`, `finished.<n>`,
 * `installEnd`. Legacy WindowsUpdate.log only (S4's text). Returns the time of the last record.
 */
export function installUpdates(
  w: World,
  c: Client,
  updates: readonly UpdateInfo[],
  t0: number,
  failing: ReadonlyMap<string, InstallFailure> = new Map(),
  markPrefix?: string,
): number {
  const h = c.host;
  if (h.windowsUpdateLog !== undefined) {
    throw new Error('installUpdates writes the legacy WindowsUpdate.log only');
  }
  const W = 'WUAHandler';
  const mk = (name: string, type: 1 | 2 | 3 = 1): { type: 1 | 2 | 3; mark?: string } =>
    markPrefix === undefined ? { type } : { type, mark: `${markPrefix}.${name}` };
  const markOf = (name: string): string | undefined => (markPrefix === undefined ? undefined : `${markPrefix}.${name}`);
  let t = t0;
  updates.forEach((u, i) => {
    const cab = `windows10.0-kb${u.articleId}-x64_${lower(w.rng.guid()).slice(0, 8)}.cab`;
    h.ccm(
      (t += gap(w, 50, 400)),
      W,
      W,
      'cwuahandler.cpp:3108',
      `Adding file to list for CopyToCache(): C:\\Windows\\ccmcache\\${i + 1}\\${cab}`,
    );
    h.ccm(
      (t += gap(w, 800, 6000)),
      W,
      W,
      'cwuahandler.cpp:3160',
      `CopyToCache() for update (${u.id}) completed successfully`,
    );
  });
  h.ccm(
    (t += gap(w, 20, 200)),
    W,
    W,
    'cwuahandler.cpp:3390',
    'Update(s) downloaded to WUA file cache, starting installation.',
  );
  h.ccm(
    (t += gap(w, 20, 300)),
    W,
    W,
    'cwuahandler.cpp:3472',
    'Async installation of updates started.',
    mk('installStarted'),
  );

  // WindowsUpdate.log: the install call starts in CcmExec a few ms later, the agent runs in wuauserv's svchost.
  const cpid = c.ccmexecPid;
  const ctid = wuTid(c, 'comapi-install');
  const spid = c.svchostPid;
  const atid = wuTid(c, 'agent-install');
  let u = t + gap(w, 5, 40);
  h.wu(u, cpid, ctid, 'COMAPI', '-------------');
  h.wu(
    (u += gap(w, 0, 2)),
    cpid,
    ctid,
    'COMAPI',
    '-- START --  COMAPI: Install [ClientId = CcmExec]',
    markOf('wuInstallStart'),
  );
  h.wu((u += gap(w, 0, 2)), cpid, ctid, 'COMAPI', '---------');
  h.wu((u += gap(w, 20, 80)), cpid, ctid, 'COMAPI', '<<-- SUBMITTED -- COMAPI: Install [ClientId = CcmExec]');
  u += gap(w, 200, 1500);
  const a = (text: string, comp = 'Agent', mark?: string, dt: readonly [number, number] = [0, 3]): void =>
    h.wu((u += gap(w, dt[0], dt[1])), spid, atid, comp, text, mark);
  a('*************');
  a('** START **  Agent: Installing updates [CallerId = CcmExec]');
  a('*********');
  let reboot = false;
  updates.forEach((up, i) => {
    const fails = failing.get(up.id);
    a(`Starting install of CBS update ${up.id.toUpperCase()}`, 'Handler', markOf(`wuStarting.${i + 1}`), [200, 900]);
    const hr = fails?.hr ?? '0x0';
    const requiresReboot = fails === undefined ? 1 : 0;
    reboot ||= requiresReboot === 1;
    a(
      `Completed install of CBS update with type=3, requiresReboot=${requiresReboot}, installerError=${fails?.installerError ?? 0}, hr=${hr}`,
      'Handler',
      markOf(`wuCompleted.${i + 1}`),
      [20_000, 90_000],
    );
  });
  a('*********');
  a('**  END  **  Agent: Installing updates [CallerId = CcmExec]');
  a('*************');
  u += gap(w, 20, 200);
  h.wu(u, cpid, ctid, 'COMAPI', '>>--  RESUMED  -- COMAPI: Install [ClientId = CcmExec]');
  h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', `  - Reboot required = ${reboot ? 'Yes' : 'No'}`);
  h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '-- END -- COMAPI: Install [ClientId = CcmExec]');
  h.wu((u += gap(w, 0, 3)), cpid, ctid, 'COMAPI', '-------------');

  t = u + gap(w, 20, 300);
  updates.forEach((up, i) => {
    const fails = failing.get(up.id);
    h.ccm(
      (t += gap(w, 1, 20)),
      W,
      W,
      'cwuahandler.cpp:3580',
      fails === undefined
        ? `Update ${i + 1} (${up.id}) finished installing (0x00000000), Reboot Required? Yes`
        : `Update ${i + 1} (${up.id}) finished installing (${fails.hr}), Reboot Required? No`,
      mk(`finished.${i + 1}`, fails === undefined ? 1 : 3),
    );
  });
  h.ccm((t += gap(w, 5, 60)), W, W, 'cwuahandler.cpp:3633', 'Async install completed.');
  const allFailed = updates.every((up) => failing.has(up.id));
  if (allFailed) {
    h.ccm(
      (t += gap(w, 5, 60)),
      W,
      W,
      'cwuahandler.cpp:3712',
      'Installation job encountered some failures. Job Result = 0x80240022.',
      mk('installEnd', 3),
    );
  } else {
    h.ccm((t += gap(w, 5, 60)), W, W, 'cwuahandler.cpp:3695', 'Installation of updates completed.', mk('installEnd'));
  }
  return t;
}

/**
 * UpdatesStore records each update's status and raises a TopicType 500 state message for those not reported
 * before (§6.8, §6.9): Missing = state 2, Installed = state 3, Param = revision. `known` updates were
 * reported by an earlier scan and only get their status re-processed.
 */
export function reportUpdateStatus(w: World, job: ScanJob, t0: number, known: ReadonlySet<string> = new Set()): number {
  const c = job.client;
  const h = c.host;
  const U = 'UpdatesStore';
  let t = t0;
  for (const up of job.updates) {
    const state = up.installed ? 'Installed' : 'Missing';
    t += gap(w, 5, 60);
    h.ccm(
      t,
      U,
      U,
      'updatesstore.cpp:2241',
      `Processing update status from update (${up.id}) with ProductID = ${up.productId}`,
    );
    if (known.has(up.id)) {
      h.ccm(
        (t += gap(w, 1, 10)),
        U,
        U,
        'updatesstore.cpp:2290',
        `Update status from update (${up.id}) has been reported before, state (${state}) hasn't changed.`,
      );
      continue;
    }
    h.ccm(
      (t += gap(w, 1, 10)),
      U,
      U,
      'updatesstore.cpp:2302',
      `Update status from update (${up.id}) hasn't been reported before, creating new instance.`,
    );
    t += gap(w, 5, 40);
    h.ccm(
      t,
      U,
      U,
      'updatesstore.cpp:1530',
      `Successfully raised state message for update (${up.id}) with state (${state}).`,
    );
    t = recordStateMessage(w, c, t + gap(w, 1, 10), 500, up.id, up.installed ? 3 : 2, [String(up.revision)]);
    h.ccm(
      (t += gap(w, 2, 20)),
      U,
      U,
      'updatesstore.cpp:2375',
      `Successfully added WMI instance of update status (${up.id}).`,
    );
  }
  return t;
}

// --- client: deployment evaluation --------------------------------------------------------------------------

export interface Assignment {
  /** Deployment (assignment) unique id, upper case. */
  readonly id: string;
  readonly detectJob: string;
}

/** UpdatesDeployment evaluates a deployment and starts a detection job that asks for a scan (§6.10). */
export function startDetection(
  w: World,
  c: Client,
  t0: number,
  ciCount: number,
  markPrefix?: string,
): { assignment: Assignment; t: number } {
  const h = c.host;
  const UD = 'UpdatesDeployment';
  const C = 'UpdatesDeploymentAgent';
  const assignment: Assignment = { id: w.rng.guid(), detectJob: w.rng.guid() };
  let t = t0;
  h.ccm(t, UD, C, 'updatesmanager.cpp:420', 'Evaluation initiated for (1) assignments.');
  h.ccm((t += gap(w, 5, 60)), UD, C, 'assignment.cpp:1133', `Assignment {${assignment.id}} has total CI = ${ciCount}`);
  h.ccm(
    (t += gap(w, 5, 60)),
    UD,
    C,
    'assignment.cpp:1421',
    `Detection job ({${assignment.detectJob}}) started for assignment ({${assignment.id}})`,
  );
  h.ccm(
    (t += gap(w, 20, 200)),
    'UpdatesHandler',
    'UpdatesHandler',
    'updateshandler.cpp:592',
    `Successfully initiated scan for job ({${assignment.detectJob}}).`,
    markPrefix === undefined ? {} : { mark: `${markPrefix}.scanInitiated` },
  );
  return { assignment, t };
}

/**
 * The detection job's end (§6.10): on success the missing updates are targeted and the assignment's evaluation
 * and compliance state messages are raised; on error the job error is reported and nothing is made available.
 */
export function finishDetection(
  w: World,
  c: Client,
  t0: number,
  a: Assignment,
  updates: readonly UpdateInfo[],
  error?: string,
  markPrefix?: string,
): number {
  const h = c.host;
  const UD = 'UpdatesDeployment';
  const C = 'UpdatesDeploymentAgent';
  const UH = 'UpdatesHandler';
  let t = t0;
  if (error !== undefined) {
    h.ccm(t, UH, UH, 'updateshandler.cpp:644', `Scan failed for job ({${a.detectJob}}), error = ${error}.`, {
      type: 3,
    });
    h.ccm(
      (t += gap(w, 20, 200)),
      UD,
      C,
      'assignment.cpp:1507',
      `Job error (${error}) received for assignment ({${a.id}}) action`,
      markPrefix === undefined ? { type: 3 } : { type: 3, mark: `${markPrefix}.jobError` },
    );
    h.ccm((t += gap(w, 1, 20)), UD, C, 'assignment.cpp:1522', 'Updates will not be made available', { type: 2 });
    t = recordStateMessage(w, c, t + gap(w, 5, 40), 302, braced(a.id), 3, [error]);
    return t;
  }
  h.ccm(t, UH, UH, 'updateshandler.cpp:621', `Scan completion received for job ({${a.detectJob}}).`);
  h.ccm(
    (t += gap(w, 20, 200)),
    UD,
    C,
    'assignment.cpp:1466',
    `DetectJob completion received for assignment ({${a.id}})`,
  );
  for (const up of updates) {
    if (up.installed) {
      continue;
    }
    h.ccm(
      (t += gap(w, 2, 20)),
      UD,
      C,
      'assignment.cpp:1610',
      `Update (Site_${w.siteGuid}/SUM_${up.id}) Name (${up.title}) ArticleID (${up.articleId}) added to the targeted list of deployment ({${a.id}})`,
    );
  }
  const missing = updates.some((u) => !u.installed);
  h.ccm(
    (t += gap(w, 5, 60)),
    UD,
    C,
    'assignment.cpp:1788',
    `Raised assignment ({${a.id}}) state message successfully. TopicType = Evaluate, StateId = 2, StateName = ASSIGNMENT_EVALUATE_SUCCESS`,
  );
  t = recordStateMessage(w, c, t + gap(w, 2, 20), 302, braced(a.id), 2, []);
  const signature = w.rng.chars(8, '0123456789abcdef');
  h.ccm(
    (t += gap(w, 5, 60)),
    UD,
    C,
    'assignment.cpp:1812',
    `Raised assignment ({${a.id}}) state message successfully. TopicType = Compliance, Signature = ${signature}, IsCompliant = ${missing ? 'False' : 'True'}`,
  );
  return recordStateMessage(w, c, t + gap(w, 2, 20), 300, braced(a.id), missing ? 2 : 1, [signature]);
}

// --- MP and site server processing ------------------------------------------------------------------------

/** An outage of MPFDM's access to the site server's inboxes (statemsg-stuck-mpfdm). */
export interface DispatchOutage {
  readonly from: number;
  /** End of the outage; waiting files are moved at the first retry after it when `recovers`. */
  readonly to: number;
  readonly recovers: boolean;
  /** Mark for the first failure line (the upstream cause). */
  readonly causeMark?: string;
}

/**
 * MPFDM on a remote MP moves SMX files from the MP outbox to the site server's statesys.box inbox (§6.13).
 * During an outage it cannot reach the site server share and retries every minute; the files stay behind.
 * Files moved arrive in the site server's StateSys inbox. Call after all flows have run. A marked outbox file
 * gets `<mark>.moved` on its `Moved file` line, or `<mark>.moveFailed` on its first failed move.
 */
export function runFileDispatch(w: World, mp: Host, outage?: DispatchOutage): void {
  if (mp.onSiteServer) {
    // Its relays went straight into the inbox (mpRelay): no MPFDM runs there.
    return;
  }
  const F = 'SMS_MP_FILE_DISPATCH_MANAGER';
  const box = w
    .outbox(mp)
    .slice()
    .sort((a, b) => a.t - b.t);
  const dest = `\\\\${w.site.fqdn}\\SMS_${w.siteCode}\\inboxes\\auth\\statesys.box\\incoming`;
  const src = 'C:\\SMS\\MP\\OUTBOXES\\statemsg.box';
  type Waiting = (typeof box)[number];
  const move = (t: number, f: Waiting): void => {
    mp.sms(t, 'MPFDM', F, `Moved file ${src}\\${f.smx} to ${dest}\\${f.smx}`, {
      ...(f.mark === undefined ? {} : { mark: `${f.mark}.moved` }),
      ...(w.noise.bool(0.3) ? { tilde: 'leading' as const } : {}),
    });
    w.statesysInbox.push({
      t: t + gap(w, 30, 400),
      smx: f.smx,
      records: f.records,
      ...(f.mark === undefined ? {} : { mark: f.mark }),
    });
  };
  let waiting: Waiting[] = [];
  const failedOnce = new Set<string>();
  let causeMarked = false;
  let nextRetry = Number.POSITIVE_INFINITY;
  const attempt = (t: number): void => {
    mp.sms(
      t,
      'MPFDM',
      F,
      `Cannot connect to the site server ${w.site.fqdn}. The operating system reported error 53: The network path was not found.`,
      !causeMarked && outage?.causeMark !== undefined ? { mark: outage.causeMark } : {},
    );
    causeMarked = true;
    for (const f of waiting) {
      t += gap(w, 2, 30);
      const mark = f.mark !== undefined && !failedOnce.has(f.smx) ? { mark: `${f.mark}.moveFailed` } : {};
      failedOnce.add(f.smx);
      mp.sms(t, 'MPFDM', F, `Failed to move file ${src}\\${f.smx} to ${dest}\\${f.smx}, error 53`, mark);
    }
    mp.sms(t + gap(w, 1, 10), 'MPFDM', F, 'Will retry in 60 seconds.', { tilde: 'trailing' });
    nextRetry = t + 60_000 + gap(w, 0, 900);
  };
  /** Retry cycles that fall before `t` (and inside the outage). */
  const retriesUntil = (t: number): void => {
    while (outage !== undefined && waiting.length > 0 && nextRetry < Math.min(t, outage.to)) {
      attempt(nextRetry);
    }
  };
  for (const f of box) {
    const t = f.t + gap(w, 300, 2500);
    retriesUntil(t);
    if (outage !== undefined && t >= outage.from && t < outage.to) {
      waiting.push(f);
      if (waiting.length === 1) {
        attempt(t);
      }
      continue;
    }
    if (waiting.length > 0) {
      // The share is back: the next cycle moves the backlog before anything newer.
      let r = Math.max(nextRetry, outage?.to ?? nextRetry);
      for (const old of waiting) {
        move((r += gap(w, 20, 300)), old);
      }
      waiting = [];
    }
    move(t, f);
  }
  if (outage !== undefined) {
    retriesUntil(outage.to);
    if (outage.recovers && waiting.length > 0) {
      let r = Math.max(nextRetry, outage.to);
      for (const old of waiting) {
        move((r += gap(w, 20, 300)), old);
      }
    }
  }
}

/**
 * State System on the site server (verbose logging, §6.14): a notification, a 10 s pause, then one processing
 * thread per batch of SMX files that arrived meanwhile. Call after every MP's file dispatch has run.
 */
export function runStateSystem(w: World): void {
  const site = w.site;
  const S = 'SMS_STATE_SYSTEM';
  const inbox = w.statesysInbox.slice().sort((a, b) => a.t - b.t);
  let i = 0;
  let busyUntil = Number.NEGATIVE_INFINITY;
  while (i < inbox.length) {
    const first = inbox[i] as (typeof inbox)[number];
    let t = Math.max(first.t, busyUntil) + gap(w, 10, 200);
    site.sms(t, 'StateSys', S, 'Inbox notification triggered, pause for 10 seconds......');
    t += 10_000 + gap(w, 0, 60);
    const batch: typeof inbox = [];
    while (i < inbox.length && (inbox[i] as (typeof inbox)[number]).t <= t) {
      batch.push(inbox[i] as (typeof inbox)[number]);
      i++;
    }
    const threadNo = site.thread(`statesys-worker-${w.noise.int(0, 3)}`);
    site.sms(t, 'StateSys', S, 'Found new state messages to process, starting processing thread');
    site.sms(
      (t += gap(w, 1, 10)),
      'StateSys',
      S,
      `Thread "State Message Processing Thread #0" id:${threadNo} started`,
      { thread: threadNo },
    );
    site.sms((t += gap(w, 5, 60)), 'StateSys', S, `total chucks loaded (1)`, { thread: threadNo });
    for (const f of batch) {
      site.sms(
        (t += gap(w, 2, 30)),
        'StateSys',
        S,
        `CMessageProcessor - Processing file: ${f.smx}`,
        f.mark === undefined ? { thread: threadNo } : { thread: threadNo, mark: `${f.mark}.processed` },
      );
      site.sms(
        (t += gap(w, 20, 400)),
        'StateSys',
        S,
        `CMessageProcessor - Processed ${f.records} records with 0 invalid records.`,
        { thread: threadNo },
      );
    }
    site.sms(
      (t += gap(w, 2, 30)),
      'StateSys',
      S,
      `CMessageProcessor - Processed ${batch.length} message files in this batch, with 0 bad files.`,
      { thread: threadNo },
    );
    site.sms((t += gap(w, 5, 60)), 'StateSys', S, 'total chucks loaded (0)', { thread: threadNo });
    site.sms(
      (t += gap(w, 2, 30)),
      'StateSys',
      S,
      `Thread "State Message Processing Thread #0" id:${threadNo} terminated normally`,
      {
        thread: threadNo,
      },
    );
    busyUntil = t;
  }
}

// --- traffic from peer clients (MP side only) ---------------------------------------------------------------

/** MP_LocationManager's call for WSUS locations (a content request's is MP_GetContentDPInfoUnprotected). */
const WSUS_CALL = { source: 'mplocationmanager.cpp:1388', text: 'MP LM: calling MP_GetWSUSServerLocations' };

/**
 * One location request as MP_Location.log writes it: its body, the call, the reply, at `times`, on a thread of
 * MP_LocationManager's pool of six that is free for the whole of it (`drawn`, or the next free one).
 */
export function mpLocationExchange(
  mp: Host,
  drawn: number,
  [received, calling, replied]: readonly [number, number, number],
  request: string,
  call: { readonly source: string; readonly text: string },
  reply: string,
  marks: { readonly request?: { mark?: string }; readonly reply?: { mark?: string } } = {},
): void {
  const MPL = 'MP_Location';
  const MC = 'MP_LocationManager';
  const thread = mp.poolThread(MC, 6, drawn, received, replied);
  mp.ccm(received, MPL, MC, 'mplocationmanager.cpp:1201', `MP LM: Message Body : ${request}`, {
    thread,
    ...marks.request,
  });
  mp.ccm(calling, MPL, MC, call.source, call.text, { thread });
  mp.ccm(replied, MPL, MC, 'mplocationmanager.cpp:1452', `MP LM: Reply message body:${CRLF}${reply}`, {
    thread,
    ...marks.reply,
  });
}

/** A peer client's WSUS location request as the MP sees it: same update source and version, another IP. */
export function peerLocationRequest(
  w: World,
  mp: Host,
  p: PeerClient,
  t: number,
  updateSource: string,
  cv: number,
): void {
  const us = braced(updateSource);
  const request =
    `<WSUSLocationRequest SchemaVersion="1.00"><Content ID="${us}" Version="${cv}"/><AssignedSite SiteCode="${w.siteCode}"/>` +
    `<ClientLocationInfo OnInternet="0"><ADSite Name="HQ"/><Forest Name="${w.domain}"/><Domain Name="${w.domain}"/>` +
    `<IPAddresses><IPAddress SubnetAddress="${p.subnet}" Address="${p.ip}"/></IPAddresses></ClientLocationInfo></WSUSLocationRequest>`;
  const replyXml =
    `<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="${w.siteCode}"/><LocationRecords>` +
    `<LocationRecord WSUSURL="${w.supUrl}" ServerName="${w.supFqdn}" Version="${cv}"/></LocationRecords></Site></Sites></WSUSLocationReply>`;
  const drawn = w.noise.int(0, 5);
  const received = t + gap(w, 2, 10);
  const calling = received + gap(w, 1, 6);
  const m = calling + gap(w, 8, 60);
  mpLocationExchange(mp, drawn, [received, calling, m], request, WSUS_CALL, replyXml);
  mpRequest(mp, t, ccmPost(p.ip, m - t + gap(w, 1, 6)));
}

/** A peer client's compliance state messages relayed through the MP (MP_Relay + outbox + IIS). */
export function peerStateRelay(w: World, mp: Host, p: PeerClient, t: number, updateIds: readonly string[]): string {
  const msgs = updateIds.map((id, i) => ({
    topicType: 500,
    topicId: id,
    stateId: w.noise.pick([2, 3, 3]),
    params: [String(w.noise.pick([1, 100, 200, 201]))],
    recordedAt: t - gap(w, 60_000, 600_000) + i * 7,
    serial: p.nextSerial++,
  }));
  // Peers have no folder and no modelled clock: their XML times are written as true UTC.
  const xml = stateReportXml({ name: p.name, clientId: p.clientId, utc: (x) => x }, msgs, t - gap(w, 100, 900));
  return mpRelay(w, mp, t, p.ip, xml, msgs.length).smx;
}
