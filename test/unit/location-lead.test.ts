// The offset most of a client's location messages agree on (leads.ts, `densest`): how the MP request of
// each message is told from the client's other requests when the two clocks are a minute apart.

import { describe, expect, it } from 'vitest';
import { densest, leadOf } from '../../src/correlate/leads.ts';
import type { LeadSample } from '../../src/correlate/leads.ts';

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

describe('leadOf', () => {
  const MINUTE = 60_000;
  // A client's messages every 10 minutes, each with its own request (150 ms after the lead) and a neighbour's
  // request from the same address, somewhere in the minutes around it.
  const samples = (lead: (t: number) => number): LeadSample[] =>
    Array.from({ length: 12 }, (_, k) => k * 10 * MINUTE).flatMap((t, k) => [
      { t, offset: lead(t) + 150 },
      { t, offset: lead(t) + (k % 2 === 0 ? 45_000 + 3_700 * k : -31_000 - 2_900 * k) },
    ]);

  it('is one lead when the clock stays put', () => {
    const lead = leadOf(
      samples(() => 61_000),
      5_000,
    );
    expect([0, 55 * MINUTE, 110 * MINUTE].map((t) => lead(t))).toEqual([61_150, 61_150, 61_150]);
  });

  it('changes halfway between the messages either side of where the clock was set', () => {
    // Set back 40 s between the messages at 50 and 60 minutes: from then on the MP logs 40 s later than it.
    const lead = leadOf(
      samples((t) => (t < 55 * MINUTE ? 21_000 : 61_000)),
      5_000,
    );
    expect([0, 50 * MINUTE, 54 * MINUTE, 56 * MINUTE, 110 * MINUTE].map((t) => lead(t))).toEqual([
      21_150, 21_150, 21_150, 61_150, 61_150,
    ]);
  });

  it('gives a message both leads explain to the one it lies nearer', () => {
    // Set forward 40 s between the messages at 60 and 70 minutes; the MP logged another request from the address
    // 36 s after the one of the message at 60, 4 s off the later lead.
    const lead = leadOf(
      [...samples((t) => (t < 65 * MINUTE ? 21_000 : 61_000)), { t: 60 * MINUTE, offset: 57_100 }],
      5_000,
    );
    expect([50 * MINUTE, 60 * MINUTE, 64 * MINUTE, 66 * MINUTE, 110 * MINUTE].map((t) => lead(t))).toEqual([
      21_150, 21_150, 21_150, 61_150, 61_150,
    ]);
  });

  it('takes no change from fewer than three messages, nor from lone offsets', () => {
    const lead = leadOf(
      samples((t) => (t < 15 * MINUTE ? 21_000 : 61_000)),
      5_000,
    );
    expect(lead(0)).toBe(61_150);
    expect(leadOf([{ t: 0, offset: 4_000 }], 5_000)(0)).toBe(0);
  });

  it('explains the messages either side of an overlap, where a clock set back far leaves them interleaved', () => {
    // Set back an hour at 60 min of true time: by its own clock, the messages before it run to 110 min and
    // those after it start at 10 min again; here, those logged from 50 min on alternate.
    const mixed = [
      ...samples(() => 21_000).filter((s) => s.t <= 70 * MINUTE),
      ...samples(() => 3_621_000).filter((s) => s.t >= 50 * MINUTE),
    ];
    const lead = leadOf(mixed, 5_000);
    expect([0, 40 * MINUTE, 80 * MINUTE, 110 * MINUTE].map((t) => lead(t))).toEqual([
      21_150, 21_150, 3_621_150, 3_621_150,
    ]);
  });
});
