// The swimlane webview's panel: the page, and the forwarding between the webview and the worker that holds
// the timeline (the worker's SwimlaneData answers; see src/views/swimlane/protocol.ts). One panel at a
// time; a new analysis reloads it on the new bundle.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ServiceEvent } from '../src/service/protocol.ts';
import { newNonce } from '../src/views/shared/html.ts';
import { SWIMLANE_SCRIPT, SWIMLANE_STYLE, swimlanePage } from '../src/views/swimlane/page.ts';
import type { CmflowState } from './state.ts';

export type SwimlaneFocus = { failure: number } | { flow: string } | { event: { file: string; line: number } };

export class SwimlanePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private unsubscribe: (() => void) | undefined;
  /** Types of the messages posted to the webview, in order (tests follow the round trip with it). */
  readonly posted: string[] = [];

  constructor(
    private readonly state: CmflowState,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.subscriptions.push(
      state.onDidChange((summary) => {
        if (!this.panel) {
          return;
        }
        if (summary) {
          this.panel.title = `Swimlane — ${summary.bundle}`;
          this.load(this.panel);
        } else {
          this.panel.dispose();
        }
      }),
    );
  }

  /** The panel's webview, for tests. */
  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  /** Opens (or reveals) the swimlane and, if asked, lights up a failure, a flow or a record. */
  async show(focus?: SwimlaneFocus): Promise<void> {
    const summary = await this.state.whenIdle();
    if (!summary) {
      void vscode.window.showInformationMessage('CMFlow: analyze a log bundle to see its swimlane.');
      return;
    }
    if (this.panel) {
      this.panel.reveal(undefined, true);
    } else {
      this.panel = vscode.window.createWebviewPanel(
        'cmflow.swimlane',
        `Swimlane — ${summary.bundle}`,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'views')],
        },
      );
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'cmflow.svg');
      const panel = this.panel;
      this.unsubscribe = this.state.service().onEvent((e) => void this.onEvent(e));
      panel.webview.onDidReceiveMessage((message: unknown) => {
        void this.state
          .service()
          .request('swimlane', { message })
          .catch((e: Error) => this.state.output.appendLine(`Swimlane request failed: ${e.message}`));
      });
      panel.onDidDispose(() => {
        this.unsubscribe?.();
        this.panel = undefined;
        void this.state
          .service()
          .request('swimlaneDetach', {})
          .catch(() => undefined);
      });
      this.load(panel);
    }
    // Sent even without a focus: the worker then builds the lane index while the page loads.
    await this.state.service().request('swimlaneFocus', focus ?? {});
  }

  private load(panel: vscode.WebviewPanel): void {
    const views = vscode.Uri.joinPath(this.extensionUri, 'dist', 'views');
    panel.webview.html = swimlanePage({
      cspSource: panel.webview.cspSource,
      nonce: newNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(views, SWIMLANE_SCRIPT)).toString(),
      styleUris: [panel.webview.asWebviewUri(vscode.Uri.joinPath(views, SWIMLANE_STYLE)).toString()],
    });
  }

  private async onEvent(e: ServiceEvent): Promise<void> {
    const panel = this.panel;
    if (!panel) {
      return;
    }
    switch (e.kind) {
      case 'swimlane':
        this.posted.push(e.message.type);
        await panel.webview.postMessage(e.message);
        return;
      case 'swimlaneReveal':
        await this.state.reveal({ file: e.target.file, line: e.target.line });
        return;
      case 'swimlaneExport': {
        const summary = this.state.summary;
        const base =
          vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(summary?.source ?? '.'));
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(base, e.image.suggestedName),
          filters: e.image.format === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] },
          title: 'Export the swimlane view',
        });
        if (!target) {
          return;
        }
        const bytes =
          e.image.format === 'png'
            ? Buffer.from(e.image.data.replace(/^data:image\/png;base64,/, ''), 'base64')
            : Buffer.from(e.image.data, 'utf8');
        await vscode.workspace.fs.writeFile(target, bytes);
        void vscode.window.showInformationMessage(`CMFlow: wrote ${target.fsPath}`);
        return;
      }
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    this.panel?.dispose();
    this.subscriptions.forEach((d) => void d.dispose());
  }
}
