// `messageFields`: what a log message says, as typed fields. Runs on every record of multi-GB bundles, so
// the work per message is: one cached Map lookup for the component's grammar, literal `includes` checks
// until a template's hint is present, one regex for that template, the generic scans (GUIDs, error codes,
// URLs) and — only for text that contains `<` and a known root element — the XML body reader.

import type { LogFormat } from '../record.ts';
import { readBody } from './bodies.ts';
import {
  ccmMessaging,
  clientIdManager,
  locationServices,
  policyAgent,
  scanAgent,
  stateMessage,
  updatesDeployment,
  updatesHandler,
  updatesStore,
  wuaHandler,
} from './client.ts';
import { findErrorCodes, findWin32Error } from './errors.ts';
import type { MessageFields } from './fields.ts';
import {
  databaseNotificationMonitor,
  mpFileDispatch,
  mpLocation,
  mpRelay,
  policyProvider,
  stateSystem,
  statusMessage,
  wsusSyncManager,
} from './site.ts';
import {
  ccmsetup,
  contentAccess,
  contentTransferManager,
  dataTransferService,
  execmgr,
  inventoryAgent,
  meteringAgent,
  meteringReport,
  scheduler,
} from './spy.ts';
import { applyGrammar } from './template.ts';
import type { Grammar } from './template.ts';
import { findGuids, findSumUpdateIds, findUrls } from './values.ts';
import { windowsUpdate } from './windowsupdate.ts';

/** Grammars by lowercased component; file base names are aliases because a framer may fall back to them. */
const BY_COMPONENT = new Map<string, Grammar>([
  ['scanagent', scanAgent],
  ['wuahandler', wuaHandler],
  ['locationservices', locationServices],
  ['ccmmessaging', ccmMessaging],
  ['updatesstore', updatesStore],
  ['statemessage', stateMessage],
  ['updatesdeploymentagent', updatesDeployment],
  ['updatesdeployment', updatesDeployment],
  ['updateshandler', updatesHandler],
  ['mp_locationmanager', mpLocation],
  ['mp_location', mpLocation],
  ['mp_relayendpoint', mpRelay],
  ['mp_relay', mpRelay],
  ['sms_mp_file_dispatch_manager', mpFileDispatch],
  ['mpfdm', mpFileDispatch],
  ['sms_state_system', stateSystem],
  ['statesys', stateSystem],
  ['sms_database_notification_monitor', databaseNotificationMonitor],
  ['smsdbmon', databaseNotificationMonitor],
  ['sms_policy_provider', policyProvider],
  ['policypv', policyProvider],
  ['sms_wsus_sync_manager', wsusSyncManager],
  ['wsyncmgr', wsusSyncManager],
  ['windowsupdate', windowsUpdate],
  ['clientidmanagerstartup', clientIdManager],
  // Client Spy's components (spy.ts); CAS.log's component is ContentAccess.
  ['execmgr', execmgr],
  ['contentaccess', contentAccess],
  ['cas', contentAccess],
  ['contenttransfermanager', contentTransferManager],
  ['datatransferservice', dataTransferService],
  ['scheduler', scheduler],
  ['inventoryagent', inventoryAgent],
  ['mtrmgr', meteringAgent],
  ['softwaremeteringagent', meteringAgent],
  ['swmtrreportgen', meteringReport],
  ['ccmsetup', ccmsetup],
]);

/** PolicyAgent_ReplyAssignments, PolicyAgent_PolicyDownload, PolicyEvaluator_… share one grammar. */
const BY_PREFIX: ReadonlyArray<readonly [string, Grammar]> = [
  ['policyagent', policyAgent],
  ['policyevaluator', policyAgent],
];

// Components repeat endlessly, so the lowercase + lookup is done once per distinct spelling. The cap only
// matters for hostile input (a fuzzer inventing a new component per record).
const grammarCache = new Map<string, Grammar | null>();
const GRAMMAR_CACHE_LIMIT = 4096;

function grammarFor(component: string, format: LogFormat): Grammar | undefined {
  if (format === 'wu-legacy' || format === 'wu-etl') {
    return windowsUpdate;
  }
  const cached = grammarCache.get(component);
  if (cached !== undefined) {
    return cached ?? undefined;
  }
  const key = component.trim().toLowerCase();
  let grammar = BY_COMPONENT.get(key);
  if (grammar === undefined) {
    grammar = BY_PREFIX.find(([prefix]) => key.startsWith(prefix))?.[1];
  }
  if (grammarCache.size < GRAMMAR_CACHE_LIMIT) {
    grammarCache.set(component, grammar ?? null);
  }
  return grammar;
}

/**
 * SMS-trace messages use `~` as a line-break marker (`~Moved file…`, `…clients~~`): strip it at the ends,
 * read it as a line break inside. A `~` before a digit is left alone — that is an 8.3 short name
 * (`C:\PROGRA~1\…`), not a marker.
 */
export function normalizeTildes(text: string): string {
  return text
    .replace(/^\s*~+/, '')
    .replace(/~+\s*$/, '')
    .replace(/~(?!\d)/g, '\n');
}

function usesTildeMarkers(format: LogFormat): boolean {
  return format === 'sms' || format === 'cmtrace-copy' || format === 'text';
}

/**
 * Which of the generic lists a caller wants besides what the templates read: every GUID and every URL in
 * the message. The correlator's collect pass reads neither (but for a few components whose joins search a
 * message's ids), and on client logs scanning for them was a tenth of its time. Nor does it read `times`:
 * each state message's `MessageTime` in a report body, as ISO text (`messageTimeUtc`).
 */
export interface Scans {
  readonly guids: boolean;
  readonly urls: boolean;
  readonly times: boolean;
}

export const ALL_SCANS: Scans = { guids: true, urls: true, times: true };

/** Recognise what a message says. Never throws; an unknown message still gets guids, errorCodes and urls. */
export function messageFields(
  component: string,
  text: string,
  format: LogFormat,
  scans: Scans = ALL_SCANS,
): MessageFields {
  const fields: MessageFields = {};
  try {
    const message = usesTildeMarkers(format) && text.includes('~') ? normalizeTildes(text) : text;
    const hasBody = message.includes('<');
    // An XML body's ids are taken only when the message names them elsewhere too (see readBody).
    const guids = scans.guids || hasBody ? findGuids(message) : undefined;
    const grammar = format === 'iis' ? undefined : grammarFor(component, format);
    const matched = grammar !== undefined && applyGrammar(grammar, message, fields);
    if (!matched && message.startsWith('STATMSG:')) {
      applyGrammar(statusMessage, message, fields);
    }
    if (hasBody) {
      readBody(message, fields, guids ?? [], scans.times);
    }
    if (scans.guids && guids !== undefined && guids.length > 0) {
      fields.guids = guids;
    }
    // A `SUM_` id is a GUID: a message without one has none (when GUIDs were looked for).
    if (fields.updates === undefined && (guids === undefined || guids.length > 0)) {
      const sum = findSumUpdateIds(message);
      if (sum.length > 0) {
        fields.updates = sum.map((id) => ({ id }));
      }
    }
    const errorCodes = findErrorCodes(message);
    if (errorCodes.length > 0) {
      fields.errorCodes = errorCodes;
    }
    if (scans.urls) {
      const urls = findUrls(message);
      if (urls.length > 0) {
        fields.urls = urls;
      }
    }
    if (fields.win32Error === undefined) {
      const win32 = findWin32Error(message);
      if (win32 !== undefined) {
        fields.win32Error = win32;
      }
    }
  } catch {
    // A grammar bug must not take the whole parse down: keep whatever was recognised before it.
  }
  return fields;
}

const CONTENT_LOCATION_BODY =
  /^MP LM: (?:Message Body|Reply message body)\s*:[^<]*<(?:ContentLocationRequest|ContentLocationReply)(?=[\s/>]|$)/;
const CONTENT_ELEMENT = /<Content(?![A-Za-z])/;

/**
 * Whether `messageFields` reads this message as an MP_Location body about distribution-point content: a
 * request or reply body (`MPLocation.requestBody`, `MPLocation.replyBody`) whose body is a
 * `ContentLocationRequest` or `ContentLocationReply`, so that it names no update source and no WSUS server.
 * Told from the text alone, without reading the body: the update flows drop these, and they are nearly
 * half of a management point's location bodies. False whenever it cannot be sure (another body comes
 * first, a `<Content` element could name an update source, `~` markers would change the text).
 */
export function isContentLocationBody(component: string, text: string, format: LogFormat): boolean {
  if (!text.startsWith('MP LM: ') || format === 'iis' || grammarFor(component, format) !== mpLocation) {
    return false;
  }
  if (usesTildeMarkers(format) && text.includes('~')) {
    return false;
  }
  return CONTENT_LOCATION_BODY.test(text) && !CONTENT_ELEMENT.test(text);
}
