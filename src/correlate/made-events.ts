// What the columnar indexes of the shared layer (IIS requests, MP_Location bodies, the state-message side)
// share: the event object made for an entry when a flow takes it.

import type { CollectedEvent } from './collect.ts';

/**
 * Events made from an index's entries: one object per entry for every flow that takes it, let go once it is
 * written to the timeline. Its row is kept, so that a later layer that takes the same entry gets an event
 * with that row and does not write it twice.
 */
export class MadeEvents {
  private readonly made = new Map<number, CollectedEvent>();
  /**
   * Timeline row + 1 of entries whose events were let go (0: none), by entry. An array rather than a map:
   * hundreds of thousands of entries are settled at a GB of logs, some 30 bytes each in a map.
   */
  private settled = new Int32Array(0);

  /** The event of entry `i`, made by `make` (given its row, or -1) if there is none. */
  get(i: number, make: (row: number) => CollectedEvent): CollectedEvent {
    let e = this.made.get(i);
    if (e === undefined) {
      e = make(i < this.settled.length ? this.settled[i]! - 1 : -1);
      this.made.set(i, e);
    }
    return e;
  }

  /** Lets go of the events written to the timeline; called after each layer. */
  settle(): void {
    for (const [i, e] of this.made) {
      if (e.row >= 0) {
        if (i >= this.settled.length) {
          const grown = new Int32Array(Math.max(i + 1, this.settled.length * 2, 1024));
          grown.set(this.settled);
          this.settled = grown;
        }
        this.settled[i] = e.row + 1;
        this.made.delete(i);
      }
    }
  }
}
