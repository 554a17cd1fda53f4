// ConfigMgr's two native formats, told apart line by line because real files mix them:
//   CCM / CMTrace  `<![LOG[message]LOG]!><time="…" date="…" component="…" …>` — the message may span lines;
//   SMS trace      `message  $$<COMPONENT><MM-dd-yyyy HH:mm:ss.fff+bias><thread=N (0xN)>`.
// Framing uses indexOf on the decoded line (the measured fast path); the attribute element goes through
// `readAttributes`. Lines that belong to no record are kept: before an SMS-trace line they are the first
// lines of its message, anywhere else they become orphan records.

import { emptyAttributes, readAttributes } from './attributes.ts';
import type { CcmAttributes } from './attributes.ts';
import { Framer, isBlank, textSeverity } from './framer.ts';
import type { MutableRecord } from './framer.ts';
import type { ClockTime } from './timestamps.ts';
import { parseClock, parseMonthDayYear, parseTextDate } from './timestamps.ts';
import { localFromDay } from './time.ts';

const OPEN = '<![LOG[';
/**
 * The attribute element as every ConfigMgr component writes it (see `canonical`). Checked with one sticky
 * regex test rather than a char-code comparison per attribute name: on the decoder's lines (slices of a
 * chunk) those comparisons, with the ones of repeated values, were two thirds of `canonical`'s time (about
 * 0.7 µs a record), and the test costs a fraction of that.
 */
const CANONICAL =
  /<time="[^"]*" date="[^"]*" component="[^"]*" context="[^"]*" type="[^"]*" thread="[^"]*" file="[^"]*">/y;
const CLOSE = ']LOG]!><';
/** Beyond this an unclosed message is taken as broken rather than long. */
const MAX_OPEN_LINES = 20_000;
const MAX_LOOSE_LINES = 2_000;

interface OpenCcm {
  readonly record: MutableRecord;
  readonly parts: string[];
  bytes: number;
}

interface LooseLine {
  readonly text: string;
  readonly line: number;
  readonly offset: number;
  readonly bytes: number;
}

export class ConfigMgrFramer extends Framer {
  private open: OpenCcm | undefined;
  private loose: LooseLine[] = [];
  private readonly attrs: CcmAttributes = emptyAttributes();
  private readonly clock: ClockTime = { msOfDay: 0, bias: undefined, foreignOffset: undefined };
  private foreignNoted = false;
  // Values repeated from record to record are reused instead of sliced again: fewer strings to allocate,
  // collect and hold.
  private readonly date = new Repeated();
  private lastDay = Number.NaN;
  private readonly component = new Repeated();
  /** SMS trace's component as written in its tail, and trimmed. */
  private readonly smsComponent = new Repeated();
  private smsComponentTrimmed = '';
  private lastSource = '';

  line(text: string, lineNo: number, offset: number, bytes: number): void {
    const open = this.open;
    if (open !== undefined) {
      // A record's span never covers bytes reported as junk: NUL padding after its first line (a writer that
      // crashed mid-message) ends it there.
      if (text.startsWith(OPEN) || offset !== open.record.offset + open.bytes) {
        this.unterminated(open);
      } else {
        const close = text.indexOf(CLOSE);
        if (close < 0) {
          open.parts.push(text);
          open.bytes += bytes;
          open.record.endLine = lineNo;
          if (open.parts.length >= MAX_OPEN_LINES) {
            this.unterminated(open);
          }
          return;
        }
        this.open = undefined;
        open.parts.push(text.slice(0, close));
        open.record.endLine = lineNo;
        this.closeCcm(open.record, open.parts.join('\n'), text, 0, close, open.bytes, bytes, lineNo);
        return;
      }
    }
    if (text.startsWith(OPEN)) {
      this.flushLoose();
      this.startCcm(text, 0, lineNo, offset, bytes);
      return;
    }
    const tail = text.lastIndexOf('$$<');
    if (tail >= 0 && this.smsTail(text, tail)) {
      this.smsRecord(text, tail, lineNo, offset, bytes);
      return;
    }
    const inner = text.indexOf(OPEN);
    if (inner > 0 && text.indexOf(CLOSE, inner) > 0) {
      // Text before a record on the same line (a writer that lost its line break): keep both.
      this.flushLoose();
      const headBytes = this.ctx.bytesOf(text.slice(0, inner));
      this.orphan(text.slice(0, inner), lineNo, offset, headBytes, 'ccm');
      this.startCcm(text, inner, lineNo, offset + headBytes, bytes - headBytes);
      return;
    }
    if (isBlank(text) && this.loose.length === 0) {
      this.blank(offset, bytes);
      return;
    }
    if (!this.followsLoose(offset)) {
      this.flushLoose();
    }
    this.loose.push({ text, line: lineNo, offset, bytes });
    if (this.loose.length >= MAX_LOOSE_LINES) {
      this.flushLoose();
    }
  }

  override end(): void {
    if (this.open) {
      this.unterminated(this.open);
    }
    this.flushLoose();
    super.end();
  }

  /** A record starting at `from` in `text` (`<![LOG[`). `bytes` counts from `from` to the end of the line. */
  private startCcm(text: string, from: number, lineNo: number, offset: number, bytes: number): void {
    const r = this.newRecord('ccm', lineNo, offset);
    const close = text.indexOf(CLOSE, from + OPEN.length);
    if (close < 0) {
      this.open = { record: r, parts: [text.slice(from + OPEN.length)], bytes };
      return;
    }
    this.closeCcm(r, text.slice(from + OPEN.length, close), text, from, close, 0, bytes, lineNo);
  }

  /**
   * The message is known; read the attribute element that follows `]LOG]!>` in `text` at `close`.
   * The record's bytes on this line start at index `from` and run `lineBytes` to the line's end;
   * `priorBytes` are the bytes of its earlier lines.
   */
  private closeCcm(
    r: MutableRecord,
    message: string,
    text: string,
    from: number,
    close: number,
    priorBytes: number,
    lineBytes: number,
    lineNo: number,
  ): void {
    const attrStart = close + CLOSE.length - 1;
    r.text = message;
    let end = this.canonical(r, text, attrStart);
    if (end < 0) {
      end = this.general(r, text, attrStart, lineNo);
    }
    const rest = text.slice(end);
    if (rest.length > 0 && !isBlank(rest)) {
      const next = rest.indexOf(OPEN);
      if (next >= 0) {
        // Two records on one physical line: split the line's bytes between them.
        const usedBytes = this.ctx.bytesOf(text.slice(from, end + next));
        r.length = priorBytes + usedBytes;
        this.complete(r);
        this.startCcm(text, end + next, lineNo, r.offset + r.length, lineBytes - usedBytes);
        return;
      }
      this.problem(lineNo, `text after the record's closing ">" kept in the record: ${abbreviate(rest)}`);
    }
    r.length = priorBytes + lineBytes;
    this.complete(r);
  }

  /**
   * The element as every ConfigMgr component writes it: `<time="…" date="…" component="…" context="…"
   * type="…" thread="…" file="…">`, in that order. Fills the record in place and returns the index after
   * `>`, or -1 for anything else (then `general` reads it).
   */
  private canonical(r: MutableRecord, s: string, at: number): number {
    // One native pass checks the whole shape; the values' ends are then where the next quote is.
    CANONICAL.lastIndex = at;
    if (!CANONICAL.test(s)) {
      return -1;
    }
    const t0 = at + 7;
    const t1 = s.indexOf('"', t0);
    const d0 = t1 + 8;
    const d1 = s.indexOf('"', d0);
    const c0 = d1 + 13;
    const c1 = s.indexOf('"', c0);
    const x0 = c1 + 11;
    const x1 = s.indexOf('"', x0);
    const y0 = x1 + 8;
    const y1 = s.indexOf('"', y0);
    const h0 = y1 + 10;
    const h1 = s.indexOf('"', h0);
    const f0 = h1 + 8;
    const f1 = s.indexOf('"', f0);
    const c = this.clock;
    if (!parseClock(s, c, t0, t1)) {
      return -1;
    }
    let day = this.lastDay;
    if (!this.date.same(s, d0, d1)) {
      day = this.lastDay = parseMonthDayYear(this.date.value);
    }
    if (Number.isNaN(day) || c.foreignOffset !== undefined) {
      return -1;
    }
    this.component.same(s, c0, c1);
    // The source line changes nearly every record: no regex is made for it.
    if (f1 - f0 !== this.lastSource.length || !s.startsWith(this.lastSource, f0)) {
      this.lastSource = s.slice(f0, f1);
    }
    r.component = this.component.value || this.ctx.baseName;
    r.context = x1 === x0 ? '' : s.slice(x0, x1);
    r.source = this.lastSource;
    const type = y1 - y0 === 1 ? s.charCodeAt(y0) - 48 : Number(s.slice(y0, y1));
    r.type = Number.isInteger(type) && type >= 0 ? type : undefined;
    r.severity = type === 3 ? 'error' : type === 2 ? 'warning' : 'info';
    let thread = 0;
    for (let i = h0; i < h1; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) {
        thread = Number.NaN;
        break;
      }
      thread = thread * 10 + d;
    }
    r.thread = h1 > h0 && !Number.isNaN(thread) ? thread : undefined;
    this.setTime(r, localFromDay(day, c.msOfDay), c.bias);
    return f1 + 2;
  }

  /** Any other element: attributes in any order or missing, odd quoting, no closing `>`. */
  private general(r: MutableRecord, text: string, attrStart: number, lineNo: number): number {
    const a = this.attrs;
    readAttributes(text, attrStart, a);
    r.component = a.component || this.ctx.baseName;
    r.context = a.context;
    r.source = a.file;
    const type = a.type === undefined ? Number.NaN : Number(a.type);
    r.type = Number.isInteger(type) ? type : undefined;
    r.severity = type === 3 ? 'error' : type === 2 ? 'warning' : 'info';
    const thread = a.thread === undefined ? Number.NaN : Number.parseInt(a.thread, 10);
    r.thread = Number.isNaN(thread) ? undefined : thread;
    this.ccmTime(r, a);
    if (a.error !== undefined) {
      this.problem(lineNo, `record attributes: ${a.error}`);
    }
    return a.end < 0 ? text.length : a.end;
  }

  private ccmTime(r: MutableRecord, a: CcmAttributes): void {
    const c = this.clock;
    const day = a.date === undefined ? Number.NaN : parseMonthDayYear(a.date.trim());
    if (a.time !== undefined && parseClock(a.time, c) && !Number.isNaN(day)) {
      if (c.foreignOffset !== undefined && !this.foreignNoted) {
        this.foreignNoted = true;
        this.problem(
          r.line,
          `time "${a.time}" carries an unsigned offset (a non-ConfigMgr writer): it is not trusted as a bias`,
        );
      }
      this.setTime(r, localFromDay(day, c.msOfDay), c.bias);
      return;
    }
    this.inheritTime(r);
    this.problem(
      r.line,
      `record time not understood (time="${a.time ?? ''}" date="${a.date ?? ''}"): the previous record's time is used`,
    );
  }

  // Positions found by smsTail in the current line: `$$<comp><stamp><thread=…>`.
  private smsComp = [0, 0];
  private smsStamp = [0, 0];
  private smsThread = [0, 0];

  /** Checks the `$$<component><stamp><thread=…>` tail at `at` without a regex; remembers where its parts are. */
  private smsTail(s: string, at: number): boolean {
    const c0 = at + 3;
    const c1 = s.indexOf('>', c0);
    if (c1 < 0 || s.charCodeAt(c1 + 1) !== 60) {
      return false;
    }
    const d0 = c1 + 2;
    const d1 = s.indexOf('>', d0);
    if (d1 < 0 || !matchAt(s, d1 + 1, '<thread=')) {
      return false;
    }
    const h0 = d1 + 9;
    const h1 = s.indexOf('>', h0);
    if (h1 < 0 || !isBlank(s.slice(h1 + 1))) {
      return false;
    }
    this.smsComp[0] = c0;
    this.smsComp[1] = c1;
    this.smsStamp[0] = d0;
    this.smsStamp[1] = d1;
    this.smsThread[0] = h0;
    this.smsThread[1] = h1;
    return true;
  }

  private smsRecord(text: string, tail: number, lineNo: number, offset: number, bytes: number): void {
    const r = this.newRecord('sms', lineNo, offset);
    let message = trimSmsMessage(text.slice(0, tail));
    const loose = this.loose;
    if (loose.length > 0) {
      if ((this.last === undefined || this.last.format === 'sms') && this.followsLoose(offset)) {
        // SMS trace writes the component tail only on the last line of a multi-line message.
        const first = loose[0]!;
        r.line = first.line;
        r.offset = first.offset;
        message = loose.map((l) => trimSmsMessage(l.text)).join('\n') + '\n' + message;
        bytes += loose.reduce((sum, l) => sum + l.bytes, 0);
        this.loose = [];
      } else {
        this.flushLoose();
      }
    }
    r.endLine = lineNo;
    r.length = bytes;
    r.text = message;
    const [c0, c1] = this.smsComp as [number, number];
    if (!this.smsComponent.same(text, c0, c1)) {
      this.smsComponentTrimmed = this.smsComponent.value.trim();
    }
    r.component = this.smsComponentTrimmed || this.ctx.baseName;
    r.severity = textSeverity(message);
    r.thread = parseThread(text.slice(this.smsThread[0], this.smsThread[1]));
    this.smsTime(r, text, this.smsStamp[0]!, this.smsStamp[1]!);
    this.complete(r);
  }

  /** `MM-dd-yyyy HH:mm:ss.fff+bias` in s[start, end), or an SMS 1.x/2.0 text date. */
  private smsTime(r: MutableRecord, s: string, start: number, end: number): void {
    const c = this.clock;
    const space = s.indexOf(' ', start);
    if (space > start && space < end) {
      let day = this.lastDay;
      if (!this.date.same(s, start, space)) {
        day = this.lastDay = parseMonthDayYear(this.date.value);
      }
      let timeEnd = end;
      while (timeEnd > space && s.charCodeAt(timeEnd - 1) === 126) {
        timeEnd--;
      }
      if (!Number.isNaN(day) && parseClock(s, c, space + 1, timeEnd)) {
        this.setTime(r, localFromDay(day, c.msOfDay), c.bias);
        return;
      }
      const old = parseTextDate(s.slice(start, end), c);
      if (old) {
        this.setTime(r, localFromDay(old.day, old.msOfDay), old.bias);
        return;
      }
    }
    this.inheritTime(r);
    this.problem(r.line, `record time not understood ("${s.slice(start, end)}"): the previous record's time is used`);
  }

  private unterminated(open: OpenCcm): void {
    this.open = undefined;
    const r = open.record;
    this.problem(
      r.line,
      `record starting here has no "]LOG]!>" before ${r.endLine === r.line ? 'the next line' : `line ${r.endLine + 1}`}: kept as one record without attributes`,
    );
    r.text = open.parts.join('\n');
    r.length = open.bytes;
    r.severity = textSeverity(r.text);
    this.inheritTime(r);
    if (this.last) {
      r.component = this.last.component;
    }
    this.complete(r);
  }

  /** Whether a line at `offset` follows the loose lines' bytes, no junk between (so one record may span both). */
  private followsLoose(offset: number): boolean {
    const last = this.loose.at(-1);
    return last === undefined || last.offset + last.bytes === offset;
  }

  private flushLoose(): void {
    const loose = this.loose;
    if (loose.length === 0) {
      return;
    }
    this.loose = [];
    const format = this.last?.format ?? 'ccm';
    for (const l of loose) {
      if (isBlank(l.text)) {
        this.blank(l.offset, l.bytes);
      } else {
        this.orphan(l.text, l.line, l.offset, l.bytes, format);
      }
    }
  }
}

/**
 * A value the attribute element repeats from record to record (the date, the component), compared in
 * place rather than sliced again. Once it has repeated, the comparison is a sticky regex test: on the
 * decoder's lines (slices of a chunk), 36 ns for a component against 65 ns for `startsWith` and 117 ns
 * for a char-code loop. The regex is made only for a value seen twice in a row, so a file whose values
 * never repeat makes none.
 */
class Repeated {
  value = '';
  private sticky: RegExp | undefined;

  /** Whether `s[from, to)` is the value; if not, it becomes the value. */
  same(s: string, from: number, to: number): boolean {
    if (to - from === this.value.length) {
      const sticky = this.sticky;
      if (sticky !== undefined) {
        sticky.lastIndex = from;
        if (sticky.test(s)) {
          return true;
        }
      } else if (s.startsWith(this.value, from)) {
        this.sticky = new RegExp(this.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'y');
        return true;
      }
    }
    this.value = s.slice(from, to);
    this.sticky = undefined;
    return false;
  }
}

/** `s` holds `lit` at `at`: a char-code loop, for the short literals of the SMS-trace tail. */
function matchAt(s: string, at: number, lit: string): boolean {
  const n = lit.length;
  if (at + n > s.length) {
    return false;
  }
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(at + i) !== lit.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

/** SMS trace marks line breaks with `~`: drop them at the ends, turn interior ones into line breaks. */
function trimSmsMessage(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 126 || s.charCodeAt(end - 1) === 9)) {
    end--;
  }
  let start = 0;
  while (start < end && s.charCodeAt(start) === 126) {
    start++;
  }
  const body = s.slice(start, end);
  return body.indexOf('~') >= 0 ? body.replace(/~+/g, '\n') : body;
}

/** `thread=4840 (0x12E8)` → 4840; SMS 1.x `thread=DB` → 0xDB. */
function parseThread(s: string): number | undefined {
  const t = s.trim();
  const dec = /^(\d+)(?:\s|$)/.exec(t);
  if (dec) {
    return Number(dec[1]);
  }
  const hex = /^(?:0x)?([0-9a-f]+)$/i.exec(t);
  return hex ? Number.parseInt(hex[1]!, 16) : undefined;
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
