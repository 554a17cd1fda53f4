// IIS W3C extended logs (management point and WSUS). Columns come from the latest `#Fields:` directive,
// which may change mid-file when the service restarts; times are UTC by definition. Directive lines are
// records too (a `#Date:` marks a restart of logging), so every byte stays accounted for.

import { Framer, isBlank } from './framer.ts';
import type { MutableRecord } from './framer.ts';
import type { MessageFields } from './messages/fields.ts';
import { localFromDay } from './time.ts';
import type { ClockTime } from './timestamps.ts';
import { parseClock, parseYearFirstDate } from './timestamps.ts';

export class IisFramer extends Framer {
  private fields: string[] | undefined;
  private readonly clock: ClockTime = { msOfDay: 0, bias: undefined, foreignOffset: undefined };
  private widthNoted = false;
  private columns = { date: -1, time: -1, status: -1, method: -1, uri: -1, clientIp: -1, serverIp: -1, host: -1 };
  private lastDate = '';
  private lastDay = Number.NaN;
  /** Where each value of the line being read starts, then one past the last value's end (reused). */
  private starts = new Int32Array(32);

  line(text: string, lineNo: number, offset: number, bytes: number): void {
    if (isBlank(text)) {
      this.blank(offset, bytes);
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
      this.request(r, text, this.fields);
    }
    this.complete(r);
  }

  private directive(r: MutableRecord, text: string): void {
    if (text.startsWith('#Fields:')) {
      const fields = text.slice(8).trim().split(/\s+/);
      this.fields = fields;
      this.columns = {
        date: fields.indexOf('date'),
        time: fields.indexOf('time'),
        status: fields.indexOf('sc-status'),
        method: fields.indexOf('cs-method'),
        uri: fields.indexOf('cs-uri-stem'),
        clientIp: fields.indexOf('c-ip'),
        serverIp: fields.indexOf('s-ip'),
        host: fields.indexOf('cs-host'),
      };
    }
    const date = /^#Date:\s*(\S+)\s+(\S+)/.exec(text);
    if (date && this.stamp(r, date[1]!, date[2]!)) {
      return;
    }
    this.inheritTime(r);
  }

  /**
   * A request line: its values are split at single spaces, as `split(' ')` would, but only the values of the
   * columns read are made strings. Splitting every line into an array of all its values was most of the
   * time spent on an MP's IIS log (about 4 µs a line at 1 GB).
   */
  private request(r: MutableRecord, text: string, fields: readonly string[]): void {
    let count = 0;
    for (let at = 0; ;) {
      if (count + 1 >= this.starts.length) {
        const grown = new Int32Array(this.starts.length * 2);
        grown.set(this.starts);
        this.starts = grown;
      }
      this.starts[count++] = at;
      const space = text.indexOf(' ', at);
      if (space < 0) {
        break;
      }
      at = space + 1;
    }
    const starts = this.starts;
    starts[count] = text.length + 1;
    if (count !== fields.length && !this.widthNoted) {
      this.widthNoted = true;
      this.problem(r.line, `IIS line has ${count} values for ${fields.length} #Fields columns`);
    }
    const col = this.columns;
    const get = (i: number): string | undefined => {
      if (i < 0 || i >= count) {
        return undefined;
      }
      const v = text.slice(starts[i], starts[i + 1]! - 1);
      return v === '-' ? undefined : v;
    };
    const date = get(col.date);
    const time = get(col.time);
    if (!(date && time && this.stamp(r, date, time))) {
      this.inheritTime(r);
    }
    const status = Number(get(col.status));
    const method = get(col.method);
    const uri = get(col.uri);
    const ip = get(col.clientIp);
    const host = get(col.serverIp) ?? get(col.host);
    r.severity = status >= 500 ? 'error' : status >= 400 && status !== 401 ? 'warning' : 'info';
    const described: MessageFields = { event: 'IIS.request' };
    if (method !== undefined) {
      described.httpMethod = method;
    }
    if (uri !== undefined) {
      described.uriStem = uri;
    }
    if (ip !== undefined) {
      described.clientIp = ip;
    }
    if (host !== undefined) {
      described.host = host;
    }
    if (Number.isFinite(status)) {
      described.httpStatus = status;
    }
    r.fields = described;
  }

  private stamp(r: MutableRecord, date: string, time: string): boolean {
    if (date !== this.lastDate) {
      this.lastDate = date;
      this.lastDay = parseYearFirstDate(date);
    }
    const day = this.lastDay;
    if (Number.isNaN(day) || !parseClock(time, this.clock)) {
      return false;
    }
    this.setTime(r, localFromDay(day, this.clock.msOfDay), 0, true);
    return true;
  }
}
