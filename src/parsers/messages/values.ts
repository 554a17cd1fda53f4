// Value normalisation shared by every message grammar (reference §8): GUIDs lowercase without braces,
// CCM queue names with `mp:` written `mp_`, DMTF and STATMSG times as ISO 8601 UTC, and the generic
// scans (GUIDs, URLs, `SUM_` update ids) that run on every message whether a template knows it or not.

import { formatUtc, utcInstant } from '../time.ts';

const GUID_EXACT = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/** `{C2D17964-BBDD-…}`, `c2d17964-bbdd-…`, `GUID:c2d1…` → `c2d17964-bbdd-…`; undefined if not one GUID. */
export function normalizeGuid(raw: string): string | undefined {
  // Fast path for what templates capture: a bare or braced GUID.
  const braced = raw.length === 38 && raw.charCodeAt(0) === 0x7b && raw.charCodeAt(37) === 0x7d;
  if (raw.length === 36 || braced) {
    const start = braced ? 1 : 0;
    return hasGuidShape(raw, start) ? raw.slice(start, start + 36).toLowerCase() : undefined;
  }
  let s = raw.trim();
  if (s.length > 5 && s.slice(0, 5).toUpperCase() === 'GUID:') {
    s = s.slice(5).trim();
  }
  const m = GUID_EXACT.exec(s);
  return m?.[1]?.toLowerCase();
}

/** A GUID when the value is one, otherwise the value as written (policy and topic ids may be either). */
export function guidOrRaw(raw: string): string {
  return normalizeGuid(raw) ?? raw;
}

/**
 * Every GUID in `text`, normalised, in order of appearance, without duplicates. A GUID must not be part of
 * a longer token (no letter, digit or `-` right before or after it); `_` is allowed before so that
 * `SUM_e06056e3-…` and `Site_D3A5F7EA-…` yield their GUIDs.
 *
 * Hand-written rather than a regex: this runs on every message, and jumping from `-` to `-` with
 * `indexOf` is several times faster than a regex with look-arounds tried at every position.
 */
export function findGuids(text: string): string[] {
  const found: string[] = [];
  let dash = text.indexOf('-');
  while (dash !== -1) {
    const start = dash - 8;
    if (start >= 0 && isGuidAt(text, start)) {
      const guid = text.slice(start, start + 36).toLowerCase();
      if (!found.includes(guid)) {
        found.push(guid);
      }
      dash = text.indexOf('-', start + 36);
    } else {
      dash = text.indexOf('-', dash + 1);
    }
  }
  return found;
}

function isGuidAt(text: string, start: number): boolean {
  const end = start + 36;
  if (
    end > text.length ||
    (start > 0 && isTokenChar(text.charCodeAt(start - 1))) ||
    isTokenChar(text.charCodeAt(end))
  ) {
    return false;
  }
  return hasGuidShape(text, start);
}

/** 8-4-4-4-12 hex digits at `start`. */
function hasGuidShape(text: string, start: number): boolean {
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 0x2d : !isHex(c)) {
      return false;
    }
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** [0-9A-Za-z-]; NaN (past the end) is not. */
function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
}

// Stops at quotes, angle brackets, whitespace and the separators log lines put after a URL (`,` `;` `)`).
const URL = /\bhttps?:\/\/[^\s'"<>,;)\]]+/gi;

/** Every http(s) URL in `text`, as written, without trailing sentence punctuation, without duplicates. */
export function findUrls(text: string): string[] {
  const found: string[] = [];
  if (!text.includes('://')) {
    return found;
  }
  URL.lastIndex = 0;
  for (let m = URL.exec(text); m !== null; m = URL.exec(text)) {
    const url = m[0].replace(/[.:]+$/, '');
    if (url.length > 8 && !found.includes(url)) {
      found.push(url);
    }
  }
  return found;
}

const SUM_ID =
  /(?<![0-9A-Za-z])SUM_\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![0-9A-Za-z-])/g;

/** WSUS update ids in ConfigMgr CI unique ids (`Site_{site}/SUM_{update}`), normalised. */
export function findSumUpdateIds(text: string): string[] {
  const found: string[] = [];
  if (!text.includes('SUM_')) {
    return found;
  }
  SUM_ID.lastIndex = 0;
  for (let m = SUM_ID.exec(text); m !== null; m = SUM_ID.exec(text)) {
    const id = (m[1] ?? '').toLowerCase();
    if (!found.includes(id)) {
      found.push(id);
    }
  }
  return found;
}

const WORD = /^\w+$/;

/** CCM queue names are written `mp:[http]mp_locationmanager` and `mp_[http]mp_locationmanager`: one spelling. */
export function normalizeQueue(raw: string): string {
  const colon = raw.indexOf(':');
  const queue = colon > 0 && WORD.test(raw.slice(0, colon)) ? raw.slice(0, colon) + '_' + raw.slice(colon + 1) : raw;
  return queue.toLowerCase();
}

const DMTF = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,6}))?([+-])(\d{3})$/;

/**
 * WMI DMTF datetime (`20140120171855.573000+000`) → ISO 8601 UTC. The trailing `±UUU` is the writer's
 * offset from UTC in minutes (local = UTC + offset), so `+000` is already UTC. Undefined for anything else,
 * including DMTF wildcards (`*`).
 */
export function dmtfToIso(raw: string): string | undefined {
  const m = DMTF.exec(raw.trim());
  if (m === null) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, sign, offset] = m;
  const local = wallClock(
    num(y),
    num(mo) - 1,
    num(d),
    num(h),
    num(mi),
    num(s),
    num((frac ?? '').padEnd(3, '0').slice(0, 3)),
  );
  if (local === undefined) {
    return undefined;
  }
  const offsetMinutes = (sign === '-' ? -1 : 1) * num(offset);
  return formatUtc(utcInstant(local - offsetMinutes * 60_000));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const STATMSG_DATE = /^(?:[A-Za-z]{3} )?([A-Za-z]{3}) +(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))? (\d{4})/;

/** STATMSG `GMTDATE=Thu Jan 16 18:57:46.304 2014` (UTC by definition) → ISO 8601 UTC. */
export function statMsgDateToIso(raw: string): string | undefined {
  const m = STATMSG_DATE.exec(raw.trim());
  if (m === null) {
    return undefined;
  }
  const [, mon, d, h, mi, s, ms, y] = m;
  const month = MONTHS.indexOf((mon ?? '').toLowerCase());
  if (month < 0) {
    return undefined;
  }
  const t = wallClock(num(y), month, num(d), num(h), num(mi), num(s), num((ms ?? '').padEnd(3, '0')));
  return t === undefined ? undefined : formatUtc(utcInstant(t));
}

function num(s: string | undefined): number {
  return s === undefined || s === '' ? 0 : Number.parseInt(s, 10);
}

// Date.UTC silently rolls 02-31 into March and 25:00 into the next day; a log value like that is damage.
function wallClock(
  y: number,
  month0: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | undefined {
  if (month0 < 0 || month0 > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y < 1601) {
    return undefined;
  }
  const t = Date.UTC(y, month0, d, h, mi, s, ms);
  return new Date(t).getUTCDate() === d ? t : undefined;
}

/** A message with its ids and numbers blanked: what repeats of one message share. */
export function shapeOf(text: string): string {
  return text.replace(/\{[0-9a-f-]{36}\}|[0-9a-f]{8}-[0-9a-f-]{27}|\d+/gi, '#').slice(0, 200);
}

const LINE_BREAK = /\r\n|\r|\n/g;
const NOT_BLANK = /\S/g;

/**
 * A message as one line of at most `max` characters: its first line, and when that line only announces
 * what follows ("MP LM: Reply message body:" ends with a colon), the lines after it too, joined by spaces.
 * What does not fit ends in "…"; further lines left out end in " …". Lines are read only as far as they
 * can show: an XML body may run to thousands.
 */
export function headline(text: string, max: number): string {
  /** The line starting at `from`: where it ends, and where the next one starts. */
  const lineAt = (from: number): { end: number; next: number } => {
    LINE_BREAK.lastIndex = from;
    const m = LINE_BREAK.exec(text);
    return m === null ? { end: text.length, next: text.length } : { end: m.index, next: m.index + m[0].length };
  };
  const first = lineAt(0);
  let s = text.slice(0, first.end);
  let at = first.next;
  if (at < text.length && s.trimEnd().endsWith(':')) {
    s = s.trimEnd();
    while (at < text.length && s.length <= max) {
      const line = lineAt(at);
      const part = text.slice(at, line.end).trim();
      s = part === '' ? s : `${s} ${part}`;
      at = line.next;
    }
  }
  if (s.length > max) {
    // Do not cut a surrogate pair in half.
    const cut = /[\uD800-\uDBFF]/.test(s.charAt(max - 2)) ? max - 2 : max - 1;
    return `${s.slice(0, cut)}…`;
  }
  NOT_BLANK.lastIndex = at;
  return NOT_BLANK.test(text) ? `${s} …` : s;
}
