// How much later than a client a management point logs what the client sends it: its "lead". Skew is not
// known while a client's flows are built (the flows are what it is estimated from), so the joins by time
// between a client and its MPs look for the MP's record at the client's time plus that MP's lead, which the
// client's own messages agree on. Each MP has its own clock, so a client that talks to two MPs has a lead
// for each.

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
