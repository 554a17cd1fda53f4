// Activation: build the one context object, register commands, views and language features, and start
// the analysis of the workspace's log bundle if it holds one. Nothing is parsed on this thread: the
// analysis worker does it. Every disposable goes to `context.subscriptions`.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat } from '../src/correlate/export.ts';
import type { BundleSummary, EventRef, FailureRef } from '../src/service/session.ts';
import { Command, VIEW } from './commands.ts';
import { FailureDiagnostics } from './diagnostics.ts';
import { LogLanguageFeatures, LOG_SELECTOR } from './language.ts';
import { LiveLogs } from './live.ts';
import { readSettings } from './settings.ts';
import type { Location } from './state.ts';
import { BUNDLE_SCHEME, CmflowState, EXCERPT_SCHEME, excerptRange } from './state.ts';
import { FailuresTree, FlowsTree, HostsTree } from './trees.ts';
import { ClientSpyTree } from './spy-tree.ts';
import { ClientSpyPanel } from './clientspy-panel.ts';
import { SwimlanePanel } from './swimlane-panel.ts';
import type { SwimlaneFocus } from './swimlane-panel.ts';
import type { TreeNode } from './trees.ts';
import type { SpyTreeNode } from './spy-tree.ts';
import type { SpyTabId } from '../src/spy/model.ts';
import { SPY_TABS } from '../src/spy/model.ts';

/** What the extension hands to other extensions and to its integration tests. */
export interface CmflowApi {
  readonly state: CmflowState;
  readonly live: LiveLogs;
  readonly swimlane: SwimlanePanel;
  readonly clientSpyPanel: ClientSpyPanel;
  readonly trees: {
    readonly failures: FailuresTree;
    readonly flows: FlowsTree;
    readonly hosts: HostsTree;
    readonly clientSpy: ClientSpyTree;
  };
  /** Resolves when no analysis is running, with the bundle analyzed last. */
  whenIdle(): Promise<BundleSummary | undefined>;
}

/** File names that say a folder holds ConfigMgr logs. */
const LOG_MARKERS =
  '**/{ScanAgent,WUAHandler,LocationServices,CcmMessaging,MP_Location,MP_Relay,MPFDM,statesys,StateSys,wsyncmgr,WCM,execmgr,ccmsetup,PolicyAgent,UpdatesDeployment}.log';

export function activate(context: vscode.ExtensionContext): CmflowApi {
  const state = new CmflowState(context.extensionPath);
  const failures = new FailuresTree(state);
  const flows = new FlowsTree(state);
  const hosts = new HostsTree(state);
  const clientSpy = new ClientSpyTree(state);
  const swimlane = new SwimlanePanel(state, context.extensionUri);
  const clientSpyPanel = new ClientSpyPanel(state, context.extensionUri);
  const live = new LiveLogs(state);
  const language = new LogLanguageFeatures(state);
  const failuresView = vscode.window.createTreeView(VIEW.failures, {
    treeDataProvider: failures,
    showCollapseAll: true,
  });
  const status = vscode.window.createStatusBarItem('cmflow.summary', vscode.StatusBarAlignment.Left, 60);
  status.name = 'CMFlow';
  status.command = `${VIEW.failures}.focus`;
  const setContext = (s: BundleSummary | undefined): void => {
    if (s) {
      const n = s.failures.length;
      status.text = n > 0 ? `$(error) CMFlow: ${n} failure${n === 1 ? '' : 's'}` : '$(pass) CMFlow: no failures';
      status.tooltip = `${s.bundle}: ${s.hosts.length} hosts, ${s.flows.length} flows, ${n} failures. Click for the Failures view.`;
      status.show();
    } else {
      status.hide();
    }
    void vscode.commands.executeCommand('setContext', 'cmflow.analyzed', s !== undefined);
    failuresView.badge = s && s.failures.length > 0 ? { value: s.failures.length, tooltip: 'Failures' } : undefined;
    failuresView.message = s && s.failures.length === 0 ? `No failures in ${s.bundle}: every flow completed.` : '';
  };
  context.subscriptions.push(
    state,
    swimlane,
    clientSpyPanel,
    status,
    failuresView,
    vscode.window.createTreeView(VIEW.flows, { treeDataProvider: flows, showCollapseAll: true }),
    vscode.window.createTreeView(VIEW.hosts, { treeDataProvider: hosts }),
    vscode.window.createTreeView(VIEW.clientSpy, { treeDataProvider: clientSpy, showCollapseAll: true }),
    new FailureDiagnostics(state),
    live,
    vscode.languages.registerHoverProvider(LOG_SELECTOR, language),
    vscode.languages.registerDefinitionProvider(LOG_SELECTOR, language),
    vscode.languages.registerReferenceProvider(LOG_SELECTOR, language),
    vscode.languages.registerCodeLensProvider(LOG_SELECTOR, language),
    vscode.workspace.registerTextDocumentContentProvider(BUNDLE_SCHEME, {
      provideTextDocumentContent: (uri) =>
        state.service().request('readText', { file: state.fileOf(uri) ?? uri.path.replace(/^\//, '') }),
    }),
    vscode.workspace.registerTextDocumentContentProvider(EXCERPT_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        const { file, from, to } = excerptRange(uri);
        const got = await state.service().request('readLines', { file, from, to });
        const last = Math.min(to, got.lines);
        const heading =
          `[CMFlow] ${file}, lines ${from}–${last} of ${got.lines}: the file is too large for the editor, ` +
          'so CMFlow shows the records around the one you asked for, read from disk.';
        return `${heading}\n${got.text}`;
      },
    }),
    state.onDidChange(setContext),
  );

  const failureAt = (arg: unknown): FailureRef | undefined => {
    const all = state.summary?.failures ?? [];
    if (typeof arg === 'number') {
      return all[arg];
    }
    if (arg && typeof arg === 'object' && 'failure' in arg) {
      return (arg as { failure: FailureRef }).failure;
    }
    // From the palette: the failure on (or whose chain holds) the cursor's line, else the nearest one above.
    const editor = vscode.window.activeTextEditor;
    const file = editor && state.fileOf(editor.document.uri);
    if (!editor || file === undefined) {
      return undefined;
    }
    const line = editor.selection.active.line + 1;
    return (
      all.find((f) => f.event.file === file && f.event.line === line) ??
      all.find((f) => f.chain.some((e) => e.file === file && e.line === line)) ??
      all.filter((f) => f.event.file === file && f.event.line <= line).sort((a, b) => b.event.line - a.event.line)[0]
    );
  };

  let cursor = -1;
  const stepFailure = async (delta: 1 | -1): Promise<void> => {
    const all = [...(state.summary?.failures ?? [])].sort((a, b) => a.event.time - b.event.time);
    if (all.length === 0) {
      void vscode.window.showInformationMessage('CMFlow: no failures in the analyzed bundle.');
      return;
    }
    cursor = (cursor + delta + all.length) % all.length;
    const f = all[cursor]!;
    await state.reveal(f.event);
    await failuresView.reveal(failures.nodeOf(f), { select: true, focus: false });
  };

  const register = (id: string, run: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  register(Command.openBundle, async (source?: string) => {
    let target = source;
    if (target === undefined) {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Analyze',
        title: 'Open a ConfigMgr log bundle: a folder of logs or a .zip',
        filters: { 'Log bundles': ['zip', 'log', 'lo_'], 'All files': ['*'] },
      });
      target = picked?.[0]?.fsPath;
    }
    if (target === undefined) {
      return undefined;
    }
    const summary = await state.analyze(path.resolve(target));
    if (summary) {
      await vscode.commands.executeCommand(`${VIEW.failures}.focus`);
    }
    return summary;
  });

  register(Command.reanalyze, async () => {
    const source = state.summary?.source ?? (await findWorkspaceBundle());
    if (source === undefined) {
      void vscode.window.showInformationMessage('CMFlow: open a log bundle first.', 'Open Log Bundle…').then((a) => {
        if (a) {
          void vscode.commands.executeCommand(Command.openBundle);
        }
      });
      return undefined;
    }
    return state.analyze(source);
  });

  register(Command.goToUpstreamCause, async (arg?: unknown) => {
    const f = failureAt(arg);
    if (!f) {
      void vscode.window.showInformationMessage('CMFlow: no failure here. Use Next Failure or the Failures view.');
      return undefined;
    }
    await state.reveal(f.upstreamCause);
    return f.upstreamCause;
  });

  register(Command.nextFailure, () => stepFailure(1));
  register(Command.previousFailure, () => stepFailure(-1));

  register(Command.revealEvent, (at: EventRef | Location) => state.reveal(at));
  register(Command.revealFile, (file: string) => state.reveal({ file, line: 1 }));
  register(Command.copyEventReference, async (node?: { event?: EventRef; failure?: FailureRef }) => {
    const e = node?.event ?? node?.failure?.event;
    if (e) {
      await vscode.env.clipboard.writeText(`${e.file}:${e.line}`);
    }
  });

  register(Command.exportTimeline, async (format?: ExportFormat, dest?: string) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'CMFlow writes no files in Restricted Mode: trust the workspace to export.',
      );
      return undefined;
    }
    const summary = await state.whenIdle();
    if (!summary) {
      void vscode.window.showInformationMessage('CMFlow: analyze a log bundle before exporting its timeline.');
      return undefined;
    }
    const chosen =
      format ??
      (
        await vscode.window.showQuickPick(
          [
            { label: 'HTML report', description: 'opens offline in any browser', format: 'html' as const },
            { label: 'JSON', description: 'cmflow.timeline/1', format: 'json' as const },
            { label: 'CSV', description: 'one row per event, for spreadsheets', format: 'csv' as const },
          ],
          { title: 'Export the correlated timeline as' },
        )
      )?.format;
    if (!chosen) {
      return undefined;
    }
    let target = dest;
    if (target === undefined) {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(summary.source));
      const uri = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(base, `${summary.bundle}-timeline.${chosen}`),
        filters: { [chosen.toUpperCase()]: [chosen] },
      });
      target = uri?.fsPath;
    }
    if (target === undefined) {
      return undefined;
    }
    const to = target;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `CMFlow: exporting ${path.basename(to)}` },
      () => state.service().request('exportTo', { format: chosen, dest: to }),
    );
    if (dest === undefined) {
      void vscode.window.showInformationMessage(`CMFlow: wrote ${to}`, 'Open').then((a) => {
        if (a) {
          void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(to));
        }
      });
    }
    return to;
  });

  const pickTab = async (arg: unknown): Promise<SpyTabId | undefined> => {
    if (typeof arg === 'string') {
      return SPY_TABS.find((t) => t.id === arg)?.id;
    }
    if (arg && typeof arg === 'object' && 'tab' in arg) {
      return (arg as SpyTreeNode).tab;
    }
    const picked = await vscode.window.showQuickPick(
      SPY_TABS.map((t) => ({ label: t.title, tab: t.id })),
      { title: 'Save which Client Spy tab?' },
    );
    return picked?.tab;
  };

  /** Writes Client Spy text where the user says (or to `dest`); returns the path written. */
  const saveSpy = async (tab: SpyTabId | 'all', dest: unknown): Promise<string | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('CMFlow writes no files in Restricted Mode: trust the workspace to save.');
      return undefined;
    }
    const summary = await state.whenIdle();
    if (!summary) {
      void vscode.window.showInformationMessage('CMFlow: analyze a log bundle first.');
      return undefined;
    }
    let target = typeof dest === 'string' ? vscode.Uri.file(dest) : undefined;
    if (!target) {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(summary.source));
      target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(base, `${summary.bundle}-clientspy-${tab}.txt`),
        filters: { Text: ['txt'] },
        title: tab === 'all' ? 'Save all Client Spy tabs' : 'Save Client Spy tab',
      });
    }
    if (!target) {
      return undefined;
    }
    const text = await state.service().request('spyText', { tab });
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    return target.fsPath;
  };

  register(Command.showSwimlane, (arg?: unknown) => swimlane.show(swimlaneFocus(arg)));
  register(Command.openClientSpy, (tab?: unknown) =>
    clientSpyPanel.show(typeof tab === 'string' ? (tab as SpyTabId) : undefined),
  );

  register(Command.spyRefreshTab, (node?: SpyTreeNode) => {
    if (node) {
      clientSpy.refresh(node.tab);
    }
  });
  register(Command.spySaveTab, async (arg?: unknown, dest?: unknown) => {
    const tab = await pickTab(arg);
    return tab === undefined ? undefined : saveSpy(tab, dest);
  });
  register(Command.spySaveAllTabs, (dest?: unknown) => saveSpy('all', dest));

  setContext(undefined);
  const startup: Promise<unknown> = readSettings().analyzeOnOpen
    ? findWorkspaceBundle().then((source) => (source === undefined ? undefined : state.analyze(source)))
    : Promise.resolve();

  return {
    state,
    live,
    swimlane,
    clientSpyPanel,
    trees: { failures, flows, hosts, clientSpy },
    whenIdle: async () => {
      await startup;
      return state.whenIdle();
    },
  };
}

export function deactivate(): void {}

/** What a "Show Swimlane" invocation points at: a failure index or tree node, a flow, or a record. */
function swimlaneFocus(arg: unknown): SwimlaneFocus | undefined {
  if (typeof arg === 'number') {
    return { failure: arg };
  }
  if (typeof arg === 'string') {
    return { flow: arg };
  }
  const node = arg as TreeNode | undefined;
  switch (node?.type) {
    case 'failure':
      return { failure: node.failure.index };
    case 'flow':
      return { flow: node.flow.id };
    case 'event':
      return { event: { file: node.event.file, line: node.event.line } };
    default:
      return undefined;
  }
}

/** The workspace folder that holds ConfigMgr logs, if any. */
async function findWorkspaceBundle(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    const hit = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, LOG_MARKERS), null, 1);
    if (hit.length > 0) {
      return folder.uri.fsPath;
    }
  }
  return undefined;
}
