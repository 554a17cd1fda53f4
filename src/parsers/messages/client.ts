// Message grammars of the ConfigMgr client logs (C:\Windows\CCM\Logs) on the software-update scan and
// state-message path: PolicyAgent → ScanAgent → LocationServices → CcmMessaging → WUAHandler → UpdatesStore
// → StateMessage, plus UpdatesDeployment/UpdatesHandler. Texts and keys are those of reference §6.1–6.10;
// templates tolerate the documented quirks (`Execute-` vs `Execute -`, `- - - - - -` prefixes,
// `to the MP` vs `to the management point`, `mp:` vs `mp_` queues).

import type { MessageFields } from './fields.ts';
import { G, re, rei, template } from './template.ts';
import type { Grammar } from './template.ts';
import { guidOrRaw, normalizeGuid } from './values.ts';

const SCAN_JOB_PREFIX = re`^ScanJob\((${G})\)`;

export const scanAgent: Grammar = {
  // Most ScanAgent lines carry `ScanJob({…}): ` in front of whatever they say.
  preamble: (text, f) => {
    if (text.startsWith('ScanJob(')) {
      const id = normalizeGuid(SCAN_JOB_PREFIX.exec(text)?.[1] ?? '');
      if (id !== undefined) {
        f.scanJob = id;
      }
    }
  },
  templates: [
    template('ScanAgent.notify', 'CScanAgent::Notify', re`Inside CScanAgent::Notify\(\)`),
    template('ScanAgent.policyChange', 'OnPolicyChange', re`CScanAgent::OnPolicyChange\s*-`),
    template(
      'ScanAgent.policyAvailable',
      'Policy available for UpdateSourceID',
      re`Policy available for UpdateSourceID=(?<updateSource>${G})(?:,?\s*ContentVersion=(?<contentVersion>\d+))?`,
    ),
    template(
      'ScanAgent.scanRequestAdded',
      'to final ScanRequest List',
      re`to final ScanRequest List UpdateSourceID=(?<updateSource>${G})(?:,\s*Policy-ContentVersion=(?<contentVersion>\d+))?(?:,\s*Required-ContentVersion=(?<requiredContentVersion>\d+))?`,
    ),
    template('ScanAgent.processScanRequest', 'CScanAgent::ProcessScanRequest', re`CScanAgent::ProcessScanRequest`),
    template('ScanAgent.scanJobManagerScan', 'CScanJobManager::Scan', re`CScanJobManager::Scan\s*-\s*entered`),
    template('ScanAgent.scanJobInitialize', 'CScanJob::Initialize', re`CScanJob::Initialize\s*-\s*entered`),
    template('ScanAgent.scanJobScan', 'CScanJob::Scan', re`CScanJob::Scan\s*-\s*entered`),
    template('ScanAgent.requestLocations', 'CScanJob::RequestLocations', re`CScanJob::RequestLocations\s*-\s*entered`),
    template(
      'ScanAgent.requestingLocations',
      'Requesting WSUS Server Locations',
      re`Requesting WSUS Server Locations from LS for (?<updateSource>${G})(?: version (?<contentVersion>\d+))?`,
    ),
    template(
      'ScanAgent.locationRequestId',
      'Location Request ID',
      re`Location Request ID\s*=\s*(?<locationRequest>${G})`,
    ),
    template(
      'ScanAgent.instancePersisted',
      'PersistInstanceInCache',
      re`PersistInstanceInCache\s*-\s*Persisted Instance`,
    ),
    template(
      'ScanAgent.locationsRequested',
      'Locations requested for ScanJobID',
      re`Locations requested for ScanJobID=(?<scanJob>${G})(?:\s*\(LocationRequestID=(?<locationRequest>${G})\))?`,
    ),
    template(
      'ScanAgent.locationUpdateReceived',
      'WSUSLocationUpdate received',
      re`WSUSLocationUpdate received for location request guid=(?<locationRequest>${G})`,
    ),
    template(
      'ScanAgent.locationReceived',
      'OnLocationUpdate',
      re`CScanJob::OnLocationUpdate\s*-\s*Received Location=(?<wsusUrl>[^,\s]+)(?:,\s*Version=(?<contentVersion>\d+))?`,
    ),
    template(
      'ScanAgent.addingUpdateSource',
      'Adding UpdateSource=',
      re`Adding UpdateSource=(?<updateSource>${G})(?:,\s*ContentType=(?<contentType>\d+))?(?:,\s*ContentLocation=(?<wsusUrl>[^,\s]+))?(?:,\s*ContentVersion=(?<contentVersion>\d+))?`,
    ),
    template(
      'ScanAgent.updateSourceStateRaised',
      'Raised UpdateSource',
      re`Raised UpdateSource \((?<updateSource>${G})\) state message successfully\.?(?:\s*StateId\s*=\s*(?<stateId>\d+))?`,
    ),
    template(
      'ScanAgent.scanRequested',
      'successfully requested Scan',
      re`CScanJob::Execute\s*-\s*successfully requested Scan(?:,\s*ScanType=(?<scanType>\d+))?`,
    ),
    template('ScanAgent.scanComplete', 'ScanComplete', re`CScanAgent::ScanComplete\s*-\s*Scan completion received`),
    // A location reply with no WSUS server in it: the scan waits, and never runs (reference §6.3, S11).
    template(
      'ScanAgent.locationsEmpty',
      'empty location list',
      re`CScanJob::OnLocationUpdate\s*-\s*Received empty location list`,
      (_m, f) => {
        f.wsusUrls = [];
      },
    ),
    template(
      'ScanAgent.scanJobCompleted',
      'OnScanComplete',
      re`CScanJob::OnScanComplete\s*-\s*Scan (?<reason>completed successfully|completed with errors|failed)(?:,\s*ScanType=(?<scanType>\d+))?`,
    ),
    template('ScanAgent.executeFailed', 'Failed at', re`CScanJob::Execute\s*-\s*Failed at (?<operation>\w+)`),
    // Not in the reference (§9: no source prints it); seen in the field as `Scan Failed for ToolUniqueID={…},
    // with Error=0x…` and `-Scan Failed with Error=0x…`. Tolerant on purpose.
    template(
      'ScanAgent.scanFailed',
      'Scan Failed',
      re`Scan Failed(?: for ToolUniqueID=(?<updateSource>${G}),?)?\s*with Error`,
    ),
  ],
};

const wsusReplyEmpty = (_m: RegExpExecArray, f: MessageFields): void => {
  // Overwritten by the body reader when the reply carries XML; an entry with nothing after the colon is the
  // "empty WSUSLocationReply" of reference §6.3.
  f.wsusUrls = [];
};

export const locationServices: Grammar = {
  templates: [
    template('LocationServices.getLocationsAsync', 'GetLocationsAsyncEx', re`CCCMWSUSLocation::GetLocationsAsyncEx`),
    template(
      'LocationServices.persistingWsusRequest',
      'Attempting to persist WSUS location request',
      re`Attempting to persist WSUS location request for ContentID='(?<updateSource>${G})'(?: and ContentVersion='(?<contentVersion>\d+)')?`,
    ),
    template(
      'LocationServices.wsusRequestPersisted',
      'Persisted WSUS location request',
      re`^Persisted WSUS location request`,
    ),
    template(
      'LocationServices.sendingWsusRequest',
      'Attempting to send WSUS Location Request',
      re`Attempting to send WSUS Location Request for ContentID='(?<updateSource>${G})'`,
    ),
    template('LocationServices.wsusLocationRequest', 'WSUSLocationRequest', re`^WSUSLocationRequest\s*:`),
    template(
      'LocationServices.locationRequestSent',
      'Created and Sent Location Request',
      re`Created and Sent Location Request '(?<locationRequest>${G})'(?: for package (?:(?<packageRef>${G}|\w+)(?![\w-]))?)?`,
    ),
    template(
      'LocationServices.processingReply',
      'Processing Location reply message',
      re`^Processing Location reply message`,
    ),
    template('LocationServices.wsusLocationReply', 'WSUSLocationReply', re`^WSUSLocationReply\s*:`, wsusReplyEmpty),
    template(
      'LocationServices.callingBackWsusLocations',
      'Calling back with the following WSUS locations',
      re`^Calling back with the following WSUS locations`,
    ),
    // Not in the reference: how the samples word the callback of an empty reply (reference §6.3 says the
    // reply itself is empty). Tolerant of "no" / "empty".
    template(
      'LocationServices.callingBackEmptyWsusLocations',
      'Calling back with ',
      re`^Calling back with (?:empty|no) WSUS locations`,
      (_m, f) => {
        f.wsusUrls = [];
      },
    ),
    template(
      'LocationServices.wsusPath',
      "WSUS Path='",
      re`WSUS Path='(?<wsusUrl>[^']+)'(?:,\s*Server='(?<host>[^']+)')?(?:,\s*Version='(?<contentVersion>\d+)')?`,
    ),
    template(
      'LocationServices.callingBackWsusRequest',
      'Calling back with locations for WSUS request',
      re`Calling back with locations for WSUS request (?<locationRequest>${G})`,
    ),
    template(
      'LocationServices.callingBackLocationRequest',
      'Calling back with locations for location request',
      re`Calling back with locations for location request (?<locationRequest>${G})`,
    ),
    template(
      'LocationServices.filterCreated',
      'Created filter for LS request',
      re`Created filter for LS request (?<locationRequest>${G})`,
    ),
    template('LocationServices.contentLocationRequest', 'ContentLocationRequest', re`^ContentLocationRequest\s*:`),
    template('LocationServices.contentLocationReply', 'ContentLocationReply', re`^ContentLocationReply\s*:`),
  ],
};

export const ccmMessaging: Grammar = {
  templates: [
    template(
      'CcmMessaging.sendingAsync',
      'Sending async message',
      re`Sending async message '(?<messageId>${G})' to outgoing queue '(?<queue>[^']+)'`,
    ),
    template(
      'CcmMessaging.sendingOutgoing',
      'Sending outgoing message',
      re`Sending outgoing message '(?<messageId>${G})'`,
    ),
    template(
      'CcmMessaging.gotReply',
      'got reply',
      re`Message '(?<messageId>${G})' got reply '(?<replyId>${G})'(?: to local endpoint queue '(?<endpoint>[^']+)')?`,
    ),
    template(
      'CcmMessaging.delivered',
      'Delivered successfully',
      re`OutgoingMessage\(Queue='(?<queue>[^']+)',\s*ID=(?<messageId>${G})\):\s*Delivered successfully to host '(?<host>[^']+)'`,
    ),
    // Retries and failures of the same message use the same prefix; the rest of the text is kept as the reason.
    template(
      'CcmMessaging.outgoingMessageStatus',
      'OutgoingMessage(Queue=',
      re`OutgoingMessage\(Queue='(?<queue>[^']+)',\s*ID=(?<messageId>${G})\):\s*(?<reason>.*?)\s*$`,
    ),
    // The delivered message is the reply of a `gotReply` line: join `replyId` there with `messageId` here.
    template(
      'CcmMessaging.deliveredToEndpoint',
      'delivered to endpoint',
      re`Message '(?<messageId>${G})' delivered to endpoint '(?<endpoint>[^']+)'`,
    ),
    template(
      'CcmMessaging.post',
      ': Host=',
      re`^(?<httpMethod>[A-Z_]+):\s*Host=(?<host>[^,\s]+)(?:,\s*Path=(?<uriStem>[^,\s]+))?(?:,\s*Port=(?<port>\d+))?(?:,\s*Protocol=(?<protocol>\w+))?`,
    ),
    template('CcmMessaging.noReply', "doesn't have reply", re`Message '(?<messageId>${G})' doesn't have reply`),
    // Outside the reference (common field texts): a failed POST and the CCMHTTP error record with the WinHTTP code.
    template('CcmMessaging.postFailed', 'Post to ', re`Post to https?://(?<host>[^/:\s]+)\S* failed`),
    template(
      'CcmMessaging.httpError',
      '[CCMHTTP] ERROR',
      re`\[CCMHTTP\] ERROR: URL=https?://(?<host>[^/:\s,]+)[^,]*(?:,\s*Port=(?<port>\d+))?.*?Code=(?<win32Error>\d+)(?:,\s*Text=(?<reason>\w+))?`,
    ),
  ],
};

const waitSeconds = (m: RegExpExecArray, f: MessageFields): void => {
  const n = Number.parseInt(m.groups?.['_n'] ?? '', 10);
  if (Number.isSafeInteger(n)) {
    f.durationSeconds = m.groups?.['_unit']?.toLowerCase().startsWith('min') === true ? n * 60 : n;
  }
};

export const wuaHandler: Grammar = {
  templates: [
    template(
      'WUAHandler.wsusSourceFound',
      'WSUS Update Source type',
      re`It'?s a WSUS Update Source type \((?<updateSource>${G})\)`,
    ),
    template(
      'WUAHandler.newWsusSource',
      'completely new WSUS Update Source',
      re`It'?s a completely new WSUS Update Source`,
    ),
    template(
      'WUAHandler.enablingManagedServer',
      'Enabling WUA Managed server policy',
      re`Enabling WUA Managed server policy to use server:\s*(?<wsusUrl>\S+)`,
    ),
    template('WUAHandler.policyRefreshForced', 'Policy refresh forced', re`^Policy refresh forced`),
    template(
      'WUAHandler.waitingForGroupPolicy',
      'for Group Policy to notify',
      rei`Waiting for (?<_n>\d+) (?<_unit>min|sec)\w* for Group Policy to notify`,
      waitSeconds,
    ),
    template(
      'WUAHandler.waitingForAgentPolicy',
      'for policy to take effect',
      rei`Waiting for (?<_n>\d+) (?<_unit>min|sec)\w* for policy to take effect`,
      waitSeconds,
    ),
    template(
      'WUAHandler.updateSourceAdded',
      'Added Update Source',
      re`Added Update Source \((?<updateSource>${G})\)(?: of content type:\s*(?<contentType>\d+))?`,
    ),
    template(
      'WUAHandler.updateSourceVersionIncreased',
      'increased version to',
      re`WSUS update source already exists, it has increased version to (?<contentVersion>\d+)`,
    ),
    template(
      'WUAHandler.supersededScanPolicy',
      'will include superseded updates',
      re`^Scan results will include superseded updates`,
    ),
    template('WUAHandler.searchCriteria', 'Search Criteria is', re`^Search Criteria is (?<searchCriteria>.+?)\s*$`),
    template('WUAHandler.singleCallScan', 'single-call scan', re`^Running single-call scan of updates`),
    template(
      'WUAHandler.searchStarted',
      'Async searching of updates',
      re`^Async searching of updates using WUAgent started`,
    ),
    template('WUAHandler.searchCompleted', 'Async searching completed', re`^Async searching completed`),
    template('WUAHandler.searchFinished', 'Finished searching', re`^Finished searching for everything in single call`),
    template(
      'WUAHandler.superseded',
      'is superseded by',
      re`^Pruning: update id \((?<updateId>${G})\) is superseded by \((?<supersededBy>${G})\)`,
    ),
    template(
      'WUAHandler.updateStatus',
      'Update (',
      re`^Update \((?<updateState>\w+)\): (?<title>.*) \((?<updateId>${G}), (?<revision>\d+)\)`,
    ),
    template('WUAHandler.scanSucceeded', 'Successfully completed scan', re`^Successfully completed scan`),
    template(
      'WUAHandler.groupPolicyOverride',
      'overwritten by a higher authority',
      re`Group policy settings were overwritten by a higher authority(?: \([^)]*\))? to: Server\s*(?:(?<wsusUrl>(?!and\b)\S+)\s+)?and Policy (?<policyState>\w+)`,
    ),
    template(
      'WUAHandler.addUpdateSourceFailed',
      'Failed to Add Update Source',
      re`Failed to Add Update Source for WUAgent(?: of type \((?<contentType>\d+)\))?(?: and id \((?<updateSource>${G})\))?`,
    ),
    template('WUAHandler.searchFailed', 'Failed to end search job', re`Failed to end search job`),
    template('WUAHandler.scanFailed', 'Scan failed with error', re`^Scan failed with error`),
    template(
      'WUAHandler.copyToCacheAdding',
      'CopyToCache():',
      re`^Adding file to list for CopyToCache\(\):\s*(?<path>.+?)\s*$`,
    ),
    template(
      'WUAHandler.copyToCacheCompleted',
      'CopyToCache() for update',
      re`CopyToCache\(\) for update \((?<updateId>${G})\) completed successfully`,
    ),
    template(
      'WUAHandler.downloadedStartingInstall',
      'downloaded to WUA file cache',
      re`^Update\(s\) downloaded to WUA file cache`,
    ),
    template(
      'WUAHandler.installStarted',
      'Async installation of updates started',
      re`^Async installation of updates started`,
    ),
    template(
      'WUAHandler.updateInstallFinished',
      'finished installing',
      re`^Update \d+ \((?:(?<updateId>${G})|[^)]*)\) finished installing \(0x[0-9a-fA-F]+\)(?:,\s*Reboot Required\?\s*(?<rebootRequired>\w+))?`,
    ),
    template('WUAHandler.asyncInstallCompleted', 'Async install completed', re`^Async install completed`),
    template(
      'WUAHandler.installationCompleted',
      'Installation of updates completed',
      re`^Installation of updates completed`,
    ),
    template(
      'WUAHandler.installJobFailures',
      'encountered some failures',
      re`^Installation job encountered some failures`,
    ),
    template(
      'WUAHandler.downloadFailed',
      'Failed to download updates',
      re`^Failed to download updates to the WUAgent datastore`,
    ),
    template(
      'WUAHandler.downloadUnexpectedResult',
      'Unexpected HRESULT',
      re`^Unexpected HRESULT for downloading complete`,
    ),
  ],
};

export const updatesStore: Grammar = {
  templates: [
    template(
      'UpdatesStore.processingStatus',
      'Processing update status from update',
      re`Processing update status from update \((?<updateId>${G})\)(?: with ProductID = (?<productId>${G})(?![\w-]))?`,
    ),
    template(
      'UpdatesStore.newInstance',
      "hasn't been reported before",
      re`Update status from update \((?<updateId>${G})\) hasn't been reported before`,
    ),
    template(
      'UpdatesStore.statusUnchanged',
      'has been reported before',
      re`Update status from update \((?<updateId>${G})\) has been reported before, state \((?<updateState>\w+)\) hasn't changed`,
    ),
    template(
      'UpdatesStore.stateMessageRaised',
      'Successfully raised state message for update',
      re`Successfully raised state message for update \((?<updateId>${G})\)(?: with state \((?<updateState>\w+)\))?`,
    ),
    template(
      'UpdatesStore.wmiInstanceAdded',
      'Successfully added WMI instance of update status',
      re`Successfully added WMI instance of update status \((?<updateId>${G})\)`,
    ),
  ],
};

export const stateMessage: Grammar = {
  templates: [
    template(
      'StateMessage.addingToWmi',
      'Adding message with TopicType',
      re`Adding message with TopicType (?<topicType>\d+) and TopicId (?<topicId>\S+) to WMI`,
    ),
    template(
      'StateMessage.recorded',
      'has been recorded',
      re`State message\s*\(\s*State ID\s*:\s*(?<stateId>\d+)\s*\) with TopicType (?<topicType>\d+) and TopicId (?<topicId>\S+) has been recorded`,
    ),
    template('StateMessage.body', 'StateMessage body', re`^StateMessage body\s*:`),
    template(
      'StateMessage.forwarded',
      'Successfully forwarded State Messages',
      re`Successfully forwarded State Messages to the (?:MP|management point)`,
    ),
    template('StateMessage.signEncryptMode', 'CStateMsgManager::GetSign', re`CStateMsgManager::GetSignEn\w*Mode`),
  ],
};

// Reference §6.11: the words UpdatesDeployment prints for the assignment (deployment) topic types.
const TOPIC_TYPE_BY_NAME: Readonly<Record<string, number>> = {
  compliance: 300,
  enforce: 301,
  enforcement: 301,
  evaluate: 302,
  evaluation: 302,
};

const topicTypeFromName = (_m: RegExpExecArray, f: MessageFields): void => {
  const type = f.topicTypeName === undefined ? undefined : TOPIC_TYPE_BY_NAME[f.topicTypeName.toLowerCase()];
  if (type !== undefined) {
    f.topicType = type;
  }
};

const CI = String.raw`Site_[^/)\s]*/SUM_(?<updateId>${G})`;

export const updatesDeployment: Grammar = {
  templates: [
    template(
      'UpdatesDeployment.assignmentCiTotal',
      'has total CI',
      re`Assignment (?<assignment>${G}) has total CI = (?<count>\d+)`,
    ),
    template(
      'UpdatesDeployment.detectionJobStarted',
      'Detection job (',
      re`Detection job \((?<job>${G})\) started for assignment \((?<assignment>${G})\)`,
    ),
    template(
      'UpdatesDeployment.detectJobCompleted',
      'DetectJob completion received',
      re`DetectJob completion received for assignment \((?<assignment>${G})\)`,
    ),
    template(
      'UpdatesDeployment.updateTargeted',
      'added to the targeted list',
      re`^Update \(${CI}\) Name \((?<title>.*)\) ArticleID \((?<kb>\d+)\) added to the targeted list of deployment \((?<assignment>${G})\)`,
    ),
    template(
      'UpdatesDeployment.assignmentStateRaised',
      'Raised assignment (',
      re`Raised assignment \((?<assignment>${G})\) state message successfully\.?\s*TopicType = (?<topicTypeName>\w+)(?:, StateId = (?<stateId>\d+))?(?:, StateName = (?<stateName>\w+))?(?:, Signature = \w+)?(?:, IsCompliant = (?<compliant>\w+))?`,
      topicTypeFromName,
    ),
    template(
      'UpdatesDeployment.updateStateRaised',
      'Raised update (',
      // No numeric topic type: 300-302 are the assignment's topics; the per-update one is not printed.
      re`Raised update \(${CI}\) (?<topicTypeName>\w+) state message successfully\.?(?:\s*StateId = (?<stateId>\d+))?(?:, StateName = (?<stateName>\w+))?`,
    ),
    template(
      'UpdatesDeployment.jobError',
      'Job error (',
      re`Job error \(0x[0-9a-fA-F]+\) received for assignment \((?<assignment>${G})\)`,
    ),
    template(
      'UpdatesDeployment.updatesNotAvailable',
      'will not be made available',
      re`^Updates will not be made available`,
    ),
  ],
};

export const updatesHandler: Grammar = {
  templates: [
    template(
      'UpdatesHandler.scanInitiated',
      'Successfully initiated scan for job',
      re`Successfully initiated scan for job \((?<job>${G})\)`,
    ),
    template(
      'UpdatesHandler.scanCompleted',
      'Scan completion received for job',
      re`Scan completion received for job \((?<job>${G})\)`,
    ),
  ],
};

// `CCM_Policy_Policy5.PolicyID="{…}",PolicySource="SMS:PS1",PolicyVersion="40.00"` — the key order differs
// from line to line (reference §6.1), so the path is read as a key="value" set.
const POLICY_KEY = /(\w+)="([^"]*)"/g;
const POLICY_SOURCE_SITE = /^SMS:(\w+)$/;

const policyPath = (m: RegExpExecArray, f: MessageFields): void => {
  const path = m.groups?.['_policy'];
  if (path === undefined) {
    return;
  }
  for (const [, key, value] of path.matchAll(POLICY_KEY)) {
    if (value === undefined) {
      continue;
    }
    if (key === 'PolicyID') {
      f.policyId = guidOrRaw(value);
    } else if (key === 'PolicyVersion') {
      f.policyVersion = value;
    } else if (key === 'PolicySource') {
      f.policySource = value;
      const site = POLICY_SOURCE_SITE.exec(value)?.[1];
      if (site !== undefined) {
        f.siteCode = site;
      }
    }
  }
};

export const policyAgent: Grammar = {
  templates: [
    template(
      'PolicyAgent.downloadInitiated',
      'Successfully initiated download of policy',
      re`Successfully initiated download of policy '(?<_policy>[^']*)'`,
      policyPath,
    ),
    template(
      'PolicyAgent.downloadInitializing',
      'Initializing download of policy',
      re`Initializing download of policy '(?<_policy>[^']*)'`,
      policyPath,
    ),
    template(
      'PolicyAgent.downloadCompleted',
      'Download of policy',
      re`Download of policy (?<_policy>.+?) completed(?: \(DTS Job ID: (?<job>${G})\))?`,
      policyPath,
    ),
    template(
      'PolicyAgent.compiled',
      'successfully compiled',
      re`Policy '(?<_policy>[^']*)' successfully compiled`,
      policyPath,
    ),
    template('PolicyAgent.updating', 'Updating policy', re`^Updating policy (?<_policy>.+?)\s*$`, policyPath),
    template('PolicyAgent.applied', 'Applied policy', re`^Applied policy (?<_policy>.+?)\s*$`, policyPath),
    template(
      'PolicyAgent.state',
      'Policy state for',
      re`Policy state for \[(?<_policy>[^\]]*)\] is currently \[(?<policyState>[^\]]*)\]`,
      policyPath,
    ),
  ],
};

/** ClientIDManagerStartup.log: the SMS unique id the site gave this client, which state messages carry. */
export const clientIdManager: Grammar = {
  templates: [
    template(
      'ClientIDManager.registered',
      'Server assigned ClientID is',
      re`Client is registered\. Server assigned ClientID is (?<clientId>GUID:${G})`,
    ),
  ],
};
