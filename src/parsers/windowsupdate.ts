// WindowsUpdate.log, both generations:
//   legacy (XP … 8.1)  `2014-01-20<TAB>12:18:11:520<TAB> 968<TAB>9d0<TAB>Agent<TAB>text` — PID/TID hex, ms after `:`;
//   Windows 10+        `2025/10/16 18:39:47.2520119 6536  6560  Agent           text` — Get-WindowsUpdateLog output,
//                      date separator from the converting machine's locale, 7-digit fraction.
// Neither carries a zone: times are the host's local time and take the bias from its other logs.

import { Framer, isBlank, textSeverity } from './framer.ts';
import { localFromDay } from './time.ts';
import type { ClockTime } from './timestamps.ts';
import { parseClock, parseYearFirstDate } from './timestamps.ts';

const ETL_LINE = /^(\S+) (\d{1,2}:\d{2}:\d{2}(?:\.\d+)?) +(\d+) +(\d+) +(\S+) ?(.*)$/;

export class WindowsUpdateFramer extends Framer {
  private readonly clock: ClockTime = { msOfDay: 0, bias: undefined, foreignOffset: undefined };

  line(text: string, lineNo: number, offset: number, bytes: number): void {
    if (isBlank(text)) {
      this.blank(offset, bytes);
      return;
    }
    if (!this.legacy(text, lineNo, offset, bytes) && !this.etl(text, lineNo, offset, bytes)) {
      this.orphan(text, lineNo, offset, bytes, this.last?.format ?? 'wu-legacy');
    }
  }

  private lastDate = '';
  private lastDay = Number.NaN;
  private lastComponent = '';

  /** Columns found with indexOf rather than split: this runs once per line of multi-MB logs. */
  private legacy(text: string, lineNo: number, offset: number, bytes: number): boolean {
    const t1 = text.indexOf('\t');
    const t2 = t1 < 0 ? -1 : text.indexOf('\t', t1 + 1);
    const t3 = t2 < 0 ? -1 : text.indexOf('\t', t2 + 1);
    const t4 = t3 < 0 ? -1 : text.indexOf('\t', t3 + 1);
    const t5 = t4 < 0 ? -1 : text.indexOf('\t', t4 + 1);
    if (t5 < 0 || t1 > 12) {
      return false;
    }
    if (t1 !== this.lastDate.length || !text.startsWith(this.lastDate)) {
      this.lastDate = text.slice(0, t1);
      this.lastDay = parseYearFirstDate(this.lastDate.trim());
    }
    const day = this.lastDay;
    if (Number.isNaN(day) || !parseClock(text, this.clock, t1 + 1, t2)) {
      return false;
    }
    const r = this.newRecord('wu-legacy', lineNo, offset);
    r.length = bytes;
    r.process = parseHex(text, t2 + 1, t3);
    r.thread = parseHex(text, t3 + 1, t4);
    if (t5 - t4 - 1 !== this.lastComponent.length || !text.startsWith(this.lastComponent, t4 + 1)) {
      this.lastComponent = text.slice(t4 + 1, t5).trim();
    }
    r.component = this.lastComponent;
    r.text = text.slice(t5 + 1);
    r.severity = textSeverity(r.text);
    this.setTime(r, localFromDay(day, this.clock.msOfDay), undefined);
    this.complete(r);
    return true;
  }

  private etl(text: string, lineNo: number, offset: number, bytes: number): boolean {
    const m = ETL_LINE.exec(text);
    if (!m) {
      return false;
    }
    const day = parseYearFirstDate(m[1]!);
    if (Number.isNaN(day) || !parseClock(m[2]!, this.clock)) {
      return false;
    }
    const r = this.newRecord('wu-etl', lineNo, offset);
    r.length = bytes;
    r.process = Number(m[3]);
    r.thread = Number(m[4]);
    r.component = m[5]!;
    r.text = m[6]!.trim();
    r.severity = textSeverity(r.text);
    this.setTime(r, localFromDay(day, this.clock.msOfDay), undefined);
    this.complete(r);
    return true;
  }
}

/** Hex digits in s[start, end), spaces allowed around them (the legacy log pads the PID). */
function parseHex(s: string, start: number, end: number): number | undefined {
  let v = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c === 0x20) {
      continue;
    }
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) {
      return undefined;
    }
    v = v * 16 + d;
    digits++;
  }
  return digits > 0 ? v : undefined;
}
