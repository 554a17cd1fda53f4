// Message grammars of the management point (MP_Location, MP_Relay, MPFDM) and the site server
// (WSyncMgr → SMSDBMON → PolicyPv before the scan; StateSys after it), reference §6.0, §6.5, §6.12–6.14,
// plus the STATMSG status-message line every site-server component writes.

import type { MessageFields } from './fields.ts';
import { G, re, template } from './template.ts';
import type { Grammar } from './template.ts';
import { normalizeGuid, statMsgDateToIso } from './values.ts';

export const mpLocation: Grammar = {
  templates: [
    template('MPLocation.requestBody', 'MP LM: Message Body', re`^MP LM: Message Body\s*:`),
    template('MPLocation.calling', 'MP LM: calling', re`^MP LM: calling (?<operation>\w+)`),
    template('MPLocation.replyBody', 'MP LM: Reply message body', re`^MP LM: Reply message body\s*:`),
  ],
};

export const mpRelay: Grammar = {
  templates: [
    template('MPRelay.startProcessing', 'start message processing for Relay', re`start message processing for Relay`),
    template('MPRelay.fileType', 'FileType=', re`FileType=\s*(?<fileType>\w+)`),
    template('MPRelay.messageBody', 'Message Body', re`^Message Body\s*:`),
    template('MPRelay.processingBody', 'Processing message body', re`Inv-Relay Task: Processing message body`),
    template('MPRelay.outboxDir', 'Outbox dir:', re`Outbox dir:\s*(?<path>.+?)\s*$`),
    template('MPRelay.priority', 'Priority in the message', re`Priority in the message\s*=\s*(?<priority>\d+)`),
    template(
      'MPRelay.statePriorityDirectory',
      'State Priority Directory',
      re`State Priority Directory\s*=\s*(?<path>.+?)\s*$`,
    ),
    template('MPRelay.taskCompleted', 'Task completed successfully', re`Inv-Relay: Task completed successfully`),
    template('MPRelay.attachmentsReceived', 'attachments', re`Relay: Received (?<count>\d+) attachments`),
    template(
      'MPRelay.attachmentsProcessed',
      'attachments successfully processed',
      re`Relay: (?<count>\d+) of \d+ attachments successfully processed`,
    ),
  ],
};

// `\\PS1SITE.CONTOSO.COM\SMS_PS1\inboxes\auth\statesys.box\incoming\TAZGYTSJ.SMX`: site server and site code.
const SITE_SHARE = /^\\\\([^\\]+)\\SMS_([A-Za-z0-9]{3})(?:\\|$)/i;
const fileMove = (_m: RegExpExecArray, f: MessageFields): void => {
  const path = f.destinationPath ?? f.path ?? '';
  const name = path.slice(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
  if (name !== '') {
    f.smxFile = name;
  }
  const share = SITE_SHARE.exec(f.destinationPath ?? '');
  if (share?.[1] !== undefined && share[2] !== undefined) {
    f.host = share[1];
    f.siteCode = share[2];
  }
};

export const mpFileDispatch: Grammar = {
  templates: [
    template('MPFDM.fileMoved', 'Moved file', re`Moved file (?<path>.+?) to (?<destinationPath>.+?)\s*$`, fileMove),
    template(
      'MPFDM.moveFailed',
      'Failed to move file',
      re`Failed to move file (?<path>.+?) to (?<destinationPath>.+?),\s*error (?<win32Error>\d+)`,
      fileMove,
    ),
    template(
      'MPFDM.cannotConnectToSiteServer',
      'onnect to ',
      re`[Cc]annot connect to (?:the )?site server(?:\s+(?<host>[\w.-]*\w))?`,
    ),
    // The system text of win32 error 53, logged on a line of its own after a failed move.
    template(
      'MPFDM.networkPathNotFound',
      'network path was not found',
      re`^The network path was not found`,
      (_m, f) => {
        f.win32Error = 53;
      },
    ),
    template('MPFDM.pullMode', 'pull-mode', re`Remote site is in pull-mode`),
  ],
};

export const stateSystem: Grammar = {
  templates: [
    template(
      'StateSys.inboxNotification',
      'Inbox notification triggered',
      re`Inbox notification triggered(?:, pause for (?<durationSeconds>\d+) seconds)?`,
    ),
    template(
      'StateSys.foundNewMessages',
      'Found new state messages to process',
      re`Found new state messages to process`,
    ),
    template('StateSys.threadStarted', '" id:', re`^Thread "[^"]*" id:\d+ started`),
    template('StateSys.threadTerminated', '" id:', re`^Thread "[^"]*" id:\d+ terminated`),
    // `chucks` is how StateSys spells it (reference §6.14); `chunks` in case a build fixes it.
    template('StateSys.chunksLoaded', 'loaded (', re`total ch(?:u|un)cks loaded \((?<count>\d+)\)`),
    template(
      'StateSys.processingFile',
      'Processing file:',
      re`CMessageProcessor\s*-\s*Processing file:\s*(?<smxFile>\S+)`,
    ),
    template(
      'StateSys.processedRecords',
      'invalid records',
      re`Processed (?<count>\d+) records with (?<invalidCount>\d+) invalid records`,
    ),
    template(
      'StateSys.processedFiles',
      'message files in this batch',
      re`Processed (?<count>\d+) message files in this batch, with (?<invalidCount>\d+) bad files`,
    ),
    template('StateSys.parentSiteDetected', 'Detected parent site', re`Detected parent site '(?<siteCode>[^']*)'`),
    template(
      'StateSys.fileReplicated',
      'Successfully replicated file',
      re`Successfully replicated file "(?<smxFile>[^"]+)" to parent site (?<siteCode>.+?)\.?\s*$`,
    ),
    template('StateSys.taskStarted', 'Started task', re`^Started task '(?<task>[^']+)'`),
    // `status` is the number of rows the task returned, not an error (reference §6.14).
    template(
      'StateSys.taskCompleted',
      'completed successfully after running for',
      re`^Task '(?<task>[^']+)' completed successfully after running for (?<durationSeconds>\d+) seconds(?:, with status (?<count>\d+))?`,
    ),
  ],
};

const STN_FILE = re`(${G})\.STN$`;

/** Notification files are named after the update source: `…\policypv.box\{US}.STN`. */
const stnUpdateSource = (_m: RegExpExecArray, f: MessageFields): void => {
  const id = normalizeGuid(STN_FILE.exec(f.path ?? '')?.[1] ?? '');
  if (id !== undefined) {
    f.updateSource = id;
  }
};

const UPDATE_SYNC_TABLE = /^Update_SyncStatus$/i;

export const databaseNotificationMonitor: Grammar = {
  templates: [
    template(
      'SMSDBMON.received',
      'RCV: ',
      re`^RCV: (?<operation>\w+) on (?<table>\S+) for (?<trigger>\S+) \[(?<_key>[^\]]*)\]\[(?<notificationId>\d+)\]`,
      (m, f) => {
        // The bracketed key is an UpdateSource id for the update-sync trigger; other tables key other things.
        const key = normalizeGuid(m.groups?.['_key'] ?? '');
        if (key !== undefined && UPDATE_SYNC_TABLE.test(f.table ?? '')) {
          f.updateSource = key;
        }
      },
    ),
    template(
      'SMSDBMON.dropped',
      'SND: Dropped',
      re`^SND: Dropped (?<path>.+?\.\w+)(?: \((?<reason>[^)]*)\))?(?: \[(?<notificationId>\d+)\])?\s*$`,
      stnUpdateSource,
    ),
  ],
};

export const policyProvider: Grammar = {
  templates: [
    template('PolicyPv.notificationFound', 'Found ', re`^Found (?<path>(?<updateSource>${G})\.STN)`),
    template('PolicyPv.scanToolAdded', 'Added Scan Tool ID', re`^Added Scan Tool ID (?<updateSource>${G})`),
    template(
      'PolicyPv.addedToDeleteList',
      'Adding to delete list',
      re`^Adding to delete list:\s*(?<path>.+?)\s*$`,
      stnUpdateSource,
    ),
  ],
};

const HTTP_STATUS = /HTTP status (\d{3})/;

export const wsusSyncManager: Grammar = {
  templates: [
    template(
      'WSyncMgr.syncDone',
      'Done synchronizing SMS with WSUS Server',
      re`^Done synchronizing SMS with WSUS Server (?<host>\S+)`,
    ),
    template(
      'WSyncMgr.contentVersionSet',
      'Set content version of update source',
      re`Set content version of update source (?<updateSource>${G}) for site (?<siteCode>\w+) to (?<contentVersion>\d+)`,
    ),
    template('WSyncMgr.syncSucceeded', 'Sync succeeded', re`^Sync succeeded\.?(?:.*? on site (?<siteCode>\w+))?`),
    template(
      'WSyncMgr.itemsUpdated',
      'new update source content version is',
      re`Updated (?<count>\d+) items in SMS database, new update source content version is (?<contentVersion>\d+)`,
    ),
    template(
      'WSyncMgr.syncTime',
      'Sync time:',
      re`^Sync time: (?<_d>\d+)d(?<_h>\d+)h(?<_m>\d+)m(?<_s>\d+)s`,
      (m, f) => {
        const part = (name: string): number => Number.parseInt(m.groups?.[name] ?? '0', 10);
        f.durationSeconds = ((part('_d') * 24 + part('_h')) * 60 + part('_m')) * 60 + part('_s');
      },
    ),
    template(
      'WSyncMgr.syncRetryScheduled',
      'Will retry in',
      re`^Sync failed\.?\s*Will retry in (?<_min>\d+) minutes`,
      (m, f) => {
        f.durationSeconds = Number.parseInt(m.groups?.['_min'] ?? '0', 10) * 60;
      },
    ),
    template(
      'WSyncMgr.syncFailed',
      'Sync failed',
      re`^Sync failed[:.]?\s*(?<reason>.*?)\.?(?:\s*Source:\s*(?<operation>\S+))?\s*$`,
      (_m, f) => {
        const status = HTTP_STATUS.exec(f.reason ?? '')?.[1];
        if (status !== undefined) {
          f.httpStatus = Number.parseInt(status, 10);
        }
      },
    ),
  ],
};

const STATMSG_SITE = /\bSITE=(\w+)/;
const STATMSG_GMTDATE = /\bGMTDATE=(.+?)\s+(?:ISTR0=|NUMATTRS=|$)/;

/** `STATMSG: ID=6702 SEV=I … SITE=CS1 … GMTDATE=Thu Jan 16 18:57:46.304 2014 ISTR0=…` from any site component. */
export const statusMessage: Grammar = {
  templates: [
    template('StatusMessage.raised', 'STATMSG:', re`^STATMSG: ID=(?<statusMessageId>\d+)`, (_m, f, text) => {
      const site = STATMSG_SITE.exec(text)?.[1];
      if (site !== undefined) {
        f.siteCode = site;
      }
      const date = STATMSG_GMTDATE.exec(text)?.[1];
      const iso = date === undefined ? undefined : statMsgDateToIso(date);
      if (iso !== undefined) {
        f.statusTimeUtc = iso;
      }
    }),
  ],
};
