// The Client Spy tree in the DOM: an ARIA tree of flat rows (aria-level/posinset/setsize), one focusable row
// at a time (roving tabindex), keyboard commands from keyboard.ts, rows from tree-model.ts. A row reads like
// Client Spy's tree: marker, `label: value — description`, and the records it stands on as small link-styled
// buttons. Every piece of node text goes in as text.

let measureContext: CanvasRenderingContext2D | null | undefined;

/** Width of `text` in `font` (CSS shorthand), from a canvas that is never attached to the page. */
function measureText(text: string, font: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (measureContext === null) {
    return 0;
  }
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

import type { SpyEvidence, SpyNode } from '../../spy/model.ts';
import { appendHighlighted, chevronIcon, h, hostIcon, stateIcon } from './dom.ts';
import type { NavRow } from './keyboard.ts';
import { treeKeyCommand } from './keyboard.ts';
import type { FilterResult, Row, TreeIndex } from './tree-model.ts';
import {
  descendantStates,
  splitLogNames,
  evidenceShortText,
  evidenceText,
  expandableKeys,
  expandedToDepth,
  filterTree,
  indexTree,
  matchRanges,
  visibleRows,
} from './tree-model.ts';

/** Levels a tab shows open the first time: the client, its sections, and their items. */
export const INITIAL_DEPTH = 2;

const STATE_WORDS = { ok: 'OK', warning: 'Warning', error: 'Error', unknown: 'Unknown' } as const;

export class SpyTreeView {
  readonly element: HTMLElement;
  private index: TreeIndex = indexTree([]);
  private expanded = new Set<string>();
  /** Expansion while a filter is on; starts as the matches' ancestors, dropped with the filter. */
  private filterExpanded = new Set<string>();
  private filter: FilterResult | undefined;
  private rows: Row[] = [];
  private focusedKey: string | undefined;
  private readonly rowElements = new Map<string, HTMLElement>();
  private readonly evidenceOf = new WeakMap<Element, SpyEvidence>();
  private readonly empty: HTMLElement;

  constructor(
    label: string,
    private readonly onReveal: (evidence: SpyEvidence) => void,
  ) {
    this.element = h('div', 'spy-tree');
    this.element.setAttribute('role', 'tree');
    this.element.setAttribute('aria-label', label);
    this.empty = h('p', 'spy-empty');
    this.element.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.element.addEventListener('focusin', (e) => this.onFocusIn(e));
  }

  /** Shows `roots`. A first tree opens INITIAL_DEPTH levels; a refreshed one keeps what was open and focused. */
  setTree(roots: readonly SpyNode[], keepState: boolean): void {
    this.index = indexTree(roots);
    if (!keepState) {
      this.expanded = expandedToDepth(this.index, INITIAL_DEPTH);
      this.focusedKey = undefined;
    }
    this.rowElements.clear();
    this.applyFilter(this.filter?.query ?? '');
  }

  /** Filters the rows; returns how many nodes match (undefined when the query is empty). */
  setFilter(query: string): number | undefined {
    this.applyFilter(query);
    return this.filter?.matches.size;
  }

  get matchCount(): number | undefined {
    return this.filter?.matches.size;
  }

  expandAll(): void {
    const all = expandableKeys(this.index);
    if (this.filter === undefined) {
      this.expanded = all;
    } else {
      this.filterExpanded = all;
    }
    this.render();
  }

  collapseAll(): void {
    if (this.filter === undefined) {
      this.expanded = new Set();
    } else {
      this.filterExpanded = new Set();
    }
    // Focus goes to the root of what was focused, the only kind of row still on screen.
    let at = this.focusedKey === undefined ? undefined : this.index.byKey.get(this.focusedKey);
    while (at !== undefined && this.index.nodes[at]!.parent >= 0) {
      at = this.index.nodes[at]!.parent;
    }
    this.focusedKey = at === undefined ? undefined : this.index.nodes[at]!.key;
    this.render();
  }

  focus(): void {
    const key = this.focusedKey ?? this.rows[0]?.key;
    if (key !== undefined) {
      this.focusRow(key);
    }
  }

  private applyFilter(query: string): void {
    const before = this.filter?.query;
    this.filter = filterTree(this.index, query);
    if (this.filter !== undefined && this.filter.query !== before) {
      this.filterExpanded = new Set(this.filter.openKeys);
    }
    this.rowElements.clear();
    this.render();
  }

  private get openKeys(): Set<string> {
    return this.filter === undefined ? this.expanded : this.filterExpanded;
  }

  private setOpen(keys: readonly string[], open: boolean): void {
    for (const key of keys) {
      if (open) {
        this.openKeys.add(key);
      } else {
        this.openKeys.delete(key);
      }
    }
    this.render();
  }

  private render(): void {
    const hadFocus = this.element.contains(document.activeElement);
    this.rows = visibleRows(this.index, this.openKeys, this.filter);
    this.element.classList.toggle('filtering', this.filter !== undefined);
    if (this.focusedKey !== undefined && !this.rows.some((r) => r.key === this.focusedKey)) {
      this.focusedKey = this.nearestVisibleAncestor(this.focusedKey);
    }
    const focused = this.focusedKey ?? this.rows[0]?.key;
    const elements: HTMLElement[] = [];
    for (const row of this.rows) {
      let el = this.rowElements.get(row.key);
      if (el === undefined) {
        el = this.buildRow(row);
        this.rowElements.set(row.key, el);
      }
      this.updateRow(el, row, row.key === focused);
      elements.push(el);
    }
    if (elements.length === 0) {
      this.empty.textContent =
        this.filter !== undefined
          ? `Nothing in this tab matches “${this.filter.query}”.`
          : 'No client in this bundle: the tab has nothing to show.';
      this.element.replaceChildren(this.empty);
    } else {
      this.element.replaceChildren(...elements);
    }
    this.alignLabels(elements);
    if (hadFocus && focused !== undefined) {
      this.rowElements.get(focused)?.focus();
    }
  }

  /**
   * Lines up the values of sibling rows: each aligned label gets the width of the widest label among its
   * visible siblings. Measured with a canvas in the labels' own font rather than from layout, so that a tab
   * of thousands of rows is not laid out whole (rows off screen are skipped by `content-visibility`), and so
   * that a tree drawn in a hidden tab is aligned too.
   */
  private alignLabels(elements: readonly HTMLElement[]): void {
    const groups = new Map<string, HTMLElement[]>();
    for (const el of elements) {
      const label = el.querySelector<HTMLElement>(':scope > .text > .label.aligned');
      if (label !== null) {
        const group = el.dataset['parent'] ?? '';
        const list = groups.get(group);
        if (list === undefined) {
          groups.set(group, [label]);
        } else {
          list.push(label);
        }
      }
    }
    const fonts = new Map<string, string>();
    for (const labels of groups.values()) {
      let widest = 0;
      for (const label of labels) {
        // Roots are bold: the font is read per row kind, not once for the tree.
        const kind = label.parentElement?.parentElement?.className ?? '';
        let font = fonts.get(kind);
        if (font === undefined) {
          font = getComputedStyle(label).font;
          fonts.set(kind, font);
        }
        widest = Math.max(widest, measureText(label.textContent ?? '', font));
      }
      for (const label of labels) {
        label.style.setProperty('--label-w', `${Math.ceil(widest) + 1}px`);
      }
    }
  }

  private nearestVisibleAncestor(key: string): string | undefined {
    const visible = new Set(this.rows.map((r) => r.key));
    let at = this.index.byKey.get(key);
    while (at !== undefined && at >= 0) {
      const k = this.index.nodes[at]!.key;
      if (visible.has(k)) {
        return k;
      }
      at = this.index.nodes[at]!.parent;
    }
    return undefined;
  }

  private buildRow(row: Row): HTMLElement {
    const flat = this.index.nodes[row.index]!;
    const node = flat.node;
    const query = this.filter?.query ?? '';
    const el = h('div', 'row');
    el.setAttribute('role', 'treeitem');
    el.setAttribute('aria-level', String(row.depth + 1));
    el.setAttribute('aria-posinset', String(flat.posInSet));
    el.setAttribute('aria-setsize', String(flat.setSize));
    el.dataset['key'] = row.key;
    el.dataset['parent'] = row.parentKey ?? '';
    el.style.setProperty('--depth', String(row.depth));
    if (row.depth === 0) {
      el.classList.add('root');
    }
    if (node.state !== undefined) {
      el.classList.add(`state-${node.state}`);
    }

    const twisty = h('span', 'twisty');
    if (row.expandable) {
      twisty.append(chevronIcon());
    }
    const marker = h('span', 'marker');
    if (node.state !== undefined) {
      marker.append(stateIcon(node.state));
      marker.title = STATE_WORDS[node.state];
    } else if (row.depth === 0) {
      marker.append(hostIcon());
    }

    const text = h('span', 'text');
    if (node.state !== undefined && node.state !== 'ok') {
      text.append(h('span', 'sr-only', `${STATE_WORDS[node.state]}: `));
    }
    const label = h('span', 'label');
    appendHighlighted(label, node.label, matchRanges(node.label, query));
    text.append(label);
    if (node.value !== undefined) {
      label.append(document.createTextNode(':'));
      if (flat.alignValue) {
        label.classList.add('aligned');
      }
      const value = h('span', 'value');
      appendHighlighted(value, node.value, matchRanges(node.value, query));
      text.append(value);
    }
    if (node.description !== undefined && node.description !== '') {
      const desc = h('span', 'description');
      // Unknown: the log that would tell stands out from the sentence that names it.
      const parts: Array<[string, boolean]> =
        node.state === 'unknown' ? splitLogNames(node.description) : [[node.description, false]];
      for (const [part, isLog] of parts) {
        const target = isLog ? h('span', 'log-name') : desc;
        appendHighlighted(target, part, matchRanges(part, query));
        if (target !== desc) {
          desc.append(target);
        }
      }
      text.append(desc);
    } else if (
      node.children.length === 0 &&
      node.value === undefined &&
      node.evidence.length === 0 &&
      node.state === undefined
    ) {
      // A section with nothing in it: say so rather than leave a bare heading.
      text.append(h('span', 'empty-group', 'none in the logs at hand'));
    }
    const rollup = h('span', 'rollup');
    text.append(rollup);

    const evidence = h('span', 'evidence');
    for (const ev of node.evidence) {
      const b = h('button', 'ev');
      b.type = 'button';
      b.tabIndex = -1;
      appendHighlighted(b, evidenceShortText(ev), matchRanges(evidenceShortText(ev), query));
      b.title = `Open ${evidenceText(ev)}`;
      b.setAttribute('aria-label', `Open ${ev.file} at line ${ev.line}`);
      this.evidenceOf.set(b, ev);
      evidence.append(b);
    }
    el.append(twisty, marker, text, evidence);
    return el;
  }

  private updateRow(el: HTMLElement, row: Row, focused: boolean): void {
    if (row.expandable) {
      el.setAttribute('aria-expanded', String(row.expanded));
    } else {
      el.removeAttribute('aria-expanded');
    }
    el.classList.toggle('expandable', row.expandable);
    el.classList.toggle('expanded', row.expanded);
    el.classList.toggle('match', row.match);
    el.tabIndex = focused ? 0 : -1;
    for (const b of el.querySelectorAll<HTMLButtonElement>('button.ev')) {
      b.tabIndex = focused ? 0 : -1;
    }
    // A closed row says what trouble it hides, so a collapsed client still shows its errors.
    const rollup = el.querySelector<HTMLElement>('.rollup');
    if (rollup !== null) {
      const hidden = row.expandable && !row.expanded ? descendantStates(this.index, row.index) : undefined;
      rollup.replaceChildren();
      if (hidden !== undefined) {
        const parts: Array<[number, string, string]> = [
          [hidden.error, 'error', hidden.error === 1 ? 'error' : 'errors'],
          [hidden.warning, 'warning', hidden.warning === 1 ? 'warning' : 'warnings'],
          [hidden.unknown, 'unknown', 'unknown'],
        ];
        for (const [count, kind, word] of parts) {
          if (count > 0) {
            rollup.append(h('span', `count count-${kind}`, `${count} ${word}`));
          }
        }
      }
    }
  }

  private navRows(): NavRow[] {
    return this.rows.map((r) => {
      const node = this.index.nodes[r.index]!.node;
      return {
        key: r.key,
        depth: r.depth,
        expandable: r.expandable,
        expanded: r.expanded,
        parentKey: r.parentKey,
        label: node.label,
        evidence: node.evidence[0],
      };
    });
  }

  private focusRow(key: string): void {
    const prev = this.focusedKey === undefined ? undefined : this.rowElements.get(this.focusedKey);
    this.focusedKey = key;
    const row = this.rows.find((r) => r.key === key);
    const el = this.rowElements.get(key);
    if (prev !== undefined && prev !== el) {
      const prevRow = this.rows.find((r) => r.key === prev.dataset['key']);
      if (prevRow !== undefined) {
        this.updateRow(prev, prevRow, false);
      }
    }
    if (row !== undefined && el !== undefined) {
      this.updateRow(el, row, true);
      el.focus();
      el.scrollIntoView({ block: 'nearest' });
    }
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) {
      return;
    }
    const target = e.target as Element;
    if (target.closest('button.ev') !== null && (e.key === 'Enter' || e.key === ' ')) {
      return; // the evidence button's own click
    }
    const rowEl = target.closest<HTMLElement>('[role="treeitem"]');
    const command = treeKeyCommand(this.navRows(), rowEl?.dataset['key'] ?? this.focusedKey, e.key);
    switch (command.kind) {
      case 'none':
        return;
      case 'focus':
        this.focusRow(command.key);
        break;
      case 'expand':
        this.setOpen([command.key], true);
        break;
      case 'collapse':
        this.setOpen([command.key], false);
        break;
      case 'expandSiblings':
        this.setOpen(command.keys, true);
        break;
      case 'reveal':
        this.onReveal(command.evidence);
        break;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as Element;
    const button = target.closest('button.ev');
    if (button !== null) {
      const ev = this.evidenceOf.get(button);
      if (ev !== undefined) {
        this.onReveal(ev);
      }
      return;
    }
    const rowEl = target.closest<HTMLElement>('[role="treeitem"]');
    const key = rowEl?.dataset['key'];
    if (key === undefined) {
      return;
    }
    this.focusRow(key);
    // Clicking a row opens or closes it, unless the click ended a text selection (copying a value).
    const selection = window.getSelection();
    const selecting = selection !== null && !selection.isCollapsed && rowEl!.contains(selection.anchorNode);
    const row = this.rows.find((r) => r.key === key);
    if (row?.expandable === true && (!selecting || target.closest('.twisty') !== null)) {
      this.setOpen([key], !row.expanded);
    }
  }

  private onDoubleClick(e: MouseEvent): void {
    const target = e.target as Element;
    if (target.closest('button.ev, .twisty') !== null) {
      return;
    }
    const key = target.closest<HTMLElement>('[role="treeitem"]')?.dataset['key'];
    const i = key === undefined ? undefined : this.index.byKey.get(key);
    const ev = i === undefined ? undefined : this.index.nodes[i]!.node.evidence[0];
    if (ev !== undefined && this.index.nodes[i!]!.children.length === 0) {
      this.onReveal(ev);
    }
  }

  private onFocusIn(e: FocusEvent): void {
    const rowEl = (e.target as Element).closest<HTMLElement>('[role="treeitem"]');
    const key = rowEl?.dataset['key'];
    if (key !== undefined && key !== this.focusedKey) {
      const prev = this.focusedKey === undefined ? undefined : this.rowElements.get(this.focusedKey);
      this.focusedKey = key;
      const prevRow = prev === undefined ? undefined : this.rows.find((r) => r.key === prev.dataset['key']);
      if (prev !== undefined && prevRow !== undefined) {
        this.updateRow(prev, prevRow, false);
      }
      const row = this.rows.find((r) => r.key === key);
      if (row !== undefined) {
        this.updateRow(rowEl!, row, true);
      }
    }
  }
}
