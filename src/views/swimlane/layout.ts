// Which lanes are shown, in what order and where: hosts grouped by role (client, MP, WSUS, site server),
// each with a header row and one row per component; a collapsed host is one row that merges its lanes.
// Also reordering, and the rows in a vertical range. Pure functions over plain data, unit-tested.

import type { LaneInfo } from './protocol.ts';

export const HOST_ROW_PX = 22;
export const LANE_ROW_PX = 22;

/** What the user chose about lanes: persisted as navigation state. */
export interface LaneView {
  /** Host indexes in display order. */
  readonly hostOrder: readonly number[];
  /** Per host (by index), its lanes in display order. */
  readonly laneOrder: Readonly<Record<number, readonly number[]>>;
  readonly collapsed: readonly number[];
  /** Host shown alone, or -1 for all. */
  readonly host: number;
  /** Component name shown alone (in every host), or '' for all. */
  readonly component: string;
}

export type LayoutRow =
  | {
      readonly kind: 'host';
      readonly host: number;
      readonly y: number;
      readonly height: number;
      readonly collapsed: boolean;
      /** Lanes whose marks this row shows: all of the host's when collapsed, none when expanded. */
      readonly lanes: readonly number[];
    }
  | {
      readonly kind: 'lane';
      readonly host: number;
      readonly lane: number;
      readonly y: number;
      readonly height: number;
      readonly lanes: readonly number[];
    };

export interface Layout {
  readonly rows: readonly LayoutRow[];
  readonly height: number;
  /** Lane → index of the row that shows its marks (-1 when hidden). */
  readonly rowOfLane: Int32Array;
}

/** The view a bundle opens with: roles in order, lanes by first record, clients collapsed when many. */
export function defaultLaneView(hostCount: number, lanes: readonly LaneInfo[], collapseAbove = 60): LaneView {
  const laneOrder: Record<number, number[]> = {};
  for (let h = 0; h < hostCount; h++) {
    laneOrder[h] = [];
  }
  lanes.forEach((l, i) => laneOrder[l.host]?.push(i));
  const hostOrder = Array.from({ length: hostCount }, (_, i) => i);
  const collapsed = lanes.length > collapseAbove ? hostOrder.filter((h) => (laneOrder[h]?.length ?? 0) > 1) : [];
  return { hostOrder, laneOrder, collapsed, host: -1, component: '' };
}

/** Lays out the rows from the top. Hosts with no lane left after the filters are left out. */
export function layoutLanes(view: LaneView, lanes: readonly LaneInfo[]): Layout {
  const rows: LayoutRow[] = [];
  const rowOfLane = new Int32Array(lanes.length).fill(-1);
  const collapsed = new Set(view.collapsed);
  let y = 0;
  for (const host of view.hostOrder) {
    if (view.host >= 0 && host !== view.host) {
      continue;
    }
    const own = (view.laneOrder[host] ?? []).filter(
      (l) => l < lanes.length && (view.component === '' || lanes[l]!.component === view.component),
    );
    if (own.length === 0) {
      continue;
    }
    if (collapsed.has(host)) {
      own.forEach((l) => (rowOfLane[l] = rows.length));
      rows.push({ kind: 'host', host, y, height: LANE_ROW_PX, collapsed: true, lanes: own });
      y += LANE_ROW_PX;
      continue;
    }
    rows.push({ kind: 'host', host, y, height: HOST_ROW_PX, collapsed: false, lanes: [] });
    y += HOST_ROW_PX;
    for (const lane of own) {
      rowOfLane[lane] = rows.length;
      rows.push({ kind: 'lane', host, lane, y, height: LANE_ROW_PX, lanes: [lane] });
      y += LANE_ROW_PX;
    }
  }
  return { rows, height: y, rowOfLane };
}

/** Index of the row at `y` (layout coordinates), or -1. */
export function rowAt(layout: Layout, y: number): number {
  const rows = layout.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (y < r.y) {
      hi = mid - 1;
    } else if (y >= r.y + r.height) {
      lo = mid + 1;
    } else {
      return mid;
    }
  }
  return -1;
}

/** Rows that intersect `[top, bottom)`, as a [first, last] index range (last < first when none). */
export function rowsIn(layout: Layout, top: number, bottom: number): { first: number; last: number } {
  if (layout.rows.length === 0) {
    return { first: 0, last: -1 };
  }
  const first = Math.max(0, rowAt(layout, Math.max(0, top)));
  let last = rowAt(layout, Math.min(layout.height - 1, bottom - 1));
  if (last < 0) {
    last = layout.rows.length - 1;
  }
  return { first, last };
}

/** Moves the item at `from` to index `to` (after removing it), returning a new array. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const out = [...items];
  if (from < 0 || from >= out.length) {
    return out;
  }
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, item!);
  return out;
}

/** The view with `lane` moved by `delta` places among its host's lanes. */
export function moveLane(view: LaneView, host: number, lane: number, delta: number): LaneView {
  const order = view.laneOrder[host] ?? [];
  const at = order.indexOf(lane);
  if (at < 0) {
    return view;
  }
  return { ...view, laneOrder: { ...view.laneOrder, [host]: moveItem(order, at, at + delta) } };
}

/** The view with `host` moved by `delta` places among the hosts. */
export function moveHost(view: LaneView, host: number, delta: number): LaneView {
  const at = view.hostOrder.indexOf(host);
  return at < 0 ? view : { ...view, hostOrder: moveItem(view.hostOrder, at, at + delta) };
}

export function toggleHost(view: LaneView, host: number): LaneView {
  const collapsed = view.collapsed.includes(host)
    ? view.collapsed.filter((h) => h !== host)
    : [...view.collapsed, host];
  return { ...view, collapsed };
}

/** The view with these hosts expanded (to show a flow's or a chain's lanes one by one). */
export function expandHosts(view: LaneView, hosts: Iterable<number>): LaneView {
  const open = new Set(hosts);
  return { ...view, collapsed: view.collapsed.filter((h) => !open.has(h)) };
}

/**
 * Checks a persisted view against the bundle it is restored on: any host or lane missing or extra
 * (another bundle, or its analysis changed) falls back to the default.
 */
export function restoreLaneView(saved: unknown, hostCount: number, lanes: readonly LaneInfo[]): LaneView {
  const fallback = defaultLaneView(hostCount, lanes);
  if (typeof saved !== 'object' || saved === null) {
    return fallback;
  }
  const v = saved as Partial<LaneView>;
  const hosts = Array.isArray(v.hostOrder) ? v.hostOrder : [];
  const sameSet = (a: readonly unknown[], b: readonly number[]): boolean =>
    a.length === b.length && [...a].sort().join() === [...b].sort().join();
  if (!sameSet(hosts, fallback.hostOrder)) {
    return fallback;
  }
  for (const h of fallback.hostOrder) {
    const order = v.laneOrder?.[h];
    if (!Array.isArray(order) || !sameSet(order, fallback.laneOrder[h] ?? [])) {
      return fallback;
    }
  }
  return {
    hostOrder: hosts,
    laneOrder: v.laneOrder!,
    collapsed: Array.isArray(v.collapsed) ? v.collapsed.filter((h) => Number.isInteger(h)) : fallback.collapsed,
    host: Number.isInteger(v.host) && v.host! < hostCount ? v.host! : -1,
    component: typeof v.component === 'string' ? v.component : '',
  };
}
