// A Client Spy tree as rows a view can draw: every node flattened once with a stable key, which rows are
// visible for a set of expanded keys, and the filter (matches, the ancestors that lead to them, the text
// ranges to highlight). Pure and DOM-free, unit-tested in Node; the DOM renderer (tree-view.ts) only draws
// what these functions return.

import type { SpyEvidence, SpyNode } from '../../spy/model.ts';

/** One node of the tree, flattened in pre-order. */
export interface FlatNode {
  /**
   * Stable across a Refresh: the labels from the root down, each with its index among same-label siblings,
   * so that expansion and focus survive a rebuild that adds or removes other nodes.
   */
  readonly key: string;
  readonly node: SpyNode;
  /** 0 for a root (a client host). */
  readonly depth: number;
  /** Index of the parent in `TreeIndex.nodes`; -1 for a root. */
  readonly parent: number;
  readonly children: readonly number[];
  /** 1-based position among its siblings, and how many they are (aria-posinset / aria-setsize). */
  readonly posInSet: number;
  readonly setSize: number;
  /**
   * Whether its value lines up with its siblings' values like a property list: it has a value, and its label
   * is short enough to share a column (a longer one would push every sibling's value far right).
   */
  readonly alignValue: boolean;
}

export interface TreeIndex {
  readonly nodes: readonly FlatNode[];
  readonly roots: readonly number[];
  readonly byKey: ReadonlyMap<string, number>;
}

/** Labels longer than this (characters) do not take part in their siblings' value column. */
export const MAX_ALIGNED_LABEL = 36;

export function indexTree(roots: readonly SpyNode[]): TreeIndex {
  const nodes: FlatNode[] = [];
  const byKey = new Map<string, number>();

  const visit = (list: readonly SpyNode[], parent: number, parentKey: string, depth: number): number[] => {
    const seen = new Map<string, number>();
    const indices: number[] = [];
    list.forEach((node, i) => {
      const dup = seen.get(node.label) ?? 0;
      seen.set(node.label, dup + 1);
      const key = `${parentKey}/${node.label.replace(/[\\/]/g, '\\$&')}#${dup}`;
      const index = nodes.length;
      const flat: FlatNode & { children: number[] } = {
        key,
        node,
        depth,
        parent,
        children: [],
        posInSet: i + 1,
        setSize: list.length,
        alignValue: node.value !== undefined && node.label.length <= MAX_ALIGNED_LABEL,
      };
      nodes.push(flat);
      byKey.set(key, index);
      indices.push(index);
      flat.children = visit(node.children, index, key, depth + 1);
    });
    return indices;
  };

  const rootIndices = visit(roots, -1, '', 0);
  return { nodes, roots: rootIndices, byKey };
}

/** Keys of every node that has children (Expand all). */
export function expandableKeys(index: TreeIndex): Set<string> {
  return new Set(index.nodes.filter((n) => n.children.length > 0).map((n) => n.key));
}

/** Keys of the nodes with children above `depth`: what a tab shows open the first time it is drawn. */
export function expandedToDepth(index: TreeIndex, depth: number): Set<string> {
  return new Set(index.nodes.filter((n) => n.children.length > 0 && n.depth < depth).map((n) => n.key));
}

/** A row the view draws. */
export interface Row {
  readonly index: number;
  readonly key: string;
  readonly depth: number;
  readonly expandable: boolean;
  readonly expanded: boolean;
  /** Key of the parent row (undefined for a root). */
  readonly parentKey: string | undefined;
  /** The node matched the filter (as opposed to being shown because it leads to a match). */
  readonly match: boolean;
}

/**
 * The rows to draw, in order: roots, and the children of every open row. With `filter`, only what it
 * includes (matches, their ancestors, and whatever lies under a match).
 */
export function visibleRows(index: TreeIndex, expanded: ReadonlySet<string>, filter?: FilterResult): Row[] {
  const rows: Row[] = [];
  const walk = (list: readonly number[]): void => {
    for (const i of list) {
      if (filter !== undefined && !filter.included.has(i)) {
        continue;
      }
      const n = index.nodes[i]!;
      const expandable = n.children.some((c) => filter === undefined || filter.included.has(c));
      const open = expandable && expanded.has(n.key);
      rows.push({
        index: i,
        key: n.key,
        depth: n.depth,
        expandable,
        expanded: open,
        parentKey: n.parent < 0 ? undefined : index.nodes[n.parent]!.key,
        match: filter?.matches.has(i) ?? false,
      });
      if (open) {
        walk(n.children);
      }
    }
  };
  walk(index.roots);
  return rows;
}

// --- filter ---------------------------------------------------------------------------------------------

export interface FilterResult {
  /** The query as matched (trimmed, lower case). */
  readonly query: string;
  /** Nodes whose own text contains the query. */
  readonly matches: ReadonlySet<number>;
  /** Nodes drawn while filtering: matches, their ancestors, everything under a match. */
  readonly included: ReadonlySet<number>;
  /** Keys of the ancestors of matches: open while the filter is on, so that every match shows. */
  readonly openKeys: ReadonlySet<string>;
}

/** The text of a node the filter searches: what the row shows, evidence included. */
export function nodeSearchText(node: SpyNode): string {
  const parts = [node.label];
  if (node.value !== undefined) {
    parts.push(node.value);
  }
  if (node.description !== undefined) {
    parts.push(node.description);
  }
  for (const e of node.evidence) {
    parts.push(evidenceText(e));
  }
  return parts.join('\n').toLowerCase();
}

/** Undefined for an empty query (no filter). */
export function filterTree(index: TreeIndex, rawQuery: string): FilterResult | undefined {
  const query = rawQuery.trim().toLowerCase();
  if (query === '') {
    return undefined;
  }
  const matches = new Set<number>();
  const included = new Set<number>();
  const openKeys = new Set<string>();
  index.nodes.forEach((n, i) => {
    if (nodeSearchText(n.node).includes(query)) {
      matches.add(i);
    }
  });
  for (const m of matches) {
    for (let p = index.nodes[m]!.parent; p >= 0 && !openKeys.has(index.nodes[p]!.key); p = index.nodes[p]!.parent) {
      openKeys.add(index.nodes[p]!.key);
      included.add(p);
    }
  }
  // Pre-order: a node is under a match when its parent is a match or under one.
  const under = new Set<number>();
  index.nodes.forEach((n, i) => {
    if (matches.has(i) || (n.parent >= 0 && under.has(n.parent))) {
      under.add(i);
      included.add(i);
    }
  });
  return { query, matches, included, openKeys };
}

/** Where `query` (lower case) occurs in `text`, case-insensitively, as [start, end) ranges that do not overlap. */
export function matchRanges(text: string, query: string): Array<readonly [number, number]> {
  const ranges: Array<readonly [number, number]> = [];
  if (query === '') {
    return ranges;
  }
  const lower = text.toLowerCase();
  // Lower-casing can change a string's length (rare letters); then highlight nothing rather than the wrong text.
  if (lower.length !== text.length) {
    return ranges;
  }
  for (let at = lower.indexOf(query); at >= 0; at = lower.indexOf(query, at + query.length)) {
    ranges.push([at, at + query.length]);
  }
  return ranges;
}

// --- evidence -------------------------------------------------------------------------------------------

/** `file:line` as the save actions write it. */
export function evidenceText(e: SpyEvidence): string {
  return `${e.file}:${e.line}`;
}

/** The short form a row shows (`execmgr.log:10`); the full path goes in its tooltip. */
export function evidenceShortText(e: SpyEvidence): string {
  const slash = Math.max(e.file.lastIndexOf('/'), e.file.lastIndexOf('\\'));
  return `${e.file.slice(slash + 1)}:${e.line}`;
}

/** `description` cut into text and log file names (`execmgr.log`), in order: [part, isLogName]. */
export function splitLogNames(description: string): Array<[string, boolean]> {
  const parts: Array<[string, boolean]> = [];
  const re = /[\w.-]+\.log\b/gi;
  let at = 0;
  for (let m = re.exec(description); m !== null; m = re.exec(description)) {
    if (m.index > at) {
      parts.push([description.slice(at, m.index), false]);
    }
    parts.push([m[0], true]);
    at = m.index + m[0].length;
  }
  if (at < description.length) {
    parts.push([description.slice(at), false]);
  }
  return parts;
}

// --- roll-up --------------------------------------------------------------------------------------------

export interface StateCounts {
  readonly error: number;
  readonly warning: number;
  readonly unknown: number;
}

/** How many nodes under `i` (not counting it) are in error, warning or unknown: what a closed row hides. */
export function descendantStates(index: TreeIndex, i: number): StateCounts {
  let error = 0;
  let warning = 0;
  let unknown = 0;
  const stack = [...index.nodes[i]!.children];
  while (stack.length > 0) {
    const n = index.nodes[stack.pop()!]!;
    if (n.node.state === 'error') {
      error++;
    } else if (n.node.state === 'warning') {
      warning++;
    } else if (n.node.state === 'unknown') {
      unknown++;
    }
    stack.push(...n.children);
  }
  return { error, warning, unknown };
}

/** Short titles for the tab strip (the full title heads the panel): "Software Distribution " goes. */
export function shortTabTitle(title: string): string {
  const short = title.replace(/^Software Distribution\s+/i, '');
  return short === '' ? title : short;
}
