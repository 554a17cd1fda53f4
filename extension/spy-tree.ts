// The Client Spy tree view: Client Spy's tabs as top-level nodes, each built by the worker the first time
// it is opened (Refresh builds it again from the logs), its nodes citing their records. Selecting a node
// opens its first record; unknown nodes say which log would tell.

import * as vscode from 'vscode';
import type { SpyNode, SpyTabId, SpyTree } from '../src/spy/model.ts';
import { SPY_TABS } from '../src/spy/model.ts';
import { Command } from './commands.ts';
import type { CmflowState } from './state.ts';

export type SpyTreeNode =
  | { readonly type: 'tab'; readonly tab: SpyTabId; readonly title: string }
  | { readonly type: 'node'; readonly tab: SpyTabId; readonly node: SpyNode; readonly path: string }
  | { readonly type: 'message'; readonly tab: SpyTabId; readonly text: string };

export class ClientSpyTree implements vscode.TreeDataProvider<SpyTreeNode> {
  private readonly changed = new vscode.EventEmitter<SpyTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refreshing = new Set<SpyTabId>();

  constructor(private readonly state: CmflowState) {
    state.onDidChange(() => this.changed.fire(undefined));
  }

  /** Builds the tab again from the logs and redraws it. */
  refresh(tab: SpyTabId): void {
    this.refreshing.add(tab);
    this.changed.fire({ type: 'tab', tab, title: titleOf(tab) });
  }

  /** The tab's tree as the worker builds it (what the integration tests and save actions read). */
  tree(tab: SpyTabId, refresh = false): Promise<SpyTree> {
    return this.state.service().request('spyTab', { tab, refresh });
  }

  async getChildren(parent?: SpyTreeNode): Promise<SpyTreeNode[]> {
    if (!this.state.summary) {
      return [];
    }
    if (!parent) {
      return SPY_TABS.map((t) => ({ type: 'tab', tab: t.id, title: t.title }));
    }
    if (parent.type === 'tab') {
      const refresh = this.refreshing.delete(parent.tab);
      try {
        const tree = await this.tree(parent.tab, refresh);
        if (tree.roots.length === 0) {
          return [{ type: 'message', tab: parent.tab, text: 'No client in this bundle.' }];
        }
        return tree.roots.map((node, i) => ({ type: 'node', tab: parent.tab, node, path: `${parent.tab}/${i}` }));
      } catch (e) {
        return [{ type: 'message', tab: parent.tab, text: `Could not build this tab: ${(e as Error).message}` }];
      }
    }
    if (parent.type === 'node') {
      return parent.node.children.map((node, i) => ({
        type: 'node',
        tab: parent.tab,
        node,
        path: `${parent.path}/${i}`,
      }));
    }
    return [];
  }

  getTreeItem(n: SpyTreeNode): vscode.TreeItem {
    switch (n.type) {
      case 'tab': {
        const item = new vscode.TreeItem(n.title, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `spy:${n.tab}`;
        item.contextValue = 'spyTab';
        item.iconPath = new vscode.ThemeIcon('preview');
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'node': {
        const node = n.node;
        const item = new vscode.TreeItem(
          node.label,
          node.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `spy:${n.path}`;
        item.description = [node.value, node.description].filter((x) => x !== undefined && x !== '').join(' — ');
        const tip = new vscode.MarkdownString();
        tip.appendText(node.value === undefined ? node.label : `${node.label}: ${node.value}`);
        if (node.description) {
          tip.appendMarkdown('\n\n');
          tip.appendText(node.description);
        }
        if (node.evidence.length > 0) {
          tip.appendMarkdown('\n\n');
          tip.appendText(`From ${node.evidence.map((e) => `${e.file}:${e.line}`).join(', ')}`);
        }
        item.tooltip = tip;
        const icon = stateIcon(node.state);
        if (icon) {
          item.iconPath = icon;
        }
        item.contextValue = node.evidence.length > 0 ? 'spyNode.evidence' : 'spyNode';
        const first = node.evidence[0];
        if (first) {
          item.command = { command: Command.revealEvent, title: 'Open record', arguments: [first] };
        }
        return item;
      }
    }
  }
}

function titleOf(tab: SpyTabId): string {
  return SPY_TABS.find((t) => t.id === tab)?.title ?? tab;
}

function stateIcon(state: SpyNode['state']): vscode.ThemeIcon | undefined {
  switch (state) {
    case 'ok':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'warning':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'unknown':
      return new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground'));
    default:
      return undefined;
  }
}
