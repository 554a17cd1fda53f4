// The record model every parser produces and every consumer (correlator, CLI, extension) reads.
// A record is one logical log entry: possibly several physical lines, always with its exact place in
// the file (1-based lines, byte span) so that a view can reveal it and a consumer can re-read its bytes.

import type { LocalReading, UtcInstant, ZoneSource } from './time.ts';
import type { MessageFields } from './messages/fields.ts';

/** Physical formats. A file may mix `ccm` and `sms` line by line. */
export type LogFormat =
  /** `<![LOG[msg]LOG]!><time=".." date=".." component=".." ...>` (CMTrace / CCM) */
  | 'ccm'
  /** `msg  $$<component><MM-dd-yyyy HH:mm:ss.fff+bias><thread=N (0xN)>` (SMS trace) */
  | 'sms'
  /** legacy `%windir%\WindowsUpdate.log`, tab separated, `HH:mm:ss:fff` */
  | 'wu-legacy'
  /** Windows 10+ `Get-WindowsUpdateLog` output */
  | 'wu-etl'
  /** IIS W3C extended log driven by `#Fields:` */
  | 'iis'
  /** text copied out of the CMTrace viewer (tab separated columns) */
  | 'cmtrace-copy'
  /** anything else: one record per line, no time */
  | 'text';

export type Severity = 'info' | 'warning' | 'error';

/** Severities by rank: the number columns store for a record's severity is its index here. */
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface LogRecord {
  /** Path of the file as the bundle names it (relative, forward slashes). */
  readonly file: string;
  /** 1-based line where the record starts (VS Code's counting: CR, LF and CRLF each end a line). */
  readonly line: number;
  /** 1-based line where the record ends. */
  readonly endLine: number;
  /** Byte offset of the record's first line in the file (after any BOM counts as part of the file). */
  readonly offset: number;
  /** Bytes from `offset` to the start of whatever follows (its lines, terminators, trailing blank lines). */
  readonly length: number;
  readonly format: LogFormat;
  /** The wall-clock reading as written, if the record has one. */
  readonly local: LocalReading | undefined;
  /** Bias in minutes as written by the log (UTC = local + bias), when the record carries one. */
  readonly biasMinutes: number | undefined;
  /** UTC instant before any clock-skew correction. Undefined when the record has no time at all. */
  readonly utc: UtcInstant | undefined;
  readonly zone: ZoneSource | undefined;
  /** CMTrace component, SMS-trace component, WU component, `IIS`, or the file's base name. */
  readonly component: string;
  readonly severity: Severity;
  /** Raw CCM `type` attribute (0,1,2,3...) when present. */
  readonly type: number | undefined;
  readonly thread: number | undefined;
  readonly process: number | undefined;
  /** CCM `file="source.cpp:line"`. */
  readonly source: string | undefined;
  /** CCM `context` attribute. */
  readonly context: string | undefined;
  /** Message text. Multi-line messages keep their line breaks (normalised to \n). */
  readonly text: string;
  /** Line without an opening tag, kept as its own record; time and component are inherited. */
  readonly orphan: boolean;
  /** Typed fields recognised in the message (ids, error codes, ...). Filled by `messageFields`. */
  fields?: MessageFields;
}

export interface ParseProblem {
  readonly file: string;
  /** 1-based line the problem is about. */
  readonly line: number;
  readonly message: string;
  /** Bytes this problem stands for that are in no record (0 when the bytes are in a record). */
  readonly offset: number;
  readonly length: number;
}

/** Receives a file's records and problems in file order. */
export interface ParseSink {
  record(record: LogRecord): void;
  problem(problem: ParseProblem): void;
}

export interface FileSummary {
  readonly file: string;
  /** The framer that read the file (what a re-read of one of its records must use). */
  readonly kind: 'configmgr' | 'windowsupdate' | 'iis' | 'clipboard' | 'text';
  readonly format: LogFormat | 'mixed' | 'empty';
  readonly formats: ReadonlyArray<LogFormat>;
  readonly encoding: TextEncoding;
  readonly bytes: number;
  readonly lines: number;
  readonly records: number;
  readonly problems: number;
  /** Bytes of BOM and leading blank lines, which belong to no record. */
  readonly skippedBytes: number;
  readonly firstUtc: UtcInstant | undefined;
  readonly lastUtc: UtcInstant | undefined;
}
