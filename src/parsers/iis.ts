// IIS W3C extended logs (management point and WSUS). Columns come from the latest `#Fields:` directive,
// which may change mid-file when the service restarts; times are UTC by definition. Directive lines are
// records too (a `#Date:` marks a restart of logging), so every byte stays accounted for.

import { Framer, isBlank } from './framer.ts';
import type { MutableRecord } from './framer.ts';
import { localFromDay } from './time.ts';
import type { ClockTime } from './timestamps.ts';
import { parseClock, parseYearFirstDate } from './timestamps.ts';

export class IisFramer extends Framer {
  private fields: string[] | undefined;
  private readonly clock: ClockTime = { msOfDay: 0, bias: undefined, foreignOffset: undefined };
  private widthNoted = false;

  line(text: string, lineNo: number, offset: number, bytes: number): void {
    if (isBlank(text)) {
      this.blank(bytes);
      return;
    }
    const r = this.newRecord('iis', lineNo, offset);
    r.length = bytes;
    r.component = 'IIS';
    r.text = text;
    if (text.charCodeAt(0) === 35) {
      this.directive(r, text);
    } else if (this.fields === undefined) {
      this.problem(lineNo, 'IIS log line before any #Fields: directive: columns unknown');
      this.inheritTime(r);
    } else {
      this.request(r, text.split(' '), this.fields);
    }
    this.complete(r);
  }

  private directive(r: MutableRecord, text: string): void {
    if (text.startsWith('#Fields:')) {
      this.fields = text.slice(8).trim().split(/\s+/);
    }
    const date = /^#Date:\s*(\S+)\s+(\S+)/.exec(text);
    if (date && this.stamp(r, date[1]!, date[2]!)) {
      return;
    }
    this.inheritTime(r);
  }

  private request(r: MutableRecord, values: string[], fields: string[]): void {
    if (values.length !== fields.length && !this.widthNoted) {
      this.widthNoted = true;
      this.problem(r.line, `IIS line has ${values.length} values for ${fields.length} #Fields columns`);
    }
    const get = (name: string): string | undefined => {
      const i = fields.indexOf(name);
      const v = i < 0 ? undefined : values[i];
      return v === undefined || v === '-' ? undefined : v;
    };
    const date = get('date');
    const time = get('time');
    if (!(date && time && this.stamp(r, date, time))) {
      this.inheritTime(r);
    }
    const status = Number(get('sc-status'));
    const method = get('cs-method');
    const uri = get('cs-uri-stem');
    const ip = get('c-ip');
    const host = get('s-ip') ?? get('cs-host');
    r.severity = status >= 500 ? 'error' : status >= 400 && status !== 401 ? 'warning' : 'info';
    r.fields = {
      event: 'IIS.request',
      ...(method !== undefined && { httpMethod: method }),
      ...(uri !== undefined && { uriStem: uri }),
      ...(ip !== undefined && { clientIp: ip }),
      ...(host !== undefined && { host }),
      ...(Number.isFinite(status) && { httpStatus: status }),
    };
  }

  private stamp(r: MutableRecord, date: string, time: string): boolean {
    const day = parseYearFirstDate(date);
    if (Number.isNaN(day) || !parseClock(time, this.clock)) {
      return false;
    }
    this.setTime(r, localFromDay(day, this.clock.msOfDay), 0, true);
    return true;
  }
}
