// Unrelated routine records that real ConfigMgr logs are full of, sprinkled over a time range so that the flow
// records of a scenario sit between other components' chatter, other clients' requests and other threads.
// Noise is info (type 1) or a benign warning (type 2), never an error: every type="3" line in a generated
// bundle belongs to an injected failure, which keeps the ground truth unambiguous. All choices come from
// `world.noise`, a PRNG stream separate from the flows' ids.

import { dmtfUtc } from './clock.ts';
import type { MpRequest } from './scenarios.ts';
import {
  correlationVector,
  mpLocationExchange,
  mpRequest,
  peerLocationRequest,
  peerStateRelay,
  wmiEvent,
} from './scenarios.ts';
import type { Client, Host, PeerClient, World } from './world.ts';

/** Times in [from, to) spaced by a random gap in [minGap, maxGap]. */
function times(w: World, from: number, to: number, minGap: number, maxGap: number): number[] {
  const out: number[] = [];
  for (let t = from + w.noise.int(0, maxGap); t < to; t += w.noise.int(minGap, maxGap)) {
    out.push(t);
  }
  return out;
}

function j(w: World, min: number, max: number): number {
  return w.noise.int(min, max);
}

/** ClientIDManagerStartup.log as the agent starts: registration already done, hardware id unchanged. */
export function clientStartup(w: World, c: Client, t0: number): void {
  const h = c.host;
  const L = 'ClientIDManagerStartup';
  const C = 'ClientIDManagerStartup';
  let t = t0;
  const hwid = w.noise.chars(40, '0123456789ABCDEF');
  const mac = Array.from({ length: 6 }, (_, i) =>
    i < 3 ? ['00', '15', '5D'][i] : w.noise.chars(2, '0123456789ABCDEF'),
  ).join(':');
  const lines: Array<[string, string]> = [
    ['ccmid.cpp:1022', '[RegTask] - Executing registration task synchronously.'],
    ['ccmid.cpp:411', `Read SMBIOS (encoded): ${w.noise.chars(72, '0123456789ABCDEF')}`],
    ['ccmid.cpp:427', `Evaluated SMBIOS (encoded): ${w.noise.chars(72, '0123456789ABCDEF')}`],
    ['ccmid.cpp:433', 'No SMBIOS Changed'],
    ['ccmid.cpp:567', 'SMBIOS unchanged'],
    ['ccmid.cpp:587', 'SID unchanged'],
    ['ccmid.cpp:611', 'HWID unchanged'],
    ['hwid.cpp:187', 'GetSystemEnclosureChassisInfo: IsFixed=TRUE, IsLaptop=FALSE'],
    ['hwid.cpp:252', `Computed HardwareID=2:${hwid}`],
    ['hwid.cpp:276', `Win32_NetworkAdapterConfiguration.MACAddress=${mac}`],
    [
      'ccmid.cpp:1130',
      `[RegTask] - Client is registered. Server assigned ClientID is GUID:${c.clientId}. Approval status 1`,
    ],
    ['ccmid.cpp:1160', '[RegTask] - Client is already registered. Exiting.'],
  ];
  for (const [src, msg] of lines) {
    h.ccm((t += j(w, 2, 120)), L, C, src, msg);
  }
}

/** CcmExec raising its periodic certificate-retrieval status event (a multi-line WMI dump). */
function ccmExecEvent(c: Client, t: number): void {
  const h = c.host;
  h.ccm(
    t,
    'CcmExec',
    'CcmExec',
    'event.cpp:729',
    wmiEvent('CCM_ServiceHost_CertRetrieval_Status', [
      ['ClientID', `GUID:${c.clientId}`],
      ['DateTime', dmtfUtc(h.utc(t))],
      ['HRESULT', '0x00000000'],
      ['ProcessID', c.ccmexecPid],
      ['ThreadID', h.thread('CcmExec')],
    ]),
  );
}

/** LocationServices refreshing what it knows about its site and MP. */
function locationRefresh(w: World, c: Client, t: number): void {
  const h = c.host;
  const LS = 'LocationServices';
  const lines: Array<[string, string, 1 | 2]> = [
    ['lsad.cpp:1103', `Current AD site of machine is ${c.adSite}`, 1],
    ['lsad.cpp:4201', 'Domain joined client is in Intranet', 1],
    ['lsad.cpp:4556', `LSIsSiteCompatible : Verifying Site Compatibility for <${w.siteCode}>`, 1],
    [
      'lsad.cpp:4598',
      `LSGetSiteVersionFromAD : Successfully retrieved version '5.00.9128.1000' for site '${w.siteCode}'`,
      1,
    ],
    [
      'lsad.cpp:2211',
      `Rotating assigned management point, new management point [1] is: ${c.mp.fqdn} (9128) with capabilities: <Capabilities SchemaVersion="1.0"><Property Name="SSLState" Value="0"/></Capabilities>`,
      1,
    ],
  ];
  if (w.noise.bool(0.25)) {
    lines.push(['lsad.cpp:2950', 'Failed to refresh Site Signing Certificate over HTTP with error 0x87d00215.', 2]);
  }
  let tt = t;
  for (const [src, msg, type] of lines) {
    h.ccm((tt += j(w, 1, 40)), LS, LS, src, msg, { type });
  }
}

/** A machine-policy poll that finds nothing new: PolicyAgent + CcmMessaging + the MP's IIS. */
function policyPoll(w: World, c: Client, t: number): void {
  const h = c.host;
  const PA = 'PolicyAgent';
  h.ccm(t, PA, 'PolicyAgent_RequestAssignments', 'policyagent.cpp:3040', 'Requesting Machine policy assignments');
  const M = 'CcmMessaging';
  const msg = w.noise.guid();
  const reply = w.noise.guid();
  let tt = t + j(w, 5, 40);
  h.ccm(
    tt,
    M,
    M,
    'ccmmessaging.cpp:2131',
    `Sending async message '{${msg}}' to outgoing queue 'mp:[http]mp_policymanager'`,
  );
  h.ccm(
    (tt += j(w, 5, 40)),
    M,
    M,
    'ccmmessaging.cpp:6243',
    `Sending outgoing message '{${msg}}'. Flags 0x200, sender account empty`,
  );
  const took = j(w, 15, 90);
  mpRequest(c.mp, tt + j(w, 10, 40), {
    clientIp: h.ip,
    method: 'CCM_POST',
    uriStem: '/ccm_system/request',
    userAgent: 'ccmhttp',
    timeTakenMs: took,
  });
  tt += took + j(w, 40, 100);
  h.ccm(
    tt,
    M,
    M,
    'ccmmessaging.cpp:5403',
    `Message '{${msg}}' got reply '{${reply}}' to local endpoint queue 'PolicyAgent_ReplyAssignments'`,
  );
  h.ccm(
    (tt += j(w, 1, 10)),
    M,
    M,
    'ccmmessaging.cpp:6622',
    `OutgoingMessage(Queue='mp_[http]mp_policymanager', ID={${msg}}): Delivered successfully to host '${c.mp.fqdn}'.`,
  );
  h.ccm(
    (tt += j(w, 1, 20)),
    M,
    M,
    'ccmmessaging.cpp:3950',
    `Message '{${reply}}' delivered to endpoint 'PolicyAgent_ReplyAssignments'`,
  );
  h.ccm(
    (tt += j(w, 20, 200)),
    PA,
    'PolicyAgent_ReplyAssignments',
    'policyagentreply.cpp:214',
    'Received delta policy update with 0 assignments',
  );
}

/** UpdatesDeployment's periodic enumeration when nothing is due. */
function deploymentTick(w: World, c: Client, t: number): void {
  c.host.ccm(
    t,
    'UpdatesDeployment',
    'UpdatesDeploymentAgent',
    'updatesmanager.cpp:1250',
    `EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = ${w.noise.pick([0, 0, 0, 1])}`,
  );
}

/** How far Windows Update noise keeps from a ConfigMgr search, so that no join could take it for part of one. */
const WU_NOISE_CLEARANCE_MS = 5 * 60_000;

/**
 * Get-WindowsUpdateLog output of a Windows 10+ client between ConfigMgr's searches: other callers of the agent
 * (SLS discovery, Windows Defender's federated search), in the verbatim wording of the reference (§3.2). A
 * couple of lines every 8 to 20 minutes, never within WU_NOISE_CLEARANCE_MS of a search wuaSearch recorded, so
 * it must run after the client's flows.
 */
function wuEtlNoise(w: World, c: Client, from: number, to: number): void {
  const h = c.host;
  // Stable per client however often the noise runs: the callers' processes live as long as the machine.
  const pids = w.noise.fork(`wu-etl-pids/${h.name}`);
  const slsPid = pids.int(1500, 2500) * 4;
  const defenderPid = pids.int(1500, 2500) * 4;
  const searches = c.wuSearches;
  // A burst right at `from`, so that the decoded file does not open on ConfigMgr's search.
  const first = from + j(w, 0, 60_000);
  for (const t of [first, ...times(w, first, to, 480_000, 1_200_000)]) {
    const near = searches.some((s) => t - WU_NOISE_CLEARANCE_MS < s.to && t + 1_000 + WU_NOISE_CLEARANCE_MS > s.from);
    if (near) {
      continue;
    }
    h.wu(t, slsPid, h.thread('wu:sls'), 'ComApi', '*QUEUED* SLS Discovery');
    h.wu(
      t + j(w, 10, 40),
      defenderPid,
      h.thread('wu:defender'),
      'ComApi',
      `* START *   Federated Search ClientId = Windows Defender (cV: ${correlationVector(w.noise)})`,
    );
  }
}

/**
 * Client chatter over [from, to): CcmExec events, LocationServices refreshes, empty policy polls, deployment
 * ticks, and Windows Update's other callers when the client's WindowsUpdate.log is Get-WindowsUpdateLog
 * output. `density` scales how often (1 = a few clusters every ten minutes).
 */
export function clientNoise(w: World, c: Client, from: number, to: number, density = 1): void {
  const k = 1 / density;
  for (const t of times(w, from, to, 90_000 * k, 420_000 * k)) {
    ccmExecEvent(c, t);
  }
  for (const t of times(w, from, to, 240_000 * k, 900_000 * k)) {
    locationRefresh(w, c, t);
  }
  for (const t of times(w, from, to, 300_000 * k, 1_200_000 * k)) {
    policyPoll(w, c, t);
  }
  for (const t of times(w, from, to, 400_000 * k, 1_500_000 * k)) {
    deploymentTick(w, c, t);
  }
  if (c.host.windowsUpdateLog !== undefined) {
    wuEtlNoise(w, c, from, to);
  }
}

/** MP_LocationManager's call for a content request's distribution points. */
const CONTENT_CALL = {
  source: 'mplocationmanager.cpp:1302',
  text: 'MP LM: calling MP_GetContentDPInfoUnprotected',
};

/** A content (DP) location request from a peer, which MP_Location logs next to the WSUS ones. */
function peerContentLocation(w: World, mp: Host, p: PeerClient, t: number): void {
  const pkg = `${w.siteCode}1000${w.noise.int(10, 99)}`;
  const version = w.noise.int(1, 9);
  const request =
    `<ContentLocationRequest SchemaVersion="1.00" ExcludeFileList=""><Package ID="${pkg}" Version="${version}"/>` +
    `<AssignedSite SiteCode="${w.siteCode}"/><ClientLocationInfo LocationType="SMSPACKAGE" DistributeOnDemand="0" ` +
    'UseProtected="0" AllowCaching="0" BranchDPFlags="0" AllowHTTP="1" AllowSMB="0" AllowMulticast="0" UseInternetDP="0" ' +
    `DPTokenAuth="1"><ADSite Name="HQ"/><Forest Name="${w.domain}"/><Domain Name="${w.domain}"/><IPAddresses>` +
    `<IPAddress SubnetAddress="${p.subnet}" Address="${p.ip}"/></IPAddresses></ClientLocationInfo></ContentLocationRequest>`;
  const dp = `PS1DP01.${w.domain}`;
  const reply =
    '<ContentLocationReply SchemaVersion="1.00"><ContentInfo PackageFlags="16777216"><ContentHashValues/></ContentInfo>' +
    `<Sites><Site><MPSite SiteCode="${w.siteCode}" MasterSiteCode="${w.siteCode}" SiteLocality="LOCAL" IISPreferedPort="80" ` +
    `IISSSLPreferedPort="443"/><LocationRecords><LocationRecord><URL Name="http://${dp}/SMS_DP_SMSPKG$/${pkg}" ` +
    `Signature="http://${dp}/SMS_DP_SMSSIG$/${pkg}"/><ADSite Name="HQ"/><IPSubnets><IPSubnet Address="${p.subnet}"/>` +
    '<IPSubnet Address=""/></IPSubnets><Metric Value=""/><Version>9128</Version><Capabilities SchemaVersion="1.0">' +
    `<Property Name="SSLState" Value="0"/></Capabilities><ServerRemoteName>${dp}</ServerRemoteName><DPType>SERVER</DPType>` +
    '<Windows Trust="1"/><Locality>LOCAL</Locality></LocationRecord></LocationRecords></Site></Sites><RelatedContentIDs/>' +
    '</ContentLocationReply>';
  const drawn = w.noise.int(0, 5);
  const received = t + j(w, 2, 10);
  const calling = received + j(w, 1, 6);
  const m = calling + j(w, 10, 80);
  mpLocationExchange(mp, drawn, [received, calling, m], request, CONTENT_CALL, reply);
  mpRequest(mp, t, {
    clientIp: p.ip,
    method: 'CCM_POST',
    uriStem: '/ccm_system/request',
    userAgent: 'ccmhttp',
    timeTakenMs: m - t + j(w, 1, 6),
  });
}

/** Peer requests IIS sees that leave no trace in the CCM logs of the MP. */
function peerIis(w: World, mp: Host, p: PeerClient, t: number): void {
  const kind = w.noise.int(0, 5);
  const base = { clientIp: p.ip, timeTakenMs: j(w, 0, 40) };
  let r: MpRequest;
  switch (kind) {
    case 0:
      r = { ...base, method: 'GET', uriStem: '/SMS_MP/.sms_aut', uriQuery: 'MPLIST', userAgent: 'SMS+CCM+5.0' };
      break;
    case 1:
      r = { ...base, method: 'GET', uriStem: '/SMS_MP/.sms_aut', uriQuery: 'MPCERT', userAgent: 'SMS+CCM+5.0' };
      break;
    case 2:
      r = { ...base, method: 'GET', uriStem: '/SMS_MP/.sms_aut', uriQuery: 'SITESIGNCERT', userAgent: 'SMS+CCM+5.0' };
      break;
    case 3:
      r = {
        ...base,
        method: 'GET',
        uriStem: '/SMS_MP/.sms_aut',
        uriQuery: 'MPKEYINFORMATIONEX',
        userAgent: 'SMS+CCM+5.0',
      };
      break;
    case 4: {
      // Windows-authenticated endpoint: the anonymous attempt is refused with 401.2, the retry succeeds.
      mpRequest(mp, t, {
        ...base,
        method: 'CCM_POST',
        uriStem: '/ccm_system_windowsauth/request',
        userAgent: 'ccmhttp',
        status: [401, 2, 5],
        timeTakenMs: j(w, 0, 3),
      });
      r = {
        ...base,
        method: 'CCM_POST',
        uriStem: '/ccm_system_windowsauth/request',
        userAgent: 'ccmhttp',
        username: `CONTOSO\\${p.name}$`,
      };
      t += j(w, 5, 30);
      break;
    }
    default:
      r = { ...base, method: 'CCM_POST', uriStem: '/ccm_system/request', userAgent: 'ccmhttp' };
  }
  mpRequest(mp, t, r);
}

export interface MpNoiseOptions {
  /** Peers send WSUS location requests for this update source and version (same as the flow's); none without. */
  readonly updateSource: string | undefined;
  readonly contentVersion: number;
  /** Relays of peer state messages (they go through MPFDM and StateSys like the flow's). */
  readonly relays: boolean;
  /** 1 = a busy but small site. */
  readonly density?: number;
}

/** MP traffic from peer clients over [from, to). */
export function mpNoise(
  w: World,
  mp: Host,
  peers: readonly PeerClient[],
  from: number,
  to: number,
  o: MpNoiseOptions,
): void {
  if (peers.length === 0) {
    return;
  }
  const k = 1 / (o.density ?? 1);
  for (const t of times(w, from, to, 2_000 * k, 25_000 * k)) {
    peerIis(w, mp, w.noise.pick(peers), t);
  }
  for (const t of times(w, from, to, 40_000 * k, 240_000 * k)) {
    peerContentLocation(w, mp, w.noise.pick(peers), t);
  }
  const us = o.updateSource;
  for (const t of us === undefined ? [] : times(w, from, to, 60_000 * k, 300_000 * k)) {
    peerLocationRequest(w, mp, w.noise.pick(peers), t, us!, o.contentVersion);
  }
  if (o.relays) {
    for (const t of times(w, from, to, 90_000 * k, 420_000 * k)) {
      const ids = Array.from({ length: w.noise.int(1, 4) }, () => w.noise.guid().toLowerCase());
      peerStateRelay(w, mp, w.noise.pick(peers), t, ids);
    }
  }
}

/** Site server chatter over [from, to): database notifications, policy provider, summarization tasks. */
export function siteNoise(w: World, from: number, to: number): void {
  const site = w.site;
  const inboxes = 'C:\\Program Files\\Microsoft Configuration Manager\\inboxes';
  for (const t of times(w, from, to, 30_000, 240_000)) {
    const id = w.noise.int(40_000, 90_000);
    const kind = w.noise.int(0, 2);
    const D = 'SMS_DATABASE_NOTIFICATION_MONITOR';
    if (kind === 0) {
      const ci = w.noise.int(16_777_300, 16_799_000);
      site.sms(t, 'SMSDBMON', D, `RCV: UPDATE on CI_ConfigurationItems for CI_ConfigurationItems_iu [${ci}][${id}]`);
      site.sms(t + j(w, 5, 60), 'SMSDBMON', D, `SND: Dropped ${inboxes}\\policypv.box\\${ci}.CIA [${id}]`);
    } else if (kind === 1) {
      const coll = `${w.siteCode}000${w.noise.int(10, 99)}`;
      site.sms(t, 'SMSDBMON', D, `RCV: UPDATE on Collections for Collections_Upd_CollEval [${coll}][${id}]`);
      site.sms(t + j(w, 5, 60), 'SMSDBMON', D, `SND: Dropped ${inboxes}\\colleval.box\\${coll}.udc [${id}]`);
    } else {
      site.sms(t, 'SMSDBMON', D, 'Processing notifications for 1 tables', { tilde: 'trailing' });
    }
  }
  for (const t of times(w, from, to, 300_000, 900_000)) {
    site.sms(t, 'PolicyPv', 'SMS_POLICY_PROVIDER', `Waiting for changes for ${w.noise.int(10, 59)} minutes`, {
      tilde: 'trailing',
    });
  }
  for (const t of times(w, from, to, 600_000, 1_500_000)) {
    const task = w.noise.pick([
      'SUM Update Status Summarizer',
      'SUM Assignment Compliance Evaluator',
      'SUM Update Group Status Summarizer',
    ]);
    site.sms(t, 'StateSys', 'SMS_STATE_SYSTEM', `Started task '${task}'`);
    site.sms(
      t + j(w, 1000, 15_000),
      'StateSys',
      'SMS_STATE_SYSTEM',
      `Task '${task}' completed successfully after running for ${w.noise.int(1, 15)} seconds, with status ${w.noise.int(0, 40)}.`,
    );
  }
}
