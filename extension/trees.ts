// The three native trees of the CMFlow container. Failures: each failure, opened to its chain from the
// upstream cause down to the failing record; failures that are one story on many hosts (what failed and
// the cause's wording alike) are a group of their own, largest first. Flows: by kind, then flow (status
// icon), then its events, fetched from the worker when opened. Hosts: role, zone, estimated clock skew
// and files. Selecting a record reveals it in its log.

import * as vscode from 'vscode';
import { headline } from '../src/parsers/messages/values.ts';
import type { BundleSummary, EventRef, FailureRef, FileRef, FlowRef } from '../src/service/session.ts';
import type { TimelineHost } from '../src/correlate/model.ts';
import { fileClockOutcome } from '../src/correlate/file-clocks.ts';
import { flowName } from '../src/correlate/flow-name.ts';
import { groupFailures, occurrences, onHosts } from '../src/correlate/failure-groups.ts';
import { Command } from './commands.ts';
import { formatBytes, formatClock, formatSkew, formatTime } from './format.ts';
import { zoneFromBias } from '../src/parsers/time.ts';
import { readSettings } from './settings.ts';
import type { CmflowState } from './state.ts';

type Node =
  | { readonly type: 'group'; readonly failures: readonly FailureRef[] }
  | { readonly type: 'failure'; readonly failure: FailureRef }
  | { readonly type: 'event'; readonly event: EventRef; readonly role?: 'cause' | 'symptom' }
  | { readonly type: 'kind'; readonly kind: string; readonly flows: readonly FlowRef[] }
  | { readonly type: 'flow'; readonly flow: FlowRef }
  | { readonly type: 'host'; readonly host: TimelineHost }
  | { readonly type: 'fact'; readonly label: string; readonly value: string; readonly tooltip?: string }
  | { readonly type: 'files'; readonly host: TimelineHost; readonly files: readonly FileRef[] }
  | { readonly type: 'file'; readonly file: FileRef };

export type TreeNode = Node;

const FLOW_KINDS: ReadonlyArray<{ kind: string; label: string }> = [
  { kind: 'scan', label: 'Software update scans' },
  { kind: 'state-message', label: 'State messages' },
  { kind: 'install', label: 'Update installations' },
  { kind: 'sync', label: 'WSUS synchronizations' },
];

abstract class Tree implements vscode.TreeDataProvider<Node> {
  protected readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(protected readonly state: CmflowState) {
    state.onDidChange(() => this.changed.fire(undefined));
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cmflow.timeDisplay')) {
        this.refresh();
      }
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  abstract getChildren(node?: Node): vscode.ProviderResult<Node[]>;

  getTreeItem(node: Node): vscode.TreeItem {
    return treeItem(node, this.state);
  }
}

export class FailuresTree extends Tree {
  /** The top level made from the summary it was made from, and the group each grouped failure is in. */
  private grouped: { summary: BundleSummary; roots: Node[]; groupOf: Map<number, Node> } | undefined;

  getChildren(node?: Node): Node[] {
    const summary = this.state.summary;
    if (!summary) {
      return [];
    }
    if (!node) {
      return this.groups(summary).roots;
    }
    if (node.type === 'group') {
      return node.failures.map((failure) => ({ type: 'failure', failure }));
    }
    if (node.type === 'failure') {
      const chain = node.failure.chain;
      return chain.map((event, i) => ({
        type: 'event',
        event,
        ...(i === 0 ? { role: 'cause' as const } : i === chain.length - 1 ? { role: 'symptom' as const } : {}),
      }));
    }
    return [];
  }

  getParent(node: Node): Node | undefined {
    const summary = this.state.summary;
    if (node.type === 'event') {
      const failure = summary?.failures.find((f) => f.chain.some((e) => e.id === node.event.id));
      return failure && { type: 'failure', failure };
    }
    if (node.type === 'failure' && summary) {
      return this.groups(summary).groupOf.get(node.failure.index);
    }
    return undefined;
  }

  /** Failures in flows grouped by what failed and their upstream cause, then the others (see failure-groups.ts). */
  private groups(summary: BundleSummary): { roots: Node[]; groupOf: Map<number, Node> } {
    if (this.grouped?.summary !== summary) {
      const { inFlows, others } = groupFailures(
        summary.failures,
        (f) => f.upstreamCause,
        (f) => f.event,
      );
      const groupOf = new Map<number, Node>();
      const roots = [...inFlows, ...others].map((failures): Node => {
        if (failures.length === 1) {
          return { type: 'failure', failure: failures[0]! };
        }
        const group: Node = { type: 'group', failures };
        for (const f of failures) {
          groupOf.set(f.index, group);
        }
        return group;
      });
      this.grouped = { summary, roots, groupOf };
    }
    return this.grouped;
  }

  /** The tree node of a failure, for `TreeView.reveal`. */
  nodeOf(failure: FailureRef): Node {
    return { type: 'failure', failure };
  }
}

export class FlowsTree extends Tree {
  async getChildren(node?: Node): Promise<Node[]> {
    const summary = this.state.summary;
    if (!summary) {
      return [];
    }
    if (!node) {
      return FLOW_KINDS.map(({ kind }) => ({
        type: 'kind' as const,
        kind,
        flows: summary.flows.filter((f) => f.kind === kind),
      })).filter((k) => k.flows.length > 0);
    }
    if (node.type === 'kind') {
      return node.flows.map((flow) => ({ type: 'flow', flow }));
    }
    if (node.type === 'flow') {
      const events = await this.state.service().request('flowEvents', { flowId: node.flow.id });
      return events.map((event) => ({ type: 'event', event }));
    }
    return [];
  }
}

export class HostsTree extends Tree {
  getChildren(node?: Node): Node[] {
    const summary = this.state.summary;
    if (!summary) {
      return [];
    }
    if (!node) {
      return summary.hosts.map((host) => ({ type: 'host', host }));
    }
    if (node.type === 'host') {
      return hostFacts(node.host, summary);
    }
    if (node.type === 'files') {
      return node.files.map((file) => ({ type: 'file', file }));
    }
    return [];
  }
}

function hostFacts(host: TimelineHost, summary: BundleSummary): Node[] {
  const files = summary.files.filter((f) => f.host === host.name);
  const reference = summary.referenceHost === host.name;
  return [
    { type: 'fact', label: 'Role', value: host.roles.join(', ') },
    { type: 'fact', label: 'Folder', value: host.dir === '' ? '(bundle root)' : host.dir },
    {
      type: 'fact',
      label: 'Time zone',
      value: host.biasMinutes === undefined ? 'unknown (no log states a bias)' : zoneFromBias(host.biasMinutes),
      ...(host.biasMinutes !== undefined && {
        tooltip: `The logs write local time with bias ${host.biasMinutes} minutes: UTC = local + bias.`,
      }),
    },
    {
      type: 'fact',
      label: 'Clock skew',
      value: reference
        ? 'reference clock'
        : host.skewUncertaintyMs === undefined
          ? 'not estimated'
          : formatSkew(host.clockSkewMs, host.skewUncertaintyMs),
      tooltip: host.skewBasis,
    },
    ...(host.clockBefore === undefined
      ? []
      : [
          {
            type: 'fact' as const,
            label: 'Earlier clock',
            value:
              `${formatSkew(host.clockBefore.skewMs, host.clockBefore.uncertaintyMs)} until ` +
              `${formatTime(host.clockBefore.untilMs)} by its own clock`,
            tooltip:
              host.clockBefore.byOrder === true
                ? `${host.name}'s clock was set back within the bundle (time sync, or by hand), and its logs went ` +
                  `back in time there: the records each log holds before that place are corrected by this skew (the ` +
                  `earlier clock read up to ${formatTime(host.clockBefore.untilMs)}, UTC by its own clock), the ` +
                  'later ones by the one above.'
                : `${host.name}'s clock was set within the bundle (time sync, or by hand). Its records logged ` +
                  `before ${formatTime(host.clockBefore.untilMs)} (UTC by its own clock) are corrected by this skew, ` +
                  'the later ones by the one above.',
          },
        ]),
    ...(host.zoneChanges ?? []).map((c): Node => ({
      type: 'fact',
      label: 'Zone change',
      value: `${zoneFromBias(c.biasBefore)} → ${zoneFromBias(c.biasAfter)} from ${formatTime(c.atMs)} by its own clock`,
      tooltip:
        `${host.name}'s logs state bias ${c.biasAfter} from their first record at ${formatTime(c.atMs)} (UTC by its ` +
        `own clock), ${c.biasBefore} before (summer time began or ended, or its zone was set). A log with no ` +
        'zone of its own (WindowsUpdate.log) was read with the bias of its time.',
    })),
    ...host.fileClocks.map((c): Node => ({
      type: 'fact',
      label: `Clock of ${c.file.slice(c.file.lastIndexOf('/') + 1)}`,
      value: fileClockOutcome(c),
      tooltip: `${c.file}: ${c.basis}`,
    })),
    { type: 'files', host, files },
  ];
}

function treeItem(node: Node, state: CmflowState): vscode.TreeItem {
  const display = readSettings().timeDisplay;
  const biasOf = (hostName: string): number | undefined =>
    state.summary?.hosts.find((h) => h.name === hostName)?.biasMinutes;
  switch (node.type) {
    case 'group': {
      const first = node.failures[0]!;
      const cause = first.flow === undefined ? first.event : first.upstreamCause;
      const item = new vscode.TreeItem(
        `×${occurrences(node.failures)} ${failureLabel(first)}`,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `failures:${first.index}:${first.event.id}`;
      const where = `${cause.file.split('/').pop() ?? cause.file}: ${headline(cause.text, 120)}`;
      item.description = `${onHosts(node.failures.map((f) => f.event.host))} · ${where}`;
      item.tooltip = failureTooltip(first, node.failures.length);
      item.iconPath = failureIcon(first);
      item.contextValue = 'failureGroup';
      return item;
    }
    case 'failure': {
      const f = node.failure;
      const item = new vscode.TreeItem(failureLabel(f), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `failure:${f.index}:${f.event.id}`;
      item.description = `${f.event.host} · ${f.event.file.split('/').pop() ?? f.event.file}:${f.event.line}`;
      item.tooltip = failureTooltip(f);
      item.iconPath = failureIcon(f);
      item.contextValue = 'failure';
      item.command = { command: Command.revealEvent, title: 'Reveal', arguments: [f.event] };
      return item;
    }
    case 'event': {
      const e = node.event;
      const clock = formatClock(e.time, display, biasOf(e.host));
      const prefix = node.role === 'cause' ? 'Upstream cause · ' : node.role === 'symptom' ? 'Failure · ' : '';
      const item = new vscode.TreeItem(`${prefix}${clock} ${e.component}`, vscode.TreeItemCollapsibleState.None);
      item.description = headline(e.text, 200);
      item.tooltip = eventTooltip(e, display, biasOf(e.host));
      item.iconPath =
        node.role === 'cause'
          ? new vscode.ThemeIcon('debug-step-back', new vscode.ThemeColor('charts.orange'))
          : severityIcon(e.severity);
      item.contextValue = node.role === 'cause' ? 'event.cause' : 'event';
      item.command = { command: Command.revealEvent, title: 'Reveal', arguments: [e] };
      return item;
    }
    case 'kind': {
      const label = FLOW_KINDS.find((k) => k.kind === node.kind)?.label ?? node.kind;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      const failed = node.flows.filter((f) => f.status === 'failed').length;
      item.description = `${node.flows.length}${failed > 0 ? ` · ${failed} failed` : ''}`;
      item.id = `kind:${node.kind}`;
      return item;
    }
    case 'flow': {
      const f = node.flow;
      const item = new vscode.TreeItem(flowName(f), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `flow:${f.id}`;
      item.description = `${f.recovered ? 'ok after failures' : f.status} · ${f.host} · ${f.eventCount} events`;
      const tip = new vscode.MarkdownString();
      tip.appendText(`${f.id}\n\n${f.summary}\n\n`);
      tip.appendText(`${formatTime(f.start, display, biasOf(f.host))} → ${formatTime(f.end, display, biasOf(f.host))}`);
      item.tooltip = tip;
      item.iconPath = f.recovered
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : statusIcon(f.status);
      item.contextValue = `flow.${f.status}`;
      return item;
    }
    case 'host': {
      const h = node.host;
      const item = new vscode.TreeItem(h.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `host:${h.name}`;
      const zone = h.biasMinutes === undefined ? 'zone unknown' : zoneFromBias(h.biasMinutes);
      const skew =
        state.summary?.referenceHost === h.name
          ? 'reference clock'
          : h.skewUncertaintyMs === undefined
            ? 'skew unknown'
            : `skew ${formatSkew(h.clockSkewMs)}`;
      // A machine of several roles (an MP on the site server, a client there) names them all.
      item.description = `${h.roles.length > 1 ? h.roles.join(', ') : h.role} · ${zone} · ${skew}`;
      item.tooltip = h.skewBasis;
      item.iconPath = new vscode.ThemeIcon(roleIcon(h.role));
      return item;
    }
    case 'fact': {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.description = node.value;
      if (node.tooltip !== undefined) {
        item.tooltip = node.tooltip;
      }
      return item;
    }
    case 'files': {
      const item = new vscode.TreeItem('Files', vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.files.length}`;
      item.id = `files:${node.host.name}`;
      return item;
    }
    case 'file': {
      const f = node.file;
      const item = new vscode.TreeItem(f.path.split('/').pop() ?? f.path, vscode.TreeItemCollapsibleState.None);
      item.description = `${formatBytes(f.size)} · ${f.path}`;
      item.resourceUri = state.uriOf(f.path);
      item.iconPath = vscode.ThemeIcon.File;
      item.command = { command: Command.revealFile, title: 'Open', arguments: [f.path] };
      return item;
    }
  }
}

function failureLabel(f: FailureRef): string {
  const what = f.code ? `${f.code} ` : '';
  return `${what}${f.recovered ? '(recovered) ' : ''}${headline(f.meaning, 120)}`;
}

/** A timeout's watch or an error's mark; in a warning's colour when its flow went on to complete. */
function failureIcon(f: FailureRef): vscode.ThemeIcon {
  return new vscode.ThemeIcon(
    f.type === 'timeout' ? 'watch' : f.recovered ? 'warning' : 'error',
    new vscode.ThemeColor(f.recovered ? 'problemsWarningIcon.foreground' : 'problemsErrorIcon.foreground'),
  );
}

/** A failure's tooltip; for a group (`of` failures), its first failure's, said to stand for the rest. */
function failureTooltip(f: FailureRef, of = 1): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**Failure**');
  md.appendText(f.code ? ` ${f.code}` : '');
  if (of > 1) {
    md.appendMarkdown('\n\n');
    md.appendText(
      `${of} failures of this kind whose ${f.flow === undefined ? 'records read' : 'upstream causes read'} alike ` +
        '(ids and numbers aside); the first:',
    );
  }
  md.appendMarkdown('\n\n');
  md.appendText(f.meaning);
  if (f.recovered) {
    md.appendMarkdown('\n\n**Recovered** ');
    md.appendText('Its flow went on to complete afterwards: this delayed it, it did not stop it.');
  }
  md.appendMarkdown('\n\n**Upstream cause** ');
  md.appendText(`${f.upstreamCause.file}:${f.upstreamCause.line} — ${headline(f.upstreamCause.text, 300)}`);
  md.appendMarkdown('\n\n**Next check** ');
  md.appendText(f.hint);
  if (f.source !== undefined) {
    md.appendMarkdown('\n\n*Source:* ');
    md.appendText(f.source);
  }
  if (f.occurrences > 1) {
    md.appendMarkdown('\n\n');
    md.appendText(`Seen ${f.occurrences} times.`);
  }
  return md;
}

function eventTooltip(e: EventRef, display: 'utc' | 'hostLocal', bias: number | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(`${formatTime(e.time, display, bias)} · ${e.host} · ${e.component}\n${e.file}:${e.line}\n\n`);
  // appendText escapes Markdown: log text never becomes links or markup.
  md.appendText(e.text);
  return md;
}

function severityIcon(severity: string): vscode.ThemeIcon {
  switch (severity) {
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'warning':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    default:
      return new vscode.ThemeIcon('circle-small');
  }
}

function statusIcon(status: string): vscode.ThemeIcon {
  switch (status) {
    case 'ok':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    default:
      return new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('testing.iconQueued'));
  }
}

function roleIcon(role: string): string {
  switch (role) {
    case 'client':
      return 'device-desktop';
    case 'management-point':
      return 'server-process';
    case 'site-server':
      return 'server';
    case 'wsus':
      return 'cloud-download';
    default:
      return 'question';
  }
}
