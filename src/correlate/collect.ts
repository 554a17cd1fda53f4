// One streaming pass over a bundle that keeps what correlation needs and drops the rest: records of the
// components in the software-update flows whose message a grammar recognised, IIS CCM_POST requests, and
// anything anywhere that looks like trouble (warnings, errors, error codes). Everything else is counted,
// not kept, so memory follows the number of flow events, not the size of the bundle.

import type { Bundle } from '../parsers/bundle.ts';
import { RepeatClassifier } from '../parsers/classify.ts';
import type { BundleParse } from '../parsers/file-run.ts';
import type { MessageFields, UpdateRef } from '../parsers/messages/fields.ts';
import { isContentLocationBody } from '../parsers/messages/grammar.ts';
import { shapeOf } from '../parsers/messages/values.ts';
import type { Scans } from '../parsers/messages/grammar.ts';
import { parseBundle } from '../parsers/parse-bundle.ts';
import type { LogRecord, Severity } from '../parsers/record.ts';
import type { UtcInstant } from '../parsers/time.ts';
import { noteWentBack, SHALLOW_MS } from './clock-jumps.ts';
import type { WentBack } from './clock-jumps.ts';
import { IisIndex } from './iis-index.ts';
import { EventPacker, unpackEvents } from './packed-events.ts';
import type { PackedEvents } from './packed-events.ts';

/**
 * The message fields correlation reads: joins, failure codes, summaries, and the columns of an IIS request.
 * A kept event carries only these (see `workingFields`), so the type stops correlation from reading a field
 * that was left out; the record's full fields are read again from its bytes when it is shown.
 */
const WORKING_KEYS = [
  'scanJob',
  'locationRequest',
  'updateSource',
  'contentVersion',
  'messageId',
  'replyId',
  'queue',
  'host',
  'wsusUrls',
  'updates',
  'assignment',
  'job',
  'topicType',
  'topicId',
  // Which state ScanAgent raised for its update source: 3, "Scan completed", ends a scan (failures.ts).
  'stateId',
  'clientId',
  'clientIp',
  'smxFile',
  'count',
  'invalidCount',
  'errorCodes',
  'guids',
  'win32Error',
  'notificationId',
  'reason',
  'stateMessages',
  'httpStatus',
  'httpMethod',
  'uriStem',
  // Which WUA calls are ConfigMgr's (`ClientId = CcmExec`): the scan flow joins only those, and of them the
  // install flow its installs (`COMAPI: Install`, `Agent: Installing updates`).
  'caller',
  'operation',
] as const satisfies ReadonlyArray<keyof MessageFields>;

const WORKING = new Set<string>(WORKING_KEYS);

/** Of an update, correlation reads its id and state (not its title, KB or revision). */
export type WorkingUpdate = Pick<UpdateRef, 'id' | 'state'>;

/** Of a state message in a report body, its serial number and topic. */
export type WorkingStateMessage = Pick<NonNullable<MessageFields['stateMessages']>[number], 'serialNumber' | 'topicId'>;

export type WorkingFields = Omit<Pick<MessageFields, (typeof WORKING_KEYS)[number]>, 'updates' | 'stateMessages'> & {
  readonly updates?: WorkingUpdate[];
  readonly stateMessages?: WorkingStateMessage[];
};

/** A kept record, before clock-skew correction. */
export interface CollectedEvent {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly host: string;
  readonly utc: UtcInstant;
  readonly component: string;
  readonly severity: Severity;
  readonly kind: string | undefined;
  readonly fields: WorkingFields;
  readonly thread: number | undefined;
  /** Order of the record within its file: breaks ties between records logged in the same millisecond. */
  readonly seq: number;
  /** Byte span of the record in its file: the text is read again from there when shown, not kept. */
  readonly offset: number;
  readonly length: number;
  /** 1, or n for the n-th record starting on the same line. */
  readonly dup: number;
  /** For trouble no template knows: the message with ids and numbers blanked, to fold repeats together. */
  readonly shape: string | undefined;
  /** Row in the timeline store once the event is part of the timeline; -1 before. */
  row: number;
}

/** What a kept event takes from its record. */
export type KeptRecord = Pick<
  LogRecord,
  'file' | 'line' | 'endLine' | 'utc' | 'component' | 'severity' | 'thread' | 'offset' | 'length'
>;

export interface Collected {
  readonly parse: BundleParse;
  readonly events: CollectedEvent[];
  /** The MPs' CCM_POST requests from clients, compact (see IisIndex). */
  readonly iis: IisIndex;
  /** Last logged UTC seen per host and per file: how far each log reaches, for judging missing steps. */
  readonly lastSeenByFile: ReadonlyMap<string, number>;
  /** Per file, the first place its time went back, over every record, kept or not (see clock-jumps.ts). */
  readonly wentBack: ReadonlyMap<string, WentBack>;
  readonly records: number;
}

/** Components whose recognised messages make up the flows (lowercase; prefixes end with `*`). */
const FLOW_COMPONENTS = [
  'scanagent',
  'wuahandler',
  'locationservices',
  'ccmmessaging',
  'updatesstore',
  'statemessage',
  'updatesdeploymentagent',
  'updatesdeployment',
  'updateshandler',
  'clientidmanagerstartup',
  'mp_locationmanager',
  'mp_relayendpoint',
  'sms_mp_file_dispatch_manager',
  'sms_state_system',
  'sms_database_notification_monitor',
  'sms_policy_provider',
  'sms_wsus_sync_manager',
  'policyagent*',
  'policyevaluator*',
];

const componentCache = new Map<string, boolean>();

function isFlowComponent(component: string): boolean {
  let hit = componentCache.get(component);
  if (hit === undefined) {
    const key = component.toLowerCase();
    hit = FLOW_COMPONENTS.some((c) => (c.endsWith('*') ? key.startsWith(c.slice(0, -1)) : key === c));
    if (componentCache.size < 4096) {
      componentCache.set(component, hit);
    }
  }
  return hit;
}

/**
 * Whether a record is worth keeping, deciding as cheaply as possible before classifying it. `flowComponent`
 * is `isFlowComponent(r.component)`.
 */
function interest(r: LogRecord, flowComponent: boolean): 'flow' | 'trouble' | undefined {
  if (r.utc === undefined) {
    return undefined;
  }
  if (r.format === 'iis') {
    return r.fields?.httpMethod === 'CCM_POST' || r.severity !== 'info' ? 'flow' : undefined;
  }
  if (r.format === 'wu-legacy' || r.format === 'wu-etl' || flowComponent) {
    return 'flow';
  }
  return r.severity !== 'info' ? 'trouble' : undefined;
}

/**
 * Recognised lines no join uses and no reader needs in a flow: MP_Relay's per-relay boilerplate, the SQL
 * call between an MP location request and its reply, StateSys thread chatter. Kept when they signal trouble.
 */
const UNJOINED = new Set([
  'MPRelay.fileType',
  'MPRelay.processingBody',
  'MPRelay.outboxDir',
  'MPRelay.priority',
  'MPRelay.statePriorityDirectory',
  'MPLocation.calling',
  'StateSys.chunksLoaded',
  'StateSys.threadStarted',
  'StateSys.threadTerminated',
  'StateSys.foundNewMessages',
]);

/** MP_Location also answers distribution-point content requests; the update flows need only WSUS ones. */
function isDistributionPointLocation(r: LogRecord): boolean {
  const f = r.fields;
  if (f === undefined || f.event === undefined || !f.event.startsWith('MPLocation.')) {
    return false;
  }
  switch (f.event) {
    case 'MPLocation.requestBody':
      return f.updateSource === undefined;
    case 'MPLocation.replyBody':
      return f.wsusUrls === undefined;
    case 'MPLocation.calling':
      return !r.text.includes('WSUS');
    default:
      return false;
  }
}

/** For MP and site kinds, the only fields correlation reads (with error codes, to tell trouble apart). */
const SHARED_KEEP: Readonly<Record<string, ReadonlyArray<keyof WorkingFields>>> = {
  'MPLocation.requestBody': ['updateSource', 'contentVersion', 'clientIp'],
  'MPLocation.replyBody': ['wsusUrls', 'contentVersion', 'host'],
  'MPRelay.messageBody': ['clientId', 'stateMessages'],
  'MPRelay.startProcessing': [],
  'MPRelay.taskCompleted': [],
  'MPFDM.fileMoved': ['smxFile'],
  'MPFDM.moveFailed': ['smxFile', 'win32Error', 'errorCodes'],
  'MPFDM.cannotConnectToSiteServer': ['win32Error', 'host'],
  'MPFDM.networkPathNotFound': ['win32Error'],
  'StateSys.processingFile': ['smxFile'],
  'StateSys.processedRecords': ['count', 'invalidCount'],
  'StateSys.processedFiles': ['count'],
  'StateSys.inboxNotification': [],
};

/** Components whose correlation looks for an id anywhere in the message (their `guids` are kept). */
const NEEDS_GUIDS = new Set(['updateshandler', 'sms_database_notification_monitor', 'sms_policy_provider']);

const JOIN_SCANS: Scans = { guids: false, urls: false, times: false };
const JOIN_SCANS_WITH_GUIDS: Scans = { guids: true, urls: false, times: false };

const scansCache = new Map<string, Scans>();

/** The generic lists correlation reads of a component's messages: none but the GUIDs of NEEDS_GUIDS. */
function scansFor(component: string): Scans {
  let scans = scansCache.get(component);
  if (scans === undefined) {
    // Looked up once per spelling, not lowercased once per record (as componentCache).
    scans = NEEDS_GUIDS.has(component.toLowerCase()) ? JOIN_SCANS_WITH_GUIDS : JOIN_SCANS;
    if (scansCache.size < 4096) {
      scansCache.set(component, scans);
    }
  }
  return scans;
}

/**
 * The fields correlation joins on (`WORKING_KEYS`); the full fields are read again from the record when it
 * is shown. URL and GUID lists are not even looked for (see `scansFor`); of an update only its id and state
 * are kept, of a state-message body each message's serial number and topic. The copy is its own small
 * object: the working fields of a client's events cross to the correlating thread, and an update's title
 * alone would be two thirds of the bytes. Its strings are copies too (see `Strings`).
 */
function workingFields(fields: MessageFields, strings: Strings): WorkingFields {
  const only = SHARED_KEEP[fields.event ?? ''];
  if (only !== undefined) {
    // MP and site kinds are held for the whole analysis: keep just what their joins read.
    const out: Record<string, unknown> = {};
    for (const key of only) {
      const v = fields[key];
      if (v !== undefined) {
        out[key] =
          key === 'stateMessages'
            ? (v as NonNullable<MessageFields['stateMessages']>).map((m) => ({ serialNumber: m.serialNumber }))
            : strings.keepAll(v);
      }
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    if (!WORKING.has(key)) {
      continue;
    }
    const v = fields[key as keyof MessageFields];
    if (key === 'updates') {
      out.updates = (v as readonly UpdateRef[]).map((u): WorkingUpdate =>
        u.state === undefined ? { id: strings.keep(u.id) } : { id: strings.keep(u.id), state: u.state },
      );
    } else if (key === 'stateMessages') {
      out.stateMessages = (v as NonNullable<MessageFields['stateMessages']>).map((m): WorkingStateMessage => ({
        ...(m.serialNumber !== undefined && { serialNumber: m.serialNumber }),
        ...(m.topicId !== undefined && { topicId: strings.keep(m.topicId) }),
      }));
    } else if (v !== undefined) {
      out[key] = strings.keepAll(v);
    }
  }
  return out;
}

/**
 * The strings of the kept fields, one copy per value. A value read out of a message is a slice of the
 * message's text and keeps all of it alive: in the shared layer, held for the whole analysis, that was
 * 40,000 MP_Location reply bodies held for the URL and host read out of them (1 GB); in a client's layer,
 * held until the layer is done, every kept message's text, which the worker promoted (at 100 MB, 34 of
 * the 65 MB it promoted). The copy kept here is its own string, and the same GUID, address or URL on
 * thousands of records is held once.
 */
class Strings {
  private readonly kept = new Map<string, string>();

  keep(s: string): string {
    let k = this.kept.get(s);
    if (k === undefined) {
      // A short string is never a slice; a long one is copied out of its text.
      k = s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
      this.kept.set(k, k);
    }
    return k;
  }

  /** `keep` for a string or each string of an array; anything else as it is. */
  keepAll<T>(v: T): T {
    if (typeof v === 'string') {
      return this.keep(v) as T;
    }
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      return v.map((x: string) => this.keep(x)) as T;
    }
    return v;
  }
}

export interface CollectOptions {
  readonly signal?: AbortSignal;
  readonly onBytes?: (bytes: number) => void;
}

export async function collect(bundle: Bundle, options: CollectOptions = {}): Promise<Collected> {
  const c = await collectPacked(bundle, options);
  return { ...c, events: unpackEvents(c.events) };
}

/**
 * `collect`, with the events as columns (what a worker sends). Every collection keeps them so as it goes:
 * a layer's events as objects lived until the layer was done, long enough to be promoted (see EventPacker).
 */
export async function collectPacked(
  bundle: Bundle,
  options: CollectOptions = {},
): Promise<Omit<Collected, 'events'> & { readonly events: PackedEvents }> {
  const keeper = new EventPacker();
  const iis = new IisIndex();
  const lastSeen = new Map<string, number>();
  const wentBack = new Map<string, WentBack>();
  const hostOf = new Map(bundle.files.map((f) => [f.path, f.host]));
  /** Per file, the line of the last record kept and how many kept records started on it. */
  const lastKept = new Map<string, { line: number; dup: number }>();
  const strings = new Strings();
  /** A repeated message's fields are one object, and so are its working fields, kept in the fields' slot. */
  const classifier = new RepeatClassifier<WorkingFields>();
  let records = 0;
  let seq = 0;
  // Records come file by file: what is looked up per file is looked up when the file changes.
  let lastFile = '';
  let lastFileSeen = 0;
  let host = '';
  let kept: { line: number; dup: number } | undefined;
  /** Whether the file's place back in time is found for good (see `noteWentBack`). */
  let backFound = false;
  // And so do components, nearly always.
  let lastComponent: string | undefined;
  let flowComponent = false;
  let scans = JOIN_SCANS;
  const parse = await parseBundle(bundle, {
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.onBytes !== undefined && { onBytes: options.onBytes }),
    sink: {
      record(r) {
        records += 1;
        seq += 1;
        if (r.file !== lastFile) {
          if (lastFile !== '') {
            lastSeen.set(lastFile, lastFileSeen);
          }
          lastFile = r.file;
          lastFileSeen = lastSeen.get(r.file) ?? Number.NEGATIVE_INFINITY;
          host = hostOf.get(r.file) ?? '';
          kept = lastKept.get(r.file);
          const noted = wentBack.get(r.file);
          backFound = noted !== undefined && noted.shallow !== true;
        }
        if (r.utc !== undefined) {
          if (r.utc > lastFileSeen) {
            lastFileSeen = r.utc;
          } else if (!backFound && r.utc < lastFileSeen - SHALLOW_MS) {
            // Told from every record: those a log keeps may not show it (an MP set back 10 min went back 62 s
            // in MP_Location.log on DP content requests alone, and 9 min in its IIS log, which keeps none).
            const at = { host, seq, line: r.line, lastBefore: lastFileSeen, firstAfter: r.utc };
            backFound = noteWentBack(wentBack, r.file, at);
          }
        }
        if (r.component !== lastComponent) {
          lastComponent = r.component;
          flowComponent = isFlowComponent(r.component);
          scans = scansFor(r.component);
        }
        const why = interest(r, flowComponent);
        if (why === undefined) {
          return;
        }
        if (r.format === 'iis' && r.severity === 'info') {
          iis.add(r, host, seq);
          return;
        }
        // Half of an MP's location bodies are about DP content, dropped below once read: told from the text.
        if (r.fields === undefined && isContentLocationBody(r.component, r.text, r.format)) {
          return;
        }
        const classified = classifier.classified(r, scans);
        const full = classified.fields;
        if (isDistributionPointLocation(r)) {
          return;
        }
        const trouble = r.severity !== 'info' || full.errorCodes !== undefined || full.win32Error !== undefined;
        if (why === 'trouble' && !trouble) {
          return;
        }
        if (why === 'flow' && (full.event === undefined || UNJOINED.has(full.event)) && !trouble) {
          return;
        }
        let fields = classified.derived;
        if (fields === undefined) {
          fields = workingFields(full, strings);
          classified.derived = fields;
        }
        // Records of a file come in line order, so those starting on one line come one after another.
        let dup = 1;
        if (kept === undefined) {
          kept = { line: r.line, dup };
          lastKept.set(r.file, kept);
        } else {
          dup = kept.line === r.line ? kept.dup + 1 : 1;
          kept.line = r.line;
          kept.dup = dup;
        }
        keeper.keep(r, host, full.event, fields, seq, dup, full.event === undefined ? shapeOf(r.text) : undefined);
      },
      problem() {},
    },
  });
  if (lastFile !== '') {
    lastSeen.set(lastFile, lastFileSeen);
  }
  return { parse, events: keeper.finish(), iis, lastSeenByFile: lastSeen, wentBack, records };
}
