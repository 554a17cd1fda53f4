// Time in the model. A log line carries a *local reading* (wall clock of the host that wrote it) and,
// where the format says so, a bias. Everything downstream works on *UTC instants*. The two are distinct
// branded types so that a local reading can never be compared with a UTC instant by mistake; the only
// conversion is `toUtc` (Windows convention: UTC = local + bias minutes).

declare const utcBrand: unique symbol;
declare const localBrand: unique symbol;

/** Milliseconds since the Unix epoch, UTC. May carry a fraction (7-digit log fractions are kept). */
export type UtcInstant = number & { readonly [utcBrand]: true };

/** A host-local wall-clock reading, encoded as if it were UTC (Date.UTC of the fields). Never an instant. */
export type LocalReading = number & { readonly [localBrand]: true };

/** How a record's UTC instant was obtained. */
export type ZoneSource =
  /** the record carries a trustworthy Windows bias (CCM, SMS trace) */
  | 'bias'
  /** the format is UTC by definition (IIS W3C, DMTF `+000`, GMTDATE) */
  | 'utc'
  /** no bias in the record: taken from other logs of the same host */
  | 'host'
  /** no zone known anywhere on the host: the local reading is taken as UTC */
  | 'assumed-utc';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

export function localReading(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): LocalReading {
  return (Date.UTC(year, month - 1, day, hour, minute, second) + millis) as LocalReading;
}

/** Local reading from a day number (as from `dayMs`) and a time of day in ms. */
export function localFromDay(dayStart: number, msOfDay: number): LocalReading {
  return (dayStart + msOfDay) as LocalReading;
}

/** Start of a calendar day, in the same encoding as LocalReading. NaN for an impossible date. */
export function dayMs(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return Number.NaN;
  }
  const t = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 02-31 over into March; reject such dates instead of moving them.
  return new Date(t).getUTCDate() === day ? t : Number.NaN;
}

/** The one conversion from a host-local reading to a UTC instant: UTC = local + bias minutes. */
export function toUtc(local: LocalReading, biasMinutes: number): UtcInstant {
  return (local + biasMinutes * MS_PER_MINUTE) as UtcInstant;
}

/** A value that is UTC by definition (IIS, DMTF +000). */
export function utcInstant(ms: number): UtcInstant {
  return ms as UtcInstant;
}

/** Shift an instant by a measured clock skew (used by the correlator). */
export function shiftInstant(t: UtcInstant, ms: number): UtcInstant {
  return (t + ms) as UtcInstant;
}

/** ISO 8601 with millisecond precision, e.g. 2014-01-20T17:18:42.694Z. */
export function formatUtc(t: UtcInstant): string {
  return new Date(Math.floor(t)).toISOString();
}

/** An instant to the second as `yyyy-MM-dd HH:mm:ss`, UTC (the zone is for the caller to say). */
export function formatUtcSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A local reading as `yyyy-MM-dd HH:mm:ss.fff` (no zone: it is not an instant). */
export function formatLocal(t: LocalReading): string {
  return new Date(Math.floor(t)).toISOString().slice(0, 23).replace('T', ' ');
}

export function isValidTime(t: number): boolean {
  return Number.isFinite(t) && Math.abs(t) < 400 * 365 * MS_PER_DAY;
}

/** Windows bias to a zone: UTC = local + bias, so bias +300 is UTC-05:00. */
export function zoneFromBias(biasMinutes: number | undefined): string {
  if (biasMinutes === undefined || !Number.isFinite(biasMinutes)) {
    return 'unknown';
  }
  const offset = -biasMinutes;
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `UTC${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

/**
 * A span of a minute or more, unsigned, with `decimals` on its seconds: `23 h 58 min 44.6 s`, `3 min 1.250 s`.
 * A clock a day off reads as one, where `86324.6 s` does not.
 */
export function minutesAndSeconds(ms: number, decimals: number): string {
  // Rounded first, so that 599,960 ms at one decimal reads 10 min 0.0 s, not 9 min 60.0 s.
  const unit = 1000 / 10 ** decimals;
  const abs = Math.round(Math.abs(ms) / unit) * unit;
  const h = Math.floor(abs / 3_600_000);
  const min = Math.floor((abs % 3_600_000) / 60_000);
  const s = ((abs % 60_000) / 1000).toFixed(decimals);
  return `${h > 0 ? `${h} h ` : ''}${min} min ${s} s`;
}

/** Whole minutes as people say them: `6 h`, `5 h 30 min`, `45 min`. */
export function hoursAndMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}
