// What the columnar indexes of the shared layer (IIS requests, MP_Location bodies) share: the event object
// made for an entry when a flow takes it.

import type { CollectedEvent } from './collect.ts';

/**
 * Events made from an index's entries: one object per entry for every flow that takes it, let go once it is
 * written to the timeline. Its row is kept, so that a later layer that takes the same entry gets an event
 * with that row and does not write it twice.
 */
export class MadeEvents {
  private readonly made = new Map<number, CollectedEvent>();
  /** Timeline rows of entries whose events were let go. */
  private readonly settled = new Map<number, number>();

  /** The event of entry `i`, made by `make` (given its row, or -1) if there is none. */
  get(i: number, make: (row: number) => CollectedEvent): CollectedEvent {
    let e = this.made.get(i);
    if (e === undefined) {
      e = make(this.settled.get(i) ?? -1);
      this.made.set(i, e);
    }
    return e;
  }

  /** Lets go of the events written to the timeline; called after each layer. */
  settle(): void {
    for (const [i, e] of this.made) {
      if (e.row >= 0) {
        this.settled.set(i, e.row);
        this.made.delete(i);
      }
    }
  }
}
