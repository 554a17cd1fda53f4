// The `cmflow` command as a user runs it (the built dist/cli.js): the cmflow.parse/1 shape, zip bundles,
// and every user error as one line on stderr with a non-zero exit, never a stack trace.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.ts';
import { makeZip } from '../helpers/zip.ts';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function cmflow(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
});

describe('cmflow parse', () => {
  it('prints exactly the cmflow.parse/1 shape with --json', () => {
    const r = cmflow(['parse', 'samples/logs/healthy-compliance', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { schema: string; files: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['schema', 'files']);
    expect(out.schema).toBe('cmflow.parse/1');
    expect(out.files.length).toBeGreaterThan(10);
    for (const f of out.files) {
      expect(Object.keys(f)).toEqual([
        'path',
        'format',
        'encoding',
        'host',
        'records',
        'firstUtc',
        'lastUtc',
        'problems',
      ]);
      expect(f.path).toMatch(/^samples\/logs\/healthy-compliance\//);
      for (const p of f.problems as Array<Record<string, unknown>>) {
        expect(Object.keys(p)).toEqual(['line', 'message']);
      }
    }
    const scan = out.files.find((f) => String(f.path).endsWith('/ScanAgent.log'))!;
    expect(scan).toMatchObject({ format: 'ccm', encoding: 'utf-8-bom', host: 'PS1WIN10X64' });
    expect(String(scan.firstUtc)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('reads a single file', () => {
    const one = cmflow([
      'parse',
      'samples/logs/healthy-compliance/PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log',
      '--json',
    ]);
    expect(one.code).toBe(0);
    const parsed = JSON.parse(one.stdout) as { files: Array<{ host: string; records: number }> };
    expect(parsed.files).toHaveLength(1);
    expect(parsed.files[0]!.host).toBe('PS1WIN10X64');
  });

  it('reads a .zip bundle the same as the folder it was made from', () => {
    const base = 'samples/logs/gpo-conflict-87d00692';
    const folder = JSON.parse(cmflow(['parse', base, '--json']).stdout) as { files: Array<Record<string, unknown>> };
    const entries: Record<string, Uint8Array> = {};
    for (const f of folder.files) {
      const rel = String(f.path).slice(base.length + 1);
      entries[rel] = readFileSync(join(ROOT, String(f.path)));
    }
    const dir = tempDir('cli');
    const zip = join(dir, 'bundle.zip');
    writeFileSync(zip, makeZip(entries));
    const zipped = JSON.parse(cmflow(['parse', zip, '--json']).stdout) as { files: Array<Record<string, unknown>> };
    const strip = (files: Array<Record<string, unknown>>, prefix: string) =>
      files
        .map((f) => ({ ...f, path: String(f.path).slice(prefix.length) }))
        .sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(strip(zipped.files, zip + '/')).toEqual(strip(folder.files, base + '/'));
  });

  it('names a missing path in one line and exits non-zero', () => {
    const r = cmflow(['parse', 'no/such/bundle']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe('cmflow: no such file or folder: no/such/bundle\n');
    expect(r.stdout).toBe('');
  });

  it('names an unreadable file or a corrupt .zip in one line', () => {
    if (process.getuid?.() === 0) {
      // root reads anything: use a folder that cannot be listed as a stand-in for the permission error.
      const dir = tempDir('cli');
      writeFileSync(join(dir, 'x.zip'), 'not a zip at all');
      const r = cmflow(['parse', join(dir, 'x.zip')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^cmflow: .*x\.zip is not a readable \.zip: .*\n$/);
      return;
    }
    const dir = tempDir('cli');
    const file = join(dir, 'ScanAgent.log');
    writeFileSync(file, 'x');
    chmodSync(file, 0);
    const r = cmflow(['parse', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('rejects unknown commands and options without a stack trace', () => {
    for (const args of [['frobnicate'], ['parse', '--bogus', 'x'], ['parse'], ['parse', 'x', '--host', 'nonsense']]) {
      const r = cmflow(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^cmflow: [^\n]+\n$/);
      expect(r.stderr).not.toMatch(/\bat \S+ \(/);
    }
  });

  it('honours --host and cmflow.json overrides', () => {
    const dir = tempDir('cli');
    mkdirSync(join(dir, 'BOX1', 'logs'), { recursive: true });
    writeFileSync(
      join(dir, 'BOX1', 'logs', 'ScanAgent.log'),
      '<![LOG[x]LOG]!><time="10:00:00.000+000" date="01-20-2014" component="ScanAgent" context="" type="1" thread="1" file="">\r\n',
    );
    const viaFlag = JSON.parse(cmflow(['parse', dir, '--json', '--host', 'BOX1=CLIENT7:client']).stdout) as {
      files: Array<{ host: string }>;
    };
    expect(viaFlag.files[0]!.host).toBe('CLIENT7');
    writeFileSync(join(dir, 'cmflow.json'), JSON.stringify({ hosts: { BOX1: { name: 'CLIENT8' } } }));
    const viaFile = JSON.parse(cmflow(['parse', dir, '--json']).stdout) as { files: Array<{ host: string }> };
    expect(viaFile.files[0]!.host).toBe('CLIENT8');
  });
});

describe('rotated history', () => {
  it('lists each log history oldest first, then the current file', () => {
    const out = JSON.parse(cmflow(['parse', 'samples/logs/rotated-history', '--json']).stdout) as {
      files: Array<{ path: string }>;
    };
    const names = out.files
      .map((f) => f.path.split('/').pop()!)
      .filter((n) => /^(ccmmessaging|locationservices)/i.test(n));
    expect(names).toEqual([
      'CcmMessaging-20241020-062929.log',
      'CcmMessaging.lo_',
      'CcmMessaging.log',
      'LocationServices.lo_',
      'LocationServices.Log',
    ]);
  });
});

describe('cmflow analyze and export', () => {
  it('prints hosts with zone and skew, flows with status, and each failure with its cause as file:line', () => {
    const r = cmflow(['analyze', 'samples/logs/gpo-conflict-87d00692']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PS1WIN10X64\s+client\s+UTC-08:00\s+clock [-+]\d/);
    expect(r.stdout).toMatch(/PS1SITE\s+site-server\s+UTC-05:00\s+reference clock/);
    expect(r.stdout).toMatch(/^ {2}failed {6}PS1WIN10X64: scan of update source/m);
    expect(r.stdout).toContain(
      'cause:    PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log:6  Group policy settings were overwritten',
    );
    expect(r.stdout).toMatch(/chain: {4}WUAHandler\.log:6 → WUAHandler\.log:7 → /);
  });

  it('names each group of other errors by its own record, and its cause when that is another message', () => {
    const r = cmflow(['analyze', 'samples/logs/statemsg-stuck-mpfdm']);
    const others = r.stdout.slice(r.stdout.indexOf('Other errors and warnings'));
    // The failed moves and the failed connections both go back to the first "Cannot connect" (line 7).
    expect(others).toMatch(/0x80070035 \(×\d+\) {2}PS1MP01\/SMS\/Logs\/MPFDM\.log:\d+ {2}Failed to move file/);
    expect(others).toMatch(/\n {4}cause: {2}PS1MP01\/SMS\/Logs\/MPFDM\.log:7 {2}Cannot connect to the site server/);
    expect(others).toMatch(/0x80070035 \(×\d+\) {2}PS1MP01\/SMS\/Logs\/MPFDM\.log:7 {2}Cannot connect/);
    expect(others.match(/cause:/g)).toHaveLength(1);
  });

  it('writes exactly the cmflow.timeline/1 keys with --json, and CSV and HTML beside it', () => {
    const dir = tempDir('cli');
    const [json, csv, html] = ['t.json', 't.csv', 't.html'].map((f) => join(dir, f)) as [string, string, string];
    const r = cmflow(['analyze', 'samples/logs/statemsg-stuck-mpfdm', '--json', json, '--csv', csv, '--html', html]);
    expect(r.code).toBe(0);
    const t = JSON.parse(readFileSync(json, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    expect(t.schema).toBe('cmflow.timeline/1');
    const starts = (o: Record<string, unknown>, keys: string[]) =>
      expect(Object.keys(o).slice(0, keys.length)).toEqual(keys);
    starts(t.hosts![0]!, ['dir', 'name', 'role', 'biasMinutes', 'clockSkewMs']);
    starts(t.events![0]!, ['id', 'file', 'line', 'time', 'host', 'component', 'severity', 'text']);
    starts(t.flows![0]!, ['id', 'kind', 'keys', 'status', 'events']);
    starts(t.links![0]!, ['from', 'to', 'evidence', 'key']);
    starts(t.failures![0]!, ['event', 'code', 'meaning', 'upstreamCause', 'chain', 'hint']);
    const failure = t.failures!.find((f) => f.flow !== null)!;
    expect(failure.upstreamCause).toBe('PS1MP01/SMS/Logs/MPFDM.log:7');
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toBe(
      '\ufefftime,host,role,component,severity,file,line,flows,kind,text,event_id',
    );
    expect(readFileSync(html, 'utf8')).toContain('PS1MP01/SMS/Logs/MPFDM.log:7');
  });

  it('runs on a thread with the bound the user sets, and again without it when a bundle outgrows it', () => {
    // A sample is small enough to run on the calling thread; a bound set in the environment applies anyway.
    const bounded = cmflow(['analyze', 'samples/logs/gpo-conflict-87d00692']);
    const outgrown = cmflow(['analyze', 'samples/logs/gpo-conflict-87d00692'], { CMFLOW_HEAP_MB: '8' });
    expect(outgrown.code).toBe(0);
    expect(outgrown.stderr).toBe(
      'cmflow: the analysis needs more than 8 MB of heap; running it again without that bound\n',
    );
    expect(outgrown.stdout).toBe(bounded.stdout);
    // A user's error on the bounded thread is still one line and exit code 2.
    const missing = cmflow(['analyze', 'samples/logs/no-such-bundle']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'cmflow: no such file or folder: samples/logs/no-such-bundle\n',
    ]);
  });

  it('finishes quietly when the reader of its output goes away (`| head`), its files written whole', async () => {
    const dir = tempDir('cli');
    const [whole, json] = [join(dir, 'whole.json'), join(dir, 't.json')];
    expect(cmflow(['analyze', 'samples/logs/statemsg-stuck-mpfdm', '--json', whole]).code).toBe(0);
    // A reader that closes the pipe at once, as `head -c 0` does: every write of the summary meets it closed.
    const child = spawn(process.execPath, [CLI, 'analyze', 'samples/logs/statemsg-stuck-mpfdm', '--json', json], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect([code, stderr]).toEqual([0, '']);
    expect(readFileSync(json, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  });

  it('export picks the format from --dest and rejects an unknown one', () => {
    const dir = tempDir('cli');
    const dest = join(dir, 'timeline.csv');
    const ok = cmflow(['export', 'samples/logs/healthy-compliance', '--dest', dest]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`wrote CSV to ${dest}\n`);
    expect(readFileSync(dest, 'utf8').length).toBeGreaterThan(1000);
    const bad = cmflow(['export', 'samples/logs/healthy-compliance', '--dest', join(dir, 'x.txt')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^cmflow: --dest must end in \.json, \.csv or \.html/);
  });
});

describe('cmflow spy', () => {
  it('prints every tab as indented text with file:line citations', () => {
    const r = cmflow(['spy', 'samples/logs/client-spy-softdist']);
    expect(r.code).toBe(0);
    for (const title of ['Software Distribution Execution Requests', 'Inventory', 'Client Deployment']) {
      expect(r.stdout).toContain(`# ${title} — client-spy-softdist`);
    }
    expect(r.stdout).toMatch(
      /^ {4}State: WaitingRetry \[warning\] {2}@ PS1WIN10X64\/Windows\/CCM\/Logs\/execmgr\.log:\d+$/m,
    );
  });

  it('prints one tab, named by id, as JSON in the cmflow.spy/1 shape', () => {
    const r = cmflow(['spy', 'samples/logs/client-spy-softdist', '--tab', 'cache', '--json']);
    expect(r.code).toBe(0);
    const tree = JSON.parse(r.stdout) as { schema: string; tab: string; roots: Array<{ label: string }> };
    expect(tree.schema).toBe('cmflow.spy/1');
    expect(tree.tab).toBe('cache');
    expect(tree.roots.map((n) => n.label)).toEqual(['PS1WIN10X64', 'PS1WKS0212']);
  });

  it('reads a .zip bundle', () => {
    const dir = tempDir('spy-zip');
    const zip = join(dir, 'b.zip');
    const log = readFileSync(
      join(ROOT, 'samples/logs/client-spy-softdist/PS1WKS0212/Windows/ccmsetup/Logs/ccmsetup.log'),
    );
    writeFileSync(zip, makeZip({ 'PS1WKS0212/Windows/ccmsetup/Logs/ccmsetup.log': log }));
    const r = cmflow(['spy', zip, '--tab', 'client-deployment']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Deployment state: Failed [error] — error 0x80070643');
  });

  it('turns a bad tab or path into one line on stderr', () => {
    const tab = cmflow(['spy', 'samples/logs/client-spy-softdist', '--tab', 'nope']);
    expect(tab.code).toBe(2);
    expect(tab.stderr.trim().split('\n')).toHaveLength(1);
    expect(tab.stderr).toMatch(/^cmflow: unknown tab "nope" \(tabs: execution-requests, /);
    const path = cmflow(['spy', 'no/such/bundle']);
    expect(path.code).toBe(2);
    expect(path.stderr).toBe('cmflow: no such file or folder: no/such/bundle\n');
  });
});
