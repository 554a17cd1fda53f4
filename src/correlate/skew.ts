// Clock skew per host, from causal pairs: a message cannot be received before it was sent. For a send on A
// and its receipt on B, with latency L in [min, max], skew(B) - skew(A) = (logged receipt - logged send) - L.
// Pairs in both directions between two hosts pin the difference from both sides (as NTP does with a round
// trip): the estimate is the middle of what remains, the uncertainty half its width. Pairs in one
// direction only bound it from one side; the estimate then assumes the quickest hop took the hop's usual
// latency, and says so. Differences are chained from a reference host (the site server when there is one).

import type { HostRole } from '../parsers/bundle.ts';
import { formatUtcSeconds, minutesAndSeconds } from '../parsers/time.ts';
import type { ClockJumps, ClockSide, JumpPlace } from './clock-jumps.ts';
import { push } from './time-order.ts';
import type { CausalPair, Stamp } from './workspace.ts';

export interface SkewEstimate {
  readonly skewMs: number;
  readonly uncertaintyMs: number | undefined;
  readonly basis: string;
  /** Set when the host's clock was set once within the bundle: what it read before (see `ClockBefore`). */
  readonly before?: ClockBefore;
}

/**
 * A clock set once within the bundle (by time sync, or by hand): before `untilMs`, by its own logged UTC, it
 * read `skewMs` ahead of the reference instead of the estimate's.
 */
export interface ClockBefore {
  readonly untilMs: number;
  readonly skewMs: number;
  readonly uncertaintyMs: number;
  /**
   * Set back further than the time between its messages, so that its times before and after interleave: a
   * record's clock is told by its place in its log (see clock-jumps.ts), `untilMs` being the earlier clock's
   * last reading.
   */
  readonly byOrder?: boolean;
}

export interface SkewResult {
  readonly reference: string | undefined;
  readonly hosts: ReadonlyMap<string, SkewEstimate>;
}

interface Edge {
  /** Estimate of skew(to) - skew(from). */
  readonly d: number;
  readonly uncertainty: number;
  readonly basis: string;
  /** When the clock of `host` (one end) was set within the messages' span: d before `until`, by its clock. */
  readonly earlier?: {
    readonly host: string;
    readonly until: number;
    readonly d: number;
    readonly uncertainty: number;
    readonly byOrder?: boolean;
  };
}

/**
 * A host's settled skew; `order` is its place in the order hosts were settled, `from` the host it was settled
 * through.
 */
interface Settled {
  readonly skew: number;
  readonly uncertainty: number;
  readonly basis: string;
  readonly order: number;
  readonly from?: string;
  readonly before?: ClockBefore;
}

/**
 * The settled hosts' offsets as they were when taken: host → ms its clock is ahead of the reference. Hosts
 * settled later are not in it. Taken once per client, so it is a view, not a copy (a copy per client was
 * quadratic in the number of clients).
 */
export interface SkewOffsets {
  get(host: string): number | undefined;
  /**
   * The offset a record (or a time the host logged, its own UTC) was logged with: differs from `get` before a
   * clock was set, told by the record's place in its log where the clock was set back (`byOrder`).
   */
  of?(e: Stamp): number | undefined;
}

/** An edge out of the settled set, waiting in the queue of `settle`. */
interface Candidate {
  /** Uncertainty of `to` if settled through this edge. */
  readonly uncertainty: number;
  readonly fromOrder: number;
  /** Place of `to` among `from`'s edges. */
  readonly edgeOrder: number;
  readonly from: string;
  readonly to: string;
  readonly edge: Edge;
}

export function estimateSkew(
  pairs: readonly CausalPair[],
  hosts: ReadonlyArray<{ name: string; roles: readonly HostRole[] }>,
): SkewResult {
  const model = new SkewModel(hosts);
  model.addPairs(pairs);
  return model.result();
}

/**
 * Skews settled as evidence arrives: the management points' and site servers' pairs first, then each
 * client's. A host's estimate, once settled, does not move; later pairs only settle new hosts. That is what
 * lets the correlator finish one client before reading the next.
 */
export class SkewModel {
  private readonly edges = new Map<string, Map<string, Edge>>();
  /** Per host, the place of each neighbour among its edges (kept when an edge is estimated again). */
  private readonly edgeOrder = new Map<string, Map<string, number>>();
  private readonly settled = new Map<string, Settled>();
  /** Edges out of the settled set, most certain first (stale ones are skipped when they come up). */
  private readonly queue = new CandidateQueue();
  private reference: string | undefined;

  /**
   * Any clock may be set within a bundle: a client's (laptops, VMs resumed, a date set by hand) or a management
   * point's (time sync correcting a VM's clock). Of a client and a server, the client's is the one told apart;
   * of a management point and the site server, the management point's: the site server is the reference.
   */
  private readonly clients: ReadonlySet<string>;
  private readonly siteServers: ReadonlySet<string>;

  constructor(private readonly hosts: ReadonlyArray<{ name: string; roles: readonly HostRole[] }>) {
    this.clients = new Set(hosts.filter((h) => h.roles[0] === 'client').map((h) => h.name));
    this.siteServers = new Set(hosts.filter((h) => h.roles[0] === 'site-server').map((h) => h.name));
  }

  /** Hosts whose logs went back in time where their clock was set back (see clock-jumps.ts). */
  private readonly jumps = new Map<string, ClockJumps>();

  /** Says where a host's logs went back in time; call before adding its pairs. */
  setJumps(host: string, jumps: ClockJumps): void {
    this.jumps.set(host, jumps);
  }

  /** Where one log of a host alone went back in time (see `serversSetBack`). */
  private readonly oneLog = new Map<string, ClockJumps>();

  /** Says where one of a host's logs alone went back in time; call before adding its clients' pairs. */
  setOneLogJumps(host: string, jumps: ClockJumps): void {
    this.oneLog.set(host, jumps);
  }

  /** Of two hosts exchanging messages, the one whose clock setting within the bundle their pairs can show. */
  private steppingOf(a: string, b: string): string | undefined {
    const pick = (set: ReadonlySet<string>, want: boolean): string | undefined => {
      const found = [a, b].filter((h) => set.has(h) === want);
      return found.length === 1 ? found[0] : undefined;
    };
    return pick(this.clients, true) ?? pick(this.siteServers, false);
  }

  addPairs(pairs: readonly CausalPair[]): void {
    this.keepFirstClients(pairs);
    this.serversSetBack(pairs);
    const grouped = new Map<string, CausalPair[]>();
    for (const p of pairs) {
      const [a, b] = [p.send.host, p.receive.host].sort() as [string, string];
      const key = `${a}\u0000${b}`;
      const list = grouped.get(key) ?? [];
      list.push(this.onLaterClock(p));
      grouped.set(key, list);
    }
    for (const [key, list] of grouped) {
      const [a, b] = key.split('\u0000') as [string, string];
      const host = this.steppingOf(a, b);
      const jumps = host === undefined ? undefined : this.jumps.get(host);
      const edge = this.splitByOneLog(a, list, host) ?? estimatePair(a, list, host, jumps);
      this.setEdge(a, b, edge);
      const earlier = edge.earlier;
      this.setEdge(b, a, {
        d: -edge.d,
        uncertainty: edge.uncertainty,
        basis: edge.basis,
        ...(earlier && { earlier: { ...earlier, d: -earlier.d } }),
      });
    }
    this.settle();
  }

  /**
   * A server settled with one clock, whose logs went back in time: its clock was set back, with its messages to
   * the site not reaching back before then (its MP_Relay.log and the site's StateSys.log had rotated), and its
   * other logs quiet across it or rotated away, or going back too (its IIS log). A client's messages with it on
   * both sides of where they went back, STEP_SUPPORT or more on each, measure its earlier clock, as far back as
   * the logs went or further; the client's are then read on its later one. Without them each of its clients
   * looked set by the opposite amount, and the server's records from before were off by it (said of the
   * server, not corrected, by `sharedSteps`: an MP set back 10 min had 4 links 10 min back in time).
   */
  private serversSetBack(pairs: readonly CausalPair[]): void {
    const withClient = new Map<string, CausalPair[]>();
    for (const p of pairs) {
      for (const [server, client] of [
        [p.send.host, p.receive.host],
        [p.receive.host, p.send.host],
      ] as const) {
        const s = this.settled.get(server);
        const mayStep = s !== undefined && s.before === undefined && this.stepsBack(server) !== undefined;
        if (mayStep && !this.clients.has(server) && this.clients.has(client) && !this.jumps.has(client)) {
          push(withClient, `${server}\u0000${client}`, p);
        }
      }
    }
    for (const [key, list] of withClient) {
      const [server, client] = key.split('\u0000') as [string, string];
      const s = this.settled.get(server)!;
      const jumps = this.stepsBack(server);
      // Measured already, by another client of this batch.
      if (s.before !== undefined || jumps === undefined) {
        continue;
      }
      const split = orderStep(list, server, jumps);
      if (split === undefined || split.before.length < STEP_SUPPORT || split.after.length < STEP_SUPPORT) {
        continue;
      }
      // d = skew(client) - skew(server): the server's earlier clock read later.d - early.d more than its later.
      const early = estimatePair(server, split.before);
      const later = estimatePair(server, split.after);
      const moved = later.d - early.d;
      const uncertainty = s.uncertainty + early.uncertainty + later.uncertainty;
      if (!(uncertainty < Number.POSITIVE_INFINITY) || moved + uncertainty < jumps.lastBefore - jumps.firstAfter) {
        continue;
      }
      const when = formatUtcSeconds(split.until);
      this.jumps.set(server, jumps);
      this.oneLog.delete(server);
      this.settled.set(server, {
        ...s,
        basis:
          `${s.basis}; ${server} was set back ${span(moved)} within the bundle, where ${logsGoBack(jumps.places)} ` +
          `in time (its earlier clock read up to ${when}) and its messages to the site do not show it: ` +
          `${client}'s ${split.before.length} messages with it before and ${split.after.length} after measure it, ` +
          'and each record is corrected by the clock it was logged by',
        before: {
          untilMs: split.until,
          skewMs: Math.round(s.skew + moved),
          uncertaintyMs: Math.round(uncertainty),
          byOrder: true,
        },
      });
    }
  }

  /**
   * Where a server's logs went back in time while its messages to the site showed one clock: one log, or more
   * whose messages to the site do not reach back before then (see `serversSetBack`).
   */
  private stepsBack(server: string): ClockJumps | undefined {
    return this.oneLog.get(server) ?? (this.clients.has(server) ? undefined : this.jumps.get(server));
  }

  /**
   * A server's messages with the site measured on each side of where one of its logs alone went back in time,
   * where they lie on both sides and their clocks differ by at least as much as the log went back, later
   * clock behind: its clock was set back, and its one-way messages to the site allowed that (they allow
   * minutes). Unsplit, its earlier clock's messages bounded it and its later clock read as the earlier: an MP
   * set back 90 s, measured from its clients' messages on both sides of its log's step, was read 90 s off.
   */
  private splitByOneLog(a: string, list: readonly CausalPair[], host: string | undefined): Edge | undefined {
    const alone = host === undefined || this.clients.has(host) ? undefined : this.oneLog.get(host);
    if (alone === undefined || host === undefined) {
      return undefined;
    }
    const edge = estimatePair(a, list, host, alone);
    const earlier = edge.earlier;
    if (earlier === undefined || earlier.byOrder !== true) {
      return undefined;
    }
    // d is skew(b) - skew(a): how far the host's later clock reads ahead of its earlier.
    const moved = (host === a ? -1 : 1) * (edge.d - earlier.d);
    if (moved >= 0 || -moved + edge.uncertainty + earlier.uncertainty < alone.lastBefore - alone.firstAfter) {
      return undefined;
    }
    this.jumps.set(host, alone);
    this.oneLog.delete(host);
    return edge;
  }

  /** The pairs of the first KEPT_CLIENTS clients read, by client, as they came (see `rereadClients`). */
  private readonly firstClients = new Map<string, CausalPair[]>();

  private keepFirstClients(pairs: readonly CausalPair[]): void {
    for (const p of pairs) {
      for (const host of [p.send.host, p.receive.host]) {
        if (this.clients.has(host) && !this.settled.has(host)) {
          const kept = this.firstClients.get(host);
          if (kept !== undefined) {
            kept.push(p);
          } else if (this.firstClients.size < KEPT_CLIENTS) {
            this.firstClients.set(host, [p]);
          }
        }
      }
    }
  }

  /**
   * The clients settled through `server` before its clock setting was found, but those `step` names, read
   * again against its two clocks: a client set itself too showed both steps in its messages with it, and
   * stood as one clock with the server's step's messages left out (an MP set forward 10 min, a client of it
   * set forward 10 min two hours later: its records before its own step were 10 min off). Returns the
   * clients whose estimate changed, with their clocks as they now stand, for their written rows to be read again.
   */
  rereadClients(
    server: string,
    step: SharedStep,
  ): Array<{ readonly name: string; readonly skewMs: number; readonly before?: ClockBefore }> {
    const base = this.settled.get(server)!;
    const changed: Array<{ name: string; skewMs: number; before?: ClockBefore }> = [];
    for (const [client, pairs] of this.firstClients) {
      const s = this.settled.get(client);
      // A client that stood as set itself is left as it stands: its joins to the server's records were made
      // by that estimate, and read again against the server's clocks they put it further off (a client set back
      // 40 s, which looked set back 10 min 40 s, its requests behind a NAT address joined to a neighbour's).
      if (s?.from !== server || s.before !== undefined || step.clients.includes(client) || this.jumps.has(client)) {
        continue;
      }
      const [a, b] = [client, server].sort() as [string, string];
      const edge = estimatePair(
        a,
        pairs.filter((p) => [p.send.host, p.receive.host].includes(server)).map((p) => this.onLaterClock(p)),
        client,
      );
      // d is skew(b) - skew(a): the client's clock ahead of the server's.
      const sign = b === client ? 1 : -1;
      const skew = base.skew + sign * edge.d;
      const earlier = edge.earlier;
      const before =
        earlier === undefined
          ? undefined
          : {
              untilMs: earlier.until,
              skewMs: Math.round(base.skew + sign * earlier.d),
              uncertaintyMs: Math.round(base.uncertainty + earlier.uncertainty),
            };
      if (before === undefined && Math.abs(skew - s.skew) <= s.uncertainty) {
        continue;
      }
      this.settled.set(client, {
        ...s,
        skew,
        uncertainty: base.uncertainty + edge.uncertainty,
        basis: `${edge.basis}; chained through ${server}, and read again against its two clocks once its step was found`,
        ...(before !== undefined && { before }),
      });
      changed.push({ name: client, skewMs: Math.round(skew), ...(before !== undefined && { before }) });
    }
    return changed;
  }

  /** Host → ms its clock is ahead of the reference, for the hosts settled so far. */
  offsets(): SkewOffsets {
    const settled = this.settled;
    const count = settled.size;
    return {
      get(host: string): number | undefined {
        const s = settled.get(host);
        return s !== undefined && s.order < count ? Math.round(s.skew) : undefined;
      },
      of: (e: Stamp): number | undefined => {
        const s = settled.get(e.host);
        return s === undefined || s.order >= count ? undefined : Math.round(this.skewWhen(s, e));
      },
    };
  }

  /** What a settled host's clock read ahead when it logged `e`: its earlier reading before it was set. */
  private skewWhen(s: Settled, e: Stamp): number {
    const before = s.before;
    if (before === undefined) {
      return s.skew;
    }
    const side = before.byOrder === true ? sideOf(this.jumps.get(e.host), e) : undefined;
    const earlier = side === undefined ? e.utc < before.untilMs : side === 'before';
    return earlier ? before.skewMs : s.skew;
  }

  /**
   * A pair with the times of a settled host whose clock was set within the bundle read as its later clock
   * would have logged them: a client's pairs with a management point whose clock was set then say one thing
   * of the client's clock on both sides of the change, not a change of the client's own. The hop's bounds
   * widen by what is not known of how far that clock moved.
   */
  private onLaterClock(p: CausalPair): CausalPair {
    let widen = 0;
    const shift = (e: Stamp): Stamp => {
      const s = this.settled.get(e.host);
      const by = s?.before === undefined ? 0 : s.skew - this.skewWhen(s, e);
      if (s?.before === undefined || by === 0) {
        return e;
      }
      widen += s.uncertainty + s.before.uncertaintyMs;
      return { ...e, utc: e.utc + by };
    };
    const send = shift(p.send);
    const receive = shift(p.receive);
    return widen === 0 ? p : { ...p, send, receive, minMs: p.minMs - widen, maxMs: p.maxMs + widen };
  }

  /** A settled host's estimate as it stands (undefined when not settled), and whether it is the reference. */
  estimate(host: string): (SkewEstimate & { readonly reference: boolean }) | undefined {
    const s = this.settled.get(host);
    return (
      s && {
        skewMs: Math.round(s.skew),
        uncertaintyMs: Math.round(s.uncertainty),
        basis: s.basis,
        ...(s.before && { before: s.before }),
        reference: host === this.reference,
      }
    );
  }

  /** Servers whose clients look set by the same amount at about the same time (see `SharedStep`). */
  sharedSteps(): SharedStep[] {
    return sharedSteps(this.settled, this.clients);
  }

  /**
   * A shared step found to be its server's own: the server set forward, its logs quiet for at least as long
   * there (`quiet`, by its clock). The server's records logged before the quiet span's end read its earlier
   * clock; its clients named in the step read one clock throughout, their later. Called once every row is
   * written: the caller reads those rows again by these clocks.
   */
  serverSetForward(step: SharedStep, quiet: { readonly startMs: number; readonly endMs: number }): void {
    const { server, clientsMovedMs: moved, clients } = step;
    const s = this.settled.get(server)!;
    // On the reference clock: the quiet span began by the earlier clock and ended by the later.
    const when = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
    this.settled.set(server, {
      ...s,
      basis:
        `${s.basis}; ${server} was set forward ${span(moved)} between ${when(quiet.startMs - s.skew - moved)} and ` +
        `${when(quiet.endMs - s.skew)} UTC, when its logs are quiet, which its messages to the site cannot show: ` +
        `${clients.length} of the first ${step.of} clients read through it look set back by as much then; each of ` +
        'its records before then is read by its earlier clock, and each client read after against both',
      before: {
        untilMs: quiet.endMs,
        skewMs: Math.round(s.skew + moved),
        uncertaintyMs: Math.round(s.uncertainty + step.uncertaintyMs),
      },
    });
    for (const host of clients) {
      const { before, ...c } = this.settled.get(host)!;
      // The step its messages showed is said once, as theirs, not as its clock's.
      const own = new RegExp(`; ${host} was set (?:back|forward) [^;]*`);
      const at = formatUtcSeconds(before!.untilMs);
      this.settled.set(host, {
        ...c,
        basis:
          `${c.basis.replace(own, '')}; its messages with ${server} changed by ${span(moved)} around ${at} by its ` +
          `clock, as ${clients.length - 1} other ${clients.length === 2 ? "client's" : "clients'"} did at the same ` +
          `time, when ${server}'s logs are quiet: ${server}'s clock was set, not ${host}'s, whose records are read ` +
          'by one clock throughout',
      });
    }
  }

  result(): SkewResult {
    const out = new Map<string, SkewEstimate>();
    const shared = sharedStepNotes(sharedSteps(this.settled, this.clients));
    for (const h of this.hosts) {
      const s = this.settled.get(h.name);
      out.set(
        h.name,
        s
          ? {
              skewMs: Math.round(s.skew),
              uncertaintyMs: Math.round(s.uncertainty),
              basis: s.basis + (shared.get(h.name) ?? ''),
              ...(s.before && { before: s.before }),
            }
          : {
              skewMs: 0,
              uncertaintyMs: undefined,
              basis: 'no message is seen crossing between this host and the others: its clock is not corrected',
            },
      );
    }
    return { reference: this.reference, hosts: out };
  }

  private settle(): void {
    if (this.reference === undefined) {
      const connected = (role: HostRole): string | undefined =>
        this.hosts.find((h) => h.roles[0] === role && this.edges.has(h.name))?.name;
      this.reference =
        connected('site-server') ??
        connected('management-point') ??
        [...this.edges.keys()].sort((x, y) => (this.edges.get(y)?.size ?? 0) - (this.edges.get(x)?.size ?? 0))[0];
      if (this.reference === undefined) {
        return;
      }
      this.settleHost(this.reference, {
        skew: 0,
        uncertainty: 0,
        basis: 'reference clock: the other hosts are corrected to it',
        order: 0,
      });
    }
    // Grow the settled set by the most certain edge out of it, one host at a time (Dijkstra's order, on
    // uncertainty). Of equally certain edges, the first in the order the hosts were settled and then in the
    // order each host's edges were found.
    for (let c = this.queue.pop(); c !== undefined; c = this.queue.pop()) {
      if (this.settled.has(c.to) || this.edges.get(c.from)?.get(c.to) !== c.edge) {
        continue;
      }
      const base = this.settled.get(c.from)!;
      const earlier = c.edge.earlier?.host === c.to ? c.edge.earlier : undefined;
      this.settleHost(c.to, {
        skew: base.skew + c.edge.d,
        uncertainty: c.uncertainty,
        basis: c.from === this.reference ? c.edge.basis : `${c.edge.basis}; chained through ${c.from}`,
        order: this.settled.size,
        from: c.from,
        ...(earlier && {
          before: {
            untilMs: earlier.until,
            skewMs: Math.round(base.skew + earlier.d),
            uncertaintyMs: Math.round(base.uncertainty + earlier.uncertainty),
            ...(earlier.byOrder === true && { byOrder: true }),
          },
        }),
      });
    }
  }

  private settleHost(host: string, s: Settled): void {
    this.settled.set(host, s);
    for (const [to, edge] of this.edges.get(host) ?? []) {
      this.offer(host, to, edge);
    }
  }

  private setEdge(from: string, to: string, edge: Edge): void {
    let out = this.edges.get(from);
    let order = this.edgeOrder.get(from);
    if (out === undefined || order === undefined) {
      out = new Map<string, Edge>();
      order = new Map<string, number>();
      this.edges.set(from, out);
      this.edgeOrder.set(from, order);
    }
    if (!order.has(to)) {
      order.set(to, order.size);
    }
    out.set(to, edge);
    // An edge out of the settled set (new, or estimated again) is a candidate; one into it never is.
    if (this.settled.has(from)) {
      this.offer(from, to, edge);
    }
  }

  private offer(from: string, to: string, edge: Edge): void {
    const at = this.settled.get(from)!;
    const uncertainty = at.uncertainty + edge.uncertainty;
    // An edge of unbounded uncertainty settles nothing.
    if (!this.settled.has(to) && uncertainty < Number.POSITIVE_INFINITY) {
      this.queue.push({
        uncertainty,
        fromOrder: at.order,
        edgeOrder: this.edgeOrder.get(from)!.get(to)!,
        from,
        to,
        edge,
      });
    }
  }
}

/** A binary min-heap of candidate edges: by uncertainty, then settled order, then edge order. */
class CandidateQueue {
  private readonly heap: Candidate[] = [];

  push(c: Candidate): void {
    const h = this.heap;
    let i = h.length;
    h.push(c);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(c, h[parent]!)) {
        break;
      }
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = c;
  }

  pop(): Candidate | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) {
      return top;
    }
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= h.length) {
        break;
      }
      const right = left + 1;
      const child = right < h.length && before(h[right]!, h[left]!) ? right : left;
      if (!before(h[child]!, last)) {
        break;
      }
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }
}

function before(a: Candidate, b: Candidate): boolean {
  return (
    a.uncertainty < b.uncertainty ||
    (a.uncertainty === b.uncertainty &&
      (a.fromOrder < b.fromOrder || (a.fromOrder === b.fromOrder && a.edgeOrder < b.edgeOrder)))
  );
}

/**
 * skew(b) - skew(a) from every pair between host a and the other host, b. `stepping`, one of the two, is the
 * host whose clock may have been set within the pairs' span.
 */
function estimatePair(a: string, given: readonly CausalPair[], stepping?: string, jumps?: ClockJumps): Edge {
  // Pairs that bound only the stepping host's earlier clock count only there.
  const list = stepping === undefined ? given : given.filter((p) => p.earlierOnly !== true);
  // Each pair bounds d = skew(b) - skew(a) to [lo, hi].
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let forward = 0;
  let backward = 0;
  // The informative sides: the latest a→b send bounds d from above, the latest b→a send from below.
  let upper = Number.POSITIVE_INFINITY;
  let lower = Number.NEGATIVE_INFINITY;
  let upperTypical = 0;
  let lowerTypical = 0;
  const hops = new Set<string>();
  for (const p of list) {
    hops.add(p.hop);
    const [plo, phi] = boundsOf(a, p);
    lo = Math.max(lo, plo);
    hi = Math.min(hi, phi);
    if (p.send.host === a) {
      forward += 1;
      if (phi < upper) {
        upper = phi;
        upperTypical = p.typicalMs;
      }
    } else {
      backward += 1;
      if (plo > lower) {
        lower = plo;
        lowerTypical = p.typicalMs;
      }
    }
  }
  const what = `${list.length} message${list.length === 1 ? '' : 's'} (${[...hops].join('; ')})`;
  // A clock set within the pairs' span: by its logs' order where they went back in time (even where the bounds
  // still meet, as one-way pairs' do over a step shorter than the hop's slack), else by time.
  const split =
    stepping === undefined
      ? undefined
      : (orderStep(given, stepping, jumps) ??
        (lo > hi ? (clockStep(a, list, stepping) ?? agreeingStep(a, list, stepping)) : undefined));
  if (split === undefined && list.length === 0) {
    // Only messages that bound an earlier clock, and no clock set to split them by: they settle nothing.
    return { d: 0, uncertainty: Number.POSITIVE_INFINITY, basis: 'messages that bound only an earlier clock' };
  }
  if (split !== undefined) {
    const later = estimatePair(a, split.after);
    const early = estimatePair(a, split.before);
    // How far the stepping host's clock moved: d is skew(b) - skew(a).
    const moved = (stepping === a ? -1 : 1) * (later.d - early.d);
    const when = formatUtcSeconds(split.until);
    const how = `${stepping} was set ${moved < 0 ? 'back' : 'forward'} ${span(moved)}`;
    // Halfway between its last message of one clock and its first of the other; where those lie far apart, the
    // step may be anywhere between, and the basis says so (a client set back 40 s, no message of it for three
    // hours around the step, read "around" a time three hours after it).
    const on = (p: CausalPair): number => (p.send.host === stepping ? p.send.utc : p.receive.utc);
    const lastBefore = Math.max(...split.before.map(on));
    const firstAfter = Math.min(...split.after.map(on));
    const placed =
      firstAfter - lastBefore > STEP_PLACED_AROUND
        ? `between ${formatUtcSeconds(lastBefore)} and ${formatUtcSeconds(firstAfter)} by its own clock, none of its messages lying between ` +
          `(time sync, or set by hand): the ${split.before.length} messages before agree on its earlier clock, and ` +
          `times before ${when}, halfway, are corrected by that`
        : `around ${when} by its own clock (time sync, or set by hand): the ${split.before.length} messages before ` +
          'agree on its earlier clock, and times before then are corrected by that';
    return {
      ...later,
      basis:
        split.logs === undefined
          ? `${later.basis}; ${how} ${placed}` +
            (split.leftOut === undefined
              ? ''
              : ` (${split.leftOut} more left out, their timing contradicting the others' on either side)`)
          : `${later.basis}; ${how} within the bundle, where ${logsGoBack(split.logs)} in time (its earlier ` +
            `clock read up to ${when}): the ${split.before.length} messages before agree on its earlier clock, and each ` +
            'record is corrected by the clock it was logged by',
      earlier: {
        host: stepping!,
        until: split.until,
        d: early.d,
        uncertainty: early.uncertainty,
        ...(split.logs !== undefined && { byOrder: true }),
      },
    };
  }
  if (lo > hi) {
    // The bounds contradict each other: a message paired with the wrong one, a hop slower than its bound,
    // or a clock that jumped. When most messages agree on where d lies, the few that do not are left out
    // (at 100 MB, one request and one reply of a client's 72 messages, paired with a request the MP logged
    // from that client 145 s earlier, had stretched its uncertainty to ±90 s around a right estimate).
    const agreeing = largestAgreement(a, list);
    if (agreeing.length * 2 > list.length) {
      const edge = estimatePair(a, agreeing);
      const kept = new Set(agreeing);
      const left = list.filter((p) => !kept.has(p));
      // Most of them agreeing among themselves: most likely the clock was set where the two stretches of its
      // logged time overlap (set back further than the time between its messages), which no time can split.
      const together = stepping !== undefined ? largestAgreement(a, left) : [];
      const others =
        together.length >= STEP_SUPPORT && together.length * 5 >= left.length * 4
          ? estimatePair(a, together)
          : undefined;
      if (others !== undefined) {
        const moved = (stepping === a ? -1 : 1) * (others.d - edge.d);
        return {
          ...edge,
          basis:
            `${edge.basis}; ${together.length} of the ${left.length} other messages agree on a clock ${span(moved)} ` +
            `${moved < 0 ? 'further behind' : 'further ahead'}: ${stepping} was most likely set within the bundle, ` +
            `but its logged times from before and after overlap, so no time divides them and the records of ` +
            `those messages' stretch are left ${span(moved)} off`,
        };
      }
      return {
        ...edge,
        basis:
          `${edge.basis}; ${left.length} more left out, their timing contradicting the others' ` +
          '(paired with the wrong message, or a slower hop)',
      };
    }
    // No majority agrees: fall back to the typical hops.
    const guesses = list
      .map((p) => (p.send.host === a ? 1 : -1) * (p.receive.utc - p.send.utc - p.typicalMs))
      .sort((x, y) => x - y);
    const mid = guesses[Math.floor(guesses.length / 2)]!;
    return {
      d: mid,
      uncertainty: (guesses[guesses.length - 1]! - guesses[0]!) / 2,
      basis: `${what} with contradictory timing: median of the messages' offsets`,
    };
  }
  if (forward > 0 && backward > 0) {
    const top = Math.min(upper, hi);
    const bottom = Math.max(lower, lo);
    return { d: (top + bottom) / 2, uncertainty: (top - bottom) / 2, basis: `${what} in both directions` };
  }
  if (forward > 0) {
    const d = upper - upperTypical;
    return {
      d,
      uncertainty: Math.max(upperTypical, upper - d),
      basis: `${what}, one direction only: assumes the quickest took ${upperTypical} ms`,
    };
  }
  const d = lower + lowerTypical;
  return {
    d,
    uncertainty: Math.max(lowerTypical, d - lower),
    basis: `${what}, one direction only: assumes the quickest took ${lowerTypical} ms`,
  };
}

/**
 * What one message says of d = skew(b) - skew(a), a the host of `estimatePair`: its receipt minus its send
 * by the two clocks, less a latency between the hop's least and most.
 */
function boundsOf(a: string, p: CausalPair): [lo: number, hi: number] {
  const diff = p.receive.utc - p.send.utc;
  return p.send.host === a ? [diff - p.maxMs, diff - p.minMs] : [p.minMs - diff, p.maxMs - diff];
}

/** Pairs on each side of a clock step needed to believe in it. */
const STEP_SUPPORT = 3;

/**
 * Clients whose pairs the model keeps, the first read: a server's setting that only its clients show is found
 * within its first few (two that look set by as much), so those read before it are among them.
 */
const KEPT_CLIENTS = 32;

/**
 * Pairs on each side of where a host's logs went back in time needed to measure its two clocks. The logs'
 * order already shows the clock was set (two logs went back by over a minute), so one message on a side
 * measures that side: a client set back 3 h whose CcmMessaging.log kept two sends from before had its
 * earlier clock left unmeasured and its records of then read 3 h late.
 */
const ORDER_SUPPORT = 1;

/** How far apart a clock's last message before it was set and its first after may lie for "around" halfway. */
const STEP_PLACED_AROUND = 10 * 60_000;

/**
 * A host's pairs either side of where its clock was set, and its earlier clock's end (by its own clock).
 */
interface StepSplit {
  readonly before: CausalPair[];
  readonly after: CausalPair[];
  readonly until: number;
  /** Where the host's logs went back, when the split is by their order. */
  readonly logs?: readonly JumpPlace[];
  /** Pairs agreeing with neither side (`agreeingStep`). */
  readonly leftOut?: number;
}

/** Which clock a record of a host whose logs went back in time was logged by (undefined: not a record). */
function sideOf(jumps: ClockJumps | undefined, s: Stamp): ClockSide | undefined {
  return jumps === undefined || s.file === undefined || s.seq === undefined
    ? undefined
    : jumps.side({ file: s.file, seq: s.seq, utc: s.utc });
}

/**
 * The pairs on each side of where the host's logs went back in time, by the side its own record is on,
 * when ORDER_SUPPORT or more lie on each (pairs whose side is unknown are left out).
 */
function orderStep(
  list: readonly CausalPair[],
  stepping: string,
  jumps: ClockJumps | undefined,
): StepSplit | undefined {
  if (jumps === undefined) {
    return undefined;
  }
  const before: CausalPair[] = [];
  const after: CausalPair[] = [];
  for (const p of list) {
    const side = sideOf(jumps, p.send.host === stepping ? p.send : p.receive);
    if (side === 'before') {
      before.push(p);
    } else if (side === 'after' && p.earlierOnly !== true) {
      after.push(p);
    }
  }
  return before.length >= ORDER_SUPPORT && after.length >= ORDER_SUPPORT
    ? { before, after, until: jumps.lastBefore, logs: jumps.places }
    : undefined;
}

/**
 * Where the clock of `stepping` was set, if the pairs' bounds contradict only because of that: in the order
 * of their times on its clock, those before one place agree among themselves and those after among
 * themselves, with at least STEP_SUPPORT on each side. Of several such places, the one in the longest
 * silence between two messages; `until` is the middle of that silence, by the stepping host's clock.
 */
function clockStep(a: string, list: readonly CausalPair[], stepping: string): StepSplit | undefined {
  const on = (p: CausalPair): number => (p.send.host === stepping ? p.send.utc : p.receive.utc);
  const sorted = [...list].sort((x, y) => on(x) - on(y));
  const n = sorted.length;
  if (n < 2 * STEP_SUPPORT) {
    return undefined;
  }
  const bounds = sorted.map((p) => boundsOf(a, p));
  // Whether the bounds of [0, k) meet, and of [k, n).
  const headMeets: boolean[] = [true];
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  for (const [plo, phi] of bounds) {
    lo = Math.max(lo, plo);
    hi = Math.min(hi, phi);
    headMeets.push(lo <= hi);
  }
  const tailMeets: boolean[] = new Array<boolean>(n + 1).fill(true);
  lo = Number.NEGATIVE_INFINITY;
  hi = Number.POSITIVE_INFINITY;
  for (let k = n - 1; k >= 0; k--) {
    lo = Math.max(lo, bounds[k]![0]);
    hi = Math.min(hi, bounds[k]![1]);
    tailMeets[k] = lo <= hi;
  }
  let best = -1;
  let bestGap = -1;
  for (let k = STEP_SUPPORT; k <= n - STEP_SUPPORT; k++) {
    const gap = on(sorted[k]!) - on(sorted[k - 1]!);
    if (headMeets[k] && tailMeets[k] && gap > bestGap) {
      best = k;
      bestGap = gap;
    }
  }
  if (best < 0) {
    return undefined;
  }
  return {
    before: sorted.slice(0, best),
    after: sorted.slice(best),
    until: (on(sorted[best - 1]!) + on(sorted[best]!)) / 2,
  };
}

/**
 * Where the clock of `stepping` was set, when all but a few of its pairs agree on one of two clocks and time
 * divides the two: `clockStep` less the few pairs paired with the wrong message (or over a slower hop), which
 * leave no place where both sides' bounds meet. Most pairs agree on one clock, and most of the rest (four in
 * five, STEP_SUPPORT or more) on another, as `estimatePair` asks before it tells of a step no time divides;
 * the place in time leaves at most one in five of the pairs in the smaller side's stretch on the wrong side
 * (seed 229, before a client's earlier location requests were looked for around its forwards' lead: two
 * joined by time to the wrong MP record, among 9 forwards). The pairs that agree with
 * neither clock, or lie on the other's side, are left out: a client set back 40 s before its CcmMessaging.log
 * begins had 9 of its 10 earlier messages agree (state-message forwards) and one location request joined by
 * time to the MP's record 40 s off, and its earlier records were left 40 s off for it.
 */
function agreeingStep(a: string, list: readonly CausalPair[], stepping: string): StepSplit | undefined {
  const agreeing = largestAgreement(a, list);
  const kept = new Set(agreeing);
  const left = list.filter((p) => !kept.has(p));
  const together = largestAgreement(a, left);
  if (agreeing.length * 2 <= list.length || together.length < STEP_SUPPORT || together.length * 5 < left.length * 4) {
    return undefined;
  }
  const on = (p: CausalPair): number => (p.send.host === stepping ? p.send.utc : p.receive.utc);
  // In time order, the place that puts the most of one clock's pairs before it and of the other's after it.
  // The few it puts on the wrong side (at most one in five of the pairs in the smaller side's stretch) are
  // left out too.
  const rest = new Set(together);
  const sorted = [...together, ...agreeing].sort((x, y) => on(x) - on(y));
  let best = { k: 0, correct: -1, restFirst: true };
  let restBefore = 0;
  for (let k = 0; k <= sorted.length; k++) {
    if (k > 0 && rest.has(sorted[k - 1]!)) {
      restBefore++;
    }
    const mostBefore = k - restBefore;
    const restFirst = restBefore + (agreeing.length - mostBefore);
    const mostFirst = mostBefore + (together.length - restBefore);
    if (Math.max(restFirst, mostFirst) > best.correct) {
      best = { k, correct: Math.max(restFirst, mostFirst), restFirst: restFirst >= mostFirst };
    }
  }
  const misplaced = sorted.length - best.correct;
  if (misplaced * 4 > together.length) {
    return undefined;
  }
  const isEarlier = (p: CausalPair): boolean => rest.has(p) === best.restFirst;
  const before = sorted.slice(0, best.k).filter(isEarlier);
  const after = sorted.slice(best.k).filter((p) => !isEarlier(p));
  if (before.length === 0 || after.length === 0) {
    return undefined;
  }
  const leftOut = list.length - before.length - after.length;
  return {
    before,
    after,
    until: (on(before[before.length - 1]!) + on(after[0]!)) / 2,
    ...(leftOut > 0 && { leftOut }),
  };
}

/**
 * A server's clock set within the bundle by less than its own messages can show (they go one way, to the site
 * server, with minutes of slack, and its logs did not go back in time) makes each of its clients look set by
 * the opposite amount. Where two or more clients chained through one server, and at least half of them, look
 * set by the same amount (within their uncertainties and a second; a client set by another amount as well is
 * left out of them), that is most likely the server's own step.
 */
export interface SharedStep {
  readonly server: string;
  /** How far its clients look set (later skew less earlier): the server was set the opposite way. */
  readonly clientsMovedMs: number;
  readonly uncertaintyMs: number;
  /** When, on the reference clock, by each client's messages either side (the earliest and the latest). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly clients: readonly string[];
  /** Clients chained through the server, set or not. */
  readonly of: number;
}

function sharedSteps(settled: ReadonlyMap<string, Settled>, clients: ReadonlySet<string>): SharedStep[] {
  const through = new Map<string, Array<[string, Settled]>>();
  for (const [host, s] of settled) {
    if (s.from !== undefined && clients.has(host)) {
      push(through, s.from, [host, s]);
    }
  }
  const found: SharedStep[] = [];
  const moved = (s: Settled): number => s.skew - s.before!.skewMs;
  for (const [server, all] of through) {
    const set = all.filter(([, s]) => s.before !== undefined);
    if (set.length < 2 || set.length * 2 < all.length) {
      continue;
    }
    const moves = set.map(([, s]) => moved(s)).sort((x, y) => x - y);
    const mid = moves[moves.length >> 1]!;
    const slack = 1_000 + 2 * Math.max(...set.map(([, s]) => s.uncertainty + s.before!.uncertaintyMs));
    // A client whose own clock was set too looks set by the sum (a client set back 40 s, its MP forward 10 min).
    const stepped = set.filter(([, s]) => Math.abs(moved(s) - mid) <= slack);
    if (Math.abs(mid) <= slack || stepped.length < 2 || stepped.length * 2 < all.length) {
      continue;
    }
    // When, on the reference clock: each client's earlier clock read up to `untilMs` by its own, a clock that
    // was not set (its later skew, measured against the server's later clock, holds throughout).
    const at = stepped.map(([, s]) => s.before!.untilMs - s.skew).sort((x, y) => x - y);
    found.push({
      server,
      clientsMovedMs: mid,
      uncertaintyMs: Math.round(slack / 2),
      fromMs: at[0]!,
      toMs: at[at.length - 1]!,
      clients: stepped.map(([host]) => host),
      of: all.length,
    });
  }
  return found;
}

/** What `sharedSteps` says of each server and client it names. Host → what to add to its basis. */
function sharedStepNotes(steps: readonly SharedStep[]): Map<string, string> {
  const notes = new Map<string, string>();
  const when = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
  for (const step of steps) {
    const { server, clientsMovedMs: mid, clients } = step;
    notes.set(
      server,
      `; ${clients.length} of the ${step.of} clients chained through ${server} look set ${mid < 0 ? 'back' : 'forward'} ` +
        `${span(mid)} between ${when(step.fromMs)} and ${when(step.toMs)} UTC: most likely ${server}'s own clock was set ` +
        `${mid < 0 ? 'forward' : 'back'} that much then, which its messages to the site cannot show, and its records on one ` +
        `side of that are ${span(mid)} off`,
    );
    for (const host of clients) {
      notes.set(
        host,
        `; ${clients.length - 1} other ${clients.length === 2 ? 'client' : 'clients'} of ${server} ` +
          `${clients.length === 2 ? 'looks' : 'look'} set by as much at about the ` +
          `same time: most likely ${server}'s clock was set, not ${host}'s`,
      );
    }
  }
  return notes;
}

/**
 * The longest stretch of at least `minMs` between two of `times` (sorted) within `fromMs`..`toMs`, of those the
 * one nearest `nearMs`: where a host's clock was set forward, the time it skipped. Undefined when there is none.
 */
export function quietSpan(
  times: ArrayLike<number>,
  fromMs: number,
  toMs: number,
  minMs: number,
  nearMs: number,
): { readonly startMs: number; readonly endMs: number } | undefined {
  let best: { startMs: number; endMs: number } | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let previous = Number.NaN;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    if (t < fromMs || t > toMs) {
      continue;
    }
    if (t - previous >= minMs) {
      const distance = nearMs < previous ? previous - nearMs : nearMs > t ? nearMs - t : 0;
      if (distance < bestDistance) {
        best = { startMs: previous, endMs: t };
        bestDistance = distance;
      }
    }
    previous = t;
  }
  return best;
}

/** Cited shortly so that they can be opened there: "MP_Location.log:517 and u_ex250113.log:961 go back". */
function logsGoBack(places: readonly JumpPlace[]): string {
  const cite = (p: JumpPlace): string =>
    `${p.file.slice(p.file.lastIndexOf('/') + 1)}${p.line === undefined ? '' : `:${p.line}`}`;
  const shown = places.slice(0, places.length > SHOWN_PLACES ? SHOWN_PLACES - 1 : SHOWN_PLACES).map(cite);
  const more = places.length - shown.length;
  const list =
    more > 0
      ? `${shown.join(', ')} and ${more} more of its logs`
      : shown.length === 1
        ? `its ${shown[0]}`
        : `its ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return `${list} ${places.length === 1 ? 'goes' : 'go'} back`;
}

/** Logs `logsGoBack` names before it counts the rest. */
const SHOWN_PLACES = 3;

/** `40.0 s`, `10 min 0.0 s`: how far a clock was set. */
function span(ms: number): string {
  const abs = Math.abs(ms);
  return abs >= 60_000 ? minutesAndSeconds(abs, 1) : `${(abs / 1000).toFixed(1)} s`;
}

/** The pairs whose bounds on d share the point most of them share (the lowest such point, if several). */
function largestAgreement(a: string, list: readonly CausalPair[]): CausalPair[] {
  const bounds = list.map((p) => boundsOf(a, p));
  // Bounds are closed: at one value, an interval opening counts before one closing.
  const ends = bounds
    .flatMap(([lo, hi]): Array<[number, number]> => [
      [lo, 1],
      [hi, -1],
    ])
    .sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  let open = 0;
  let most = 0;
  let at = 0;
  for (const [value, step] of ends) {
    open += step;
    if (open > most) {
      most = open;
      at = value;
    }
  }
  return list.filter((_, i) => bounds[i]![0] <= at && at <= bounds[i]![1]);
}
