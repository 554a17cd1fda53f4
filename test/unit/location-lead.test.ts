// The offset most of a client's location messages agree on (leads.ts, `densest`): how the MP request of
// each message is told from the client's other requests when the two clocks are a minute apart.

import { describe, expect, it } from 'vitest';
import { densest } from '../../src/correlate/leads.ts';

describe('densest', () => {
  it('takes the median of the largest cluster, not the offset nearest zero', () => {
    // Four messages whose requests came 61 s later by the logs, and stray requests near them.
    expect(densest([-30_000, 61_020, 61_050, 4_000, 61_010, 61_400, 90_000, -2_000], 5_000)).toBe(61_020);
  });

  it('is 0 when no two offsets agree', () => {
    expect(densest([-40_000, 12_000, 70_000], 5_000)).toBe(0);
    expect(densest([], 5_000)).toBe(0);
  });

  it('between clusters as large, takes the one nearer zero', () => {
    expect(densest([-60_020, -60_000, 30_010, 30_040], 5_000)).toBe(30_010);
  });
});
