// A zone-less log (legacy WindowsUpdate.log) is read in its host's bias, as the host's other logs state it
// over time (file-run.ts, `hostBiasAt`). Where summer time begins or ends within a bundle, which bias a local
// reading had depends on the stretch it falls in, and where the clocks were put back, on the pass.

import { describe, expect, it } from 'vitest';
import type { ZoneSample } from '../../src/parsers/file-run.ts';
import { hostBiasAt } from '../../src/parsers/file-run.ts';

const H = 3_600_000;
const M = 60_000;
/** Local readings as ms of a day. */
const at = (h: number, m = 0): number => h * H + m * M;

describe('hostBiasAt', () => {
  // US Eastern, summer time ending: EDT (+240) records up to 01:59 local, then EST (+300) from 01:00 local again.
  const fallBack: ZoneSample[] = [
    [at(0, 10), 240],
    [at(1, 0), 300],
    [at(7), 300],
  ];

  it('takes the bias of the stretch a reading falls in, not of the nearest sample', () => {
    // 00:40 is nearer the EST sample at 01:00 than the EDT one at 00:10, but before the change.
    expect(hostBiasAt(fallBack, at(0, 40))).toBe(240);
    expect(hostBiasAt(fallBack, at(3))).toBe(300);
    expect(hostBiasAt(fallBack, at(-5))).toBe(240);
    // Summer time beginning: EST up to 01:59, EDT from 03:00; 02:30 never happened, 01:50 is EST.
    const springForward: ZoneSample[] = [
      [at(0), 300],
      [at(3), 240],
    ];
    expect(hostBiasAt(springForward, at(1, 50))).toBe(300);
    expect(hostBiasAt(springForward, at(3, 5))).toBe(240);
  });

  it("in the repeated hour, keeps the previous record's bias until the file's time goes back", () => {
    // First pass: 01:20 after 01:10, both EDT.
    expect(hostBiasAt(fallBack, at(1, 20))).toBe(240);
    expect(hostBiasAt(fallBack, at(1, 20), { local: at(1, 10), bias: 240 })).toBe(240);
    // Second pass: 01:05 after 01:55 EDT, the clocks went back.
    expect(hostBiasAt(fallBack, at(1, 5), { local: at(1, 55), bias: 240 })).toBe(300);
    // And stays there: 01:30 after 01:05 EST.
    expect(hostBiasAt(fallBack, at(1, 30), { local: at(1, 5), bias: 300 })).toBe(300);
    // A log quiet for 56 minutes goes back only 4: its second pass.
    expect(hostBiasAt(fallBack, at(1, 50), { local: at(1, 54), bias: 240 })).toBe(300);
    // Threads write a little out of order: a second or two back is not a second pass.
    expect(hostBiasAt(fallBack, at(1, 40) - 1_500, { local: at(1, 40), bias: 240 })).toBe(240);
  });

  it('knows nothing without samples', () => {
    expect(hostBiasAt([], at(1))).toBeUndefined();
    expect(hostBiasAt(undefined, at(1))).toBeUndefined();
  });
});
