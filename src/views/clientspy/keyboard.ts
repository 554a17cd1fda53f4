// Keyboard navigation of the Client Spy tree, after the WAI-ARIA tree view pattern: a key and the rows on
// screen give a command (move focus, open, close, reveal the node's record). Pure: the DOM view applies the
// command, the unit tests check the pattern without a browser.

import type { SpyEvidence } from '../../spy/model.ts';

/** What navigation needs to know about a visible row. */
export interface NavRow {
  readonly key: string;
  readonly depth: number;
  readonly expandable: boolean;
  readonly expanded: boolean;
  readonly parentKey: string | undefined;
  /** For type-ahead. */
  readonly label: string;
  /** The record Enter opens. */
  readonly evidence: SpyEvidence | undefined;
}

export type TreeCommand =
  | { readonly kind: 'focus'; readonly key: string }
  | { readonly kind: 'expand'; readonly key: string }
  | { readonly kind: 'collapse'; readonly key: string }
  /** `*`: open every sibling of the focused row. */
  | { readonly kind: 'expandSiblings'; readonly keys: readonly string[] }
  | { readonly kind: 'reveal'; readonly evidence: SpyEvidence }
  | { readonly kind: 'none' };

const NONE: TreeCommand = { kind: 'none' };

/** Rows PageUp/PageDown move by. */
export const PAGE_ROWS = 10;

/**
 * The command for `key` (a KeyboardEvent.key) with `focused` the focused row's key (undefined: none yet;
 * the first key focuses the first row).
 */
export function treeKeyCommand(rows: readonly NavRow[], focused: string | undefined, key: string): TreeCommand {
  if (rows.length === 0) {
    return NONE;
  }
  const at = focused === undefined ? -1 : rows.findIndex((r) => r.key === focused);
  if (at < 0) {
    return { kind: 'focus', key: rows[0]!.key };
  }
  const row = rows[at]!;
  const focus = (i: number): TreeCommand => {
    const target = rows[Math.max(0, Math.min(rows.length - 1, i))]!;
    return target.key === row.key ? NONE : { kind: 'focus', key: target.key };
  };
  switch (key) {
    case 'ArrowDown':
      return focus(at + 1);
    case 'ArrowUp':
      return focus(at - 1);
    case 'Home':
      return focus(0);
    case 'End':
      return focus(rows.length - 1);
    case 'PageDown':
      return focus(at + PAGE_ROWS);
    case 'PageUp':
      return focus(at - PAGE_ROWS);
    case 'ArrowRight':
      if (row.expandable && !row.expanded) {
        return { kind: 'expand', key: row.key };
      }
      if (row.expanded) {
        const next = rows[at + 1];
        return next !== undefined && next.parentKey === row.key ? { kind: 'focus', key: next.key } : NONE;
      }
      return NONE;
    case 'ArrowLeft':
      if (row.expanded) {
        return { kind: 'collapse', key: row.key };
      }
      return row.parentKey === undefined ? NONE : { kind: 'focus', key: row.parentKey };
    case 'Enter':
      if (row.evidence !== undefined) {
        return { kind: 'reveal', evidence: row.evidence };
      }
      return toggle(row);
    case ' ':
      return toggle(row);
    case '*': {
      const keys = rows.filter((r) => r.parentKey === row.parentKey && r.expandable && !r.expanded).map((r) => r.key);
      return keys.length === 0 ? NONE : { kind: 'expandSiblings', keys };
    }
    default:
      return typeAhead(rows, at, key);
  }
}

function toggle(row: NavRow): TreeCommand {
  if (!row.expandable) {
    return NONE;
  }
  return row.expanded ? { kind: 'collapse', key: row.key } : { kind: 'expand', key: row.key };
}

/** A printable character focuses the next row whose label starts with it, wrapping around. */
function typeAhead(rows: readonly NavRow[], at: number, key: string): TreeCommand {
  if ([...key].length !== 1 || key.trim() === '') {
    return NONE;
  }
  const ch = key.toLowerCase();
  for (let step = 1; step < rows.length; step++) {
    const r = rows[(at + step) % rows.length]!;
    if (r.label.trimStart().toLowerCase().startsWith(ch)) {
      return { kind: 'focus', key: r.key };
    }
  }
  return NONE;
}
