// Problems: one diagnostic per failure on the failing record's line, with the upstream cause and the chain
// between as related information, so the Problems view alone leads from symptom to cause.

import * as vscode from 'vscode';
import { headline } from '../src/parsers/messages/values.ts';
import type { BundleSummary, FailureRef } from '../src/service/session.ts';
import type { CmflowState } from './state.ts';

export class FailureDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cmflow');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: CmflowState) {
    this.subscription = state.onDidChange((s) => this.update(s));
  }

  private update(summary: BundleSummary | undefined): void {
    this.collection.clear();
    if (!summary) {
      return;
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of summary.failures) {
      const list = byFile.get(f.event.file) ?? [];
      list.push(this.diagnostic(f));
      byFile.set(f.event.file, list);
    }
    for (const [file, list] of byFile) {
      this.collection.set(this.state.uriOf(file), list);
    }
  }

  private diagnostic(f: FailureRef): vscode.Diagnostic {
    const line = f.event.line - 1;
    // Past the line's end is fine: the editor clamps it, and the engine does not hold every line's length.
    const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    const message = `${f.code ? `${f.code}: ` : ''}${f.meaning}${f.occurrences > 1 ? ` (seen ${f.occurrences} times)` : ''}`;
    const d = new vscode.Diagnostic(
      range,
      message,
      f.type === 'timeout' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
    );
    d.source = 'CMFlow';
    if (f.code) {
      d.code = f.code;
    }
    const at = (file: string, l: number): vscode.Location =>
      new vscode.Location(this.state.uriOf(file), new vscode.Position(l - 1, 0));
    const related: vscode.DiagnosticRelatedInformation[] = [
      new vscode.DiagnosticRelatedInformation(
        at(f.upstreamCause.file, f.upstreamCause.line),
        `Upstream cause (${f.upstreamCause.component}): ${headline(f.upstreamCause.text, 200)}`,
      ),
    ];
    f.chain.slice(1, -1).forEach((e, i) => {
      related.push(
        new vscode.DiagnosticRelatedInformation(
          at(e.file, e.line),
          `Step ${i + 2} of ${f.chain.length} (${e.component}): ${headline(e.text, 200)}`,
        ),
      );
    });
    related.push(
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(this.state.uriOf(f.event.file), range),
        `Next check: ${f.hint}`,
      ),
    );
    d.relatedInformation = related;
    return d;
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
