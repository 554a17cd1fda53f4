// The extension's one context object: the analysis worker, the bundle analyzed last, and the mapping
// between the bundle's files and VS Code URIs. Everything else (trees, diagnostics, language features)
// reads from here and listens to `onDidChange`.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { BundleSummary, EventRef, FailureRef } from '../src/service/session.ts';
import { CancelledError, ServiceClient } from '../src/service/client.ts';
import { analysisHeapMB, outgrewHeap } from '../src/service/heap-bound.ts';
import { formatBytes } from './format.ts';
import { readSettings } from './settings.ts';

/** Scheme of files inside a .zip bundle: read-only documents the worker serves. */
export const BUNDLE_SCHEME = 'cmflow-bundle';
/** Scheme of excerpts of logs too large for the editor: the lines around a record, read from disk. */
export const EXCERPT_SCHEME = 'cmflow-excerpt';
/** Larger files are not handed to extensions, and the web workbench will not display them. */
const EDITOR_LIMIT_BYTES = 50 * 1024 * 1024;
const EXCERPT_RADIUS = 2000;

/** Where an excerpt starts and ends (1-based lines of the log), from its URI. */
export function excerptRange(uri: vscode.Uri): { file: string; from: number; to: number } {
  const q = new URLSearchParams(uri.query);
  return { file: uri.path.replace(/^\//, ''), from: Number(q.get('from')), to: Number(q.get('to')) };
}

export interface Location {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

export class CmflowState implements vscode.Disposable {
  private worker: Worker | undefined;
  private client: ServiceClient | undefined;
  private current: BundleSummary | undefined;
  private pathByDisk = new Map<string, string>();
  private running: Promise<BundleSummary | undefined> | undefined;
  /** Set for good once a bundle outgrew the analysis service's heap bound (see analysisHeapMB). */
  private unbounded = false;
  private workerHeapMB: number | undefined;
  private readonly changed = new vscode.EventEmitter<BundleSummary | undefined>();
  /** Fires when a new analysis is in place (or the bundle was closed). */
  readonly onDidChange = this.changed.event;
  readonly output: vscode.OutputChannel;

  constructor(private readonly extensionPath: string) {
    this.output = vscode.window.createOutputChannel('CMFlow');
  }

  get summary(): BundleSummary | undefined {
    return this.current;
  }

  /** The analysis under way, or the last one. */
  whenIdle(): Promise<BundleSummary | undefined> {
    return this.running ?? Promise.resolve(this.current);
  }

  /** The old-generation bound of the running analysis service, in MB (undefined: none, or not running). */
  get heapBound(): number | undefined {
    return this.worker === undefined ? undefined : this.workerHeapMB;
  }

  /** Stops the analysis service; the next request starts it again, under the bound as it is then. */
  restartService(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.client = undefined;
  }

  service(): ServiceClient {
    if (!this.client) {
      const heapMB = this.unbounded ? undefined : analysisHeapMB();
      const worker = new Worker(
        path.join(this.extensionPath, 'dist', 'worker.js'),
        heapMB === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapMB } },
      );
      this.workerHeapMB = heapMB;
      this.worker = worker;
      this.client = new ServiceClient(worker);
      worker.on('exit', () => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.client = undefined;
        }
      });
    }
    return this.client;
  }

  /** Analyzes a folder, .zip or file with a cancellable progress notification. */
  analyze(source: string): Promise<BundleSummary | undefined> {
    const run = this.runAnalysis(source);
    this.running = run;
    void run.finally(() => {
      if (this.running === run) {
        this.running = undefined;
      }
    });
    return run;
  }

  private async runAnalysis(source: string): Promise<BundleSummary | undefined> {
    const settings = readSettings();
    const name = path.basename(source);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `CMFlow: analyzing ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          const open = (): Promise<BundleSummary> =>
            this.service().request(
              'open',
              { source, options: { hosts: settings.hosts, timeouts: settings.timeouts } },
              {
                signal: abort.signal,
                onProgress: (p) => {
                  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
                  const increment = Math.max(0, fraction * 100 - reported);
                  reported += increment;
                  const message =
                    p.phase === 'reading'
                      ? `reading ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`
                      : 'correlating';
                  progress.report({ increment, message });
                },
              },
            );
          const summary = await open().catch((e: unknown) => {
            // The bound of the service that stopped (no other has started since).
            const bound = this.workerHeapMB;
            if (!outgrewHeap(e) || bound === undefined) {
              throw e;
            }
            this.output.appendLine(
              `Analysis of ${source} needs more than ${bound} MB of heap: analyzing it again without that bound.`,
            );
            this.unbounded = true;
            this.restartService();
            return open();
          });
          this.set(summary);
          this.output.appendLine(
            `Analyzed ${summary.source}: ${summary.files.length} files, ${formatBytes(summary.bytes)}, ` +
              `${summary.eventCount} correlated events, ${summary.flows.length} flows, ` +
              `${summary.failures.length} failures in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
          );
          return summary;
        } catch (e) {
          if (e instanceof CancelledError) {
            void vscode.window.showInformationMessage(`CMFlow: analysis of ${name} cancelled.`);
            return undefined;
          }
          const message = (e as Error).message;
          this.output.appendLine(`Analysis of ${source} failed: ${message}`);
          void vscode.window.showErrorMessage(`CMFlow could not analyze ${name}: ${message}`);
          return undefined;
        }
      },
    );
  }

  private set(summary: BundleSummary | undefined): void {
    this.current = summary;
    this.pathByDisk = new Map();
    for (const f of summary?.files ?? []) {
      if (f.diskPath) {
        this.pathByDisk.set(diskKey(f.diskPath), f.path);
      }
    }
    this.changed.fire(summary);
  }

  /** The URI of a bundle file: on disk for folders, inside the .zip through our content provider. */
  uriOf(file: string): vscode.Uri {
    const ref = this.current?.files.find((f) => f.path === file);
    if (ref?.diskPath) {
      return vscode.Uri.file(ref.diskPath);
    }
    return vscode.Uri.from({ scheme: BUNDLE_SCHEME, path: `/${file}` });
  }

  /** The bundle file a document is, if it is one. */
  fileOf(uri: vscode.Uri): string | undefined {
    if (uri.scheme === BUNDLE_SCHEME) {
      return uri.path.replace(/^\//, '');
    }
    if (uri.scheme === 'file') {
      return this.pathByDisk.get(diskKey(uri.fsPath));
    }
    return undefined;
  }

  failuresIn(file: string): FailureRef[] {
    return (this.current?.failures ?? []).filter((f) => f.event.file === file);
  }

  /**
   * Opens the log at the record's line. A log too large for the editor opens as an excerpt of the lines
   * around the record, which the engine reads from disk.
   */
  async reveal(at: Location | EventRef): Promise<void> {
    const size = this.current?.files.find((f) => f.path === at.file)?.size ?? 0;
    if (size > EDITOR_LIMIT_BYTES) {
      const from = Math.max(1, at.line - EXCERPT_RADIUS);
      const uri = vscode.Uri.from({
        scheme: EXCERPT_SCHEME,
        path: `/${at.file}`,
        query: `from=${from}&to=${at.line + EXCERPT_RADIUS}`,
      });
      // Line 0 of the excerpt is its heading; log line `from` is excerpt line 1.
      const line = at.line - from + 1;
      await vscode.commands.executeCommand('vscode.open', uri, {
        selection: new vscode.Range(line, 0, line, 0),
        preview: true,
      } satisfies vscode.TextDocumentShowOptions);
      return;
    }
    const line = Math.max(0, at.line - 1);
    const range = new vscode.Range(line, 0, line, 0);
    await vscode.commands.executeCommand('vscode.open', this.uriOf(at.file), {
      selection: range,
      preview: true,
    } satisfies vscode.TextDocumentShowOptions);
    const editor = vscode.window.activeTextEditor;
    if (editor && this.fileOf(editor.document.uri) === at.file) {
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  dispose(): void {
    void this.worker?.terminate();
    this.changed.dispose();
    this.output.dispose();
  }
}

function diskKey(p: string): string {
  const n = path.normalize(p);
  return process.platform === 'win32' ? n.toLowerCase() : n;
}
