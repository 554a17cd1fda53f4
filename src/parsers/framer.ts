// What every format's framer shares: turning physical lines into records with exact spans, holding the
// last record back until the next one starts (trailing blank lines belong to the record before them),
// inheriting time for records without one, and keeping the file summary.

import type { LineSink } from './decode.ts';
import type { LogFormat, LogRecord, ParseProblem, ParseSink, Severity } from './record.ts';
import type { LocalReading, UtcInstant, ZoneSource } from './time.ts';
import { toUtc } from './time.ts';

export type MutableRecord = { -readonly [K in keyof LogRecord]: LogRecord[K] };

/** The bias a zone-less file's previous record was read with, and its local time. */
export interface BiasHint {
  readonly local: number;
  readonly bias: number;
}

export interface FramerContext {
  readonly file: string;
  /** Base name without extension: the component of records that name none. */
  readonly baseName: string;
  readonly sink: ParseSink;
  /**
   * The host's bias at a local reading, from its other logs; undefined when nothing is known. `previous` is
   * what this file's previous record was read with: where the clocks were put back, it says which pass of
   * the repeated hour a reading is in.
   */
  readonly hostBias: (local: LocalReading, previous?: BiasHint) => number | undefined;
  /** Bytes a string takes in the file's encoding (changes if the decoder falls back to Windows-1252). */
  readonly bytesOf: (s: string) => number;
  /** Fills `record.fields`; absent when the caller wants framing only. */
  readonly classify: ((record: MutableRecord) => void) | undefined;
}

export abstract class Framer implements LineSink {
  records = 0;
  problems = 0;
  skippedBytes = 0;
  firstUtc: UtcInstant | undefined;
  lastUtc: UtcInstant | undefined;
  readonly formats = new Set<LogFormat>();
  /** Last record's time, inherited by orphan lines and records whose time cannot be read. */
  protected last: MutableRecord | undefined;
  private held: MutableRecord | undefined;
  private zoneNoted = false;
  /** The host bias the previous record without one of its own was read with. */
  private hostHint: BiasHint | undefined;

  constructor(protected readonly ctx: FramerContext) {}

  abstract line(text: string, lineNo: number, offset: number, bytes: number): void;

  /** Called once at end of input: flush any open state, then `super.end()`. */
  end(): void {
    this.release();
  }

  junk(lineNo: number, offset: number, bytes: number, message: string): void {
    this.problem(lineNo, message, offset, bytes);
  }

  protected problem(line: number, message: string, offset = 0, length = 0): void {
    this.problems += 1;
    const p: ParseProblem = { file: this.ctx.file, line, message, offset, length };
    this.ctx.sink.problem(p);
  }

  /**
   * A whitespace-only line outside any record: it belongs to the record before it when it follows that
   * record's bytes. NUL padding reported in between (`junk`) leaves it in no record: a record's span never
   * covers bytes reported as junk.
   */
  protected blank(offset: number, bytes: number): void {
    const held = this.held;
    if (held !== undefined && held.offset + held.length === offset) {
      held.length += bytes;
    } else {
      this.skippedBytes += bytes;
    }
  }

  protected newRecord(format: LogFormat, line: number, offset: number): MutableRecord {
    return {
      file: this.ctx.file,
      line,
      endLine: line,
      offset,
      length: 0,
      format,
      local: undefined,
      biasMinutes: undefined,
      utc: undefined,
      zone: undefined,
      component: this.ctx.baseName,
      severity: 'info',
      type: undefined,
      thread: undefined,
      process: undefined,
      source: undefined,
      context: undefined,
      text: '',
      orphan: false,
    };
  }

  /** Sets local time, bias and UTC; records without a bias take their host's, or are taken as UTC. */
  protected setTime(r: MutableRecord, local: LocalReading, bias: number | undefined, utcByDefinition = false): void {
    r.local = local;
    if (utcByDefinition) {
      r.biasMinutes = 0;
      r.zone = 'utc';
      r.utc = toUtc(local, 0);
      return;
    }
    r.biasMinutes = bias;
    let zone: ZoneSource = 'bias';
    if (bias === undefined) {
      bias = this.ctx.hostBias(local, this.hostHint);
      if (bias !== undefined) {
        this.hostHint = { local, bias };
      }
      zone = bias === undefined ? 'assumed-utc' : 'host';
      if (!this.zoneNoted) {
        this.zoneNoted = true;
        this.problem(
          r.line,
          bias === undefined
            ? 'no time-zone bias in this file and none known for its host: local times are taken as UTC'
            : `no time-zone bias in this file: times converted with the host's bias from its other logs (${formatBias(bias)})`,
        );
      }
    }
    r.zone = zone;
    r.utc = toUtc(local, bias ?? 0);
  }

  /** Gives a record without a readable time its predecessor's time. */
  protected inheritTime(r: MutableRecord): void {
    const prev = this.last;
    if (prev) {
      r.local = prev.local;
      r.biasMinutes = prev.biasMinutes;
      r.utc = prev.utc;
      r.zone = prev.zone;
    }
  }

  /** Makes a record of a line that belongs to no record: it keeps its place, time and component come from before. */
  protected orphan(text: string, lineNo: number, offset: number, bytes: number, format: LogFormat): void {
    const r = this.newRecord(format, lineNo, offset);
    r.text = text;
    r.length = bytes;
    r.orphan = true;
    r.severity = textSeverity(text);
    this.inheritTime(r);
    if (this.last) {
      r.component = this.last.component;
      r.thread = this.last.thread;
    }
    this.complete(r);
  }

  /** The record is whole: hold it until the next one starts, then emit. */
  protected complete(r: MutableRecord): void {
    this.release();
    this.held = r;
    if (!r.orphan) {
      this.last = r;
    }
  }

  private release(): void {
    const r = this.held;
    if (!r) {
      return;
    }
    this.held = undefined;
    this.records += 1;
    this.formats.add(r.format);
    const t = r.utc;
    if (t !== undefined) {
      if (this.firstUtc === undefined || t < this.firstUtc) {
        this.firstUtc = t;
      }
      if (this.lastUtc === undefined || t > this.lastUtc) {
        this.lastUtc = t;
      }
    }
    this.ctx.classify?.(r);
    this.ctx.sink.record(r);
  }
}

const ERROR_TEXT = /error|\*FAILED\*/i;
const WARNING_TEXT = /warn/i;

/** CMTrace's rule for formats without a severity column, plus WindowsUpdate's `*FAILED*` marker. */
export function textSeverity(text: string): Severity {
  if (ERROR_TEXT.test(text)) {
    return 'error';
  }
  return WARNING_TEXT.test(text) ? 'warning' : 'info';
}

export function formatBias(bias: number): string {
  return `${bias >= 0 ? '+' : '-'}${Math.abs(bias)}`;
}

export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) {
      return false;
    }
  }
  return true;
}
