// The Client Spy webview's pure modules, without a DOM: rows and keys of a tree (tree-model), the filter, the
// ARIA tree keyboard pattern (keyboard), and the Client Deployment chart's layout (chart-layout), on the
// engine's real trees for client-spy-softdist and on small hand-made ones.

import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpyData } from '../../src/spy/data.ts';
import type { SpyNode, SpyTree } from '../../src/spy/model.ts';
import { buildTab } from '../../src/spy/spy.ts';
import {
  MAX_GROUP_WIDTH,
  MIN_LABEL_SPACING,
  continuousDays,
  dayLabel,
  layoutDeploymentChart,
} from '../../src/views/clientspy/chart-layout.ts';
import type { NavRow } from '../../src/views/clientspy/keyboard.ts';
import { PAGE_ROWS, treeKeyCommand } from '../../src/views/clientspy/keyboard.ts';
import type { Row, TreeIndex } from '../../src/views/clientspy/tree-model.ts';
import {
  descendantStates,
  evidenceShortText,
  expandableKeys,
  expandedToDepth,
  filterTree,
  indexTree,
  matchRanges,
  shortTabTitle,
  splitLogNames,
  visibleRows,
} from '../../src/views/clientspy/tree-model.ts';

const ROOT = resolve(__dirname, '../..');

const n = (label: string, children: SpyNode[] = [], extra: Partial<SpyNode> = {}): SpyNode => ({
  label,
  evidence: [],
  children,
  ...extra,
});

// host
//   Section A
//     x: 1          (evidence a.log:1)
//     x: 2          (same label twice: keys differ)
//   Section B
//     deep
//       needle: here (error)
const SMALL: SpyNode[] = [
  n('host', [
    n('Section A', [
      n('x', [], { value: '1', evidence: [{ file: 'H/Logs/a.log', line: 1 }] }),
      n('x', [], { value: '2' }),
    ]),
    n('Section B', [n('deep', [n('needle', [], { value: 'here', state: 'error' })])]),
  ]),
];

function labels(index: TreeIndex, rows: readonly Row[]): string[] {
  return rows.map((r) => '  '.repeat(r.depth) + index.nodes[r.index]!.node.label);
}

function nav(index: TreeIndex, rows: readonly Row[]): NavRow[] {
  return rows.map((r) => ({
    key: r.key,
    depth: r.depth,
    expandable: r.expandable,
    expanded: r.expanded,
    parentKey: r.parentKey,
    label: index.nodes[r.index]!.node.label,
    evidence: index.nodes[r.index]!.node.evidence[0],
  }));
}

describe('tree-model', () => {
  it('flattens in pre-order with ARIA positions and keys that tell same-label siblings apart', () => {
    const index = indexTree(SMALL);
    expect(index.nodes.map((f) => f.node.label)).toEqual([
      'host',
      'Section A',
      'x',
      'x',
      'Section B',
      'deep',
      'needle',
    ]);
    const [, , x1, x2] = index.nodes;
    expect(x1!.key).not.toBe(x2!.key);
    expect([x1!.posInSet, x1!.setSize, x2!.posInSet, x2!.setSize]).toEqual([1, 2, 2, 2]);
    expect(x1!.depth).toBe(2);
    expect(index.nodes[x1!.parent]!.node.label).toBe('Section A');
    expect(index.byKey.get(x2!.key)).toBe(3);
    expect(index.nodes.filter((f) => f.alignValue).map((f) => f.node.label)).toEqual(['x', 'x', 'needle']);
  });

  it('keeps keys across a rebuild that adds nodes elsewhere, so Refresh keeps what was open', () => {
    const before = indexTree(SMALL);
    const grown = indexTree([n('host', [n('New section'), ...SMALL[0]!.children])]);
    const deep = (i: TreeIndex) => i.nodes.find((f) => f.node.label === 'deep')!.key;
    expect(deep(grown)).toBe(deep(before));
  });

  it('shows roots and the children of open rows only', () => {
    const index = indexTree(SMALL);
    expect(labels(index, visibleRows(index, new Set()))).toEqual(['host']);
    const open = expandedToDepth(index, 2);
    expect(labels(index, visibleRows(index, open))).toEqual([
      'host',
      '  Section A',
      '    x',
      '    x',
      '  Section B',
      '    deep',
    ]);
    const rows = visibleRows(index, expandableKeys(index));
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => index.nodes[r.index]!.node.label === 'deep')).toMatchObject({
      expandable: true,
      expanded: true,
    });
    expect(rows[2]!.parentKey).toBe(rows[1]!.key);
  });

  it('filters to the matches and the path to them, opening that path, whatever was open before', () => {
    const index = indexTree(SMALL);
    const filter = filterTree(index, '  NEEDLE ')!;
    expect(filter.query).toBe('needle');
    expect([...filter.matches].map((i) => index.nodes[i]!.node.label)).toEqual(['needle']);
    expect(labels(index, visibleRows(index, filter.openKeys, filter))).toEqual([
      'host',
      '  Section B',
      '    deep',
      '      needle',
    ]);
    const rows = visibleRows(index, filter.openKeys, filter);
    expect(rows.map((r) => r.match)).toEqual([false, false, false, true]);
    expect(filterTree(index, '   ')).toBeUndefined();
  });

  it('searches values, descriptions and evidence too, and keeps what lies under a match', () => {
    const index = indexTree(SMALL);
    const byFile = filterTree(index, 'a.log:1')!;
    expect([...byFile.matches].map((i) => index.nodes[i]!.node.value)).toEqual(['1']);
    const bySection = filterTree(index, 'section b')!;
    // The section matches; its subtree stays reachable (closed until opened).
    expect(labels(index, visibleRows(index, bySection.openKeys, bySection))).toEqual(['host', '  Section B']);
    const opened = new Set([...bySection.openKeys, index.nodes[4]!.key, index.nodes[5]!.key]);
    expect(labels(index, visibleRows(index, opened, bySection))).toEqual([
      'host',
      '  Section B',
      '    deep',
      '      needle',
    ]);
  });

  it('finds every case-insensitive occurrence to highlight', () => {
    expect(matchRanges('CAS.log and cas.LOG', 'cas.log')).toEqual([
      [0, 7],
      [12, 19],
    ]);
    expect(matchRanges('aaaa', 'aa')).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(matchRanges('anything', '')).toEqual([]);
  });

  it('counts the trouble a closed row hides', () => {
    const index = indexTree([
      n('root', [
        n('a', [], { state: 'error' }),
        n('b', [n('c', [], { state: 'unknown' }), n('d', [], { state: 'warning' })]),
      ]),
    ]);
    expect(descendantStates(index, 0)).toEqual({ error: 1, warning: 1, unknown: 1 });
    expect(descendantStates(index, 2)).toEqual({ error: 0, warning: 1, unknown: 1 });
  });

  it('names logs inside an unknown node’s description, and shortens paths and tab titles', () => {
    expect(splitLogNames('CAS.log is not in the bundle; DataTransferService.log records it')).toEqual([
      ['CAS.log', true],
      [' is not in the bundle; ', false],
      ['DataTransferService.log', true],
      [' records it', false],
    ]);
    expect(splitLogNames('no log named here')).toEqual([['no log named here', false]]);
    expect(evidenceShortText({ file: 'PS1WIN10X64/Windows/CCM/Logs/execmgr.log', line: 10 })).toBe('execmgr.log:10');
    expect(shortTabTitle('Software Distribution Cache Information')).toBe('Cache Information');
    expect(shortTabTitle('Client Deployment')).toBe('Client Deployment');
  });
});

describe('keyboard', () => {
  const index = indexTree(SMALL);
  const all = nav(index, visibleRows(index, expandableKeys(index)));
  const key = (label: string, nth = 0) => all.filter((r) => r.label === label)[nth]!.key;

  it('moves with the arrows, Home, End and the page keys, and stops at the ends', () => {
    expect(treeKeyCommand(all, undefined, 'ArrowDown')).toEqual({ kind: 'focus', key: key('host') });
    expect(treeKeyCommand(all, key('host'), 'ArrowDown')).toEqual({ kind: 'focus', key: key('Section A') });
    expect(treeKeyCommand(all, key('host'), 'ArrowUp')).toEqual({ kind: 'none' });
    expect(treeKeyCommand(all, key('x', 1), 'ArrowUp')).toEqual({ kind: 'focus', key: key('x', 0) });
    expect(treeKeyCommand(all, key('host'), 'End')).toEqual({ kind: 'focus', key: key('needle') });
    expect(treeKeyCommand(all, key('needle'), 'Home')).toEqual({ kind: 'focus', key: key('host') });
    expect(treeKeyCommand(all, key('host'), 'PageDown')).toEqual({ kind: 'focus', key: key('needle') });
    expect(PAGE_ROWS).toBeGreaterThan(all.length - 1);
  });

  it('Right opens a closed row, then enters it; Left closes an open row, then goes to the parent', () => {
    const closed = nav(index, visibleRows(index, new Set([key('host')])));
    expect(treeKeyCommand(closed, key('Section A'), 'ArrowRight')).toEqual({ kind: 'expand', key: key('Section A') });
    expect(treeKeyCommand(all, key('Section A'), 'ArrowRight')).toEqual({ kind: 'focus', key: key('x') });
    expect(treeKeyCommand(all, key('x'), 'ArrowRight')).toEqual({ kind: 'none' });
    expect(treeKeyCommand(all, key('Section A'), 'ArrowLeft')).toEqual({ kind: 'collapse', key: key('Section A') });
    expect(treeKeyCommand(all, key('x', 1), 'ArrowLeft')).toEqual({ kind: 'focus', key: key('Section A') });
    expect(treeKeyCommand(closed, key('host'), 'ArrowLeft')).toEqual({ kind: 'collapse', key: key('host') });
    const none = nav(index, visibleRows(index, new Set()));
    expect(treeKeyCommand(none, key('host'), 'ArrowLeft')).toEqual({ kind: 'none' });
  });

  it('Enter reveals the first record of a node that has one, else opens or closes it; Space toggles', () => {
    expect(treeKeyCommand(all, key('x'), 'Enter')).toEqual({
      kind: 'reveal',
      evidence: { file: 'H/Logs/a.log', line: 1 },
    });
    expect(treeKeyCommand(all, key('Section B'), 'Enter')).toEqual({ kind: 'collapse', key: key('Section B') });
    expect(treeKeyCommand(all, key('x', 1), 'Enter')).toEqual({ kind: 'none' });
    expect(treeKeyCommand(all, key('deep'), ' ')).toEqual({ kind: 'collapse', key: key('deep') });
  });

  it('* opens every closed sibling; a letter jumps to the next label starting with it', () => {
    const closed = nav(index, visibleRows(index, new Set([key('host')])));
    expect(treeKeyCommand(closed, key('Section A'), '*')).toEqual({
      kind: 'expandSiblings',
      keys: [key('Section A'), key('Section B')],
    });
    expect(treeKeyCommand(all, key('host'), 'n')).toEqual({ kind: 'focus', key: key('needle') });
    expect(treeKeyCommand(all, key('needle'), 'H')).toEqual({ kind: 'focus', key: key('host') });
    expect(treeKeyCommand(all, key('host'), 'q')).toEqual({ kind: 'none' });
    expect(treeKeyCommand(all, key('host'), 'Tab')).toEqual({ kind: 'none' });
    expect(treeKeyCommand([], undefined, 'ArrowDown')).toEqual({ kind: 'none' });
  });
});

describe('chart-layout', () => {
  it('fills the days between the first and the last with zeros, in order', () => {
    expect(
      continuousDays([
        { day: '2025-03-02', failed: 1, installed: 0 },
        { day: '2025-02-27', failed: 0, installed: 2 },
      ]).map((d) => `${d.day} ${d.failed}/${d.installed}`),
    ).toEqual(['2025-02-27 0/2', '2025-02-28 0/0', '2025-03-01 0/0', '2025-03-02 1/0']);
    expect(continuousDays([{ day: 'not a day', failed: 1, installed: 1 }])).toEqual([]);
  });

  it('labels days briefly, with the year only when the chart crosses one', () => {
    expect(dayLabel('2025-02-07', false)).toBe('Feb 7');
    expect(dayLabel('2025-02-07', true)).toBe('2025-02-07');
  });

  it('lays out one day as a narrow pair of bars with whole-number ticks', () => {
    const layout = layoutDeploymentChart([{ day: '2025-02-17', failed: 3, installed: 12 }], 800, 200);
    expect(layout.bars.map((b) => [b.series, b.count])).toEqual([
      ['failed', 3],
      ['installed', 12],
    ]);
    const [failed, installed] = layout.bars;
    expect(installed!.x + installed!.width - failed!.x).toBeLessThanOrEqual(MAX_GROUP_WIDTH);
    expect(installed!.height).toBeCloseTo(layout.plot.height, 5); // the tallest bar reaches the top tick
    expect(failed!.height).toBeCloseTo((layout.plot.height * 3) / 12, 5);
    expect(failed!.y + failed!.height).toBeCloseTo(layout.plot.height, 5); // bars stand on the baseline
    expect(layout.yTicks.every((t) => Number.isInteger(t.value))).toBe(true);
    expect(layout.yTicks.at(-1)!.value).toBe(12);
    expect(layout.xTicks.map((t) => t.label)).toEqual(['Feb 17']);
    expect(layout.countLabels).toBe(true);
  });

  it('thins day labels when days are many, and keeps every bar inside the plot', () => {
    const days = Array.from({ length: 90 }, (_, i) => ({
      day: new Date(Date.UTC(2024, 11, 1) + i * 86_400_000).toISOString().slice(0, 10),
      failed: i % 3,
      installed: i % 4,
    }));
    const layout = layoutDeploymentChart(days, 600, 200);
    expect(layout.days).toHaveLength(90);
    for (let i = 1; i < layout.xTicks.length; i++) {
      expect(layout.xTicks[i]!.x - layout.xTicks[i - 1]!.x).toBeGreaterThanOrEqual(MIN_LABEL_SPACING);
    }
    // The chart crosses a year: its labels carry it.
    expect(layout.xTicks[0]!.label).toBe('2024-12-01');
    for (const b of layout.bars) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(layout.plot.width + 1e-9);
      expect(b.y).toBeGreaterThanOrEqual(0);
    }
    expect(layout.countLabels).toBe(false);
  });

  it('lays out a chart of nothing but zeros without dividing by zero', () => {
    const layout = layoutDeploymentChart([{ day: '2025-02-17', failed: 0, installed: 0 }], 400, 200);
    expect(layout.bars).toEqual([]);
    expect(layout.yTicks.map((t) => t.value)).toEqual([0, 1]);
  });
});

describe('on the engine’s trees (client-spy-softdist)', () => {
  let trees: SpyTree[];
  beforeAll(async () => {
    const data = await loadSpyData(join(ROOT, 'samples/logs/client-spy-softdist'));
    trees = await Promise.all(
      (['execution-requests', 'cache', 'client-deployment'] as const).map((t) => buildTab(data, t)),
    );
  });

  it('gives every node a unique key, and every row a parent that is on screen', () => {
    for (const tree of trees) {
      const index = indexTree(tree.roots);
      expect(new Set(index.nodes.map((f) => f.key)).size).toBe(index.nodes.length);
      const rows = visibleRows(index, expandableKeys(index));
      expect(rows).toHaveLength(index.nodes.length);
      const seen = new Set<string>();
      for (const r of rows) {
        if (r.parentKey !== undefined) {
          expect(seen.has(r.parentKey)).toBe(true);
        }
        seen.add(r.key);
      }
    }
  });

  it('finds the failing request by its error code and lays out the two-client chart', () => {
    const index = indexTree(trees[0]!.roots);
    const filter = filterTree(index, '1618')!;
    expect(labels(index, visibleRows(index, filter.openKeys, filter))).toEqual([
      'PS1WIN10X64',
      '  PS120005  PS100014  Install VPN',
      '    Failure code',
    ]);
    const chart = trees[2]!.chart!;
    const layout = layoutDeploymentChart(chart.days, 900, 220);
    expect(layout.bars.map((b) => `${b.day} ${b.series} ${b.count}`)).toEqual([
      '2025-02-17 failed 1',
      '2025-02-17 installed 1',
      '2025-02-18 failed 1',
    ]);
  });
});
