// The Client Spy tree view and its save actions in real VS Code, on a scratch copy of the
// client-spy-softdist sample: tabs built when opened, nodes citing records, unknown nodes naming the log that
// would tell, Refresh reading the logs again, and the text files the save actions write.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CmflowApi } from '../../extension/main.ts';
import type { SpyTreeNode } from '../../extension/spy-tree.ts';
import { SPY_TABS } from '../../src/spy/model.ts';

const ROOT = path.resolve(__dirname, '../../..');
const CAS = 'PS1WIN10X64/Windows/CCM/Logs/CAS.log';
let api: CmflowApi;
let bundle: string;
let workspace: string;

const label = (item: vscode.TreeItem): string =>
  typeof item.label === 'string' ? item.label : (item.label?.label ?? '');

async function children(node?: SpyTreeNode): Promise<SpyTreeNode[]> {
  return (await api.trees.clientSpy.getChildren(node)) ?? [];
}

async function find(parent: SpyTreeNode, ...labels: string[]): Promise<SpyTreeNode> {
  let at = parent;
  for (const l of labels) {
    const next = (await children(at)).find((n) => label(api.trees.clientSpy.getTreeItem(n)) === l);
    assert.ok(next, `"${l}" under ${label(api.trees.clientSpy.getTreeItem(at))}`);
    at = next;
  }
  return at;
}

suite('Client Spy', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    api = await vscode.extensions.getExtension<CmflowApi>('cmflow.cmflow')!.activate();
    await api.whenIdle();
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmflow-spy-')), 'client-spy-softdist');
    fs.cpSync(path.join(ROOT, 'samples/logs/client-spy-softdist'), bundle, { recursive: true });
    assert.ok(await vscode.commands.executeCommand('cmflow.openBundle', bundle));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('cmflow.openBundle', workspace);
  });

  test("the view lists Client Spy's tabs in its order", async () => {
    const tabs = await children();
    assert.deepEqual(
      tabs.map((t) => label(api.trees.clientSpy.getTreeItem(t))),
      SPY_TABS.map((t) => t.title),
    );
  });

  test('a tab opens to one subtree per client, whose nodes cite their records', async () => {
    const cache = (await children()).find((t) => t.tab === 'cache')!;
    const location = await find(cache, 'PS1WIN10X64', 'Cache configuration', 'Location');
    const item = api.trees.clientSpy.getTreeItem(location);
    assert.match(String(item.description), /^C:\\WINDOWS\\ccmcache/);
    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
    const editor = vscode.window.activeTextEditor!;
    assert.equal(api.state.fileOf(editor.document.uri), CAS);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /Cache location C:\\WINDOWS\\ccmcache/);
  });

  test('what the logs cannot tell shows as unknown, naming the log that would', async () => {
    const tree = await api.trees.clientSpy.tree('cache');
    const unknown: string[] = [];
    const walk = (nodes: typeof tree.roots): void => {
      for (const n of nodes) {
        if (n.state === 'unknown') {
          unknown.push(`${n.label}: ${n.description ?? ''}`);
        }
        walk(n.children);
      }
    };
    walk(tree.roots);
    assert.ok(unknown.length > 0);
    assert.ok(
      unknown.every((u) => /\.log\b/.test(u)),
      unknown.join('\n'),
    );
  });

  test('Refresh reads the logs again and rebuilds the tab', async () => {
    const cache = (await children()).find((t) => t.tab === 'cache')!;
    const items = async (): Promise<string[]> =>
      (await children(await find(cache, 'PS1WIN10X64', 'Cached items'))).map((n) =>
        label(api.trees.clientSpy.getTreeItem(n)),
      );
    const before = await items();
    fs.appendFileSync(
      path.join(bundle, CAS),
      '<![LOG[===== CacheManager: Content PS100099.1 of size (100K) was found in cache with an empty exclude file list.=====]LOG]!>' +
        '<time="10:30:00.000+300" date="02-18-2025" component="ContentAccess" context="" type="1" thread="7256" file="cachemanager.cpp:880">\r\n',
    );
    assert.deepEqual(await items(), before, 'a tab built once is not rebuilt until refreshed');
    await vscode.commands.executeCommand('cmflow.spy.refreshTab', cache);
    const after = await items();
    assert.ok(
      after.some((l) => l.startsWith('PS100099.1')),
      after.join(', '),
    );
    assert.equal(after.length, before.length + 1);
  });

  test('Save tab and Save all tabs write the trees as text', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmflow-spy-save-'));
    const one = path.join(dir, 'inventory.txt');
    assert.equal(await vscode.commands.executeCommand('cmflow.spy.saveTab', 'inventory', one), one);
    const text = fs.readFileSync(one, 'utf8');
    assert.match(text, /^# Inventory — client-spy-softdist/);
    assert.match(text, /Hardware inventory/);
    const all = path.join(dir, 'all.txt');
    assert.equal(await vscode.commands.executeCommand('cmflow.spy.saveAllTabs', all), all);
    const everything = fs.readFileSync(all, 'utf8');
    for (const t of SPY_TABS) {
      assert.ok(everything.includes(`# ${t.title}`), t.title);
    }
  });
});
