// How the extension writes times, offsets, skews and sizes.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatSkew, formatTime } from '../../extension/format.ts';

const T = Date.UTC(2025, 0, 14, 14, 11, 9, 691);

describe('format', () => {
  it('writes times in UTC or on the host clock with its offset', () => {
    expect(formatTime(T)).toBe('2025-01-14 14:11:09.691 UTC');
    expect(formatTime(T, 'hostLocal', 300)).toBe('2025-01-14 09:11:09.691 (UTC-05:00)');
    expect(formatTime(T, 'hostLocal', undefined)).toBe('2025-01-14 14:11:09.691 UTC');
    expect(formatClock(T, 'hostLocal', -60)).toBe('15:11:09.691');
    expect(formatTime(Number.NaN)).toBe('no time');
  });

  it('writes skews with their sign and uncertainty', () => {
    expect(formatSkew(-6170, 340)).toBe('-6.170 s ± 340 ms');
    expect(formatSkew(1430)).toBe('+1.430 s');
    expect(formatSkew(0)).toBe('0 ms');
    // A clock hours or a day off reads as such.
    expect(formatSkew(86_324_612, 320)).toBe('+23 h 58 min 44.612 s ± 320 ms');
    expect(formatSkew(-180_200)).toBe('-3 min 0.200 s');
  });

  it('writes sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
