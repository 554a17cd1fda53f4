// How much later than a client a management point logs what the client sends it: its "lead". Skew is not
// known while a client's flows are built (the flows are what it is estimated from), so the joins by time
// between a client and its MPs look for the MP's record at the client's time plus that MP's lead, which the
// client's own messages agree on. Each MP has its own clock, so a client that talks to two MPs has a lead
// for each.

import type { ClockSide } from './clock-jumps.ts';

const SECOND = 1000;

/** How far apart the offsets of one client's messages to an MP may lie and still agree. */
export const LEAD_SPREAD = 5 * SECOND;

/**
 * The (lower) median of the most offsets that lie within `spread` of each other, or 0 when no two do. Of windows
 * holding as many, the one whose median is nearest 0.
 */
export function densest(offsets: number[], spread: number): number {
  offsets.sort((a, b) => a - b);
  let best = 0;
  let bestCount = 1;
  for (let lo = 0, hi = 0; hi < offsets.length; hi++) {
    while (offsets[hi]! - offsets[lo]! > spread) {
      lo++;
    }
    const count = hi - lo + 1;
    const median = offsets[(lo + hi) >> 1]!;
    if (count > bestCount || (count === bestCount && count > 1 && Math.abs(median) < Math.abs(best))) {
      best = median;
      bestCount = count;
    }
  }
  return best;
}

/** One of a client's messages and how much later than it an MP logged a record that may be its own. */
export interface LeadSample {
  /** The message's time by the client's clock. */
  readonly t: number;
  readonly offset: number;
  /** Which clock the message was logged by, where the client's logs went back in time (clock-jumps.ts). */
  readonly side?: ClockSide | undefined;
}

/**
 * A lead by the client's time: one offset, or two either side of where the client's clock was set; by the
 * side of the message's record, where its logs went back in time.
 */
export type Lead = (t: number, side?: ClockSide) => number;

/** Messages needed on the far side of a clock step to believe in it. */
const STEP_SAMPLES = 3;

/**
 * The lead most samples agree on (as `densest`). When the client's clock was set within the bundle, its
 * messages agree on one lead before and another after: the messages with no sample near the first lead are
 * asked again, and if STEP_SAMPLES or more of them agree on a second, the lead changes where it explains the
 * most messages, those only the second explains on one side and those only the first on the other (a client
 * set back 40 s had the location requests before the change joined to neighbours). A clock set back further
 * than the time between its messages leaves them interleaved where its times overlap: the change then
 * explains those on either side of the overlap. A message both leads explain (the MP logged another request
 * from the address about the step's length away) goes to the lead it lies nearer: a client set forward 10 min
 * had its one location message between its two clocks' others told by neither, the change was put before it,
 * and it was joined to a request of 10 min before, 3.9 s off that lead against 0.02 s off the other.
 */
export function leadOf(samples: readonly LeadSample[], spread: number): Lead {
  // Where the client's logs went back in time, each side has its own lead, whatever the times say.
  const earlier = samples.filter((s) => s.side === 'before');
  const later = samples.filter((s) => s.side === 'after');
  if (earlier.length > 0 && later.length > 0) {
    const early = leadOf(earlier, spread);
    const late = leadOf(later, spread);
    const byTime = leadOf(
      samples.map((s) => ({ t: s.t, offset: s.offset })),
      spread,
    );
    return (t, side) => (side === 'before' ? early(t) : side === 'after' ? late(t) : byTime(t));
  }
  const first = densest(
    samples.map((s) => s.offset),
    spread,
  );
  const byTime = new Map<number, number[]>();
  for (const s of samples) {
    const list = byTime.get(s.t);
    if (list === undefined) {
      byTime.set(s.t, [s.offset]);
    } else {
      list.push(s.offset);
    }
  }
  /** How far the offset nearest a lead lies from it. */
  const miss = (lead: number, offsets: readonly number[]): number =>
    Math.min(...offsets.map((o) => Math.abs(o - lead)));
  const explains = (lead: number, offsets: readonly number[]): boolean => miss(lead, offsets) <= spread;
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const rest = times.filter((t) => !explains(first, byTime.get(t)!));
  if (rest.length < STEP_SAMPLES) {
    return () => first;
  }
  const second = densest(
    rest.flatMap((t) => byTime.get(t)!),
    spread,
  );
  // Each message: +1 when only the second lead explains it, -1 when only the first does; when both do, as its
  // nearest offset to the one or the other is nearer (else 0).
  const votes = times.map((t) => {
    const offsets = byTime.get(t)!;
    const toFirst = miss(first, offsets);
    const toSecond = miss(second, offsets);
    const vote = (toSecond <= spread ? 1 : 0) - (toFirst <= spread ? 1 : 0);
    return vote !== 0 || toFirst > spread ? vote : Math.sign(toFirst - toSecond);
  });
  const secondVotes = votes.filter((v) => v > 0).length;
  const firstVotes = votes.filter((v) => v < 0).length;
  if (secondVotes < STEP_SAMPLES) {
    return () => first;
  }
  // A change after message k - 1 explains the second's messages before it and the first's after it (or the
  // other way round): the k that explains the most.
  let best = 0;
  let bestScore = firstVotes;
  let secondEarly = true;
  let secondBefore = 0;
  let firstBefore = 0;
  for (let k = 1; k < times.length; k++) {
    const v = votes[k - 1]!;
    secondBefore += v > 0 ? 1 : 0;
    firstBefore += v < 0 ? 1 : 0;
    const early = secondBefore + (firstVotes - firstBefore);
    const late = firstBefore + (secondVotes - secondBefore);
    if (Math.max(early, late) > bestScore) {
      best = k;
      bestScore = Math.max(early, late);
      secondEarly = early >= late;
    }
  }
  if (best === 0 || bestScore - firstVotes < STEP_SAMPLES) {
    return () => first;
  }
  const change = (times[best - 1]! + times[best]!) / 2;
  const [before, after] = secondEarly ? [second, first] : [first, second];
  return (t) => (t < change ? before : after);
}
