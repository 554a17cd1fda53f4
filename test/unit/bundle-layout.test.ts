// Which host and role a file's place in a bundle says: the folder above the well-known log folder, past
// drive letters, Program Files and the site's install folder (where an MP on the site server keeps its logs),
// whatever that folder is called; and a machine of several roles listed once, its server roles first.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { inferHost, layoutRoles, openBundle } from '../../src/parsers/bundle.ts';
import type { HostRole } from '../../src/parsers/bundle.ts';
import { makeZip } from '../helpers/zip.ts';

describe('inferHost', () => {
  it.each([
    ['PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log', 'PS1WIN10X64', 'client'],
    ['PS1WIN10X64/Windows/WindowsUpdate.log', 'PS1WIN10X64', 'client'],
    ['PS1MP01/SMS_CCM/Logs/MP_Relay.log', 'PS1MP01', 'management-point'],
    ['PS1MP01/SMS/Logs/MPFDM.log', 'PS1MP01', 'management-point'],
    ['PS1SITE/Microsoft Configuration Manager/Logs/StateSys.log', 'PS1SITE', 'site-server'],
    ['PS1SITE/Program Files/Microsoft Configuration Manager/Logs/StateSys.log', 'PS1SITE', 'site-server'],
    // An MP on the site server: SMS_CCM lies in the install folder, which names no host.
    ['PS1SITE/Microsoft Configuration Manager/SMS_CCM/Logs/MP_Location.log', 'PS1SITE', 'management-point'],
    [
      'PS1SITE/C/Program Files/Microsoft Configuration Manager/SMS_CCM/Logs/MP_Location.log',
      'PS1SITE',
      'management-point',
    ],
    [
      'bundle/PS1SITE/E$/Program Files (x86)/Microsoft Configuration Manager/Logs/WSyncMgr.log',
      'PS1SITE',
      'site-server',
    ],
    ['PS1WIN11/C/Windows/CCM/Logs/CcmMessaging.log', 'PS1WIN11', 'client'],
    ['PS1MP01/inetpub/logs/LogFiles/W3SVC1/u_ex250121.log', 'PS1MP01', 'unknown'],
    // A server named like an install folder is still a host, when nothing else is above it.
    ['SCCM/SMS_CCM/Logs/MP_Relay.log', 'SCCM', 'management-point'],
    ['PS1WKS0042/ScanAgent.log', 'PS1WKS0042', 'unknown'],
    ['ScanAgent.log', '', 'unknown'],
  ])('%s is on %s as %s', (path, host, role) => {
    const place = inferHost(path);
    expect(place.host).toBe(host);
    expect(place.role).toBe(role);
    expect(path.startsWith(place.hostDir)).toBe(true);
  });
});

describe('layoutRoles', () => {
  const file = (host: string, roleHint: HostRole): { host: string; roleHint: HostRole } => ({ host, roleHint });

  it("lists a machine's server roles before its client, and unknown only when nothing else is known", () => {
    const roles = layoutRoles([
      file('PS1SITE', 'client'),
      file('PS1SITE', 'unknown'),
      file('PS1SITE', 'management-point'),
      file('PS1SITE', 'site-server'),
      file('PS1WKS0001', 'client'),
      file('PS1MP02', 'unknown'),
      file('PS1MP02', 'management-point'),
      file('LOOSE', 'unknown'),
    ]);
    expect(Object.fromEntries(roles)).toEqual({
      PS1SITE: ['site-server', 'management-point', 'client'],
      PS1WKS0001: ['client'],
      PS1MP02: ['management-point'],
      LOOSE: ['unknown'],
    });
  });
});

describe('an install folder of another name', () => {
  const SAMPLE = resolve(__dirname, '../../samples/logs/mp-on-site-server');
  let dir = '';

  beforeAll(() => {
    // The site installed in E:\ConfigMgr, collected with its drive letter: PS1SITE/E/ConfigMgr/{Logs,SMS_CCM/Logs}.
    dir = mkdtempSync(join(tmpdir(), 'cmflow-install-'));
    cpSync(SAMPLE, dir, { recursive: true });
    mkdirSync(join(dir, 'PS1SITE/E'));
    renameSync(join(dir, 'PS1SITE/Microsoft Configuration Manager'), join(dir, 'PS1SITE/E/ConfigMgr'));
    // A remote MP whose SMS\Logs was copied as Logs, in a folder of its own: not an install folder.
    mkdirSync(join(dir, 'Extra/PS1MP02/Logs'), { recursive: true });
    mkdirSync(join(dir, 'Extra/PS1MP02/SMS_CCM/Logs'), { recursive: true });
    writeFileSync(join(dir, 'Extra/PS1MP02/Logs/MPFDM.log'), '');
    writeFileSync(join(dir, 'Extra/PS1MP02/SMS_CCM/Logs/MP_Relay.log'), '');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is told by the site server's logs beside SMS_CCM: the host is above it, and the analysis is the sample's", async () => {
    const bundle = await openBundle(dir);
    const hostOf = (suffix: string): [string, string] => {
      const f = bundle.files.find((x) => x.path.endsWith(suffix))!;
      return [f.host, f.roleHint];
    };
    expect(hostOf('ConfigMgr/SMS_CCM/Logs/MP_Relay.log')).toEqual(['PS1SITE', 'management-point']);
    expect(hostOf('ConfigMgr/Logs/StateSys.log')).toEqual(['PS1SITE', 'site-server']);
    expect(hostOf('Extra/PS1MP02/SMS_CCM/Logs/MP_Relay.log')).toEqual(['PS1MP02', 'management-point']);
    const t = await analyzeBundle(bundle);
    expect(t.hosts.find((h) => h.name === 'PS1SITE')?.roles).toEqual(['site-server', 'management-point', 'client']);
    const relays = t.flows.filter((f) => f.kind === 'state-message');
    expect(relays.map((f) => [f.keys.mp, f.status])).toEqual([
      ['PS1SITE', 'ok'],
      ['PS1SITE', 'ok'],
    ]);
  });
});

describe("each machine's logs copied straight under its name", () => {
  // An admin's collection without the Windows\CCM\Logs, SMS_CCM\Logs or install folders: the log's own name
  // says which role wrote it. Before, every host's role was unknown: no client had a layer of its own, and the
  // MP, not the site server, became the reference clock.
  const SAMPLE = resolve(__dirname, '../../samples/logs/wsus-unreachable-2ee2');
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmflow-flat-'));
    for (const e of readdirSync(SAMPLE, { recursive: true, withFileTypes: true }).filter((x) => x.isFile())) {
      const host = relative(SAMPLE, e.parentPath).split(sep)[0]!;
      mkdirSync(join(dir, host), { recursive: true });
      cpSync(join(e.parentPath, e.name), join(dir, host, e.name));
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes each host from the folder under the collection's own, zipped or not", async () => {
    // Zipping a folder puts it in the archive: `Collected/PS1MP01/MP_Location.log`. Before, `Collected` was taken
    // for the one host of the whole bundle, its client's and its servers' logs mixed on it.
    const wrapped = mkdtempSync(join(tmpdir(), 'cmflow-wrapped-'));
    const zipped = mkdtempSync(join(tmpdir(), 'cmflow-wrapped-zip-'));
    try {
      cpSync(dir, join(wrapped, 'Collected'), { recursive: true });
      const entries = Object.fromEntries(
        readdirSync(wrapped, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => {
            const full = join(e.parentPath, e.name);
            return [relative(wrapped, full).split(sep).join('/'), readFileSync(full)];
          }),
      );
      const zip = join(zipped, 'collected.zip');
      writeFileSync(zip, makeZip(entries));
      for (const source of [wrapped, zip]) {
        const bundle = await openBundle(source);
        const hosts = new Set(bundle.files.map((f) => `${f.host} ${f.hostDir} ${f.roleHint}`));
        expect([...hosts].filter((h) => !h.endsWith(' unknown')).sort()).toEqual([
          'PS1MP01 Collected/PS1MP01 management-point',
          'PS1SITE Collected/PS1SITE site-server',
          'PS1WIN10X64 Collected/PS1WIN10X64 client',
        ]);
        const t = await analyzeBundle(bundle);
        expect([t.referenceHost, t.flows.map((f) => [f.host, f.kind, f.status])]).toEqual([
          'PS1SITE',
          [
            ['PS1WIN10X64', 'scan', 'failed'],
            ['PS1WIN10X64', 'state-message', 'ok'],
          ],
        ]);
        bundle.close();
      }
    } finally {
      rmSync(wrapped, { recursive: true, force: true });
      rmSync(zipped, { recursive: true, force: true });
    }
  });

  it('takes each host from under folders that sort the machines by kind', async () => {
    // Servers/PS1MP01, Servers/PS1SITE, Clients/PS1WIN10X64: one client alone under Clients is a machine too.
    const sorted = mkdtempSync(join(tmpdir(), 'cmflow-sorted-'));
    try {
      for (const [kind, host] of [
        ['Servers', 'PS1MP01'],
        ['Servers', 'PS1SITE'],
        ['Clients', 'PS1WIN10X64'],
      ] as const) {
        cpSync(join(dir, host), join(sorted, kind, host), { recursive: true });
      }
      const bundle = await openBundle(sorted);
      expect(Object.fromEntries(layoutRoles(bundle.files))).toEqual({
        PS1MP01: ['management-point'],
        PS1SITE: ['site-server'],
        PS1WIN10X64: ['client'],
      });
      expect(bundle.files.find((f) => f.host === 'PS1WIN10X64')?.hostDir).toBe('Clients/PS1WIN10X64');
      const t = await analyzeBundle(bundle);
      expect([t.referenceHost, t.flows.map((f) => [f.host, f.status])]).toEqual([
        'PS1SITE',
        [
          ['PS1WIN10X64', 'failed'],
          ['PS1WIN10X64', 'ok'],
        ],
      ]);
    } finally {
      rmSync(sorted, { recursive: true, force: true });
    }
  });

  it('names a machine whose log folder was zipped or copied as it is by the archive or folder, without its date', async () => {
    // A client's CCM\\Logs zipped by a collection tool: the logs at the archive's root had no host at all.
    const root = mkdtempSync(join(tmpdir(), 'cmflow-root-'));
    try {
      const logs = readdirSync(join(dir, 'PS1WIN10X64'));
      const zip = join(root, 'PS1WIN10X64_20250121.zip');
      writeFileSync(zip, makeZip(Object.fromEntries(logs.map((n) => [n, readFileSync(join(dir, 'PS1WIN10X64', n))]))));
      const copied = join(root, 'PS1WIN10X64-2025-01-21_1402');
      cpSync(join(dir, 'PS1WIN10X64'), copied, { recursive: true });
      for (const source of [zip, copied]) {
        const bundle = await openBundle(source);
        expect(new Set(bundle.files.map((f) => `${f.host} ${f.roleHint}`))).toContain('PS1WIN10X64 client');
        expect(new Set(bundle.files.map((f) => f.host))).toEqual(new Set(['PS1WIN10X64']));
        const t = await analyzeBundle(bundle);
        expect(t.flows.map((f) => f.summary.split(':')[0])).toEqual(['PS1WIN10X64', 'PS1WIN10X64']);
        bundle.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("keeps one machine's own subfolders, and its days, on that machine", async () => {
    const one = mkdtempSync(join(tmpdir(), 'cmflow-one-'));
    try {
      const client = (folder: string): string => join(one, 'PS1WKS0042', folder);
      for (const [folder, name] of [
        ['Logs', 'ScanAgent.log'],
        ['Panther', 'setupact.log'],
        ['2025-01-13', 'WUAHandler.log'],
        ['2025-01-14', 'WUAHandler.log'],
      ] as const) {
        mkdirSync(client(folder), { recursive: true });
        writeFileSync(join(client(folder), name), '');
      }
      const hosts = (await openBundle(one)).files.map((f) => f.host);
      expect(new Set(hosts)).toEqual(new Set(['PS1WKS0042']));
      rmSync(client('Panther'), { recursive: true });
      rmSync(client('Logs'), { recursive: true });
      // Days alone: still one machine's.
      expect(new Set((await openBundle(one)).files.map((f) => f.host))).toEqual(new Set(['PS1WKS0042']));
    } finally {
      rmSync(one, { recursive: true, force: true });
    }
  });

  it('takes each role from the names of its logs, and analyses as the sample does', async () => {
    const bundle = await openBundle(dir);
    const roleOf = (path: string): string => bundle.files.find((f) => f.path === path)!.roleHint;
    expect(
      ['PS1SITE/StateSys.log', 'PS1MP01/MP_Location.log', 'PS1MP01/MPFDM.log', 'PS1WIN10X64/ScanAgent.log'].map(roleOf),
    ).toEqual(['site-server', 'management-point', 'management-point', 'client']);
    // An MP writes these too, and IIS logs are any web server's.
    expect(['PS1WIN10X64/CcmMessaging.log', 'PS1MP01/u_ex250121.log'].map(roleOf)).toEqual(['unknown', 'unknown']);
    expect(Object.fromEntries(layoutRoles(bundle.files))).toEqual({
      PS1MP01: ['management-point'],
      PS1SITE: ['site-server'],
      PS1WIN10X64: ['client'],
    });
    const flat = await analyzeBundle(bundle);
    const sample = await analyzeBundle(await openBundle(SAMPLE));
    const name = (path: string): string => path.replace(/^([^/]+)\/.*\//, '$1/');
    const summary = (t: typeof flat): unknown => ({
      reference: t.referenceHost,
      hosts: t.hosts.map((h) => [h.name, h.role, h.clockSkewMs]),
      flows: t.flows.map((f) => [f.kind, f.status, f.summary]),
      causes: t.failures.map((f) => [name(f.event), name(f.upstreamCause)]),
    });
    expect(summary(flat)).toEqual(summary(sample));
    expect(flat.referenceHost).toBe('PS1SITE');
  });
});
