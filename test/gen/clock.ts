// Host clock model for generated bundles. The correlator will later be asked to recover each host's clock skew
// from the logs alone, so the relation between the scenario's time and what each host writes is fixed here,
// in one place:
//
//   trueUtc     the instant at which something really happened (the scenario works only in this)
//   hostUtc     what the host's clock believes UTC is:          hostUtc   = trueUtc + skewMs
//   hostLocal   the wall-clock reading the host writes:         hostLocal = trueUtc + skewMs - biasMinutes * 60000
//
// `biasMinutes` follows the Windows convention that CCM and SMS-trace logs print after the time
// (UTC = local + bias): US Eastern winter +300, Central Europe winter -60, Pacific winter +480, Tokyo -540.
// `skewMs` is how far the host's clock is AHEAD of true UTC (negative: behind). A client that is 42 s fast has
// skewMs = +42000 and every time it writes, including the UTC it puts in state-message XML, is 42 s ahead of
// the truth; recovering that number is the correlator's job. Formats that write UTC (IIS, DMTF MessageTime, STATMSG GMTDATE) use hostUtc, so
// they carry the skew but not the bias; formats that write local time use hostLocal.
//
// Readings are plain millisecond numbers encoded like Date.UTC of the printed fields (the same encoding as
// `LocalReading` in src/parsers/time.ts); the helpers below turn them into the exact digits each format prints.

export interface HostClock {
  /** Windows bias in minutes: UTC = local + bias. */
  readonly biasMinutes: number;
  /** Milliseconds by which the host's clock runs ahead of true UTC (negative when behind). */
  readonly skewMs: number;
  /** The clock set at a true instant (by time sync, or by hand): from then on it runs `byMs` further ahead. */
  readonly step?: { readonly at: number; readonly byMs: number } | undefined;
  /** The zone's bias changes (summer time ends or begins) when the host's clock reads `at`: `toMinutes` from then on. */
  readonly biasStep?: { readonly at: number; readonly toMinutes: number } | undefined;
}

/**
 * The bias the host's logs print at the true instant `trueUtc`. Windows changes zone when its own clock reaches
 * the rule's instant, so `biasStep.at` is read on the host's clock: a client 4 s slow ends summer time 4 s
 * late, at 02:00:00.000 on its own clock as every Windows machine does, and a client set back three hours
 * an hour before the change runs on summer time for four hours more (the time its clock takes to reach it).
 */
export function biasAt(clock: HostClock, trueUtc: number): number {
  const step = clock.biasStep;
  return step !== undefined && hostUtc(clock, trueUtc) >= step.at ? step.toMinutes : clock.biasMinutes;
}

/** How far ahead of true UTC the host's clock runs at the true instant `trueUtc`. */
export function skewAt(clock: HostClock, trueUtc: number): number {
  const step = clock.step;
  return step !== undefined && trueUtc >= step.at ? clock.skewMs + step.byMs : clock.skewMs;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** What the host believes UTC is at the true instant `trueUtc`. */
export function hostUtc(clock: HostClock, trueUtc: number): number {
  return trueUtc + skewAt(clock, trueUtc);
}

/** The local wall-clock reading the host writes at the true instant `trueUtc`. */
export function hostLocal(clock: HostClock, trueUtc: number): number {
  return trueUtc + skewAt(clock, trueUtc) - biasAt(clock, trueUtc) * MS_PER_MINUTE;
}

/**
 * What Get-WindowsUpdateLog prints for a record the host logged at `trueUtc`: the ETL files carry the host's UTC
 * stamps (skew included, zone not), and the cmdlet writes them in the local time of the machine that DECODES
 * them, whose bias is `decoderBiasMinutes` (often an admin's workstation, not the client).
 */
export function decodedLocal(clock: HostClock, decoderBiasMinutes: number, trueUtc: number): number {
  return hostUtc(clock, trueUtc) - decoderBiasMinutes * MS_PER_MINUTE;
}

/** Windows bias as CCM / SMS trace print it: `+300`, `-60`, and `+000` for UTC itself. */
export function formatBias(biasMinutes: number): string {
  let s = biasText.get(biasMinutes);
  if (s === undefined) {
    s = biasMinutes === 0 ? '+000' : (biasMinutes > 0 ? '+' : '-') + String(Math.abs(biasMinutes));
    biasText.set(biasMinutes, s);
  }
  return s;
}

const biasText = new Map<number, string>();

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function pad2(n: number): string {
  return PAD2[n] ?? String(n).padStart(2, '0');
}

function pad3(n: number): string {
  return PAD3[n] ?? String(n).padStart(3, '0');
}

/**
 * Calendar fields of a reading. The day part is cached because a generator writes millions of lines that fall
 * on a handful of days; only the time of day is recomputed per line.
 */
export interface ReadingFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
}

let cachedDay = Number.NaN;
let cachedY = 0;
let cachedM = 0;
let cachedD = 0;

export function fieldsOf(reading: number): ReadingFields {
  const ms = Math.floor(reading);
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    const d = new Date(day * MS_PER_DAY);
    cachedDay = day;
    cachedY = d.getUTCFullYear();
    cachedM = d.getUTCMonth() + 1;
    cachedD = d.getUTCDate();
  }
  let rest = ms - day * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return { year: cachedY, month: cachedM, day: cachedD, hour, minute, second, millis: rest - second * 1000 };
}

/** `MM-dd-yyyy` (CCM `date=`, SMS trace). */
export function mdy(f: ReadingFields): string {
  return `${pad2(f.month)}-${pad2(f.day)}-${f.year}`;
}

/** `yyyy-MM-dd` (WindowsUpdate.log, IIS). */
export function ymd(f: ReadingFields): string {
  return `${f.year}-${pad2(f.month)}-${pad2(f.day)}`;
}

/** `HH:mm:ss` */
export function hms(f: ReadingFields): string {
  return `${pad2(f.hour)}:${pad2(f.minute)}:${pad2(f.second)}`;
}

/** `HH:mm:ss.fff` (CCM, SMS trace). */
export function hmsDotMs(f: ReadingFields): string {
  return `${hms(f)}.${pad3(f.millis)}`;
}

/** `HH:mm:ss:fff` (legacy WindowsUpdate.log puts a colon before the milliseconds). */
export function hmsColonMs(f: ReadingFields): string {
  return `${hms(f)}:${pad3(f.millis)}`;
}

/** WMI DMTF datetime in UTC as state messages carry it: `yyyyMMddHHmmss.ffffff+000`. */
export function dmtfUtc(hostUtcMs: number): string {
  const f = fieldsOf(hostUtcMs);
  return `${f.year}${pad2(f.month)}${pad2(f.day)}${pad2(f.hour)}${pad2(f.minute)}${pad2(f.second)}.${pad3(f.millis)}000+000`;
}

/** `yyMMdd` for IIS daily file names (`u_ex250114.log`). */
export function yymmdd(reading: number): string {
  const f = fieldsOf(reading);
  return `${pad2(f.year % 100)}${pad2(f.month)}${pad2(f.day)}`;
}

/** `yyyyMMdd-HHmmss` for rotated-history file names (`CcmMessaging-20241020-062929.log`). */
export function historyStamp(reading: number): string {
  const f = fieldsOf(reading);
  return `${f.year}${pad2(f.month)}${pad2(f.day)}-${pad2(f.hour)}${pad2(f.minute)}${pad2(f.second)}`;
}

/** STATMSG `GMTDATE=Thu Jan 16 18:57:46.304 2014` (UTC by the host's clock). */
export function gmtDate(hostUtcMs: number): string {
  const d = new Date(Math.floor(hostUtcMs));
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const f = fieldsOf(hostUtcMs);
  return `${days[d.getUTCDay()] ?? ''} ${months[f.month - 1] ?? ''} ${pad2(f.day)} ${hmsDotMs(f)} ${f.year}`;
}

/** Offset as ISO-style `-0500` that WU REPORT EVENT lines embed (opposite sign to the Windows bias). */
export function isoOffset(biasMinutes: number): string {
  const east = -biasMinutes;
  const abs = Math.abs(east);
  return (east < 0 ? '-' : '+') + pad2(Math.floor(abs / 60)) + pad2(abs % 60);
}

/**
 * The per-second part of a reading, cached: `MM-dd-yyyy`, `yyyy-MM-dd` and `HH:mm:ss`, plus the milliseconds.
 * A generator writes many records per host and second; a small direct-mapped cache (hosts alternate, so one
 * entry would thrash) turns most lines' date formatting into a lookup.
 */
export interface SecondStamp {
  readonly mdy: string;
  readonly ymd: string;
  readonly hms: string;
}

const STAMP_SLOTS = 64;
const stampKeys = new Float64Array(STAMP_SLOTS).fill(Number.NaN);
const stampValues: SecondStamp[] = new Array<SecondStamp>(STAMP_SLOTS);

export function secondStamp(reading: number): SecondStamp {
  const sec = Math.floor(reading / 1000);
  const slot = sec & (STAMP_SLOTS - 1);
  if (stampKeys[slot] === sec) {
    return stampValues[slot] as SecondStamp;
  }
  const f = fieldsOf(sec * 1000);
  const v: SecondStamp = { mdy: mdy(f), ymd: ymd(f), hms: hms(f) };
  stampKeys[slot] = sec;
  stampValues[slot] = v;
  return v;
}

/** Milliseconds of a reading as three digits. */
export function millis3(reading: number): string {
  const ms = Math.floor(reading) - Math.floor(reading / 1000) * 1000;
  return pad3(ms);
}
