// The extension inside real VS Code, on a scratch copy of the wsus-unreachable-2ee2 sample bundle opened as
// the workspace: activation and analysis, the three trees, Problems, hovers, definitions and references,
// CodeLens, navigation to the upstream cause, exports, tail, the cmtrace language and .zip bundles.
// The expected lines come from the generator's ground truth (test/gen/truth), not from CMFlow's output.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../extension/commands.ts';
import type { CmflowApi } from '../../extension/main.ts';
import type { TreeNode } from '../../extension/trees.ts';
import type { BundleSummary } from '../../src/service/session.ts';
import { makeZip } from '../helpers/zip.ts';

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE = 'wsus-unreachable-2ee2';
interface Ref {
  file: string;
  line: number;
}
const truth = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/gen/truth', `${SAMPLE}.json`), 'utf8')) as {
  failures: Array<{ errorCode: string; upstreamCause: Ref; symptom: Ref }>;
};
const expected = truth.failures[0]!;
const causeAt: Ref = { file: expected.upstreamCause.file, line: expected.upstreamCause.line };

let api: CmflowApi;
let summary: BundleSummary;
let workspace: string;

const label = (item: vscode.TreeItem): string =>
  typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
/** Hover Markdown as a person reads it (appendText escapes punctuation and writes spaces as &nbsp;). */
const text = (h: vscode.Hover): string =>
  h.contents
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, '$1');

async function activeAt(): Promise<Ref & { uri: vscode.Uri }> {
  // vscode.open resolves before the editor is active on slower hosts.
  for (let i = 0; i < 50 && !vscode.window.activeTextEditor; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'an editor is open');
  return {
    uri: editor.document.uri,
    file: api.state.fileOf(editor.document.uri) ?? editor.document.uri.toString(),
    line: editor.selection.active.line + 1,
  };
}

/** Opens a sample bundle for `check`, and the workspace's bundle again after it, whatever happens. */
async function withSample(name: string, check: (summary: BundleSummary) => void | Promise<void>): Promise<void> {
  try {
    const s = await vscode.commands.executeCommand<BundleSummary>(
      'cmflow.openBundle',
      path.join(ROOT, 'samples/logs', name),
    );
    assert.ok(s);
    await check(s);
  } finally {
    await vscode.commands.executeCommand('cmflow.openBundle', workspace);
  }
}

async function open(file: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(api.state.uriOf(file));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function find(doc: vscode.TextDocument, pattern: RegExp): vscode.Position {
  for (let l = 0; l < doc.lineCount; l++) {
    const m = pattern.exec(doc.lineAt(l).text);
    if (m) {
      return new vscode.Position(l, m.index + 1);
    }
  }
  throw new Error(`${pattern} not found in ${doc.uri.toString()}`);
}

suiteSetup(async function () {
  this.timeout(120_000);
  const ext = vscode.extensions.getExtension<CmflowApi>('cmflow.cmflow');
  assert.ok(ext, 'the extension is installed');
  api = await ext.activate();
  workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const s = await api.whenIdle();
  assert.ok(s, 'the workspace bundle was analyzed on activation');
  summary = s;
});

suite('activation and analysis', () => {
  test('runs in real VS Code and analyzes the workspace bundle on activation', () => {
    console.log(`VS Code ${vscode.version}, ${vscode.env.appHost}; bundle ${summary.source}`);
    assert.equal(path.resolve(summary.source), path.resolve(workspace));
    assert.deepEqual(summary.hosts.map((h) => h.name).sort(), ['PS1MP01', 'PS1SITE', 'PS1WIN10X64']);
    assert.ok(summary.flows.length >= 2);
    assert.ok(summary.failures.some((f) => f.code === expected.errorCode));
  });

  test('every command of the table is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.keys(COMMANDS)) {
      assert.ok(all.has(id), `${id} registered`);
    }
  });

  test('the status of analysis shows in the Output channel and a second analysis replaces the first', async () => {
    const again = await vscode.commands.executeCommand<BundleSummary>('cmflow.reanalyze');
    assert.ok(again);
    assert.equal(again.failures.length, summary.failures.length);
    summary = again;
  });
});

suite('Failures, Flows and Hosts views', () => {
  test('Failures: each failure opens to its chain, upstream cause first', () => {
    const roots = api.trees.failures.getChildren();
    assert.equal(roots.length, summary.failures.length);
    const first = roots.find((n) => n.type === 'failure' && n.failure.code === expected.errorCode)!;
    const item = api.trees.failures.getTreeItem(first);
    assert.match(label(item), /0x80072EE2/);
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const chain = api.trees.failures.getChildren(first);
    const cause = api.trees.failures.getTreeItem(chain[0]!);
    assert.match(label(cause), /^Upstream cause/);
    assert.ok(chain[0]!.type === 'event');
    assert.deepEqual(
      { file: chain[0]!.event.file, line: chain[0]!.event.line },
      { file: expected.upstreamCause.file, line: expected.upstreamCause.line },
    );
  });

  test('selecting a record reveals its line in the log', async () => {
    const failure = api.trees.failures.getChildren().find((n) => n.type === 'failure')!;
    const item = api.trees.failures.getTreeItem(api.trees.failures.getChildren(failure)[0]!);
    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
    const at = await activeAt();
    assert.deepEqual({ file: at.file, line: at.line }, causeAt);
  });

  test('Flows: kinds, flows with status icons, and events fetched from the worker', async () => {
    const kinds = await api.trees.flows.getChildren();
    const labels = kinds.map((k) => label(api.trees.flows.getTreeItem(k)));
    assert.deepEqual(labels, ['Software update scans', 'State messages']);
    const scans = await api.trees.flows.getChildren(kinds[0]);
    const scan = api.trees.flows.getTreeItem(scans[0]!);
    assert.match(label(scan), /^ScanJob \{/);
    assert.equal((scan.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(String(scan.description), /^failed/);
    const events: TreeNode[] = await api.trees.flows.getChildren(scans[0]);
    assert.ok(events.length >= 5, `${events.length} events`);
    const times = events.map((e) => (e.type === 'event' ? e.event.time : NaN));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'events in corrected time order',
    );
  });

  test('Hosts: role, zone, skew with its basis, and files', () => {
    const hosts = api.trees.hosts.getChildren();
    const client = hosts.find((h) => h.type === 'host' && h.host.name === 'PS1WIN10X64')!;
    const item = api.trees.hosts.getTreeItem(client);
    assert.match(String(item.description), /client · UTC-05:00 · skew -6\.\d+ s/);
    const facts = api.trees.hosts.getChildren(client).map((n) => api.trees.hosts.getTreeItem(n));
    const skew = facts.find((f) => label(f) === 'Clock skew')!;
    assert.match(String(skew.description), /-6\.\d+ s ± /);
    assert.match(skew.tooltip as string, /messages/);
    const files = api.trees.hosts.getChildren(client).find((n) => n.type === 'files')!;
    assert.ok(api.trees.hosts.getChildren(files).length >= 8);
  });

  test("Hosts: a client's change of zone and its decoded WindowsUpdate.log's offsets by line", async () => {
    await withSample('wulog-decoded-summer-time-end', () => {
      const client = api.trees.hosts.getChildren().find((h) => h.type === 'host' && h.host.name === 'PS1WIN11EDT')!;
      const facts = api.trees.hosts.getChildren(client).map((n) => api.trees.hosts.getTreeItem(n));
      const zone = facts.find((f) => label(f) === 'Zone change')!;
      assert.match(
        String(zone.description),
        /^UTC-04:00 → UTC-05:00 from 2025-11-02 06:01:18\.\d{3} UTC by its own clock$/,
      );
      const clock = facts.find((f) => label(f) === 'Clock of WindowsUpdate.log')!;
      assert.equal(
        String(clock.description),
        "moved forward 1 h to line 39, as read from line 40 (decoded in one zone across its host's change of zone)",
      );
    });
  });

  test('time display follows the setting (UTC or host-local)', async () => {
    const config = vscode.workspace.getConfiguration('cmflow');
    const failure = api.trees.failures.getChildren().find((n) => n.type === 'failure')!;
    const cause = api.trees.failures.getChildren(failure)[0]!;
    const utc = label(api.trees.failures.getTreeItem(cause));
    await config.update('timeDisplay', 'hostLocal', vscode.ConfigurationTarget.Global);
    try {
      const local = label(api.trees.failures.getTreeItem(cause));
      assert.notEqual(local, utc);
      // EST: host-local is five hours behind UTC.
      const hour = (s: string): number => Number(/(\d\d):\d\d:\d\d\.\d{3}/.exec(s)![1]);
      assert.equal((hour(utc) - hour(local) + 24) % 24, 5);
    } finally {
      await config.update('timeDisplay', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

suite('navigation', () => {
  test('Go to Upstream Cause from a failure lands on the cause line', async () => {
    const f = summary.failures.find((x) => x.code === expected.errorCode)!;
    await vscode.commands.executeCommand('cmflow.goToUpstreamCause', f.index);
    const at = await activeAt();
    assert.deepEqual({ file: at.file, line: at.line }, causeAt);
  });

  test('Go to Upstream Cause from the cursor on a failure line', async () => {
    const f = summary.failures.find((x) => x.code === expected.errorCode)!;
    const doc = await open(f.event.file);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document, doc);
    const pos = new vscode.Position(f.event.line - 1, 0);
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('cmflow.goToUpstreamCause');
    const at = await activeAt();
    assert.deepEqual({ file: at.file, line: at.line }, causeAt);
  });

  test('Next and Previous Failure step through failures in time order', async () => {
    const sorted = [...summary.failures].sort((a, b) => a.event.time - b.event.time);
    await vscode.commands.executeCommand('cmflow.nextFailure');
    const first = await activeAt();
    await vscode.commands.executeCommand('cmflow.nextFailure');
    const second = await activeAt();
    await vscode.commands.executeCommand('cmflow.previousFailure');
    const back = await activeAt();
    const seen = [first, second].map((a) => `${a.file}:${a.line}`);
    assert.ok(sorted.some((f) => `${f.event.file}:${f.event.line}` === seen[0]));
    assert.ok(sorted.some((f) => `${f.event.file}:${f.event.line}` === seen[1]));
    assert.notEqual(seen[0], seen[1]);
    assert.equal(`${back.file}:${back.line}`, seen[0]);
  });

  test('CodeLens on a failure line offers Go to Upstream Cause', async () => {
    const f = summary.failures.find((x) => x.code === expected.errorCode)!;
    const uri = api.state.uriOf(f.event.file);
    await vscode.workspace.openTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.range.start.line === f.event.line - 1);
    assert.ok(lens?.command, 'a lens on the failure line');
    assert.match(lens.command.title, /Go to Upstream Cause \(WindowsUpdate\.log:34\)/);
    await vscode.commands.executeCommand(lens.command.command, ...((lens.command.arguments ?? []) as unknown[]));
    const at = await activeAt();
    assert.deepEqual({ file: at.file, line: at.line }, causeAt);
  });
});

suite('Problems', () => {
  test('each failure is a diagnostic with its upstream cause as related information', () => {
    const f = summary.failures.find((x) => x.code === expected.errorCode)!;
    const diags = vscode.languages.getDiagnostics(api.state.uriOf(f.event.file));
    const d = diags.find((x) => x.range.start.line === f.event.line - 1 && x.source === 'CMFlow');
    assert.ok(d, 'diagnostic on the failing line');
    assert.match(d.message, /^0x80072EE2: /);
    const cause = d.relatedInformation![0]!;
    assert.equal(api.state.fileOf(cause.location.uri), expected.upstreamCause.file);
    assert.equal(cause.location.range.start.line, expected.upstreamCause.line - 1);
    assert.match(cause.message, /^Upstream cause/);
    assert.ok(d.relatedInformation!.length >= 3, 'the chain between is related information too');
  });
});

suite('hovers, definitions and references', () => {
  test('an error code shows its name, meaning, usual cause and next check', async () => {
    const doc = await open(expected.symptom.file);
    const pos = find(doc, /0x80072ee2/i);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
    const all = hovers.map(text).join('\n');
    assert.match(all, /0x80072EE2/);
    assert.match(all, /ERROR_WINHTTP_TIMEOUT/);
    assert.match(all, /Usual cause/);
    assert.match(all, /Check next/);
  });

  test('a GUID shows what it identifies and how often it appears', async () => {
    const doc = await open('PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log');
    const pos = find(doc, /Location Request ID = \{/);
    const at = new vscode.Position(pos.line, doc.lineAt(pos.line).text.indexOf('{') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const all = hovers.map(text).join('\n');
    assert.match(all, /LocationRequest/);
    assert.match(all, /Appears in \d+ records in [2-9] files/);
  });

  test('a time shows UTC and the skew-corrected time', async () => {
    const doc = await open('PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log');
    const pos = find(doc, /time="/);
    const at = new vscode.Position(pos.line, pos.character + 7);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const all = hovers.map(text).join('\n');
    assert.match(all, /UTC as logged: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/);
    assert.match(all, /Skew-corrected UTC: .* \(PS1WIN10X64's clock -6\.\d+ s\)/);
  });

  test('Go to Definition and Peek References on a GUID span the bundle', async () => {
    const doc = await open('PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log');
    const pos = find(doc, /Location Request ID = \{/);
    const at = new vscode.Position(pos.line, doc.lineAt(pos.line).text.indexOf('{') + 3);
    const defs = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeDefinitionProvider',
      doc.uri,
      at,
    );
    assert.equal(defs.length, 1);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider',
      doc.uri,
      at,
    );
    const files = new Set(refs.map((r) => api.state.fileOf(r.uri)));
    assert.ok(files.has('PS1WIN10X64/Windows/CCM/Logs/LocationServices.log'), [...files].join(', '));
    assert.ok(files.has('PS1MP01/SMS_CCM/Logs/MP_Location.log') || files.size >= 2);
    const ref = refs[0]!;
    const refDoc = await vscode.workspace.openTextDocument(ref.uri);
    assert.match(refDoc.getText(ref.range).toLowerCase(), /^[0-9a-f]{8}-/);
  });

  test('an SMX file name says what it is and goes from StateSys to the MPFDM move', async () => {
    const doc = await open('PS1SITE/Microsoft Configuration Manager/Logs/StateSys.log');
    const pos = find(doc, /Processing file: RT6RYHYK\.SMX/);
    const at = new vscode.Position(pos.line, doc.lineAt(pos.line).text.indexOf('RT6RYHYK') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const all = hovers.map(text).join('\n');
    assert.match(all, /SMX file/);
    assert.match(all, /MPFDM moves it/);
    assert.match(all, /Appears in \d+ records in 2 files/);
    assert.match(all, /Flows: state-message:/);
    const defs = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeDefinitionProvider',
      doc.uri,
      at,
    );
    assert.equal(defs.length, 1);
    assert.equal(api.state.fileOf(defs[0]!.uri), 'PS1MP01/SMS/Logs/MPFDM.log');
    const refs = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider',
      doc.uri,
      at,
    );
    assert.deepEqual([...new Set(refs.map((r) => api.state.fileOf(r.uri)))].sort(), [
      'PS1MP01/SMS/Logs/MPFDM.log',
      'PS1SITE/Microsoft Configuration Manager/Logs/StateSys.log',
    ]);
  });
});

suite('log files', () => {
  test('CCM logs open in the cmtrace language; error lines are decorated', async () => {
    const doc = await open(expected.symptom.file);
    assert.equal(doc.languageId, 'cmtrace');
    // Decorations are computed by the worker after the editor shows.
    let marks: readonly { line: number; severity: string }[] = [];
    for (let i = 0; i < 50 && marks.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      marks = await api.live.marksOf(expected.symptom.file);
    }
    assert.ok(
      marks.some((m) => m.line === expected.symptom.line && m.severity === 'error'),
      JSON.stringify(marks),
    );
  });

  test('lines appended to a log are picked up without re-analysis', async () => {
    const file = 'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log';
    const disk = path.join(workspace, file);
    const lines = fs
      .readFileSync(disk, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.length > 0).length;
    const appended =
      '<![LOG[OnSearchComplete - Failed to end search job. Error = 0x80244022.]LOG]!><time="10:15:00.000+300" ' +
      'date="01-14-2025" component="WUAHandler" context="" type="3" thread="5312" file="cwuahandler.cpp:3397">\r\n';
    const tailed = new Promise<{ file: string; records: number }>((resolve) => {
      const sub = api.live.onDidTail((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    fs.appendFileSync(disk, appended);
    // The file watcher normally triggers the tail; ask directly too in case the watcher is slow.
    const direct = api.live.tail(file);
    const [got] = await Promise.all([tailed, direct]);
    assert.equal(got.file, file);
    const diags = vscode.languages.getDiagnostics(api.state.uriOf(file)).filter((d) => d.source === 'CMFlow (tail)');
    assert.equal(diags.length, 1);
    assert.equal(diags[0]!.range.start.line, lines, 'the new record is on the new last line');
    assert.match(diags[0]!.message, /0x80244022/);
  });
});

suite('export', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmflow-export-'));
  for (const format of ['json', 'csv', 'html'] as const) {
    test(`writes a valid ${format.toUpperCase()} timeline`, async () => {
      const dest = path.join(dir, `timeline.${format}`);
      const wrote = await vscode.commands.executeCommand<string>('cmflow.exportTimeline', format, dest);
      assert.equal(wrote, dest);
      const body = fs.readFileSync(dest, 'utf8');
      if (format === 'json') {
        const t = JSON.parse(body) as { schema: string; events: unknown[]; failures: Array<{ upstreamCause: string }> };
        assert.equal(t.schema, 'cmflow.timeline/1');
        assert.ok(t.events.length > 50);
        assert.ok(
          t.failures.some((f) => f.upstreamCause === `${expected.upstreamCause.file}:${expected.upstreamCause.line}`),
        );
      } else if (format === 'csv') {
        const [header, ...rows] = body.trim().split(/\r?\n/);
        assert.match(header!, /^time,host,role,component,severity,file,line,/);
        assert.ok(rows.length > 50);
      } else {
        assert.match(body, /^<!DOCTYPE html>/i);
        assert.match(body, /Content-Security-Policy/);
        assert.ok(body.includes(expected.upstreamCause.file));
      }
    });
  }
});

suite('bundles outside the workspace', () => {
  test('Open Log Bundle analyzes a .zip and reveals records from inside it', async () => {
    const entries: Record<string, Uint8Array> = {};
    const walk = (dir: string, prefix: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p, `${prefix}${e.name}/`);
        } else {
          entries[`${prefix}${e.name}`] = fs.readFileSync(p);
        }
      }
    };
    walk(path.join(ROOT, 'samples/logs', SAMPLE), '');
    const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmflow-zip-')), `${SAMPLE}.zip`);
    fs.writeFileSync(zip, makeZip(entries));
    try {
      const zipped = await vscode.commands.executeCommand<BundleSummary>('cmflow.openBundle', zip);
      assert.ok(zipped?.isZip);
      assert.equal(zipped.failures.length, summary.failures.length);
      const f = zipped.failures.find((x) => x.code === expected.errorCode)!;
      await vscode.commands.executeCommand('cmflow.goToUpstreamCause', f.index);
      const at = await activeAt();
      assert.equal(at.uri.scheme, 'cmflow-bundle');
      assert.deepEqual({ file: at.file, line: at.line }, causeAt);
      assert.match(vscode.window.activeTextEditor!.document.lineAt(at.line - 1).text, /Send failed with hr = 80072ee2/);
    } finally {
      await vscode.commands.executeCommand('cmflow.openBundle', workspace);
    }
  });

  test('a log larger than VS Code hands to extensions (50 MB) is still analyzed and navigable', async function () {
    this.timeout(180_000);
    const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmflow-big-')), SAMPLE);
    fs.cpSync(path.join(ROOT, 'samples/logs', SAMPLE), big, { recursive: true });
    // Push the upstream cause down by half a million earlier records of the same log.
    const wu = path.join(big, 'PS1WIN10X64/Windows/WindowsUpdate.log');
    const lines = fs.readFileSync(wu, 'utf8').split('\n');
    const padding = 560_000;
    const first = lines[0]!.replace(/^\uFEFF/, '').replace(/\r$/, '');
    fs.writeFileSync(wu, `${`${first}\r\n`.repeat(padding)}${lines.join('\n').replace(/^\uFEFF/, '')}`);
    assert.ok(fs.statSync(wu).size > 50 * 1024 * 1024, 'the log is over 50 MB');
    try {
      const s = await vscode.commands.executeCommand<BundleSummary>('cmflow.openBundle', big);
      assert.ok(s);
      const f = s.failures.find((x) => x.code === expected.errorCode)!;
      assert.deepEqual(
        { file: f.upstreamCause.file, line: f.upstreamCause.line },
        { file: causeAt.file, line: causeAt.line + padding },
      );
      await vscode.commands.executeCommand('cmflow.goToUpstreamCause', f.index);
      // Too large for the editor: the lines around the cause open as an excerpt read from disk.
      const editor = vscode.window.activeTextEditor!;
      assert.equal(editor.document.uri.scheme, 'cmflow-excerpt');
      assert.match(editor.document.lineAt(0).text, /^\[CMFlow\] PS1WIN10X64\/Windows\/WindowsUpdate\.log, lines /);
      assert.match(editor.document.lineAt(editor.selection.active.line).text, /Send failed with hr = 80072ee2/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('cmflow.openBundle', workspace);
      fs.rmSync(path.dirname(big), { recursive: true, force: true });
    }
  });

  test('Failures: one failure on several hosts, its records alike, is one group that opens to each', async () => {
    // interleaved-scans: three clients fail to refresh the site signing certificate (0x87D00215) alike.
    await withSample('interleaved-scans', (s) => {
      const roots = api.trees.failures.getChildren();
      const group = roots.find((n) => n.type === 'group')!;
      assert.ok(group, 'a group among the failures');
      assert.equal(roots.length, s.failures.length - 2, 'three failures became one group');
      const item = api.trees.failures.getTreeItem(group);
      assert.match(label(item), /^×5 0x87D00215 /);
      assert.match(String(item.description), /^on 3 hosts · LocationServices\.log: Failed to refresh Site Signing/);
      const members = api.trees.failures.getChildren(group);
      assert.deepEqual(members.map((m) => (m.type === 'failure' ? m.failure.event.host : '')).sort(), [
        'PS1WIN10X64',
        'PS1WIN11X64',
        'PS1WKS0107',
      ]);
      // Problems says so of each of them.
      const member = members[0]!.type === 'failure' ? members[0]!.failure : undefined;
      const diagnostics = vscode.languages.getDiagnostics(api.state.uriOf(member!.event.file));
      assert.ok(
        diagnostics.some(
          (d) => d.message.startsWith('0x87D00215: ') && d.message.endsWith('one of 3 alike on 3 hosts)'),
        ),
        diagnostics.map((d) => d.message).join('\n'),
      );
      // Revealing a failure goes through its group.
      assert.equal(api.trees.failures.getParent(members[0]!), group);
      assert.equal(api.trees.failures.getChildren(members[0])[0]?.type, 'event');
    });
  });

  test('a failure its flow went on past is a warning in Problems and says so in the Failures tree', async () => {
    // statemsg-delayed-mpfdm: MPFDM fails to move the relay's file until the share comes back, then moves it.
    await withSample('statemsg-delayed-mpfdm', async (s) => {
      const recovered = s.failures.filter((f) => f.recovered);
      assert.equal(recovered.length, 1);
      const f = recovered[0]!;
      assert.equal(s.flows.find((x) => x.id === f.flow)?.status, 'ok');
      const node = api.trees.failures.getChildren().find((n) => n.type === 'failure' && n.failure.index === f.index)!;
      assert.ok(node, 'the recovered failure is in the tree');
      const item = api.trees.failures.getTreeItem(node);
      assert.match(label(item), /^0x80070035 \(recovered\) /);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
      const d = vscode.languages
        .getDiagnostics(api.state.uriOf(f.event.file))
        .find((x) => x.range.start.line === f.event.line - 1 && x.source === 'CMFlow');
      assert.ok(d, 'diagnostic on the failing line');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, /\(recovered: its flow completed afterwards/);
      // Its flow is ok, after failures, and says so in the Flows tree.
      const kinds = await api.trees.flows.getChildren();
      const relays = await api.trees.flows.getChildren(
        kinds.find((k) => label(api.trees.flows.getTreeItem(k)) === 'State messages'),
      );
      const relay = api.trees.flows.getTreeItem(relays[0]!);
      assert.match(String(relay.description), /^ok after failures · PS1WIN11X64/);
      assert.equal((relay.iconPath as vscode.ThemeIcon).id, 'pass');
      // The failed moves of other files, which no flow of this bundle holds, stay errors.
      const other = s.failures.find((x) => !x.recovered && x.code === '0x80070035')!;
      assert.ok(other);
      const od = vscode.languages
        .getDiagnostics(api.state.uriOf(other.event.file))
        .find((x) => x.range.start.line === other.event.line - 1 && x.source === 'CMFlow');
      assert.equal(od?.severity, vscode.DiagnosticSeverity.Error);
    });
  });

  test('a client clock set within the bundle: the Hosts tree says what it read before, hovers correct by it', async () => {
    // clock-set-back: the client runs 4 min 12 s fast until time sync sets it right at 16:30 UTC.
    await withSample('clock-set-back', async () => {
      const client = api.trees.hosts.getChildren().find((h) => h.type === 'host' && h.host.name === 'PS1WIN10X64')!;
      const facts = api.trees.hosts.getChildren(client).map((n) => api.trees.hosts.getTreeItem(n));
      const now = facts.find((f) => label(f) === 'Clock skew')!;
      assert.match(String(now.description), /^\+1\.\d{3} s ± \d+ ms$/);
      // No message of it lies within 39 min of the step: the basis says between which it lies, and halfway.
      assert.match(
        now.tooltip as string,
        /PS1WIN10X64 was set back 4 min 10\.\d s between 2025-03-04 16:02:18 and 2025-03-04 16:41:20 by its own clock, .* times before 2025-03-04 16:21:49, halfway/,
      );
      const before = facts.find((f) => label(f) === 'Earlier clock')!;
      assert.match(
        String(before.description),
        /^\+4 min 1\d\.\d{3} s ± \d+ ms until 2025-03-04 16:2\d:\d\d\.\d{3} UTC/,
      );
      // A time on the first scan's line is corrected by the clock before, one on the last scan's by the clock after.
      const doc = await open('PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log');
      const hoverOn = async (line: number): Promise<string> => {
        const col = doc.lineAt(line).text.indexOf('time="') + 7;
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          doc.uri,
          new vscode.Position(line, col),
        );
        return hovers.map(text).join('\n');
      };
      const lines = [...Array(doc.lineCount).keys()].filter((l) => doc.lineAt(l).text.includes('time="'));
      assert.match(await hoverOn(lines[0]!), /PS1WIN10X64's clock \+4 min 1\d\.\d{3} s\)/);
      assert.match(await hoverOn(lines[lines.length - 1]!), /PS1WIN10X64's clock \+1\.\d{3} s\)/);
    });
  });

  test('an MP on the site server with a client there: one host of three roles, every flow through it ok', async function () {
    this.timeout(60_000);
    await withSample('mp-on-site-server', (s) => {
      const site = api.trees.hosts.getChildren().find((h) => h.type === 'host' && h.host.name === 'PS1SITE')!;
      assert.equal(
        String(api.trees.hosts.getTreeItem(site).description),
        'site-server, management-point, client · UTC-06:00 · reference clock',
      );
      assert.deepEqual(
        s.hosts.map((h) => h.name),
        ['PS1SITE', 'PS1WIN11X64'],
      );
      assert.deepEqual(s.flows.map((f) => [f.host, f.kind, f.status]).sort(), [
        ['PS1SITE', 'scan', 'ok'],
        ['PS1SITE', 'state-message', 'ok'],
        ['PS1SITE', 'sync', 'ok'],
        ['PS1WIN11X64', 'scan', 'ok'],
        ['PS1WIN11X64', 'state-message', 'ok'],
      ]);
      assert.deepEqual(
        s.failures.filter((f) => f.flow !== undefined),
        [],
      );
    });
  });

  test('an update that fails to install: the Flows tree lists both installations, the failure leads to WindowsUpdate.log', async function () {
    this.timeout(60_000);
    await withSample('install-failed-0643', async (s) => {
      const kinds = await api.trees.flows.getChildren();
      const installs = kinds.find((k) => k.type === 'kind' && k.kind === 'install')!;
      const item = api.trees.flows.getTreeItem(installs);
      assert.equal(label(item), 'Update installations');
      assert.equal(String(item.description), '2 · 1 failed');
      const failure = s.failures.find((f) => f.flow !== undefined)!;
      assert.equal(failure.code, '0x80240022');
      assert.equal(
        `${failure.upstreamCause.file}:${failure.upstreamCause.line}`,
        'PS1WIN10X64/Windows/WindowsUpdate.log:74',
      );
      await vscode.commands.executeCommand('cmflow.goToUpstreamCause', failure.index);
      const at = await activeAt();
      assert.deepEqual({ file: at.file, line: at.line }, { file: 'PS1WIN10X64/Windows/WindowsUpdate.log', line: 74 });
      assert.match(vscode.window.activeTextEditor!.document.lineAt(73).text, /installerError=1603, hr=0x80070643/);
    });
  });

  test('a path that is not a bundle gets a clear message, not a crash', async () => {
    const result = await vscode.commands.executeCommand('cmflow.openBundle', path.join(workspace, 'no-such-folder'));
    assert.equal(result, undefined);
    assert.ok(api.state.summary, 'the previous analysis stays in place');
  });
});

suite('the analysis service', () => {
  test('a bundle that outgrows the service heap bound is analyzed again without it', async function () {
    this.timeout(120_000);
    const causes = (s: BundleSummary): unknown[] =>
      s.failures.map((f) => [f.code, f.upstreamCause.file, f.upstreamCause.line]);
    // The bundle as earlier tests left it (lines were appended to its logs), analyzed as usual.
    const before = await vscode.commands.executeCommand<BundleSummary>('cmflow.openBundle', workspace);
    assert.ok(before);
    // An 8 MB old generation cannot hold an analysis: the service stops with ERR_WORKER_OUT_OF_MEMORY.
    process.env.CMFLOW_HEAP_MB = '8';
    api.state.restartService();
    try {
      const s = await vscode.commands.executeCommand<BundleSummary>('cmflow.openBundle', workspace);
      assert.ok(s, 'the analysis came through');
      assert.deepEqual(causes(s), causes(before));
      assert.equal(api.state.heapBound, undefined, 'the service runs without a bound from then on');
    } finally {
      delete process.env.CMFLOW_HEAP_MB;
    }
  });
});

suite('webviews', () => {
  const until = async (what: string, ok: () => boolean, ms = 30_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  test('Show Swimlane from a failure opens the diagram, which asks the worker for its data and lights the chain', async () => {
    const f = summary.failures.find((x) => x.code === expected.errorCode)!;
    await vscode.commands.executeCommand('cmflow.showSwimlane', f.index);
    const webview = api.swimlane.webview;
    assert.ok(webview, 'a swimlane panel is open');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/
      .exec(webview.html)?.[1]
      ?.replace(/&#39;/g, "'");
    assert.match(csp ?? '', /^default-src 'none'; /);
    assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9]{32}'$/);
    // The page loads in the real workbench, says `ready`, gets `init`, then the failure waiting for it.
    await until('init and focusFailure', () => api.swimlane.posted.includes('focusFailure'));
    assert.equal(api.swimlane.posted[0], 'init');
    // …and asks for windows of the timeline at its own resolution.
    await until('a window reply', () => api.swimlane.posted.includes('window'));
  });

  test('Open Client Spy shows the tabs and builds the first one when the page asks', async () => {
    await vscode.commands.executeCommand('cmflow.openClientSpy');
    const panel = api.clientSpyPanel;
    assert.ok(panel.webview);
    assert.match(panel.webview.html, /script-src &#39;nonce-/);
    await until('ready and a tab request', () => panel.received.some((m) => m.type === 'tab'));
    assert.equal(panel.received[0]!.type, 'ready');
  });
});
