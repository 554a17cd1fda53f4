// What changes while logs are open: error and warning lines decorated in every visible log editor of the
// bundle, and lines appended to the bundle's files picked up as they arrive (tail): only the new bytes are
// parsed, their records decorated, new errors listed in Problems, and the status bar says how much is new
// since the analysis, with a click to re-analyze.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { headline } from '../src/parsers/messages/values.ts';
import type { BundleSummary, LineMark } from '../src/service/session.ts';
import { Command } from './commands.ts';
import { readSettings } from './settings.ts';
import type { CmflowState } from './state.ts';

const TAIL_DEBOUNCE_MS = 250;

export class LiveLogs implements vscode.Disposable {
  private readonly errorLine = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('cmflow.errorLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.errorForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly warningLine = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('cmflow.warningLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly marks = new Map<string, Promise<LineMark[]>>();
  private readonly tailDiagnostics = vscode.languages.createDiagnosticCollection('cmflow-tail');
  private readonly tailErrors = new Map<string, vscode.Diagnostic[]>();
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private newRecords = 0;
  private newErrors = 0;

  constructor(private readonly state: CmflowState) {
    this.disposables.push(
      state.onDidChange((s) => this.reset(s)),
      vscode.window.onDidChangeVisibleTextEditors(() => void this.decorateVisible()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cmflow.decorateSeverity')) {
          void this.decorateVisible();
        }
        if (e.affectsConfiguration('cmflow.tail')) {
          this.watch(this.state.summary);
        }
      }),
    );
  }

  /** Fires when tail has read new records of a file (tests wait on it). */
  private readonly tailed = new vscode.EventEmitter<{ file: string; records: number }>();
  readonly onDidTail = this.tailed.event;

  private reset(summary: BundleSummary | undefined): void {
    this.marks.clear();
    this.tailErrors.clear();
    this.tailDiagnostics.clear();
    this.newRecords = 0;
    this.newErrors = 0;
    this.updateStatus();
    this.watch(summary);
    void this.decorateVisible();
  }

  private watch(summary: BundleSummary | undefined): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    if (!summary || summary.isZip || !readSettings().tail) {
      return;
    }
    const disk = summary.files.map((f) => f.diskPath).filter((p): p is string => p !== undefined);
    if (disk.length === 0) {
      return;
    }
    const root = commonDir(disk);
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
    this.watcher.onDidChange((uri) => this.schedule(uri));
  }

  private schedule(uri: vscode.Uri): void {
    const file = this.state.fileOf(uri);
    if (file === undefined) {
      return;
    }
    clearTimeout(this.pending.get(file));
    this.pending.set(
      file,
      setTimeout(() => {
        this.pending.delete(file);
        void this.tail(file);
      }, TAIL_DEBOUNCE_MS),
    );
  }

  /** Reads what was appended to a bundle file. Public so a command or test can ask without waiting on the watcher. */
  async tail(file: string): Promise<number> {
    let result;
    try {
      result = await this.state.service().request('tail', { file });
    } catch (e) {
      this.state.output.appendLine(`Tail of ${file} failed: ${(e as Error).message}`);
      return 0;
    }
    if (result.records.length === 0) {
      return 0;
    }
    const known = (await this.marks.get(file)) ?? [];
    const added = result.records.filter((r) => r.severity !== 'info');
    this.marks.set(file, Promise.resolve([...known, ...added]));
    this.newRecords += result.records.length;
    const errors = result.records.filter((r) => r.severity === 'error');
    this.newErrors += errors.length;
    if (errors.length > 0) {
      const list = this.tailErrors.get(file) ?? [];
      for (const r of errors) {
        const d = new vscode.Diagnostic(
          new vscode.Range(r.line - 1, 0, r.line - 1, Number.MAX_SAFE_INTEGER),
          `New since analysis${r.codes.length > 0 ? ` (${r.codes.join(', ')})` : ''}: ${headline(r.text, 200)}`,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'CMFlow (tail)';
        list.push(d);
      }
      this.tailErrors.set(file, list);
      this.tailDiagnostics.set(this.state.uriOf(file), list);
    }
    this.updateStatus();
    await this.decorateVisible();
    this.tailed.fire({ file, records: result.records.length });
    return result.records.length;
  }

  private updateStatus(): void {
    if (this.newRecords === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(pulse) CMFlow: ${this.newRecords} new record${this.newRecords === 1 ? '' : 's'}${
      this.newErrors > 0 ? `, ${this.newErrors} error${this.newErrors === 1 ? '' : 's'}` : ''
    }`;
    this.status.tooltip = 'Lines appended to the logs since the analysis. Click to re-analyze and correlate them.';
    this.status.command = Command.reanalyze;
    this.status.show();
  }

  private async decorateVisible(): Promise<void> {
    const on = readSettings().decorateSeverity;
    await Promise.all(
      vscode.window.visibleTextEditors.map(async (editor) => {
        const file = this.state.fileOf(editor.document.uri);
        if (!on || file === undefined || !this.state.summary) {
          editor.setDecorations(this.errorLine, []);
          editor.setDecorations(this.warningLine, []);
          return;
        }
        let marks = this.marks.get(file);
        if (!marks) {
          marks = this.state
            .service()
            .request('lineMarks', { file })
            .catch(() => []);
          this.marks.set(file, marks);
        }
        const all = await marks;
        const ranges = (severity: string): vscode.Range[] =>
          all.filter((m) => m.severity === severity).map((m) => new vscode.Range(m.line - 1, 0, m.endLine - 1, 0));
        editor.setDecorations(this.errorLine, ranges('error'));
        editor.setDecorations(this.warningLine, ranges('warning'));
      }),
    );
  }

  /** Error and warning lines decorated in an editor (tests read this). */
  async marksOf(file: string): Promise<readonly LineMark[]> {
    return (await this.marks.get(file)) ?? [];
  }

  dispose(): void {
    for (const t of this.pending.values()) {
      clearTimeout(t);
    }
    this.watcher?.dispose();
    this.errorLine.dispose();
    this.warningLine.dispose();
    this.tailDiagnostics.dispose();
    this.status.dispose();
    this.tailed.dispose();
    this.disposables.forEach((d) => void d.dispose());
  }
}

function commonDir(paths: readonly string[]): string {
  let common = path.dirname(paths[0]!);
  for (const p of paths) {
    while (!p.startsWith(common + path.sep) && common !== path.dirname(common)) {
      common = path.dirname(common);
    }
  }
  return common;
}
