// The management points' IIS requests from clients (CCM_POST /ccm_system/request), held as numbers rather
// than objects: a busy MP logs hundreds of thousands, and correlation needs each only to find the one a
// client's message made, by client address and time. An event object is made when a flow takes one.

import type { LogRecord } from '../parsers/record.ts';
import type { CollectedEvent } from './collect.ts';

export interface IisColumn {
  readonly utc: number[];
  readonly line: number[];
  readonly offset: number[];
  readonly length: number[];
  readonly seq: number[];
  readonly file: string[];
  readonly status: number[];
  readonly uri: string[];
  readonly serverIp: string[];
}

export class IisIndex {
  private readonly columns = new Map<string, IisColumn>();
  /** The same URI and server address repeat on every request: one string each. */
  private readonly strings = new Map<string, string>();
  private readonly made = new Map<string, CollectedEvent>();

  add(r: LogRecord, host: string, seq: number): void {
    const ip = r.fields?.clientIp;
    if (ip === undefined || r.utc === undefined) {
      return;
    }
    const key = `${host}|${ip}`;
    let c = this.columns.get(key);
    if (!c) {
      c = { utc: [], line: [], offset: [], length: [], seq: [], file: [], status: [], uri: [], serverIp: [] };
      this.columns.set(key, c);
    }
    c.utc.push(r.utc);
    c.line.push(r.line);
    c.offset.push(r.offset);
    c.length.push(r.length);
    c.seq.push(seq);
    c.file.push(r.file);
    c.status.push(r.fields?.httpStatus ?? 0);
    c.uri.push(this.intern(r.fields?.uriStem ?? ''));
    c.serverIp.push(this.intern(r.fields?.host ?? ''));
  }

  /** The columns as plain data, to cross a worker boundary (`fromColumns` on the other side). */
  columnsForTransfer(): ReadonlyMap<string, IisColumn> {
    return this.columns;
  }

  static fromColumns(columns: ReadonlyMap<string, IisColumn>): IisIndex {
    const index = new IisIndex();
    for (const [key, c] of columns) {
      index.columns.set(key, c);
    }
    return index;
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) {
      return known;
    }
    this.strings.set(s, s);
    return s;
  }

  /** Merges another index (each client's collection starts its own). */
  merge(other: IisIndex): void {
    for (const [key, c] of other.columns) {
      const mine = this.columns.get(key);
      if (!mine) {
        this.columns.set(key, c);
        continue;
      }
      for (const k of Object.keys(c) as Array<keyof IisColumn>) {
        (mine[k] as Array<number | string>).push(...(c[k] as Array<number | string>));
      }
    }
  }

  /**
   * The request from `ip` on `host` nearest to `t` within `window` ms, on a clock that reads `skew` ms ahead;
   * the event is made once and shared by every flow that asks.
   */
  nearest(host: string, ip: string, t: number, window: number, skew: number): CollectedEvent | undefined {
    const c = this.columns.get(`${host}|${ip}`);
    if (!c) {
      return undefined;
    }
    let best = -1;
    for (let i = 0; i < c.utc.length; i++) {
      const d = c.utc[i]! - skew - t;
      if (d >= -window && d <= window && (best < 0 || Math.abs(d) < Math.abs(c.utc[best]! - skew - t))) {
        best = i;
      }
    }
    return best < 0 ? undefined : this.event(host, ip, c, best);
  }

  private event(host: string, ip: string, c: IisColumn, i: number): CollectedEvent {
    const id = `${c.file[i]!}:${c.line[i]!}`;
    let e = this.made.get(id);
    if (!e) {
      e = {
        file: c.file[i]!,
        line: c.line[i]!,
        endLine: c.line[i]!,
        host,
        utc: c.utc[i]! as CollectedEvent['utc'],
        component: 'IIS',
        severity: 'info',
        kind: 'IIS.request',
        fields: {
          httpMethod: 'CCM_POST',
          uriStem: c.uri[i]!,
          clientIp: ip,
          ...(c.serverIp[i] ? { host: c.serverIp[i] } : {}),
          httpStatus: c.status[i]!,
        },
        thread: undefined,
        seq: c.seq[i]!,
        offset: c.offset[i]!,
        length: c.length[i]!,
        dup: 1,
        shape: undefined,
        row: -1,
      };
      this.made.set(id, e);
    }
    return e;
  }
}
