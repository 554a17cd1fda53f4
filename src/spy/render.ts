// Client Spy trees as text: what "Save current tab to file", "Save all tabs to file" and `cmflow spy` print.
// Two spaces of indent per level; a node is `label: value [state] — description  @ file:line, …`; the
// Client Deployment chart follows its tree as a table of failures and installs per UTC day.

import type { SpyNode, SpyTree } from './model.ts';

function nodeLine(n: SpyNode, depth: number): string {
  let s = '  '.repeat(depth) + n.label;
  if (n.value !== undefined) {
    s += `: ${n.value}`;
  }
  if (n.state !== undefined && n.state !== 'ok') {
    s += ` [${n.state}]`;
  }
  if (n.description !== undefined && n.description !== '') {
    s += ` — ${n.description}`;
  }
  if (n.evidence.length > 0) {
    s += `  @ ${n.evidence.map((e) => `${e.file}:${e.line}`).join(', ')}`;
  }
  return s;
}

function walk(n: SpyNode, depth: number, out: string[]): void {
  out.push(nodeLine(n, depth));
  for (const c of n.children) {
    walk(c, depth + 1, out);
  }
}

/** One tab as indented text, ending with a newline. */
export function renderTabText(tree: SpyTree): string {
  const out = [`# ${tree.title} — ${tree.bundle}`, ''];
  if (tree.roots.length === 0) {
    out.push('(no client in this bundle)');
  }
  for (const root of tree.roots) {
    walk(root, 0, out);
  }
  const chart = tree.chart;
  if (chart !== undefined) {
    out.push('', `## ${chart.title}`);
    if (chart.days.length === 0) {
      out.push('(no ccmsetup run finished in the logs at hand)');
    }
    for (const d of chart.days) {
      out.push(`${d.day}  failed ${d.failed}  installed ${d.installed}`);
    }
    for (const p of chart.points) {
      out.push(
        `  ${p.utc}  ${p.host}  ${p.state}${p.errorCode === undefined ? '' : ` ${p.errorCode}`}  @ ${p.evidence.file}:${p.evidence.line}`,
      );
    }
  }
  return out.join('\n') + '\n';
}

/** Every tab, one after the other, as one text file. */
export function renderAllTabsText(trees: readonly SpyTree[]): string {
  return trees.map(renderTabText).join('\n');
}
