// Readers for every timestamp shape the formats use. They work on char codes rather than regexes because
// they run once per record on multi-GB bundles; each returns NaN (or undefined) instead of throwing.

import { dayMs } from './time.ts';

export interface ClockTime {
  /** Milliseconds since local midnight, with the fraction kept (7-digit fractions give sub-ms values). */
  msOfDay: number;
  /** Windows bias in minutes when the writer gave a signed one (UTC = local + bias). */
  bias: number | undefined;
  /** An unsigned offset appended by a foreign writer (PSADT style); its sign is not trustworthy. */
  foreignOffset: number | undefined;
}

const D0 = 48;

function digitsAt(s: string, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - D0;
    if (c < 0 || c > 9) {
      return Number.NaN;
    }
    v = v * 10 + c;
  }
  return end > start ? v : Number.NaN;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * CCM `time` attribute: `HH:mm:ss.fff+300`, `-60`, `+000`, no bias, 5- or 7-digit fractions, PSADT's
 * `08:27:11.935600` (3-digit ms + unsigned offset) and `02:51:35.517 600`.
 * Unsigned digit runs of 4 or 6 are read as 3-digit ms + a foreign offset; 1–3, 5 and 7 as a fraction.
 */
export function parseClock(s: string, out: ClockTime, start = 0, n = s.length): boolean {
  out.bias = undefined;
  out.foreignOffset = undefined;
  let i = start;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
  }
  const hh = digitsAt(s, start, i);
  if (i === start || i > start + 2 || s.charCodeAt(i) !== 58) {
    return false;
  }
  const mm = digitsAt(s, i + 1, i + 3);
  if (s.charCodeAt(i + 3) !== 58) {
    return false;
  }
  const ss = digitsAt(s, i + 4, i + 6);
  if (!(hh < 24 && mm < 60 && ss < 61)) {
    return false;
  }
  let ms = ((hh * 60 + mm) * 60 + ss) * 1000;
  i += 6;
  if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 58)) {
    // `.` fraction; WindowsUpdate legacy uses `:` before milliseconds.
    const f0 = i + 1;
    let j = f0;
    while (j < n && isDigit(s.charCodeAt(j))) {
      j++;
    }
    const len = j - f0;
    const signed = j < n && (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45);
    if (!signed && j === n && (len === 4 || len === 6)) {
      ms += digitsAt(s, f0, f0 + 3);
      out.foreignOffset = digitsAt(s, f0 + 3, j);
    } else if (len > 0) {
      ms += fraction(s, f0, j);
    }
    i = j;
  }
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 43 || c === 45) {
      const b = digitsAt(s, i + 1, n);
      if (Number.isNaN(b) || n - i - 1 > 4) {
        return false;
      }
      out.bias = c === 45 ? -b : b;
    } else if (c === 32) {
      const b = digitsAt(s, i + 1, n);
      if (!Number.isNaN(b)) {
        out.foreignOffset = b;
      }
    } else {
      return false;
    }
  }
  out.msOfDay = ms;
  return true;
}

/** Fractional seconds `digits` as milliseconds (any number of digits). */
function fraction(s: string, start: number, end: number): number {
  const v = digitsAt(s, start, end);
  return v / 10 ** (end - start - 3);
}

const lastDate = { text: '', day: Number.NaN };

/** `MM-dd-yyyy` (also unpadded `3-24-2026`, `1-2-2015`, and `/` separators) → day start. NaN if invalid. */
export function parseMonthDayYear(s: string): number {
  if (s === lastDate.text) {
    return lastDate.day;
  }
  const a = s.indexOf('-') >= 0 ? s.indexOf('-') : s.indexOf('/');
  const sep = s.charCodeAt(a);
  const b = a < 0 ? -1 : s.indexOf(String.fromCharCode(sep), a + 1);
  if (a < 1 || b < 0) {
    return Number.NaN;
  }
  const day = dayMs(digitsAt(s, b + 1, s.length), digitsAt(s, 0, a), digitsAt(s, a + 1, b));
  lastDate.text = s;
  lastDate.day = day;
  return day;
}

/** `yyyy-MM-dd`, `yyyy/MM/dd`, `yyyy.MM.dd` (year first) or `dd.MM.yyyy` (day first with dots). */
export function parseYearFirstDate(s: string): number {
  const n = s.length;
  if (n >= 8 && isDigit(s.charCodeAt(0)) && isDigit(s.charCodeAt(3)) && !isDigit(s.charCodeAt(4))) {
    const sep = s.charCodeAt(4);
    const b = s.indexOf(String.fromCharCode(sep), 5);
    if (b < 0) {
      return Number.NaN;
    }
    return dayMs(digitsAt(s, 0, 4), digitsAt(s, 5, b), digitsAt(s, b + 1, n));
  }
  const a = s.indexOf('.');
  const b = a < 0 ? -1 : s.indexOf('.', a + 1);
  if (a > 0 && b > a && n - b - 1 === 4) {
    return dayMs(digitsAt(s, b + 1, n), digitsAt(s, a + 1, b), digitsAt(s, 0, a));
  }
  return Number.NaN;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Standard and daylight biases of the Windows zone names that old SMS traces print. */
const ZONE_NAMES: Record<string, number> = {
  'eastern standard time': 300,
  'eastern daylight time': 240,
  'central standard time': 360,
  'central daylight time': 300,
  'mountain standard time': 420,
  'mountain daylight time': 360,
  'pacific standard time': 480,
  'pacific daylight time': 420,
  'gmt standard time': 0,
  'gmt daylight time': -60,
  'w. europe standard time': -60,
  'w. europe daylight time': -120,
  'coordinated universal time': 0,
};

export interface TextDate {
  day: number;
  msOfDay: number;
  bias: number | undefined;
}

/**
 * Old SMS trace dates: `Fri Mar 26 10:43:41.547 1999 Eastern Standard Time` and `Wed May 21 17:09:27 1997~`.
 */
export function parseTextDate(s: string, clock: ClockTime): TextDate | undefined {
  const m = /^\s*[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+([\d:.]+)\s+(\d{4})\s*~?\s*(.*)$/.exec(s);
  if (!m) {
    return undefined;
  }
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  const day = dayMs(Number(m[4]), month, Number(m[2]));
  if (month === 0 || Number.isNaN(day) || !parseClock(m[3]!, clock)) {
    return undefined;
  }
  const zone = m[5]!.trim().toLowerCase();
  return { day, msOfDay: clock.msOfDay, bias: zone ? ZONE_NAMES[zone] : undefined };
}

/**
 * CMTrace viewer copies: the date/time column in the viewer's locale: `1/20/2014 12:18:09 PM`,
 * `20.01.2014 12:18:09`, `2014-01-20 12:18:09`. Returns local day + ms of day.
 */
export function parseLocaleDateTime(s: string): { day: number; msOfDay: number } | undefined {
  const m =
    /^\s*(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp][Mm])?\s*$/.exec(
      s,
    );
  if (!m) {
    return undefined;
  }
  const [a, sep, b, c] = [Number(m[1]), m[2], Number(m[3]), Number(m[4])];
  let year: number;
  let month: number;
  let dayOfMonth: number;
  if (m[1]!.length === 4) {
    [year, month, dayOfMonth] = [a, b, c];
  } else if (sep === '/') {
    [year, month, dayOfMonth] = [c, a, b];
  } else {
    [year, month, dayOfMonth] = [c, b, a];
  }
  let hour = Number(m[5]);
  const ampm = m[9]?.toLowerCase();
  if (ampm === 'pm' && hour < 12) {
    hour += 12;
  } else if (ampm === 'am' && hour === 12) {
    hour = 0;
  }
  const day = dayMs(year, month, dayOfMonth);
  const frac = m[8] ? Number(m[8]) / 10 ** (m[8].length - 3) : 0;
  const msOfDay = ((hour * 60 + Number(m[6])) * 60 + Number(m[7] ?? 0)) * 1000 + frac;
  return Number.isNaN(day) || hour > 23 ? undefined : { day, msOfDay };
}
