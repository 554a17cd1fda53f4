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
      this.blank(bytes);
      return;
    }
    if (!this.legacy(text, lineNo, offset, bytes) && !this.etl(text, lineNo, offset, bytes)) {
      this.orphan(text, lineNo, offset, bytes, this.last?.format ?? 'wu-legacy');
    }
  }

  private legacy(text: string, lineNo: number, offset: number, bytes: number): boolean {
    const cols = text.split('\t');
    if (cols.length < 6) {
      return false;
    }
    const day = parseYearFirstDate(cols[0]!.trim());
    if (Number.isNaN(day) || !parseClock(cols[1]!.trim(), this.clock)) {
      return false;
    }
    const r = this.newRecord('wu-legacy', lineNo, offset);
    r.length = bytes;
    r.process = parseHex(cols[2]!);
    r.thread = parseHex(cols[3]!);
    r.component = cols[4]!.trim();
    r.text = cols.slice(5).join('\t').trim();
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

function parseHex(s: string): number | undefined {
  const v = Number.parseInt(s.trim(), 16);
  return Number.isNaN(v) ? undefined : v;
}
