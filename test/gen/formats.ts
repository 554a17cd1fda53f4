// Line writers: the exact raw bytes (as JS strings, CRLF included) of each log format the generator produces.
// They take host-local or host-UTC readings from clock.ts and never look at true time, so a writer cannot
// accidentally leak the scenario's clock into a log. Grammar references: configmgr-log-formats.md §1 (CCM),
// §2 (SMS trace), §3.1 (legacy WindowsUpdate.log), §3.2 (Get-WindowsUpdateLog output), §4 (IIS W3C).

import { fieldsOf, formatBias, hms, millis3, secondStamp, ymd } from './clock.ts';

export const CRLF = '\r\n';

/** Client CCM logs start with a UTF-8 BOM (reference §10); the string form is written through a utf8 encoder. */
export const UTF8_BOM = '\uFEFF';

/** CCM `type`: 1 info, 2 warning, 3 error. */
export type CcmType = 1 | 2 | 3;

export interface CcmRecord {
  readonly component: string;
  /** May contain CRLF: the record then spans several physical lines, as XML bodies do. */
  readonly message: string;
  readonly type: CcmType;
  readonly thread: number;
  /** `sourcefile.cpp:line` */
  readonly source: string;
}

/**
 * `<![LOG[{message}]LOG]!><time="HH:mm:ss.fff±bias" date="MM-dd-yyyy" component=".." context="" type="n"
 * thread="n" file="x.cpp:n">` + CRLF.
 */
export function ccmLine(localReading: number, biasMinutes: number, r: CcmRecord): string {
  const s = secondStamp(localReading);
  return (
    `<![LOG[${r.message}]LOG]!><time="${s.hms}.${millis3(localReading)}${formatBias(biasMinutes)}" date="${s.mdy}" ` +
    `component="${r.component}" context="" type="${r.type}" thread="${r.thread}" file="${r.source}">${CRLF}`
  );
}

/** Where an SMS-trace line carries the `~` line-break marker that site-server components leave in messages. */
export type Tilde = 'none' | 'leading' | 'trailing';

export interface SmsRecord {
  readonly component: string;
  readonly message: string;
  readonly thread: number;
  readonly tilde?: Tilde;
}

/** `{message}  $$<COMPONENT><MM-dd-yyyy HH:mm:ss.fff±bias><thread=N (0xHEX)>` + CRLF. */
export function smsLine(localReading: number, biasMinutes: number, r: SmsRecord): string {
  const s = secondStamp(localReading);
  const lead = r.tilde === 'leading' ? '~' : '';
  const trail = r.tilde === 'trailing' ? '~' : '';
  return (
    `${lead}${r.message}${trail}  $$<${r.component}><${s.mdy} ${s.hms}.${millis3(localReading)}${formatBias(biasMinutes)}>` +
    `<thread=${r.thread} (0x${r.thread.toString(16).toUpperCase()})>${CRLF}`
  );
}

export interface WuRecord {
  readonly pid: number;
  readonly tid: number;
  /** Legacy `Agent`, `AU`, `COMAPI`, `PT`, `Misc`, `Report`, ...; Windows 10+ `ComApi`, `ProtocolTalker`, ... */
  readonly component: string;
  readonly text: string;
}

/**
 * Legacy WindowsUpdate.log: `yyyy-MM-dd<TAB>HH:mm:ss:fff<TAB> pid<TAB>tid<TAB>Component<TAB>text` + CRLF,
 * host-local time with no zone; pid and tid in hex, the pid padded with leading spaces to four characters.
 */
export function wuLine(localReading: number, r: WuRecord): string {
  const s = secondStamp(localReading);
  return `${s.ymd}\t${s.hms}:${millis3(localReading)}\t${r.pid.toString(16).padStart(4, ' ')}\t${r.tid.toString(16)}\t${r.component}\t${r.text}${CRLF}`;
}

/** Width Get-WindowsUpdateLog pads the component column to (`Agent` + 11 spaces, `ComApi` + 10). */
const WU_ETL_COMPONENT_WIDTH = 16;

/**
 * Windows 10+ WindowsUpdate.log as Get-WindowsUpdateLog writes it:
 * `yyyy/MM/dd HH:mm:ss.fffffff PID  TID  Component<pad to 16>text` + CRLF, pid and tid decimal, each followed by
 * two spaces. The ETL stamps have 100 ns ticks and the generator only milliseconds: `subMs` (0..9999) gives the
 * last four of the seven fractional digits, chosen by the caller so that lines within one millisecond stay in
 * file order. `decodedReading` is the decoding machine's local reading (clock.ts `decodedLocal`).
 */
export function wuEtlLine(decodedReading: number, subMs: number, r: WuRecord): string {
  const s = secondStamp(decodedReading);
  const component =
    r.component.length < WU_ETL_COMPONENT_WIDTH ? r.component.padEnd(WU_ETL_COMPONENT_WIDTH, ' ') : `${r.component} `;
  return (
    `${s.ymd.replace(/-/g, '/')} ${s.hms}.${millis3(decodedReading)}${String(subMs).padStart(4, '0')} ` +
    `${r.pid}  ${r.tid}  ${component}${r.text}${CRLF}`
  );
}

export const IIS_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) ' +
  'sc-status sc-substatus sc-win32-status time-taken';

/** The header block IIS writes when it opens a log file (new day, or the service started). UTC. */
export function iisHeader(hostUtcMs: number): string {
  const f = fieldsOf(hostUtcMs);
  return (
    `#Software: Microsoft Internet Information Services 10.0${CRLF}` +
    `#Version: 1.0${CRLF}` +
    `#Date: ${ymd(f)} ${hms(f)}${CRLF}` +
    `#Fields: ${IIS_FIELDS}${CRLF}`
  );
}

export interface IisRequest {
  readonly serverIp: string;
  readonly method: string;
  readonly uriStem: string;
  /** `-` when empty. */
  readonly uriQuery: string;
  readonly port: number;
  /** `-` when anonymous. */
  readonly username: string;
  readonly clientIp: string;
  /** Spaces already written as `+`. */
  readonly userAgent: string;
  readonly status: number;
  readonly substatus: number;
  readonly win32Status: number;
  readonly timeTakenMs: number;
}

/** One W3C row in the field order of `IIS_FIELDS`, time in UTC by the server's clock. */
export function iisRow(hostUtcMs: number, r: IisRequest): string {
  const s = secondStamp(hostUtcMs);
  return (
    `${s.ymd} ${s.hms} ${r.serverIp} ${r.method} ${r.uriStem} ${r.uriQuery} ${r.port} ${r.username} ` +
    `${r.clientIp} ${r.userAgent} - ${r.status} ${r.substatus} ${r.win32Status} ${r.timeTakenMs}${CRLF}`
  );
}
