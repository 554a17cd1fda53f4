// Time ↔ pixel for the swimlane: the visible window as a d3 UTC scale, the d3-zoom transform that shows a
// window, clamping and zooming windows within the bundle, and tick labels in UTC or a host's local time.
// Pure functions (d3-scale and d3-zoom's transform are plain math), unit-tested without a DOM.

import { scaleUtc, utcFormat, zoomIdentity } from 'd3';
import type { ScaleTime, ZoomTransform } from 'd3';
import type { HostInfo, TimeZoneMode } from './protocol.ts';

/** A time window in corrected UTC ms, `start < end`. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** Never zoom closer than this: 20 ms across the plot still separates records logged 1 ms apart. */
export const MIN_SPAN_MS = 20;

export function timeScale(view: TimeWindow, width: number): ScaleTime<number, number> {
  return scaleUtc().domain([view.start, view.end]).range([0, width]);
}

/** A window moved and shrunk to lie within `extent` and to span at least `MIN_SPAN_MS`. */
export function clampWindow(view: TimeWindow, extent: TimeWindow): TimeWindow {
  const full = extent.end - extent.start;
  let span = Math.min(Math.max(view.end - view.start, MIN_SPAN_MS), Math.max(full, MIN_SPAN_MS));
  if (!Number.isFinite(span)) {
    span = full;
  }
  let start = view.start;
  if (!Number.isFinite(start)) {
    start = extent.start;
  }
  start = Math.min(Math.max(start, extent.start), Math.max(extent.start, extent.end - span));
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping the instant `anchor` where it is on screen. */
export function zoomWindow(view: TimeWindow, anchor: number, factor: number, extent: TimeWindow): TimeWindow {
  const start = anchor - (anchor - view.start) * factor;
  const end = anchor + (view.end - anchor) * factor;
  // Clamping must not move the anchor when zooming in within the extent: clamp the span first.
  const span = Math.max(end - start, MIN_SPAN_MS);
  const f = (anchor - view.start) / (view.end - view.start);
  return clampWindow({ start: anchor - f * span, end: anchor - f * span + span }, extent);
}

export function panWindow(view: TimeWindow, deltaMs: number, extent: TimeWindow): TimeWindow {
  return clampWindow({ start: view.start + deltaMs, end: view.end + deltaMs }, extent);
}

/** A window showing `[start, end]` with `pad` of its span on each side (and at least `minSpan`). */
export function fitWindow(start: number, end: number, extent: TimeWindow, pad = 0.1, minSpan = 2000): TimeWindow {
  const span = Math.max(end - start, minSpan);
  const mid = (start + end) / 2;
  const padded = span * (1 + 2 * pad);
  return clampWindow({ start: mid - padded / 2, end: mid + padded / 2 }, extent);
}

/**
 * The d3-zoom transform under which the base scale (the whole extent over `width`) shows `view`:
 * x' = k·x + tx with k = extent span / view span.
 */
export function transformFor(view: TimeWindow, extent: TimeWindow, width: number): ZoomTransform {
  const k = (extent.end - extent.start) / (view.end - view.start);
  const x0 = ((view.start - extent.start) / (extent.end - extent.start)) * width;
  return zoomIdentity.translate(-k * x0, 0).scale(k);
}

/** The window a d3-zoom transform shows (the inverse of `transformFor`). */
export function windowFor(t: { k: number; x: number }, extent: TimeWindow, width: number): TimeWindow {
  const full = extent.end - extent.start;
  const at = (px: number): number => extent.start + ((px - t.x) / t.k / width) * full;
  return { start: at(0), end: at(width) };
}

/** Largest zoom factor d3-zoom may reach: the extent shown in `MIN_SPAN_MS`. */
export function maxZoom(extent: TimeWindow): number {
  return Math.max(1, (extent.end - extent.start) / MIN_SPAN_MS);
}

/** Offset added to UTC for display: 0, or the chosen host's local time (UTC = local + bias). */
export function zoneOffsetMs(mode: TimeZoneMode, hosts: readonly HostInfo[]): number {
  if (mode.kind === 'utc') {
    return 0;
  }
  const bias = hosts[mode.host]?.biasMinutes;
  return bias === undefined ? 0 : -bias * 60_000;
}

/** Short name of the zone for labels: `UTC`, `UTC-05:00 (PS1WIN10X64)`. */
export function zoneLabel(mode: TimeZoneMode, hosts: readonly HostInfo[]): string {
  if (mode.kind === 'utc') {
    return 'UTC';
  }
  const host = hosts[mode.host];
  const offset = zoneOffsetMs(mode, hosts) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `UTC${sign}${hh}:${mm}${host ? ` (${host.name})` : ''}`;
}

/**
 * Axis ticks for a window in a display zone: positions (UTC ms) and labels. Ticks are chosen on the
 * shifted clock, so they land on round local times, then shifted back.
 */
export function ticks(view: TimeWindow, offsetMs: number, count: number): Array<{ time: number; label: string }> {
  const shifted = scaleUtc().domain([view.start + offsetMs, view.end + offsetMs]);
  const values = shifted.ticks(Math.max(2, count));
  const step = values.length > 1 ? values[1]!.getTime() - values[0]!.getTime() : view.end - view.start;
  const format = utcFormat(tickFormat(step));
  const day = utcFormat('%b %d');
  // A tick on midnight says which day begins there (windows that cross midnight, like a skewed clock's).
  return values.map((d) => ({
    time: d.getTime() - offsetMs,
    label: step >= 60_000 && d.getTime() % 86_400_000 === 0 ? day(d) : format(d),
  }));
}

/** The d3 time format for ticks `step` ms apart: precise enough that neighbouring labels differ. */
export function tickFormat(step: number): string {
  if (step < 1000) {
    return '%H:%M:%S.%L';
  }
  if (step < 60_000) {
    return '%H:%M:%S';
  }
  if (step < 86_400_000) {
    return '%H:%M';
  }
  return '%b %d';
}

/** Date shown beside the axis (the window's first day in the display zone). */
export function dayLabel(view: TimeWindow, offsetMs: number): string {
  return utcFormat('%Y-%m-%d')(new Date(view.start + offsetMs));
}

/** A full timestamp for hover cards, in the display zone. */
export function formatInstant(t: number, offsetMs: number): string {
  return utcFormat('%Y-%m-%d %H:%M:%S.%L')(new Date(t + offsetMs));
}

/**
 * How far a record's time was corrected, for hover cards: `+2.92 s` for a host's skew, `−6 h 2.92 s` for a
 * log decoded in another zone as well.
 */
export function formatCorrection(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const cs = Math.round(Math.abs(ms) / 10);
  const h = Math.floor(cs / 360_000);
  const min = Math.floor((cs % 360_000) / 6000);
  const s = (cs % 6000) / 100;
  const parts = [h > 0 ? `${h} h` : '', min > 0 ? `${min} min` : '', s > 0 || cs === 0 ? `${s.toFixed(2)} s` : ''];
  return sign + parts.filter((p) => p !== '').join(' ');
}
