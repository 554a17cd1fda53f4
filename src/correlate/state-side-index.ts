// The state-message side of the management points and site servers, held as columns rather than event
// objects: MP_Relay, MPFDM and StateSys log several lines for every state-message relay of every client
// (113,000 in the 1 GB bench bundle, over half of the shared layer's events once the MP_Location bodies
// went to their own index), and they were held as objects from start to end, each in half a dozen lists,
// for each client's state-message flow to find its own few. Entries are numbers here; the lookups the flow
// makes (a host's log of one component, of one kind prefix, every host's entries of some kinds) are lists
// of entries in the workspace's order, and an event is made only when a flow takes an entry (see
// EventColumns). Entries that are problems stay objects in the workspace too (failures outside flows, MPFDM
// outages), and are handed out as those same objects.

import type { CollectedEvent } from './collect.ts';
import { EventColumns, splitByHost } from './event-columns.ts';
import { byTime, groupBy } from './time-order.ts';

/** The components whose grammars give the MPRelay., MPFDM. and StateSys. kinds (lowercase; see grammar.ts). */
const COMPONENTS = new Set([
  'mp_relayendpoint',
  'mp_relay',
  'sms_mp_file_dispatch_manager',
  'mpfdm',
  'sms_state_system',
  'statesys',
]);

export class StateSideIndex {
  readonly columns: EventColumns;
  /** An entry's logged UTC: the time reader for searching the index's lists (`firstAfter`, `between`...). */
  readonly time = (i: number): number => this.columns.utc(i);
  /** Hosts with entries, in the order the layer's events first name them (the workspace's host order). */
  private readonly hostOrder: string[] = [];
  /** Host → its entries in time order. */
  private readonly byHost = new Map<string, number[]>();
  private readonly memo = new Map<string, unknown>();

  /**
   * Splits a layer's events: those of the state-message side's components into an index, the rest (with
   * the ones `keep` says, which stay objects) into a list in their order.
   */
  static split(
    events: readonly CollectedEvent[],
    keep: (e: CollectedEvent) => boolean,
  ): { index: StateSideIndex; rest: CollectedEvent[] } {
    const mine = new Map<string, boolean>();
    const take = (e: CollectedEvent): boolean => {
      let yes = mine.get(e.component);
      if (yes === undefined) {
        yes = COMPONENTS.has(e.component.toLowerCase());
        mine.set(e.component, yes);
      }
      return yes;
    };
    const { byHost, rest } = splitByHost(events, take, keep);
    return { index: new StateSideIndex(byHost, keep), rest };
  }

  private constructor(byHost: Map<string, CollectedEvent[]>, keep: (e: CollectedEvent) => boolean) {
    const ordered: CollectedEvent[] = [];
    for (const [host, list] of byHost) {
      if (list.length > 0) {
        list.sort(byTime);
        this.hostOrder.push(host);
        this.byHost.set(
          host,
          list.map((_, k) => ordered.length + k),
        );
        for (const e of list) {
          ordered.push(e);
        }
      }
    }
    this.columns = new EventColumns(ordered, keep);
  }

  /** Hosts with entries, in the workspace's host order. */
  hosts(): readonly string[] {
    return this.hostOrder;
  }

  /** A host's entries of one component (any case), in time order. */
  component(host: string, component: string): readonly number[] {
    return this.cached(`component\u0000${host}\u0000${component.toLowerCase()}`, () => {
      const key = component.toLowerCase();
      return this.on(host).filter((i) => this.columns.component(i).toLowerCase() === key);
    });
  }

  /** A host's entries whose kind starts with a prefix (`MPFDM.`), in time order. */
  kindPrefix(host: string, prefix: string): readonly number[] {
    return this.cached(`prefix\u0000${host}\u0000${prefix}`, () =>
      this.on(host).filter((i) => this.columns.kind(i)?.startsWith(prefix) === true),
    );
  }

  /**
   * Every host's entries of these kinds, host by host, each host's in time order (several kinds: sorted
   * together, in the order the kinds are named where times tie, as the workspace's `everywhere` does).
   */
  everywhere(...kinds: string[]): readonly number[] {
    return this.cached(`everywhere\u0000${kinds.join('\u0000')}`, () => {
      const c = this.columns;
      return this.hostOrder.flatMap((host) => {
        const per = kinds.map((k) => this.on(host).filter((i) => c.kind(i) === k));
        return per.length === 1 ? per[0]! : per.flat().sort((a, b) => c.byTime(a, b));
      });
    });
  }

  /** Entries of these kinds everywhere, grouped by a key, each group in `everywhere` order; built once. */
  indexBy(name: string, kinds: readonly string[], key: (i: number) => string | undefined): Map<string, number[]> {
    return this.cached(`index\u0000${name}`, () => groupBy(this.everywhere(...kinds), key));
  }

  /** Lets go of the events already written to the timeline (see MadeEvents); called after each layer. */
  settle(): void {
    this.columns.settle();
  }

  private on(host: string): readonly number[] {
    return this.byHost.get(host) ?? [];
  }

  private cached<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) {
      this.memo.set(key, build());
    }
    return this.memo.get(key) as T;
  }
}
