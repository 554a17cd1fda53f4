// The management points' MP_Location request and reply bodies, held as columns rather than event objects.
// A management point logs one of each for every location request of every client (81,000 in the 1 GB bench
// bundle, two fifths of the shared layer's events), and they were held as objects from start to end for
// each client's scan flow to find its own two: the request from its address for its update source and
// version nearest its message, and the reply on the same thread just after. An event object is made when a
// flow takes one (as the IIS index does) and let go once it is in the timeline. A body that is a problem (an
// empty reply) stays an object in the workspace too, for failures outside flows, and is handed out as that
// same object.

import type { Severity } from '../parsers/record.ts';
import type { UtcInstant } from '../parsers/time.ts';
import type { CollectedEvent, WorkingFields } from './collect.ts';
import { MadeEvents } from './made-events.ts';
import { Interner } from './store.ts';
import { byTime, firstIndexAt } from './time-order.ts';

const REQUEST = 'MPLocation.requestBody';
const REPLY = 'MPLocation.replyBody';
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

export function isMpLocationBody(e: CollectedEvent): boolean {
  return e.kind === REQUEST || e.kind === REPLY;
}

/** The key the scan flow finds a request by: update source, content version and client address. */
function requestKey(
  updateSource: string | undefined,
  contentVersion: number | undefined,
  clientIp: string | undefined,
): string {
  return `${updateSource ?? ''}|${contentVersion ?? ''}|${clientIp ?? ''}`;
}

export class MpLocationIndex {
  private readonly strings = new Interner();
  private readonly n: number;
  private readonly utc: Float64Array;
  private readonly offset: Float64Array;
  /** Undefined threads are NaN. */
  private readonly thread: Float64Array;
  private readonly seq: Int32Array;
  private readonly line: Int32Array;
  private readonly endLine: Int32Array;
  private readonly length: Int32Array;
  private readonly dup: Int32Array;
  /** file, host, component (ids in `strings`), severity, then 1 for a reply. */
  private readonly ints: Int32Array;
  private readonly fields: WorkingFields[];
  /** Bodies that are problems: kept by the workspace too, and handed out as the same object. */
  private readonly problems = new Map<number, CollectedEvent>();
  /** Requests by `requestKey`, each list in the order the workspace listed them (host by host, in time). */
  private readonly requests = new Map<string, number[]>();
  /** Replies by host and lowercased component, in time order. */
  private readonly replies = new Map<string, number[]>();
  private readonly made = new MadeEvents();

  /**
   * Splits a layer's events: its MP_Location bodies into an index, the rest (with the bodies that are
   * problems) into a list in their order.
   */
  static split(
    events: readonly CollectedEvent[],
    isProblem: (e: CollectedEvent) => boolean,
  ): { index: MpLocationIndex; rest: CollectedEvent[] } {
    // Host by host in the order hosts first appear among all the events, each in time order: the order in
    // which the workspace's index of requests listed them, which decides between two requests equally near.
    const byHost = new Map<string, CollectedEvent[]>();
    const rest: CollectedEvent[] = [];
    for (const e of events) {
      let list = byHost.get(e.host);
      if (list === undefined) {
        list = [];
        byHost.set(e.host, list);
      }
      if (isMpLocationBody(e)) {
        list.push(e);
        if (isProblem(e)) {
          rest.push(e);
        }
      } else {
        rest.push(e);
      }
    }
    return { index: new MpLocationIndex([...byHost.values()], isProblem), rest };
  }

  private constructor(byHost: CollectedEvent[][], isProblem: (e: CollectedEvent) => boolean) {
    const ordered = byHost.flatMap((list) => list.sort(byTime));
    const n = (this.n = ordered.length);
    this.utc = new Float64Array(n);
    this.offset = new Float64Array(n);
    this.thread = new Float64Array(n);
    this.seq = new Int32Array(n);
    this.line = new Int32Array(n);
    this.endLine = new Int32Array(n);
    this.length = new Int32Array(n);
    this.dup = new Int32Array(n);
    this.ints = new Int32Array(n * 5);
    this.fields = new Array<WorkingFields>(n);
    ordered.forEach((e, i) => {
      this.utc[i] = e.utc;
      this.offset[i] = e.offset;
      this.thread[i] = e.thread ?? Number.NaN;
      this.seq[i] = e.seq;
      this.line[i] = e.line;
      this.endLine[i] = e.endLine;
      this.length[i] = e.length;
      this.dup[i] = e.dup;
      const at = i * 5;
      this.ints[at] = this.strings.id(e.file);
      this.ints[at + 1] = this.strings.id(e.host);
      this.ints[at + 2] = this.strings.id(e.component);
      this.ints[at + 3] = SEVERITIES.indexOf(e.severity);
      this.ints[at + 4] = e.kind === REPLY ? 1 : 0;
      this.fields[i] = e.fields;
      if (isProblem(e)) {
        this.problems.set(i, e);
      }
      const f = e.fields;
      if (e.kind === REQUEST) {
        push(this.requests, requestKey(f.updateSource, f.contentVersion, f.clientIp), i);
      } else {
        push(this.replies, `${e.host}\u0000${e.component.toLowerCase()}`, i);
      }
    });
  }

  get size(): number {
    return this.n;
  }

  /**
   * The request for this update source and version from this client address (any address if unknown),
   * logged on another host than the client's, nearest to `t` within [t - before, t + after]: the first of
   * the nearest in the order the requests were listed.
   */
  nearestRequest(
    updateSource: string | undefined,
    contentVersion: number | undefined,
    clientIp: string | undefined,
    client: string,
    t: number,
    before: number,
    after: number,
  ): CollectedEvent | undefined {
    const lists =
      clientIp === undefined
        ? [...this.requests]
            .filter(([k]) => k.startsWith(requestKey(updateSource, contentVersion, '')))
            .map(([, v]) => v)
        : [this.requests.get(requestKey(updateSource, contentVersion, clientIp)) ?? []];
    const hosts = this.strings.values;
    let best = -1;
    let bestDistance = 0;
    for (const list of lists) {
      for (const i of list) {
        if (hosts[this.ints[i * 5 + 1]!] === client) {
          continue;
        }
        const d = this.utc[i]! - t;
        if (d >= -before && d <= after && (best < 0 || Math.abs(d) < bestDistance)) {
          best = i;
          bestDistance = Math.abs(d);
        }
      }
    }
    return best < 0 ? undefined : this.event(best);
  }

  /** The first reply on this host and component (any case) and thread logged in [t, t + within]. */
  firstReplyAfter(
    host: string,
    component: string,
    thread: number | undefined,
    t: number,
    within: number,
  ): CollectedEvent | undefined {
    const list = this.replies.get(`${host}\u0000${component.toLowerCase()}`) ?? [];
    const want = thread ?? Number.NaN;
    for (
      let k = firstIndexAt(list, t, (i) => this.utc[i]!);
      k < list.length && this.utc[list[k]!]! <= t + within;
      k++
    ) {
      const i = list[k]!;
      // NaN is no thread: two undefined threads are the same, as `===` on the events found them.
      const th = this.thread[i]!;
      if (th === want || (Number.isNaN(th) && Number.isNaN(want))) {
        return this.event(i);
      }
    }
    return undefined;
  }

  /** Lets go of the body events already written to the timeline (see MadeEvents); called after each layer. */
  settle(): void {
    this.made.settle();
  }

  private event(i: number): CollectedEvent {
    const problem = this.problems.get(i);
    if (problem !== undefined) {
      return problem;
    }
    return this.made.get(i, (row) => {
      const at = i * 5;
      const thread = this.thread[i]!;
      const values = this.strings.values;
      return {
        file: values[this.ints[at]!]!,
        line: this.line[i]!,
        endLine: this.endLine[i]!,
        host: values[this.ints[at + 1]!]!,
        utc: this.utc[i]! as UtcInstant,
        component: values[this.ints[at + 2]!]!,
        severity: SEVERITIES[this.ints[at + 3]!]!,
        kind: this.ints[at + 4] === 1 ? REPLY : REQUEST,
        fields: this.fields[i]!,
        thread: Number.isNaN(thread) ? undefined : thread,
        seq: this.seq[i]!,
        offset: this.offset[i]!,
        length: this.length[i]!,
        dup: this.dup[i]!,
        shape: undefined,
        row,
      };
    });
  }
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) {
    list.push(i);
  } else {
    map.set(key, [i]);
  }
}
