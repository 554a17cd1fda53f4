// The correlator's working state: the kept events indexed by host and by message kind, the links found so
// far (deduplicated, each with its evidence), the flows being assembled, and the causal pairs (a send and
// its receipt on another host) that the clock-skew estimate is made from.

import { clockJumps, JUMPING_FILES } from './clock-jumps.ts';
import type { ClockJumps, ClockSide, Placed, WentBack } from './clock-jumps.ts';
import type { Collected, CollectedEvent } from './collect.ts';
import { isProblem } from './failures.ts';
import type { Evidence, FlowKind } from './model.ts';
import { MpLocationIndex } from './mp-location-index.ts';
import type { SkewOffsets } from './skew.ts';
import { StateSideIndex } from './state-side-index.ts';
import { between, byTime, firstAfter, firstIndexAt, groupBy, lastBefore, push } from './time-order.ts';

export { between, byTime, firstAfter, firstIndexAt, groupBy, lastBefore };

/** Where and when something was logged: all a causal pair needs of its two events. */
export interface Stamp {
  readonly host: string;
  readonly utc: number;
  /** Where it was logged, when it is a record (a clock set back is told apart by a log's order). */
  readonly file?: string;
  readonly seq?: number;
}

/** A send on one host and its receipt on another: receipt - send, in true time, lies within [minMs, maxMs]. */
export interface CausalPair {
  readonly send: Stamp;
  readonly receive: Stamp;
  readonly minMs: number;
  readonly maxMs: number;
  /** The latency usually seen on this hop, used when only one direction constrains a host pair. */
  readonly typicalMs: number;
  readonly hop: string;
  /**
   * Bounds only the earlier clock of a host whose logs went back in time where it was set back (see
   * SkewModel): a message that may wait long before it leaves (a state-message forward), among the later
   * clock's pairs only blurs them, but where nothing else measures the earlier clock it does.
   */
  readonly earlierOnly?: boolean;
}

/** A link between two events of the workspace, with its evidence (the timeline's link, on the events themselves). */
export interface WorkspaceLink {
  readonly from: CollectedEvent;
  readonly to: CollectedEvent;
  readonly evidence: Evidence;
  readonly key: string;
  /** The window of a `time` link; undefined (present, so that every link has one shape) otherwise. */
  readonly windowMs: number | undefined;
}

export interface FlowDraft {
  readonly id: string;
  readonly kind: FlowKind;
  readonly host: string;
  readonly keys: Record<string, string | number | string[]>;
  readonly events: EventSet;
}

/**
 * A flow's events, each once, in the order they joined. Kept as the events themselves: every reader of a
 * flow wants its events, and the walks over links compare events, not ids.
 */
export class EventSet {
  private readonly set: Set<CollectedEvent>;

  constructor(events: Iterable<CollectedEvent> = []) {
    this.set = new Set(events);
  }

  add(e: CollectedEvent): void {
    this.set.add(e);
  }

  has(e: CollectedEvent): boolean {
    return this.set.has(e);
  }

  get size(): number {
    return this.set.size;
  }

  /** The events in the order they joined. */
  list(): CollectedEvent[] {
    return [...this.set];
  }
}

/** Evidence from strongest to weakest: a pair keeps its strongest link. */
const RANK = { id: 0, derived: 1, time: 2 };

/**
 * A workspace may sit on a shared one: the management points' and site servers' events are indexed once
 * (the shared layer), and each client is correlated in a layer of its own on top, then dropped. Lookups by
 * host fall through to the shared layer; links, flows and causal pairs belong to the layer that made them.
 */
export class Workspace {
  /** Per host, in logged time order (one clock per host, so order within a host is sound). */
  readonly byHost = new Map<string, CollectedEvent[]>();
  /** Host → kind → events, in logged time order. */
  private readonly byHostKind = new Map<string, Map<string, CollectedEvent[]>>();
  readonly links: WorkspaceLink[] = [];
  /**
   * Index in `links` of the link from an event, by the event it goes to: most events link to one other,
   * so a lone index is kept until a second target comes (no key strings made per link).
   */
  private readonly linkIndex = new Map<CollectedEvent, number | Map<CollectedEvent, number>>();
  readonly flows: FlowDraft[] = [];
  private pairList: CausalPair[] = [];
  /**
   * Client host → its IP addresses over time, as its location requests state them (in time order): a laptop
   * on VPN or a new DHCP lease moves a client to another address within a bundle. Before the first, those its
   * relays came from (`learnAddresses`).
   */
  private readonly clientIps = new Map<string, Array<{ readonly utc: number; readonly ip: string }>>();
  /** Client host → the addresses of it that no location request states, only its relays (`learnAddresses`). */
  private readonly relayOnlyIps = new Map<string, ReadonlySet<string>>();
  /** Client host → its SMS unique id (ClientID), from state messages or registration. */
  readonly clientId = new Map<string, string>();
  /** Clock corrections once estimated (host → ms to subtract from logged UTC). */
  skew: SkewOffsets = new Map<string, number>();

  /** The MP_Location request and reply bodies of a layer that sits on no other, as columns. */
  private readonly mpLocation: MpLocationIndex | undefined;
  /** The MP_Relay, MPFDM and StateSys events of a layer that sits on no other, as columns. */
  private readonly stateSideIndex: StateSideIndex | undefined;

  /** Where each host's logs went back in time because its clock was set back (see clock-jumps.ts). */
  private readonly jumps: ReadonlyMap<string, ClockJumps>;
  /** Where one log of a host alone went back in time (see `oneLogJumps`). */
  private readonly oneLog: ReadonlyMap<string, ClockJumps>;

  /**
   * `layer`: where the layer's files went back in time, told from all their records, and its IIS requests
   * (neither is among `events`).
   */
  constructor(
    events: readonly CollectedEvent[],
    readonly shared?: Workspace,
    layer?: Pick<Collected, 'wentBack' | 'iis'>,
  ) {
    // Told from all of a host's events, before the indexes below take most of a server's.
    ({ jumps: this.jumps, oneLog: this.oneLog } = jumpsByHost(events, layer));
    if (shared === undefined) {
      const split = MpLocationIndex.split(events, isProblem);
      this.mpLocation = split.index;
      // Hosts keep the order in which the layer's events first name them, whatever the indexes take.
      for (const e of split.rest) {
        if (!this.byHost.has(e.host)) {
          this.byHost.set(e.host, []);
        }
      }
      // What the state-message side keeps as objects: problems, and trouble no template knows (its shape).
      const state = StateSideIndex.split(split.rest, (e) => isProblem(e) || e.shape !== undefined);
      this.stateSideIndex = state.index;
      events = state.rest;
    }
    // Events come in runs of one host (a client's layer has one): its lists are looked up when it changes.
    let host: string | undefined;
    let hostEvents: CollectedEvent[] = [];
    let kinds = new Map<string, CollectedEvent[]>();
    for (const e of events) {
      if (e.host !== host) {
        host = e.host;
        hostEvents = this.byHost.get(host) ?? [];
        this.byHost.set(host, hostEvents);
        kinds = this.byHostKind.get(host) ?? new Map<string, CollectedEvent[]>();
        this.byHostKind.set(host, kinds);
      }
      hostEvents.push(e);
      if (e.kind !== undefined) {
        push(kinds, e.kind, e);
      }
      const f = e.fields;
      if (e.kind === 'LocationServices.wsusLocationRequest' && f.clientIp !== undefined) {
        push(this.clientIps, e.host, { utc: e.utc, ip: f.clientIp });
      }
      if ((e.kind === 'StateMessage.body' || e.kind === 'ClientIDManager.registered') && f.clientId !== undefined) {
        this.clientId.set(e.host, f.clientId);
      }
    }
    for (const list of this.byHost.values()) {
      list.sort(byTime);
    }
    for (const list of this.clientIps.values()) {
      list.sort((a, b) => a.utc - b.utc);
    }
    for (const kinds of this.byHostKind.values()) {
      for (const list of kinds.values()) {
        list.sort(byTime);
      }
    }
  }

  /** The hosts whose events this layer holds. */
  ownHosts(): string[] {
    return [...this.byHost.keys()];
  }

  /** A host's events in time order. */
  on(host: string): CollectedEvent[] {
    return this.byHost.get(host) ?? this.shared?.on(host) ?? [];
  }

  /** The shared layer's MP_Location request and reply bodies (see MpLocationIndex). */
  mpLocations(): MpLocationIndex {
    // A layer either sits on another or has its own.
    return this.mpLocation ?? this.shared!.mpLocations();
  }

  /** The shared layer's MP_Relay, MPFDM and StateSys events (see StateSideIndex). */
  stateSide(): StateSideIndex {
    return this.stateSideIndex ?? this.shared!.stateSide();
  }

  /** Lets go of the events made from this layer's columnar indexes that are in the timeline; after each layer on it. */
  settle(): void {
    this.mpLocation?.settle();
    this.stateSideIndex?.settle();
  }

  /** The client's address at `utc` (its own clock): the last it is known to have had by then, else its first. */
  ipAt(host: string, utc: number): string | undefined {
    return this.ipsAt(host, utc)[0];
  }

  /**
   * `ipAt`, and where the next address known is another, that one too: the client moved to it somewhere in
   * between.
   */
  ipsAt(host: string, utc: number): string[] {
    const list = this.clientIps.get(host);
    if (list === undefined) {
      return this.shared?.ipsAt(host, utc) ?? [];
    }
    let k = 0;
    while (k + 1 < list.length && list[k + 1]!.utc <= utc) {
      k++;
    }
    const ip = list[k]!.ip;
    const next = list[k]!.utc <= utc ? list[k + 1]?.ip : undefined;
    return next === undefined || next === ip ? [ip] : [ip, next];
  }

  /**
   * Addresses a client's relays came from (see client-addresses.ts), in time order: before its first location
   * request states one, the client may have had another (it moved since, and its logs of before rolled over).
   */
  learnAddresses(host: string, samples: ReadonlyArray<{ readonly utc: number; readonly ip: string }>): void {
    const stated = this.clientIps.get(host) ?? [];
    const first = stated[0]?.utc ?? Number.POSITIVE_INFINITY;
    const before = samples.filter((s) => s.utc < first);
    if (before.length > 0) {
      this.clientIps.set(host, [...before, ...stated]);
      const said = new Set(stated.map((s) => s.ip));
      this.relayOnlyIps.set(host, new Set(before.map((s) => s.ip).filter((ip) => !said.has(ip))));
    }
  }

  /** Whether only the client's relays, not its location requests, show it had this address (`learnAddresses`). */
  relayOnlyIp(host: string, ip: string): boolean {
    return this.relayOnlyIps.get(host)?.has(ip) ?? this.shared?.relayOnlyIp(host, ip) ?? false;
  }

  idOf(host: string): string | undefined {
    return this.clientId.get(host) ?? this.shared?.idOf(host);
  }

  /** Events of these kinds on a host, in time order. */
  kinds(host: string, ...kinds: string[]): CollectedEvent[] {
    if (!this.byHost.has(host)) {
      return this.shared?.kinds(host, ...kinds) ?? [];
    }
    const own = this.byHostKind.get(host);
    if (kinds.length === 1) {
      return own?.get(kinds[0]!) ?? [];
    }
    return kinds.flatMap((k) => own?.get(k) ?? []).sort(byTime);
  }

  private readonly memo = new Map<string, unknown>();

  /** Builds a derived index once and keeps it (the flow builders ask for the same lists many times). */
  cached<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) {
      this.memo.set(key, build());
    }
    return this.memo.get(key) as T;
  }

  private readonly idKeys = new Map<string, Map<string | number, string>>();

  /**
   * The key `name=value` of an id link, one string per pair in this layer. The same key recurs for every
   * link of a scan job and every scan of an update, and a key made anew each time had to be hashed anew
   * when the store interned it.
   */
  idKey(name: string, value: string | number): string {
    let byValue = this.idKeys.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.idKeys.set(name, byValue);
    }
    let key = byValue.get(value);
    if (key === undefined) {
      key = `${name}=${value}`;
      byValue.set(value, key);
    }
    return key;
  }

  /** Every host's events of these kinds, in time order per host. */
  everywhere(...kinds: string[]): CollectedEvent[] {
    return this.cached(`everywhere\u0000${kinds.join('\u0000')}`, () => {
      const own = this.ownHosts().flatMap((h) => this.kinds(h, ...kinds));
      // A client layer rarely holds MP or site kinds: hand back the shared list, do not copy it per client.
      const shared = this.shared?.everywhere(...kinds) ?? [];
      return own.length === 0 ? shared : [...shared, ...own];
    });
  }

  /** A host's events of one component (case-insensitive), in time order. */
  component(host: string, component: string): CollectedEvent[] {
    if (!this.byHost.has(host) && this.shared) {
      return this.shared.component(host, component);
    }
    const byComponent = this.cached(`components\u0000${host}`, () => {
      // One pass over the host's events for every component asked about later; components repeat, so
      // each spelling is lowercased once.
      const index = new Map<string, CollectedEvent[]>();
      const lower = new Map<string, string>();
      for (const e of this.byHost.get(host) ?? []) {
        let key = lower.get(e.component);
        if (key === undefined) {
          key = e.component.toLowerCase();
          lower.set(e.component, key);
        }
        push(index, key, e);
      }
      return index;
    });
    return byComponent.get(component.toLowerCase()) ?? [];
  }

  /**
   * A host's events of a component grouped by a request or message id, each group in time order, built
   * once: the flow builders look requests and messages up many times per host, and scanning the whole
   * component each time was quadratic in a client's requests.
   */
  byId(host: string, component: string, field: 'locationRequest' | 'messageId'): Map<string, CollectedEvent[]> {
    return this.cached(`by-${field}\u0000${component}\u0000${host}`, () =>
      groupBy(this.component(host, component), (e) => e.fields[field]),
    );
  }

  /** Skew-corrected time (logged UTC minus the host's estimated clock error when it logged it). */
  corrected(e: CollectedEvent): number {
    return e.utc - this.skewFor(e);
  }

  /**
   * Ms the host's clock read ahead when it logged this record (or a time of its own clock): `skewOf`, or what
   * it read before its clock was set within the bundle, by its place in its log where that went back.
   */
  skewFor(e: Stamp): number {
    return this.skew.of?.(e) ?? this.shared?.skew.of?.(e) ?? this.skewOf(e.host);
  }

  /** Where a host's logs went back in time because its clock was set back (see clock-jumps.ts). */
  clockJumps(host: string): ClockJumps | undefined {
    return this.jumps.get(host) ?? this.shared?.clockJumps(host);
  }

  /**
   * Where one of a host's logs alone went back in time (or several, by under a minute: `WentBack.shallow`): a
   * clock set back whose other logs were quiet across it or rotated away, or a log of its own. Not a clock
   * setting by itself; the skew model takes it for a server whose clients' messages show the step on either
   * side of it (`SkewModel.serversSetBack`), or whose messages to the site do, one way, on both sides
   * (`SkewModel.splitByOneLog`).
   */
  oneLogJumps(host: string): ClockJumps | undefined {
    return this.oneLog.get(host) ?? this.shared?.oneLogJumps(host);
  }

  /** Which clock a host's record was logged by, where its logs went back in time. */
  clockSide(e: CollectedEvent): ClockSide | undefined {
    return this.clockJumps(e.host)?.side(e);
  }

  /**
   * Records in the order they were logged: by time, but where a host's clock was set back within the bundle,
   * the earlier clock's records before the later clock's.
   */
  readonly inLoggedOrder = (a: CollectedEvent, b: CollectedEvent): number =>
    this.laterClock(a) - this.laterClock(b) || byTime(a, b);

  /** Whether two records of one host were logged by the same clock (always, where it was not set back). */
  sameClock(a: CollectedEvent, b: CollectedEvent): boolean {
    return this.laterClock(a) === this.laterClock(b);
  }

  /**
   * 1 for a record its host's later clock logged where that clock was set back within the bundle (by its side,
   * else by its time as `skewFor` reads it), 0 otherwise.
   */
  private laterClock(e: CollectedEvent, jumps = this.clockJumps(e.host)): number {
    if (jumps === undefined) {
      return 0;
    }
    const side = jumps.side(e);
    return side === 'after' || (side === undefined && e.utc >= jumps.lastBefore) ? 1 : 0;
  }

  /** The first of a host's records in the order they were logged (see `inLoggedOrder`). */
  firstLogged(list: readonly CollectedEvent[]): CollectedEvent | undefined {
    let first = list[0];
    for (const e of list) {
      if (this.inLoggedOrder(e, first!) < 0) {
        first = e;
      }
    }
    return first;
  }

  /**
   * A time a settled host logged, read on its later clock where that clock was set within the bundle (itself
   * otherwise): what the joins made before a client's clock is known compare with that client's times plus
   * its lead, which its other messages show on the later clock.
   */
  onLaterClock(at: Stamp): number {
    // Logged = true + the skew it had then; on the later clock, true + the skew it has at the end.
    return at.utc - this.skewFor(at) + this.skewOf(at.host);
  }

  /** How far `onLaterClock` may move a time of this host. */
  clockMove(host: string): number {
    return Math.abs(this.skewFor({ host, utc: Number.NEGATIVE_INFINITY }) - this.skewOf(host));
  }

  /** Ms the host's clock reads ahead (0 when not estimated), as it is at the end of the bundle. */
  skewOf(host: string): number {
    return this.skew.get(host) ?? this.shared?.skew.get(host) ?? 0;
  }

  /**
   * A link with its evidence. A link by time says the window it matched in (a link whose evidence is decided at
   * run time passes the window it would use): the types ask for it, so no caller forgets.
   */
  link(from: CollectedEvent, to: CollectedEvent, evidence: 'id' | 'derived', key: string): void;
  link(from: CollectedEvent, to: CollectedEvent, evidence: Evidence, key: string, windowMs: number): void;
  link(from: CollectedEvent, to: CollectedEvent, evidence: Evidence, key: string, windowMs?: number): void {
    this.put(from, to, evidence, key, windowMs);
  }

  /** Links consecutive events of a list (one host, one stage) so that a flow's stages stay connected. */
  chain(events: readonly CollectedEvent[], evidence: 'id' | 'derived', key: string): void;
  chain(events: readonly CollectedEvent[], evidence: Evidence, key: string, windowMs: number): void;
  chain(events: readonly CollectedEvent[], evidence: Evidence, key: string, windowMs?: number): void {
    // In the order they were logged: by time, but the earlier clock's records first where a host's clock was
    // set back (a scan job that ran across the change was chained by its times, its later lines linked back
    // three hours to its earlier ones).
    // Where one log of a server alone went back, by that log's place too: the skew model may find its clock set
    // back there once its clients are read, after its chains are made (an MP set back 90 s had each SMX file's
    // retries, quiet 30 s either side, chained by their times, a minute back on its two clocks).
    const jumpsOf = (host: string): ClockJumps | undefined => this.clockJumps(host) ?? this.oneLogJumps(host);
    const order = events.some((e) => jumpsOf(e.host) !== undefined)
      ? (a: CollectedEvent, b: CollectedEvent): number =>
          this.laterClock(a, jumpsOf(a.host)) - this.laterClock(b, jumpsOf(b.host)) || byTime(a, b)
      : byTime;
    // Most lists come in time order already (they are slices of per-host lists): sort only those that do not.
    let inOrder = true;
    for (let i = 1; i < events.length && inOrder; i++) {
      inOrder = order(events[i - 1]!, events[i]!) <= 0;
    }
    const sorted = inOrder ? events : [...events].sort(order);
    for (let i = 1; i < sorted.length; i++) {
      this.put(sorted[i - 1]!, sorted[i]!, evidence, key, windowMs);
    }
  }

  private put(from: CollectedEvent, to: CollectedEvent, evidence: Evidence, key: string, window?: number): void {
    if (from === to) {
      return;
    }
    const windowMs = evidence === 'time' ? window : undefined;
    // One lookup of what `from` links to; the link is made only when it is kept.
    const index = this.links.length;
    const known = this.linkIndex.get(from);
    if (known === undefined) {
      this.linkIndex.set(from, index);
    } else {
      const existing = typeof known === 'number' ? (this.links[known]!.to === to ? known : undefined) : known.get(to);
      if (existing !== undefined) {
        // Keep the strongest evidence for a pair.
        if (RANK[evidence] < RANK[this.links[existing]!.evidence]) {
          this.links[existing] = { from, to, evidence, key, windowMs };
        }
        return;
      }
      if (typeof known === 'number') {
        this.linkIndex.set(
          from,
          new Map([
            [this.links[known]!.to, known],
            [to, index],
          ]),
        );
      } else {
        known.set(to, index);
      }
    }
    // One shape for every link: windowMs is there, undefined, when there is none.
    this.links.push({ from, to, evidence, key, windowMs });
  }

  /** The causal pairs found so far, handed over once: the skew model takes them as the layer is done. */
  takePairs(): CausalPair[] {
    const pairs = this.pairList;
    this.pairList = [];
    return pairs;
  }

  pair(
    send: Stamp,
    receive: Stamp,
    hop: string,
    minMs: number,
    maxMs: number,
    typicalMs: number,
    earlierOnly = false,
  ): void {
    if (send.host !== receive.host) {
      this.pairList.push({ send, receive, hop, minMs, maxMs, typicalMs, ...(earlierOnly && { earlierOnly }) });
    }
  }

  flow(draft: FlowDraft): FlowDraft {
    this.flows.push(draft);
    return draft;
  }
}

/**
 * Each host's `clockJumps`, for the hosts whose logs went back in time (`jumps`), and for those of which one log
 * alone did (`oneLog`: too little to say of the host by itself, see `Workspace.oneLogJumps`).
 */
function jumpsByHost(
  events: readonly CollectedEvent[],
  layer: Pick<Collected, 'wentBack' | 'iis'> | undefined,
): {
  jumps: Map<string, ClockJumps>;
  oneLog: Map<string, ClockJumps>;
} {
  const jumps = new Map<string, ClockJumps>();
  const oneLog = new Map<string, ClockJumps>();
  const byHost = groupBy<Placed & { readonly host: string }>(events, (e) => e.host);
  const backByHost = new Map<string, Map<string, WentBack>>();
  const shallowByHost = new Map<string, Map<string, WentBack>>();
  for (const [file, back] of layer?.wentBack ?? []) {
    const byFile = back.shallow === true ? shallowByHost : backByHost;
    const files = byFile.get(back.host) ?? new Map<string, WentBack>();
    files.set(file, back);
    byFile.set(back.host, files);
  }
  for (const host of new Set([...backByHost.keys(), ...shallowByHost.keys()])) {
    // A host whose logs went back: its IIS requests, though none is kept, tell which clock logged its records
    // there too (an MP set back 10 min had a relay of its later clock read by its earlier, the IIS log's POST
    // of it a moment before).
    byHost.set(host, [...(byHost.get(host) ?? []), ...(layer?.iis.placed(host) ?? [])]);
  }
  for (const [host, list] of byHost) {
    const shallow = shallowByHost.get(host);
    // Logs that went back by less than a minute are one log's worth of evidence however many: the skew model
    // takes them for a server only where its clients' messages show the step there (an MP set back 90 s, quiet
    // 40 s either side, its IIS log back 48 s and no other log back at all, was said of only).
    const found = clockJumps(list, 1, backByHost.get(host));
    const weak = found === undefined && shallow !== undefined ? clockJumps(list, 1, shallow) : undefined;
    if (found !== undefined) {
      (found.zoned >= JUMPING_FILES ? jumps : oneLog).set(host, found);
    } else if (weak !== undefined) {
      oneLog.set(host, weak);
    }
  }
  return { jumps, oneLog };
}
