// A client clock set back within the bundle further than the time between its messages leaves its logged
// times from before and after interleaved: no time divides them. Each log's own order does: its time goes
// back where the clock was set. Which side of that place a record lies on says which clock it was logged by.

import type { CollectedEvent } from './collect.ts';
import { groupBy } from './time-order.ts';

export type ClockSide = 'before' | 'after';

/** Where a record lies: its file, its place in it, its logged time. */
export interface Placed {
  readonly file: string;
  readonly seq: number;
  readonly utc: number;
}

/** How far back a log's time must go to be a clock set back, not threads writing out of order. */
const JUMP_MS = 60_000;
/** Logs that must go back for the host's clock to count as set back (one could be a log of its own). */
const JUMPING_FILES = 2;

export interface ClockJumps {
  /** Logs that went back in time. */
  readonly files: number;
  /** The earlier clock's last reading and the later clock's first, on the logs that went back. */
  readonly lastBefore: number;
  readonly firstAfter: number;
  /** Which clock a record was logged by: by its place in a log that went back, else by its time. */
  side(e: Placed): ClockSide | undefined;
}

/**
 * The place each of a host's logs went back in time by more than JUMP_MS (its first such place), when
 * JUMPING_FILES or more logs that state their zone did. `events` are the host's, in any order. A
 * WindowsUpdate.log, which writes no zone, is not counted (its times come from the host's other logs), but
 * its own place is kept: its records were logged by the same clock.
 */
export function clockJumps(events: readonly CollectedEvent[]): ClockJumps | undefined {
  const byFile = groupBy(events, (e) => e.file);
  const at = new Map<string, number>();
  let lastBefore = Number.NEGATIVE_INFINITY;
  let firstAfter = Number.POSITIVE_INFINITY;
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.seq - b.seq);
    let latest = Number.NEGATIVE_INFINITY;
    for (const e of list) {
      if (e.utc < latest - JUMP_MS) {
        at.set(file, e.seq);
        lastBefore = Math.max(lastBefore, latest);
        firstAfter = Math.min(firstAfter, e.utc);
        break;
      }
      latest = Math.max(latest, e.utc);
    }
  }
  if ([...at.keys()].filter((f) => !/(^|\/)windowsupdate\.log$/i.test(f)).length < JUMPING_FILES) {
    return undefined;
  }
  return {
    files: at.size,
    lastBefore,
    firstAfter,
    side(e: Placed): ClockSide | undefined {
      const seq = at.get(e.file);
      if (seq !== undefined) {
        return e.seq < seq ? 'before' : 'after';
      }
      // A log that did not go back: before the later clock's first reading, only the earlier clock logged;
      // after the earlier clock's last, only the later did; between, either could have.
      return e.utc < firstAfter ? 'before' : e.utc > lastBefore ? 'after' : undefined;
    },
  };
}
