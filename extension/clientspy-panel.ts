// The Client Spy webview's panel: the page, and the host side of its protocol
// (src/views/clientspy/protocol.ts). Tabs are built by the worker when the webview first asks; Refresh
// builds one again from the logs; the save actions write text where the user says.

import * as vscode from 'vscode';
import { SPY_TABS } from '../src/spy/model.ts';
import type { SpyTabId } from '../src/spy/model.ts';
import { CLIENT_SPY_ASSETS, clientSpyPage } from '../src/views/clientspy/page.ts';
import { CLIENT_SPY_PROTOCOL_VERSION } from '../src/views/clientspy/protocol.ts';
import type { ToHost, ToWebview } from '../src/views/clientspy/protocol.ts';
import { newNonce } from '../src/views/shared/html.ts';
import { Command } from './commands.ts';
import type { CmflowState } from './state.ts';

export class ClientSpyPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private activeTab: SpyTabId = SPY_TABS[0].id;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Messages the webview sent, for tests. */
  readonly received: ToHost[] = [];

  constructor(
    private readonly state: CmflowState,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.subscriptions.push(
      state.onDidChange((summary) => {
        if (this.panel && summary) {
          this.panel.title = `Client Spy — ${summary.bundle}`;
          this.load(this.panel);
        } else {
          this.panel?.dispose();
        }
      }),
    );
  }

  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  async show(tab?: SpyTabId): Promise<void> {
    const summary = await this.state.whenIdle();
    if (!summary) {
      void vscode.window.showInformationMessage('CMFlow: analyze a log bundle to see Client Spy.');
      return;
    }
    if (tab) {
      this.activeTab = tab;
    }
    if (this.panel) {
      this.panel.reveal(undefined, false);
      if (tab) {
        await this.post({ type: 'showTab', tab });
      }
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      'cmflow.clientSpy',
      `Client Spy — ${summary.bundle}`,
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'views')] },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'cmflow.svg');
    this.panel = panel;
    panel.webview.onDidReceiveMessage((m: ToHost) => void this.receive(m));
    panel.onDidDispose(() => {
      this.panel = undefined;
    });
    this.load(panel);
  }

  private load(panel: vscode.WebviewPanel): void {
    const asset = (p: string): string =>
      panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p.split('/'))).toString();
    panel.webview.html = clientSpyPage({
      cspSource: panel.webview.cspSource,
      nonce: newNonce(),
      scriptUri: asset(CLIENT_SPY_ASSETS.script),
      styleUris: [asset(CLIENT_SPY_ASSETS.style)],
    });
  }

  private post(m: ToWebview): Thenable<boolean> {
    return this.panel?.webview.postMessage(m) ?? Promise.resolve(false);
  }

  private async receive(m: ToHost): Promise<void> {
    this.received.push(m);
    switch (m.type) {
      case 'ready':
        await this.post({
          type: 'init',
          version: CLIENT_SPY_PROTOCOL_VERSION,
          bundle: this.state.summary?.bundle ?? '',
          tabs: SPY_TABS,
          activeTab: this.activeTab,
        });
        return;
      case 'tab':
      case 'refreshTab':
        try {
          const tree = await this.state.service().request('spyTab', { tab: m.tab, refresh: m.type === 'refreshTab' });
          await this.post({ type: 'tree', id: m.id, tree });
        } catch (e) {
          await this.post({ type: 'error', id: m.id, message: (e as Error).message });
        }
        return;
      case 'reveal':
        await this.state.reveal({ file: m.file, line: m.line });
        return;
      case 'saveTab': {
        const path = await vscode.commands.executeCommand<string | undefined>(Command.spySaveTab, m.tab);
        await this.post({ type: 'saved', path });
        return;
      }
      case 'saveAll': {
        const path = await vscode.commands.executeCommand<string | undefined>(Command.spySaveAllTabs);
        await this.post({ type: 'saved', path });
        return;
      }
      case 'activeTab':
        this.activeTab = m.tab;
        return;
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.subscriptions.forEach((d) => void d.dispose());
  }
}
