// The management points' IIS requests from clients (CCM_POST /ccm_system/request), held as typed columns
// rather than objects or arrays of boxed values: a busy MP logs hundreds of thousands, and correlation needs
// each only to find the one a client's message made, by client address and time. An event object is made
// when a flow takes one.

import type { LogRecord } from '../parsers/record.ts';
import type { Placed } from './clock-jumps.ts';
import type { Stamp } from './workspace.ts';
import type { CollectedEvent } from './collect.ts';
import { MadeEvents } from './made-events.ts';
import { Interner, NarrowColumn, PagedColumn, rowsOf, TimeColumn } from './store.ts';

/** Per request, in `IisColumns.ints`: line, length, seq, HTTP status, then file, URI and server address as strings. */
const INTS = 7;

/**
 * An index as plain data, to cross a worker boundary (`fromColumns` on the other side): the numbers in
 * typed arrays that are moved, not copied, and each string (file, URI, server address, host|ip key) once.
 * A column of strings cloned element by element would arrive as one copy per request.
 */
export interface IisColumns {
  readonly strings: string[];
  /** Per request: index of its `host|ip` key in `strings`. */
  readonly key: Int32Array;
  readonly utc: Float64Array;
  readonly offset: Float64Array;
  /** Per request, INTS numbers: line, length, seq, status, file, uri, serverIp (the last three in `strings`). */
  readonly ints: Int32Array;
}

export class IisIndex {
  /** One copy of each string: the same file, URI and server address repeat on every request. */
  private readonly strings = new Interner();
  /** `host|ip` → the rows of its requests, in the order they were logged. */
  private readonly rows = new Map<string, number[]>();
  /** Keys whose requests were not logged in time order (a rotated file read out of order, the MP's clock set back). */
  private readonly unsorted = new Set<string>();
  private readonly keyOf = new PagedColumn((n) => new Int32Array(n));
  /** The store's narrow columns: 40-bit time offsets, 31-bit byte offsets (each with a map beside it). */
  private readonly utc = new TimeColumn();
  private readonly offset = new NarrowColumn(31);
  private readonly ints = new PagedColumn((n) => new Int32Array(n));
  private count = 0;
  private readonly made = new MadeEvents();
  /** Per host, its rows in time order (see `addressesNear`). */
  private byTime: { readonly count: number; readonly hosts: ReadonlyMap<string, Int32Array> } | undefined;

  get size(): number {
    return this.count;
  }

  add(r: LogRecord, host: string, seq: number): void {
    const ip = r.fields?.clientIp;
    if (ip === undefined || r.utc === undefined) {
      return;
    }
    this.push(
      `${host}|${ip}`,
      r.utc,
      r.offset,
      r.line,
      r.length,
      seq,
      r.fields?.httpStatus ?? 0,
      this.strings.id(r.file),
      this.strings.id(r.fields?.uriStem ?? ''),
      this.strings.id(r.fields?.host ?? ''),
    );
  }

  /** The index as plain data (see IisColumns), in arrays of its own that may be moved to another thread. */
  columnsForTransfer(): IisColumns {
    const n = this.count;
    return {
      strings: this.strings.values,
      key: this.keyOf.data.slice(0, n),
      utc: rowsOf(new Float64Array(n), (i) => this.utc.get(i)),
      offset: rowsOf(new Float64Array(n), (i) => this.offset.get(i)),
      ints: this.ints.data.slice(0, n * INTS),
    };
  }

  static fromColumns(columns: IisColumns): IisIndex {
    const index = new IisIndex();
    index.append(columns);
    return index;
  }

  /** Merges another index (each client's collection starts its own). */
  merge(other: IisIndex): void {
    this.append(other.columnsForTransfer());
  }

  /**
   * The request from `ip` on `host` nearest to `t` within `window` ms, on a clock that read `skewAt(at)` ms
   * ahead when it logged the request `at` (it may have been set within the bundle); the event is made once
   * and shared by every flow that asks.
   */
  nearest(
    host: string,
    ip: string,
    t: number,
    window: number,
    skewAt: (at: Stamp) => number,
  ): CollectedEvent | undefined {
    const key = `${host}|${ip}`;
    const rows = this.rows.get(key);
    if (!rows) {
      return undefined;
    }
    const distance = (row: number): number => this.utc.get(row) - skewAt(this.stamp(host, row)) - t;
    // A client's requests to one MP are nearly always in time order: the window's first request is then
    // found by halving and the scan ends past the window. The requests looked at are the same, in the same
    // order, so a tie goes to the same (first) request.
    const sorted = !this.unsorted.has(key);
    let from = 0;
    if (sorted) {
      let hi = rows.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if (distance(rows[mid]!) < -window) {
          from = mid + 1;
        } else {
          hi = mid;
        }
      }
    }
    let best = -1;
    let bestDistance = Infinity;
    for (let i = from; i < rows.length; i++) {
      const d = distance(rows[i]!);
      if (d > window && sorted) {
        break;
      }
      if (d >= -window && d <= window && Math.abs(d) < bestDistance) {
        best = rows[i]!;
        bestDistance = Math.abs(d);
      }
    }
    return best < 0 ? undefined : this.event(host, ip, best);
  }

  /**
   * The addresses of the clients whose requests `host` logged from `utc - before` to `utc + after` (by its own
   * clock), each once, in the order logged: who was talking to the MP then.
   */
  addressesNear(host: string, utc: number, before: number, after: number): string[] {
    const rows = this.hostsByTime().get(host);
    if (rows === undefined) {
      return [];
    }
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.utc.get(rows[mid]!) < utc - before) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    const keys: number[] = [];
    for (let i = lo; i < rows.length && this.utc.get(rows[i]!) <= utc + after; i++) {
      const key = this.keyOf.get(rows[i]!);
      if (!keys.includes(key)) {
        keys.push(key);
      }
    }
    return keys.map((key) => {
      const hostIp = this.strings.values[key]!;
      return hostIp.slice(hostIp.indexOf('|') + 1);
    });
  }

  /** Each host's rows in time order: built when first asked, again once rows have come since. */
  private hostsByTime(): ReadonlyMap<string, Int32Array> {
    if (this.byTime?.count === this.count) {
      return this.byTime.hosts;
    }
    const lists = new Map<string, number[]>();
    for (const [key, rows] of this.rows) {
      const host = key.slice(0, key.indexOf('|'));
      const list = lists.get(host);
      if (list === undefined) {
        lists.set(host, [...rows]);
      } else {
        for (const row of rows) {
          list.push(row);
        }
      }
    }
    const hosts = new Map<string, Int32Array>();
    for (const [host, list] of lists) {
      hosts.set(
        host,
        Int32Array.from(list).sort((a, b) => this.utc.get(a) - this.utc.get(b)),
      );
    }
    this.byTime = { count: this.count, hosts };
    return hosts;
  }

  /**
   * Lets go of the request events already written to the timeline (see MadeEvents). Called after each
   * layer; they were otherwise kept to the end of the analysis (some 8 MB at 1 GB).
   */
  settle(): void {
    this.made.settle();
  }

  private append(c: IisColumns): void {
    const ids = c.strings.map((s) => this.strings.id(s));
    for (let i = 0; i < c.key.length; i++) {
      const at = i * INTS;
      this.push(
        c.strings[c.key[i]!]!,
        c.utc[i]!,
        c.offset[i]!,
        c.ints[at]!,
        c.ints[at + 1]!,
        c.ints[at + 2]!,
        c.ints[at + 3]!,
        ids[c.ints[at + 4]!]!,
        ids[c.ints[at + 5]!]!,
        ids[c.ints[at + 6]!]!,
      );
    }
  }

  private push(
    key: string,
    utc: number,
    offset: number,
    line: number,
    length: number,
    seq: number,
    status: number,
    file: number,
    uri: number,
    serverIp: number,
  ): void {
    const row = this.count++;
    let rows = this.rows.get(key);
    if (!rows) {
      rows = [];
      this.rows.set(key, rows);
    }
    if (rows.length > 0 && utc < this.utc.get(rows[rows.length - 1]!)) {
      this.unsorted.add(key);
    }
    rows.push(row);
    this.keyOf.set(row, this.strings.id(key));
    this.utc.set(row, utc);
    this.offset.set(row, offset);
    const at = row * INTS;
    this.ints.set(at, line);
    this.ints.set(at + 1, length);
    this.ints.set(at + 2, seq);
    this.ints.set(at + 3, status);
    this.ints.set(at + 4, file);
    this.ints.set(at + 5, uri);
    this.ints.set(at + 6, serverIp);
  }

  /**
   * Where and when each request `host` logged was logged, in no particular order: with its other logs', where
   * its IIS log went back in time, which clock logged its other records (see clock-jumps.ts).
   */
  placed(host: string): Array<Stamp & Placed> {
    const out: Array<Stamp & Placed> = [];
    for (const [key, rows] of this.rows) {
      if (key.startsWith(`${host}|`)) {
        for (const row of rows) {
          out.push(this.stamp(host, row));
        }
      }
    }
    return out;
  }

  private stamp(host: string, row: number): Stamp & Placed {
    const at = row * INTS;
    return {
      host,
      utc: this.utc.get(row),
      file: this.strings.values[this.ints.get(at + 4)]!,
      seq: this.ints.get(at + 2),
      line: this.ints.get(at),
    };
  }

  private event(host: string, ip: string, row: number): CollectedEvent {
    return this.made.get(row, (timelineRow) => {
      const at = row * INTS;
      const line = this.ints.get(at);
      const serverIp = this.strings.values[this.ints.get(at + 6)]!;
      return {
        file: this.strings.values[this.ints.get(at + 4)]!,
        line,
        endLine: line,
        host,
        utc: this.utc.get(row) as CollectedEvent['utc'],
        component: 'IIS',
        severity: 'info',
        kind: 'IIS.request',
        fields: {
          httpMethod: 'CCM_POST',
          uriStem: this.strings.values[this.ints.get(at + 5)]!,
          clientIp: ip,
          ...(serverIp ? { host: serverIp } : {}),
          httpStatus: this.ints.get(at + 3),
        },
        thread: undefined,
        seq: this.ints.get(at + 2),
        offset: this.offset.get(row),
        length: this.ints.get(at + 1),
        dup: 1,
        shape: undefined,
        row: timelineRow,
      };
    });
  }
}
