// The management points' MP_Location request and reply bodies, held as columns rather than event objects.
// A management point logs one of each for every location request of every client (81,000 in the 1 GB bench
// bundle, two fifths of the shared layer's events), and they were held as objects from start to end for
// each client's scan flow to find its own two: the request from its address for its update source and
// version nearest its message, and the reply on the same thread just after. An event object is made when a
// flow takes one (as the IIS index does) and let go once it is in the timeline. A body that is a problem (an
// empty reply) stays an object in the workspace too, for failures outside flows, and is handed out as that
// same object.

import type { CollectedEvent } from './collect.ts';
import { EventColumns, splitByHost } from './event-columns.ts';
import type { ClockSide } from './clock-jumps.ts';
import type { LeadSample } from './leads.ts';
import { byTime, firstIndexAt, push } from './time-order.ts';
import type { Stamp } from './workspace.ts';

const REQUEST = 'MPLocation.requestBody';
const REPLY = 'MPLocation.replyBody';

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
  private readonly columns: EventColumns;
  /** Requests by `requestKey`, each list in the order the workspace listed them (host by host, in time). */
  private readonly requests = new Map<string, number[]>();
  /** Replies by host and lowercased component, in time order. */
  private readonly replies = new Map<string, number[]>();
  /** Requests by client address, whatever they ask for; each list sorted by time when first asked for. */
  private readonly byAddress = new Map<string, number[]>();
  private readonly sortedAddresses = new Set<string>();

  /**
   * Splits a layer's events: its MP_Location bodies into an index, the rest (with the bodies that are
   * problems) into a list in their order.
   */
  static split(
    events: readonly CollectedEvent[],
    isProblem: (e: CollectedEvent) => boolean,
  ): { index: MpLocationIndex; rest: CollectedEvent[] } {
    // Each host's in time order: the order in which the workspace's index of requests listed them, which
    // decides between two requests equally near.
    const { byHost, rest } = splitByHost(events, isMpLocationBody, isProblem);
    return { index: new MpLocationIndex([...byHost.values()], isProblem), rest };
  }

  /** The hosts whose MP_Location bodies it holds. */
  readonly hosts: readonly string[];

  private constructor(byHost: CollectedEvent[][], isProblem: (e: CollectedEvent) => boolean) {
    this.hosts = byHost.flatMap((list) => (list[0] === undefined ? [] : [list[0].host]));
    const ordered = byHost.flatMap((list) => list.sort(byTime));
    this.columns = new EventColumns(ordered, isProblem);
    ordered.forEach((e, i) => {
      const f = e.fields;
      if (e.kind === REQUEST) {
        push(this.requests, requestKey(f.updateSource, f.contentVersion, f.clientIp), i);
        if (f.clientIp !== undefined) {
          push(this.byAddress, f.clientIp, i);
        }
      } else {
        push(this.replies, `${e.host}\u0000${e.component.toLowerCase()}`, i);
      }
    });
  }

  get size(): number {
    return this.columns.size;
  }

  /** The times `host` logged its requests and replies at, by its clock, in order. */
  times(host: string): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.columns.size; i++) {
      if (this.columns.host(i) === host) {
        out.push(this.columns.utc(i));
      }
    }
    return out;
  }

  /**
   * The request for this update source and version from this client address, or from any of these (any address
   * if unknown), nearest to `t` plus the lead of the host that logged it (`lead`, 0 by default: how much later
   * than the client that host logs) and at most `before` earlier or `after` later than that: the first of the
   * nearest in the order the requests were listed. With `alone`, none when another such request on the same MP
   * lies within `alone.within` of where it was looked for and at most `alone.margin` further from it than the
   * nearest (the nearest may be a neighbour's). `time` reads an MP's time, as in `offsetsFrom`.
   */
  nearestRequest(
    updateSource: string | undefined,
    contentVersion: number | undefined,
    clientIp: string | readonly string[] | undefined,
    t: number,
    before: number,
    after: number,
    lead: (host: string) => number = () => 0,
    alone?: { readonly within: number; readonly margin: number },
    time: (at: Stamp) => number = (at) => at.utc,
  ): CollectedEvent | undefined {
    const lists =
      clientIp === undefined
        ? [...this.requests]
            .filter(([k]) => k.startsWith(requestKey(updateSource, contentVersion, '')))
            .map(([, v]) => v)
        : (typeof clientIp === 'string' ? [clientIp] : clientIp).map(
            (ip) => this.requests.get(requestKey(updateSource, contentVersion, ip)) ?? [],
          );
    const columns = this.columns;
    let best = -1;
    let bestDistance = 0;
    for (const list of lists) {
      for (const i of list) {
        const d = time(columns.stamp(i)) - t - lead(columns.host(i));
        const distance = Math.abs(d);
        if (d >= -before && d <= after && (best < 0 || distance < bestDistance)) {
          best = i;
          bestDistance = distance;
        }
      }
    }
    if (best < 0) {
      return undefined;
    }
    if (alone !== undefined) {
      // Another request on the same MP near the time looked for, and about as near as this one: a neighbour
      // behind the same address, or a request again.
      const host = columns.host(best);
      const at = t + lead(host);
      const rivals = lists.some((list) =>
        list.some(
          (i) =>
            i !== best &&
            columns.host(i) === host &&
            Math.abs(time(columns.stamp(i)) - at) <= Math.min(alone.within, bestDistance + alone.margin),
        ),
      );
      if (rivals) {
        return undefined;
      }
    }
    return columns.event(best);
  }

  /**
   * How much later than `times` (a client's own) the requests from its address were logged by MPs,
   * each request within `window` of one of them plus `centre` at it: one sample per such pair, by the host
   * that logged it. `time` reads an MP's time (on its later clock, where it was set within the bundle), which
   * moves it by at most `slack`.
   */
  offsetsFrom(
    clientIp: string,
    times: readonly number[],
    window: number,
    centre: (t: number, side?: ClockSide) => number = () => 0,
    sides: ReadonlyArray<ClockSide | undefined> = [],
    time: (at: Stamp) => number = (at) => at.utc,
    slack = 0,
  ): Map<string, LeadSample[]> {
    const list = this.byAddress.get(clientIp) ?? [];
    const columns = this.columns;
    if (!this.sortedAddresses.has(clientIp)) {
      list.sort((a, b) => columns.utc(a) - columns.utc(b));
      this.sortedAddresses.add(clientIp);
    }
    const out = new Map<string, LeadSample[]>();
    for (const [index, t] of times.entries()) {
      const side = sides[index];
      const c = centre(t, side);
      for (let k = firstIndexAt(list, t + c - window - slack, (i) => columns.utc(i)); k < list.length; k++) {
        const i = list[k]!;
        if (columns.utc(i) - t > c + window + slack) {
          break;
        }
        const d = time(columns.stamp(i)) - t;
        if (d < c - window || d > c + window) {
          continue;
        }
        // The client's own host too: an MP on a machine with the client installed answers that client.
        push(out, columns.host(i), { t, offset: d, side });
      }
    }
    return out;
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
    const columns = this.columns;
    for (
      let k = firstIndexAt(list, t, (i) => columns.utc(i));
      k < list.length && columns.utc(list[k]!) <= t + within;
      k++
    ) {
      if (columns.onThread(list[k]!, thread)) {
        return columns.event(list[k]!);
      }
    }
    return undefined;
  }

  /** Lets go of the body events already written to the timeline (see MadeEvents); called after each layer. */
  settle(): void {
    this.columns.settle();
  }
}
