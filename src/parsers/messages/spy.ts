// Message grammars of the client logs that Client Spy's trees are rebuilt from: execmgr (software distribution
// execution requests and program runs), ContentAccess / CAS.log (the client cache), ContentTransferManager and
// DataTransferService (content downloads), Scheduler (advertisement schedules), InventoryAgent (the five
// inventory actions), mtrmgr and SWMTRReportGen (software metering) and ccmsetup (client deployment).
//
// Where the wording comes from. Verbatim or near-verbatim in public sources: execmgr `Raised Program Success
// Event for Ad:…, Package:…, Program: …` and `Execution is complete for program … The exit code is …, the
// execution status is …` (a 2020 execmgr.log quoted by LogSlothParser's README), `Execution Request for advert …`
// (matched by public scripts reading execmgr.log), `Requesting content from CAS for package … version …`,
// CAS `CDownloadManager::RequestDownload P010000F.1.System`, `Submitted CTM job {…} to download Content … under
// context System`, ContentTransferManager `Attempting to create Location Request for PackageID='…' and
// Version='…'`, `CTM job {…} entered phase CCM_DOWNLOADSTATUS_DOWNLOADING_DATA` (Microsoft TechNet blog
// "Content Lookup in Configuration Manager", 2013); CAS `CacheManager: Content … of size (693K) was found in
// cache…`, `Saved Content ID Mapping …`, `CacheManager: Target location for content … is …`, `… content is
// tombstoned …`, `Download started/completed for content …`, CTM `CTM job {…} (corresponding DTS job {…}) started
// download from '…'`, `… successfully processed download completion` (comments of a public CAS.log parser);
// DataTransferService `Job: {…}, Total Files: n, Transferred Files: n, Total Bytes: n, Transferred Bytes: n`,
// `DTSJob {…} successfully completed download.` (Patch My PC content troubleshooting guide); ccmsetup
// `==========[ ccmsetup started in process n ]==========`, `Version: …`, `Successfully created the ccmsetup
// service` (Microsoft blog "Troubleshooting client deployment issues – running ccmsetup as a service", 2009),
// `CcmSetup is exiting with return code n`, `CcmSetup failed with error code 0x…` (matched by many public
// deployment scripts). Written in the same style because no public source prints them (templates marked
// "in style" below): the cache configuration line, the cache reference line, the Scheduler schedule lines, the
// advertisement-offer line, the ` for user <SID>` suffix of per-user requests, InventoryAgent lines other than
// `Inventory: Action=…` and `Successfully sent report`, and the mtrmgr / SWMTRReportGen lines. A real log that
// words these differently is still read (generic ids, codes, URLs); the trees then say what they cannot tell.

import type { MessageFields } from './fields.ts';
import { G, re, template } from './template.ts';
import type { Grammar } from './template.ts';

/** A package id as ConfigMgr writes it: site code + 5 hex digits (`PS100012`), or a content GUID. */
const PKG = String.raw`[A-Z0-9]{3}[0-9A-F]{5}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}`;
const SID = String.raw`S-1-\d+(?:-\d+)+`;
/** The ` for user <SID>` suffix per-user requests carry (in style). */
const FOR_USER = String.raw`(?: for user (?<user>${SID}))?`;

/** Properties of a `Raising event:` WMI instance dump, `Key = "value";` or `Key = 12;` per line. */
const MOF_PROPERTY = /^\s*(\w+) = (?:"((?:[^"\\]|\\.)*)"|(-?\d+));\s*$/gm;

function softDistEvent(_m: RegExpExecArray, f: MessageFields, text: string): void {
  for (const p of text.matchAll(MOF_PROPERTY)) {
    const key = p[1];
    const value = (p[2] ?? p[3] ?? '').replace(/\\\\/g, '\\');
    if (key === 'AdvertisementId') {
      f.advertisement = value;
    } else if (key === 'PackageName') {
      // SoftDist events carry the package *id* in PackageName.
      f.packageId = value;
    } else if (key === 'ProgramName') {
      f.programName = value;
    } else if (key === 'UserContext') {
      f.user = value;
    } else if (key === 'ExitCode') {
      const n = Number.parseInt(value, 10);
      if (Number.isSafeInteger(n)) {
        f.exitCode = n;
      }
    } else if (key === 'ProcessID') {
      const n = Number.parseInt(value, 10);
      if (Number.isSafeInteger(n)) {
        f.processId = n;
      }
    }
  }
}

export const execmgr: Grammar = {
  templates: [
    template(
      'Execmgr.policyArrived',
      'Policy arrived for parent package',
      re`^Policy arrived for parent package (?<packageId>${PKG}) program (?<programName>.+?)${FOR_USER}$`,
    ),
    // In style: execmgr states which advertisement offers which program of which named package.
    template(
      'Execmgr.advertisementOffered',
      'Advertisement ',
      re`^Advertisement (?<advertisement>\w+) offers program (?<programName>.+?) of package (?<packageId>${PKG}) \((?<packageName>.+)\), version (?<contentVersion>\d+)(?: to user (?<user>${SID}))?$`,
    ),
    template(
      'Execmgr.mandatoryRequest',
      'Creating mandatory request for advert',
      re`^Creating mandatory request for advert (?<advertisement>\w+), program (?<programName>.+?), package (?<packageId>${PKG})${FOR_USER}$`,
    ),
    template(
      'Execmgr.optionalRequest',
      'Creating request for advert',
      re`^Creating request for advert (?<advertisement>\w+), program (?<programName>.+?), package (?<packageId>${PKG})${FOR_USER}$`,
    ),
    template(
      'Execmgr.stateChange',
      'Execution Request for advert',
      re`^Execution Request for advert (?<advertisement>\w+) package (?<packageId>${PKG}) program (?<programName>.+?) state change from (?<fromState>\w+) to (?<toState>\w+)${FOR_USER}$`,
    ),
    template(
      'Execmgr.requestingContent',
      'Requesting content from CAS',
      re`^Requesting content from CAS for package (?<packageId>${PKG}) version (?<contentVersion>\d+)`,
    ),
    template(
      'Execmgr.executingProgram',
      'Executing program',
      re`^Executing program (?<_command>.+) in (?<executionContext>Admin|User) context`,
    ),
    template(
      'Execmgr.programStarted',
      'instance of SoftDistProgramStartedEvent',
      re`^Raising event:[\s\S]*instance of SoftDistProgramStartedEvent`,
      softDistEvent,
    ),
    template(
      'Execmgr.programSucceeded',
      'instance of SoftDistProgramCompletedSuccessfullyEvent',
      re`^Raising event:[\s\S]*instance of SoftDistProgramCompletedSuccessfullyEvent`,
      softDistEvent,
    ),
    template(
      'Execmgr.programFailed',
      'instance of SoftDistProgramErrorExitEvent',
      re`^Raising event:[\s\S]*instance of SoftDistProgramErrorExitEvent`,
      softDistEvent,
    ),
    template('Execmgr.exitCode', 'Program exit code', re`^Program exit code (?<exitCode>-?\d+)`),
    template(
      'Execmgr.scriptResult',
      'Script for Package:',
      re`^Script for Package:\s*(?<packageId>${PKG}), Program:\s*(?<programName>.+?) (?<executionStatus>succeeded|failed) with exit code (?<exitCode>-?\d+)`,
    ),
    template(
      'Execmgr.successRaised',
      'Raised Program Success Event',
      re`^Raised Program Success Event for Ad:\s*(?<advertisement>\w+), Package:\s*(?<packageId>${PKG}), Program:\s*(?<programName>.+)$`,
    ),
    template(
      'Execmgr.errorRaised',
      'Raised Program Error Event',
      re`^Raised Program Error Event for Ad:\s*(?<advertisement>\w+), Package:\s*(?<packageId>${PKG}), Program:\s*(?<programName>.+)$`,
    ),
    template(
      'Execmgr.executionComplete',
      'Execution is complete for program',
      re`^Execution is complete for program (?<programName>.+?)\. The exit code is (?<exitCode>-?\d+), the execution status is (?<executionStatus>\w+)`,
    ),
  ],
};

export const contentAccess: Grammar = {
  templates: [
    // In style: the cache's folder and size as CAS reads its configuration.
    template(
      'CAS.cacheConfig',
      'CacheManager: Cache location',
      re`^CacheManager: Cache location (?<path>.+?), cache size (?<cacheSizeMb>\d+) MB`,
    ),
    template(
      'CAS.requestDownload',
      'CDownloadManager::RequestDownload',
      re`^CDownloadManager::RequestDownload (?<packageId>${PKG})\.(?<contentVersion>\d+)\.(?<user>\S+)`,
    ),
    template(
      'CAS.checkingCache',
      'Checking if content',
      re`CacheManager: Checking if content (?<packageId>${PKG})\.(?<contentVersion>\d+) is in the cache`,
    ),
    template(
      'CAS.notInCache',
      'was NOT found',
      re`CacheManager: Content for (?<packageId>${PKG})\.(?<contentVersion>\d+) was NOT found`,
    ),
    template(
      'CAS.foundInCache',
      'was found in cache',
      re`CacheManager: Content (?<packageId>${PKG})\.(?<contentVersion>\d+) of size \((?<sizeKb>\d+)K\) was found in cache`,
    ),
    template(
      'CAS.ctmJobSubmitted',
      'Submitted CTM job',
      re`^Submitted CTM job (?<job>${G}) to download Content (?<packageId>${PKG})\.(?<contentVersion>\d+) under context (?<user>\S+)`,
    ),
    template(
      'CAS.targetLocation',
      'Target location for content',
      re`CacheManager: Target location for content (?<packageId>${PKG})\.(?<contentVersion>\d+) is (?<path>.+?)\s*$`,
    ),
    template(
      'CAS.downloadStarted',
      'Download started for content',
      re`^Download started for content (?<packageId>${PKG})\.(?<contentVersion>\d+)`,
    ),
    template(
      'CAS.downloadCompleted',
      'Download completed for content',
      re`^Download completed for content (?<packageId>${PKG})\.(?<contentVersion>\d+)(?: under context (?<user>\S+))?`,
    ),
    template(
      'CAS.contentMapped',
      'Saved Content ID Mapping',
      re`^Saved Content ID Mapping (?<packageId>${PKG})\.(?<contentVersion>\d+), (?<path>.+?)\s*$`,
    ),
    // In style: who holds a reference to a cached content, and how many references it has.
    template(
      'CAS.referenced',
      'reference count',
      re`CacheManager: Content (?<packageId>${PKG})\.(?<contentVersion>\d+) referenced by (?<advertisement>\w+), reference count (?<count>\d+)`,
    ),
    template(
      'CAS.tombstoned',
      'content is tombstoned',
      re`All references to cached Content (?<packageId>${PKG})\.(?<contentVersion>\d+) have been removed, content is tombstoned`,
    ),
  ],
};

export const contentTransferManager: Grammar = {
  templates: [
    template(
      'CTM.locationRequest',
      'Attempting to create Location Request',
      re`^Attempting to create Location Request for PackageID='(?<packageId>${PKG})' and Version='(?<contentVersion>\d+)'`,
    ),
    template(
      'CTM.locationRequestSent',
      'Created and Sent Location Request',
      re`^Created and Sent Location Request '(?<locationRequest>${G})' for package (?<packageRef>\S+)`,
    ),
    template('CTM.phase', 'entered phase', re`^CTM job (?<job>${G}) entered phase (?<toState>\w+)`),
    template(
      'CTM.downloadStarted',
      'corresponding DTS job',
      re`^CTM job (?<job>${G}) \(corresponding DTS job (?<dtsJob>${G})\) started download from '(?<_from>[^']+)'`,
    ),
    template(
      'CTM.downloadCompleted',
      'successfully processed download completion',
      re`^CTM job (?<job>${G}) successfully processed download completion`,
    ),
  ],
};

export const dataTransferService: Grammar = {
  templates: [
    template(
      'DTS.jobCreated',
      'created to download from',
      re`^DTSJob (?<dtsJob>${G}) created to download from '(?<_from>[^']+)' to '(?<path>[^']+)'`,
    ),
    template(
      'DTS.progress',
      'Transferred Bytes',
      re`^Job: (?<dtsJob>${G}), Total Files: (?<totalFiles>\d+), Transferred Files: (?<transferredFiles>\d+), Total Bytes: (?<totalBytes>\d+), Transferred Bytes: (?<transferredBytes>\d+)`,
    ),
    template(
      'DTS.completed',
      'successfully completed download',
      re`^DTSJob (?<dtsJob>${G}) successfully completed download`,
    ),
  ],
};

/** `PS120005-PS100014-6F6BCC28`: the schedule of a software distribution advertisement names both ids. */
const ADVERT_SCHEDULE = /^(\w{8})-(\w{8})-[0-9A-F]{8}$/;

function scheduleIds(_m: RegExpExecArray, f: MessageFields): void {
  const m = ADVERT_SCHEDULE.exec(f.scheduleId ?? '');
  if (m?.[1] !== undefined && m[2] !== undefined) {
    f.advertisement = m[1];
    f.packageId = m[2];
  }
}

// In style (no public source prints Scheduler.log's schedule lines): one line per schedule evaluation.
export const scheduler: Grammar = {
  templates: [
    template(
      'Scheduler.nextOccurrence',
      'next occurrence',
      re`^Schedule (?<scheduleId>\S+): trigger (?<scheduleToken>[0-9A-Fa-f]+), next occurrence (?<localTimeText>\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2})`,
      scheduleIds,
    ),
    template(
      'Scheduler.noMoreOccurrences',
      'no further occurrences',
      re`^Schedule (?<scheduleId>\S+): trigger (?<scheduleToken>[0-9A-Fa-f]+), no further occurrences`,
      scheduleIds,
    ),
  ],
};

/** The inventory action ids (`InventoryActionID`) and the names InventoryAgent gives them. */
export const INVENTORY_ACTIONS: Readonly<Record<string, string>> = {
  '00000000-0000-0000-0000-000000000001': 'Hardware',
  '00000000-0000-0000-0000-000000000002': 'Software',
  '00000000-0000-0000-0000-000000000003': 'Discovery',
  '00000000-0000-0000-0000-000000000010': 'File Collection',
  '00000000-0000-0000-0000-000000000011': 'IDMIF Collection',
};

export const inventoryAgent: Grammar = {
  templates: [
    template('Inventory.messageStart', 'Start of message processing', re`^Inventory: \*+ Start of message processing`),
    template(
      'Inventory.openingStore',
      'Opening store for action',
      re`^Inventory: Opening store for action (?<_action>${G})`,
      (m, f) => {
        const id = (m.groups?.['_action'] ?? '').replace(/[{}]/g, '').toLowerCase();
        const name = INVENTORY_ACTIONS[id];
        if (name !== undefined) {
          f.inventoryAction = name;
        }
      },
    ),
    template(
      'Inventory.action',
      'Inventory: Action=',
      re`^Inventory: Action=(?<inventoryAction>[^,]+), ReportType=(?<reportType>\w+), MajorVersion=(?<majorVersion>\d+), MinorVersion=(?<minorVersion>\d+)`,
    ),
    template(
      'Inventory.collectionQuery',
      'Collection: Namespace',
      re`^Collection: Namespace = (?<path>[^;]+); Query = (?<_query>.+?); Timeout = \d+ secs\.?`,
      (m, f) => {
        const cls = /\bFROM (\w+)/i.exec(m.groups?.['_query'] ?? '')?.[1];
        if (cls !== undefined) {
          f.operation = cls;
        }
      },
    ),
    template(
      'Inventory.collectionCompleted',
      'Collection Task completed',
      re`^Inventory: Collection Task completed in [\d.]+ seconds, (?<count>\d+) Errors`,
    ),
    template(
      'Inventory.reportSent',
      'Successfully sent report',
      re`^Inventory: Successfully sent report\. Destination:\s*(?<endpoint>[^,]+), ID: (?<messageId>${G})`,
    ),
    template('Inventory.cycleCompleted', 'Cycle completed', re`^Inventory: Cycle completed in`),
    template('Inventory.messageEnd', 'End of message processing', re`^Inventory: \*+ End of message processing`),
  ],
};

// In style: mtrmgr's rule list and process matches, SWMTRReportGen's usage report.
export const meteringAgent: Grammar = {
  templates: [
    template(
      'Metering.rule',
      'Metering rule ',
      re`^Metering rule (?<ruleId>\w+): FileName=(?<fileName>[^,]+), OriginalFileName=(?<originalFileName>[^,]*), FileVersion=(?<fileVersion>[^,]*), LanguageID=(?<languageId>\d+)`,
    ),
    template(
      'Metering.ruleRemoved',
      'removed from the rule list',
      re`^Metering rule (?<ruleId>\w+) removed from the rule list`,
    ),
    template('Metering.process', 'is for process', re`^Process ID (?<processId>\d+) is for process (?<path>.+?)\s*$`),
    template(
      'Metering.matched',
      'Found match against rule',
      re`^Found match against rule (?<ruleId>\w+) for process (?<processId>\d+)`,
    ),
  ],
};

export const meteringReport: Grammar = {
  templates: [
    template(
      'MeteringReport.generated',
      'Generated metering report',
      re`^Generated metering report for (?<count>\d+) rules? in (?<path>.+?)\s*$`,
    ),
  ],
};

export const ccmsetup: Grammar = {
  templates: [
    template(
      'Ccmsetup.started',
      'ccmsetup started in process',
      re`^=+\[ ccmsetup started in process (?<processId>\d+) \]=+`,
    ),
    template('Ccmsetup.version', 'Version: ', re`^Version: (?<clientVersion>\d+(?:\.\d+){3})\s*$`),
    template('Ccmsetup.commandLine', 'command line:', re`^Ccmsetup command line: (?<_command>.*)$`),
    template(
      'Ccmsetup.serviceCreated',
      'Successfully created the ccmsetup service',
      re`^Successfully created the ccmsetup service`,
    ),
    template(
      'Ccmsetup.installing',
      'Installing version',
      re`^Installing version (?<clientVersion>\d+(?:\.\d+){3}) of the client`,
    ),
    template('Ccmsetup.installSucceeded', 'Installation succeeded', re`^Installation succeeded`),
    template(
      'Ccmsetup.installFailed',
      'Installation failed with error code',
      re`^Installation failed with error code (?<exitCode>\d+)`,
    ),
    template('Ccmsetup.failed', 'CcmSetup failed with error code', re`^CcmSetup failed with error code`),
    template(
      'Ccmsetup.exiting',
      'CcmSetup is exiting with return code',
      re`^CcmSetup is exiting with return code (?<exitCode>-?\d+)`,
    ),
  ],
};
