// The shape of a message grammar: a table of templates per component, each a stable event name, a literal
// that every matching message contains (a cheap `includes` before any regex runs), and a regex whose named
// groups are the typed fields. Group names are MessageFields keys (plus the parts of one UpdateRef), so a
// table reads like the log line it recognises and the conversion rules live here, once.

import type { MessageFields, Mutable, UpdateRef } from './fields.ts';
import { guidOrRaw, normalizeGuid, normalizeQueue } from './values.ts';

type Setter = (fields: MessageFields, value: string) => void;
type Fill = (match: RegExpExecArray, fields: MessageFields, text: string) => void;

export interface Template {
  /** Stable name of the message, `<Component>.<what it says>`. */
  readonly event: string;
  /** Literal every matching message contains; checked with `includes` before the regex runs. */
  readonly hint: string;
  /** The pattern is anchored and `hint` is its literal head: `startsWith` is enough (and cheaper). */
  readonly atStart: boolean;
  readonly pattern: RegExp;
  /** Setters for the pattern's named groups, resolved once when the table is built. */
  readonly setters: ReadonlyArray<readonly [string, Setter]>;
  /** The pattern names UpdateRef parts (`updateId`, `revision`, `kb`, `title`, `updateState`). */
  readonly hasUpdate: boolean;
  readonly fill: Fill | undefined;
}

export interface Grammar {
  readonly templates: readonly Template[];
  /** Fields any message of the component may carry regardless of template (the `ScanJob({…}):` prefix). */
  readonly preamble?: (text: string, fields: MessageFields) => void;
}

type KeysOf<V> = {
  [K in keyof MessageFields]-?: NonNullable<MessageFields[K]> extends V ? K : never;
}[keyof MessageFields];

const guid =
  (key: KeysOf<string>): Setter =>
  (f, v) => {
    const g = normalizeGuid(v);
    if (g !== undefined) {
      f[key] = g;
    }
  };
const guidOrAsWritten =
  (key: KeysOf<string>): Setter =>
  (f, v) => {
    f[key] = guidOrRaw(v);
  };
const int =
  (key: KeysOf<number>): Setter =>
  (f, v) => {
    const n = Number.parseInt(v, 10);
    if (Number.isSafeInteger(n)) {
      f[key] = n;
    }
  };
const str =
  (key: KeysOf<string>): Setter =>
  (f, v) => {
    f[key] = v;
  };
const YES = /^(?:yes|true|1)$/i;
const yesNo =
  (key: KeysOf<boolean>): Setter =>
  (f, v) => {
    f[key] = YES.test(v.trim());
  };

const SETTERS: Readonly<Record<string, Setter>> = {
  scanJob: guid('scanJob'),
  locationRequest: guid('locationRequest'),
  updateSource: guid('updateSource'),
  messageId: guid('messageId'),
  replyId: guid('replyId'),
  assignment: guid('assignment'),
  job: guid('job'),
  serviceId: guid('serviceId'),
  productId: guid('productId'),
  supersededBy: guid('supersededBy'),
  clientId: guid('clientId'),
  topicId: guidOrAsWritten('topicId'),
  policyId: guidOrAsWritten('policyId'),
  contentVersion: int('contentVersion'),
  requiredContentVersion: int('requiredContentVersion'),
  contentType: int('contentType'),
  scanType: int('scanType'),
  topicType: int('topicType'),
  stateId: int('stateId'),
  serialNumber: int('serialNumber'),
  count: int('count'),
  invalidCount: int('invalidCount'),
  httpStatus: int('httpStatus'),
  port: int('port'),
  priority: int('priority'),
  notificationId: int('notificationId'),
  statusMessageId: int('statusMessageId'),
  soapClientError: int('soapClientError'),
  win32Error: int('win32Error'),
  durationSeconds: int('durationSeconds'),
  host: str('host'),
  endpoint: str('endpoint'),
  operation: str('operation'),
  caller: str('caller'),
  searchCriteria: str('searchCriteria'),
  policySource: str('policySource'),
  policyVersion: str('policyVersion'),
  policyState: str('policyState'),
  packageId: str('packageId'),
  stateName: str('stateName'),
  topicTypeName: str('topicTypeName'),
  protocol: str('protocol'),
  path: str('path'),
  destinationPath: str('destinationPath'),
  fileType: str('fileType'),
  table: str('table'),
  trigger: str('trigger'),
  task: str('task'),
  reason: str('reason'),
  siteCode: str('siteCode'),
  smxFile: str('smxFile'),
  netbiosName: str('netbiosName'),
  clientIp: str('clientIp'),
  httpMethod: str('httpMethod'),
  uriStem: str('uriStem'),
  advertisement: str('advertisement'),
  programName: str('programName'),
  packageName: str('packageName'),
  user: str('user'),
  fromState: str('fromState'),
  toState: str('toState'),
  exitCode: int('exitCode'),
  executionStatus: str('executionStatus'),
  executionContext: str('executionContext'),
  scheduleId: str('scheduleId'),
  scheduleToken: str('scheduleToken'),
  localTimeText: str('localTimeText'),
  dtsJob: guid('dtsJob'),
  totalBytes: int('totalBytes'),
  transferredBytes: int('transferredBytes'),
  totalFiles: int('totalFiles'),
  transferredFiles: int('transferredFiles'),
  sizeKb: int('sizeKb'),
  cacheSizeMb: int('cacheSizeMb'),
  inventoryAction: str('inventoryAction'),
  reportType: str('reportType'),
  majorVersion: int('majorVersion'),
  minorVersion: int('minorVersion'),
  ruleId: str('ruleId'),
  fileName: str('fileName'),
  originalFileName: str('originalFileName'),
  fileVersion: str('fileVersion'),
  languageId: int('languageId'),
  clientVersion: str('clientVersion'),
  processId: int('processId'),
  rebootRequired: yesNo('rebootRequired'),
  compliant: yesNo('compliant'),
  queue: (f, v) => {
    f.queue = normalizeQueue(v);
  },
  /** One WSUS URL named by the message. */
  wsusUrl: (f, v) => {
    f.wsusUrls = [v];
  },
  /** A location request's package: an update source GUID for WSUS requests, a package id for DP content. */
  packageRef: (f, v) => {
    const g = normalizeGuid(v);
    if (g !== undefined) {
      f.updateSource = g;
    } else {
      f.packageId = v;
    }
  },
};

/**
 * A GUID as logs write it, braces optional (setters normalise it). Bounded like the generic GUID scan, so a
 * template never takes an id out of a longer hex run that the scan (and `guids`) would reject.
 */
export const G = String.raw`\{?(?<![0-9A-Za-z-])[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}(?![0-9A-Za-z-])\}?`;

/** Regex from a template literal written like a regex literal (backslashes kept), e.g. re`ID=(?<job>${G})`. */
export function re(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(String.raw({ raw: strings.raw }, ...parts));
}

/** Case-insensitive `re`. */
export function rei(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(String.raw({ raw: strings.raw }, ...parts), 'i');
}

const UPDATE_PARTS = new Set(['updateId', 'revision', 'kb', 'title', 'updateState']);
const GROUP_NAME = /\(\?<([A-Za-z_]\w*)>/g;

/** Build a template; an unknown group name is a programming error and fails when the table loads. */
export function template(event: string, hint: string, pattern: RegExp, fill?: Fill): Template {
  const setters: Array<readonly [string, Setter]> = [];
  let hasUpdate = false;
  for (const m of pattern.source.matchAll(GROUP_NAME)) {
    const name = m[1] ?? '';
    // `_name` groups are read by the template's own fill.
    if (name.startsWith('_')) {
      continue;
    }
    if (UPDATE_PARTS.has(name)) {
      hasUpdate = true;
      continue;
    }
    const setter = SETTERS[name];
    if (setter === undefined) {
      throw new Error(`${event}: no field for group <${name}>`);
    }
    setters.push([name, setter]);
  }
  const head = literalHead(pattern);
  const atStart = head.length >= hint.length && head.startsWith(hint);
  return { event, hint: atStart ? head : hint, atStart, pattern, setters, hasUpdate, fill };
}

/**
 * The literal text an anchored pattern (`^Update \(…`) must start with: `Update (`. Empty when the pattern
 * is not anchored or is case-insensitive. Stops at the first construct that is not a plain character and
 * drops a character made optional by a following quantifier.
 */
export function literalHead(pattern: RegExp): string {
  const source = pattern.source;
  if (!source.startsWith('^') || pattern.ignoreCase || pattern.multiline || hasTopLevelAlternative(source)) {
    return '';
  }
  let head = '';
  for (let i = 1; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === '?' || c === '*' || c === '{') {
      return head.slice(0, -1);
    }
    if ('()[].+|$^'.includes(c)) {
      return head;
    }
    if (c === '\\') {
      const next = source.charAt(i + 1);
      // `\(` is a literal; `\s`, `\d`, `\b`, … are not.
      if (next === '' || /[0-9A-Za-z]/.test(next)) {
        return head;
      }
      head += next;
      i++;
      continue;
    }
    head += c;
  }
  return head;
}

/** `^abc|def` is not anchored on `abc`. */
function hasTopLevelAlternative(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === '\\') {
      i++;
    } else if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}

/** Fill `fields` from the first template of `grammar` that matches; false when none does. */
export function applyGrammar(grammar: Grammar, text: string, fields: MessageFields): boolean {
  grammar.preamble?.(text, fields);
  for (const t of grammar.templates) {
    if (t.atStart ? !text.startsWith(t.hint) : !text.includes(t.hint)) {
      continue;
    }
    const m = t.pattern.exec(text);
    if (m === null) {
      continue;
    }
    fields.event = t.event;
    const groups = m.groups;
    if (groups !== undefined) {
      for (const [name, setter] of t.setters) {
        const value = groups[name];
        if (value !== undefined) {
          setter(fields, value);
        }
      }
      if (t.hasUpdate) {
        const update = updateRef(groups);
        if (update !== undefined) {
          fields.updates = [update];
        }
      }
    }
    t.fill?.(m, fields, text);
    return true;
  }
  return false;
}

// Built by assignment in one fixed order (not by spreads) so that every UpdateRef has the same shape:
// this runs for every update line of a scan, thousands per client.
function updateRef(groups: Record<string, string | undefined>): UpdateRef | undefined {
  const id = normalizeGuid(groups['updateId'] ?? '');
  if (id === undefined) {
    return undefined;
  }
  const update: Mutable<UpdateRef> = { id };
  const revision = groups['revision'] === undefined ? Number.NaN : Number.parseInt(groups['revision'], 10);
  if (Number.isSafeInteger(revision)) {
    update.revision = revision;
  }
  const title = groups['title'];
  // WUAHandler prints the KB only inside the title (`… Systems (KB2584146)`): the last one is the update's.
  const kb =
    groups['kb'] ?? (title === undefined ? undefined : KB_IN_TITLE.exec(title.slice(title.lastIndexOf('(KB')))?.[1]);
  if (kb !== undefined) {
    update.kb = 'KB' + kb;
  }
  if (title !== undefined) {
    update.title = title;
  }
  const state = groups['updateState'];
  if (state !== undefined) {
    update.state = state;
  }
  return update;
}

const KB_IN_TITLE = /^\(KB(\d+)\)/;
