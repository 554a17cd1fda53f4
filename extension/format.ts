// How times and sizes read in the extension's trees, hovers and messages. Plain functions (no `vscode`),
// unit-tested. Host-local time is the host's wall clock as its logs wrote it: UTC minus the log's bias.

import { minutesAndSeconds, zoneFromBias } from '../src/parsers/time.ts';

export type TimeDisplay = 'utc' | 'hostLocal';

function parts(ms: number): { date: string; time: string } {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 23) };
}

/** `2025-01-14 14:11:09.691 UTC`, or host-local `2025-01-14 09:11:09.691 (UTC-05:00)`. */
export function formatTime(ms: number, display: TimeDisplay = 'utc', biasMinutes?: number): string {
  if (!Number.isFinite(ms)) {
    return 'no time';
  }
  if (display === 'hostLocal' && biasMinutes !== undefined) {
    const p = parts(ms - biasMinutes * 60_000);
    return `${p.date} ${p.time} (${zoneFromBias(biasMinutes)})`;
  }
  const p = parts(ms);
  return `${p.date} ${p.time} UTC`;
}

/** Time of day only, for dense lists: `14:11:09.691`. */
export function formatClock(ms: number, display: TimeDisplay = 'utc', biasMinutes?: number): string {
  if (!Number.isFinite(ms)) {
    return '--:--:--';
  }
  const shifted = display === 'hostLocal' && biasMinutes !== undefined ? ms - biasMinutes * 60_000 : ms;
  return parts(shifted).time;
}

/** `+1.250 s ± 0.040 s`, `0 ms`, `+23 h 58 min 44.612 s`: a clock skew as people read it. */
export function formatSkew(ms: number, uncertaintyMs?: number): string {
  const one = (v: number): string =>
    Math.abs(v) >= 60_000
      ? minutesAndSeconds(v, 3)
      : Math.abs(v) >= 1000
        ? `${(v / 1000).toFixed(3)} s`
        : `${Math.round(v)} ms`;
  const sign = ms > 0 ? '+' : ms < 0 ? '-' : '';
  const base = `${sign}${one(Math.abs(ms))}`;
  return uncertaintyMs === undefined ? base : `${base} ± ${one(uncertaintyMs)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return `${(n / 1024).toFixed(1)} KB`;
  }
  if (n < 1024 * 1024 * 1024) {
    return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  }
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}
