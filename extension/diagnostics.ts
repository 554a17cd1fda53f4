// Problems: one diagnostic per failure on the failing record's line, with the upstream cause and the chain
// between as related information, so the Problems view alone leads from symptom to cause. A failure that is
// one of many alike (failure-groups.ts) says how many, and on how many hosts.

import * as vscode from 'vscode';
import { groupFailures, onHosts } from '../src/correlate/failure-groups.ts';
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
    const { inFlows, others } = groupFailures(
      summary.failures,
      (f) => f.upstreamCause,
      (f) => f.event,
    );
    const alike = new Map<number, string>();
    for (const group of [...inFlows, ...others]) {
      if (group.length > 1) {
        const said = `one of ${group.length} alike ${onHosts(group.map((f) => f.event.host))}`;
        group.forEach((f) => alike.set(f.index, said));
      }
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of summary.failures) {
      const list = byFile.get(f.event.file) ?? [];
      list.push(this.diagnostic(f, alike.get(f.index)));
      byFile.set(f.event.file, list);
    }
    for (const [file, list] of byFile) {
      this.collection.set(this.state.uriOf(file), list);
    }
  }

  /** `alike`: how many failures like this one there are, and where, when it is one of several. */
  private diagnostic(f: FailureRef, alike: string | undefined): vscode.Diagnostic {
    const line = f.event.line - 1;
    // Past the line's end is fine: the editor clamps it, and the engine does not hold every line's length.
    const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    const notes = [
      f.recovered ? 'recovered: its flow completed afterwards' : '',
      f.occurrences > 1 ? `seen ${f.occurrences} times` : '',
      alike ?? '',
    ].filter((n) => n !== '');
    const message = `${f.code ? `${f.code}: ` : ''}${f.meaning}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
    const d = new vscode.Diagnostic(
      range,
      message,
      f.type === 'timeout' || f.recovered ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
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
