// Client Spy rebuilt from logs: the message grammars of its components, each tab against the ground truth the
// generator wrote for client-spy-softdist, and the edge cases a real bundle brings — logs missing (unknown
// nodes naming the log), execmgr rotated mid-request, several clients, ccmsetup runs that never finished.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Truth } from '../gen/bundles.ts';
import { messageFields } from '../../src/parsers/messages/grammar.ts';
import type { SpyData } from '../../src/spy/data.ts';
import { loadSpyData } from '../../src/spy/data.ts';
import type { SpyNode, SpyTree } from '../../src/spy/model.ts';
import { SPY_TABS } from '../../src/spy/model.ts';
import { renderTabText } from '../../src/spy/render.ts';
import { buildAllTabs, buildTab, findTab } from '../../src/spy/spy.ts';
import { sampleWithout, tempDir } from '../helpers/temp.ts';

const ROOT = resolve(__dirname, '../..');
const SAMPLE = join(ROOT, 'samples/logs/client-spy-softdist');
const truth = JSON.parse(readFileSync(join(ROOT, 'test/gen/truth/client-spy-softdist.json'), 'utf8')) as Truth;

function ccm(message: string, component: string, time = '09:10:00.000', date = '02-18-2025', type = 1): string {
  return `<![LOG[${message}]LOG]!><time="${time}+300" date="${date}" component="${component}" context="" type="${type}" thread="4736" file="x.cpp:1">\r\n`;
}

/** Writes a bundle of `files` (path → content) under a fresh temp folder and returns its path. */
function bundleOf(files: Record<string, string>): string {
  const dir = tempDir('spy');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), '\uFEFF' + content);
  }
  return dir;
}

function find(nodes: readonly SpyNode[], label: string | RegExp): SpyNode | undefined {
  for (const n of nodes) {
    if (typeof label === 'string' ? n.label === label : label.test(n.label)) {
      return n;
    }
    const hit = find(n.children, label);
    if (hit !== undefined) {
      return hit;
    }
  }
  return undefined;
}

function all(nodes: readonly SpyNode[]): SpyNode[] {
  return nodes.flatMap((n) => [n, ...all(n.children)]);
}

describe('Client Spy message grammars', () => {
  it('reads execmgr requests, state changes with their user, and program events', () => {
    const f = messageFields(
      'execmgr',
      'Execution Request for advert PS120006 package PS100015 program Install state change from NotExist to WaitingContent for user S-1-5-21-1-2-3-1107',
      'ccm',
    );
    expect(f).toMatchObject({
      event: 'Execmgr.stateChange',
      advertisement: 'PS120006',
      packageId: 'PS100015',
      programName: 'Install',
      fromState: 'NotExist',
      toState: 'WaitingContent',
      user: 'S-1-5-21-1-2-3-1107',
    });
    const done = messageFields(
      'execmgr',
      'Execution is complete for program WindowsNotepad. The exit code is 0, the execution status is Success',
      'ccm',
    );
    expect(done).toMatchObject({ programName: 'WindowsNotepad', exitCode: 0, executionStatus: 'Success' });
    const event = messageFields(
      'execmgr',
      'Raising event:\n[SMS_CodePage(437), SMS_LocaleID(1033)]\ninstance of SoftDistProgramErrorExitEvent\n{\n\tAdvertisementId = "PS120005";\n\tExitCode = 1618;\n\tPackageName = "PS100014";\n\tProgramName = "Install VPN";\n\tUserContext = "NT AUTHORITY\\\\SYSTEM";\n};\n',
      'ccm',
    );
    expect(event).toMatchObject({
      event: 'Execmgr.programFailed',
      advertisement: 'PS120005',
      exitCode: 1618,
      packageId: 'PS100014',
      programName: 'Install VPN',
      user: 'NT AUTHORITY\\SYSTEM',
    });
  });

  it('reads CAS, CTM and DTS content lines', () => {
    expect(
      messageFields(
        'ContentAccess',
        '===== CacheManager: Content P000224B.1 of size (693K) was found in cache with an empty exclude file list.=====',
        'ccm',
      ),
    ).toMatchObject({ event: 'CAS.foundInCache', packageId: 'P000224B', contentVersion: 1, sizeKb: 693 });
    expect(
      messageFields(
        'ContentTransferManager',
        "CTM job {33624B2E-61A7-428C-A6EC-B0CDFBC8B8A5} (corresponding DTS job {57F233B6-BC00-49E7-BA3A-C467E86F6B12}) started download from 'http://dp/SMS_DP_SMSPKG$/x' for full content download.",
        'ccm',
      ),
    ).toMatchObject({
      event: 'CTM.downloadStarted',
      job: '33624b2e-61a7-428c-a6ec-b0cdfbc8b8a5',
      dtsJob: '57f233b6-bc00-49e7-ba3a-c467e86f6b12',
    });
    expect(
      messageFields(
        'DataTransferService',
        'Job: {C54E37D3-BFDE-4629-AC82-32E6CE733750}, Total Files: 1, Transferred Files: 0, Total Bytes: 79417630, Transferred Bytes: 262144',
        'ccm',
      ),
    ).toMatchObject({ event: 'DTS.progress', totalBytes: 79417630, transferredBytes: 262144, totalFiles: 1 });
  });

  it('reads schedules, inventory actions, metering rules and ccmsetup outcomes', () => {
    expect(
      messageFields(
        'Scheduler',
        'Schedule PS120005-PS100014-6F6BCC28: trigger 0126E6C000100008, next occurrence 02/19/2025 09:20:00',
        'ccm',
      ),
    ).toMatchObject({ advertisement: 'PS120005', packageId: 'PS100014', localTimeText: '02/19/2025 09:20:00' });
    expect(
      messageFields(
        'InventoryAgent',
        'Inventory: Action=Hardware, ReportType=Delta, MajorVersion=14, MinorVersion=3',
        'ccm',
      ),
    ).toMatchObject({ inventoryAction: 'Hardware', reportType: 'Delta', majorVersion: 14, minorVersion: 3 });
    expect(
      messageFields(
        'InventoryAgent',
        'Inventory: Opening store for action {00000000-0000-0000-0000-000000000003} ...',
        'ccm',
      ),
    ).toMatchObject({ inventoryAction: 'Discovery' });
    expect(
      messageFields(
        'mtrmgr',
        'Metering rule PS100003: FileName=WINWORD.EXE, OriginalFileName=WinWord.exe, FileVersion=16.*, LanguageID=65535',
        'ccm',
      ),
    ).toMatchObject({ ruleId: 'PS100003', fileName: 'WINWORD.EXE', fileVersion: '16.*', languageId: 65535 });
    expect(messageFields('ccmsetup', 'CcmSetup failed with error code 0x80070643', 'ccm')).toMatchObject({
      event: 'Ccmsetup.failed',
      errorCodes: ['0x80070643'],
    });
    expect(messageFields('ccmsetup', 'CcmSetup is exiting with return code 7', 'ccm')).toMatchObject({
      event: 'Ccmsetup.exiting',
      exitCode: 7,
    });
  });

  it('never throws on text that only resembles these messages', () => {
    for (const c of ['execmgr', 'ContentAccess', 'Scheduler', 'InventoryAgent', 'ccmsetup', 'mtrmgr']) {
      expect(() =>
        messageFields(c, 'Raising event:\ninstance of SoftDistProgramStartedEvent\n{ ExitCode = "x"', 'ccm'),
      ).not.toThrow();
      expect(messageFields(c, 'Schedule : trigger , next occurrence 99/99/9999 99:99:99', 'ccm').event).toBeUndefined();
    }
  });
});

describe('Client Spy tabs of client-spy-softdist against the ground truth', () => {
  let data: SpyData;
  const trees = new Map<string, SpyTree>();
  beforeAll(async () => {
    data = await loadSpyData(SAMPLE);
    for (const t of await buildAllTabs(data)) {
      trees.set(t.tab, t);
    }
  });

  it('has one root per client host', () => {
    expect(data.clients.map((c) => c.name)).toEqual(['PS1WIN10X64', 'PS1WKS0212']);
    for (const t of trees.values()) {
      expect(t.roots.map((r) => r.label)).toEqual(['PS1WIN10X64', 'PS1WKS0212']);
    }
  });

  it('shows each execution request in the state the logs leave it', () => {
    const root = trees.get('execution-requests')!.roots[0]!;
    for (const want of truth.clientSpy!.executions) {
      const req = root.children.find((n) => n.label.startsWith(`${want.advertisement} `))!;
      expect(req, want.advertisement).toBeDefined();
      const state = find(req.children, 'State')!.value;
      expect(state).toBe(want.outcome === 'Success' ? 'Completed' : want.outcome);
      if (want.outcome === 'WaitingRetry') {
        expect(find(req.children, 'Failure code')?.value).toBe(String(want.exitCode));
        expect(find(req.children, 'Retry count')?.value).toBe('2');
        expect(find(req.children, 'Failure reason')?.value).toMatch(/another installation/);
      }
    }
    const downloading = truth.clientSpy!.downloading[0]!;
    const cad = root.children.find((n) => n.label.startsWith('PS120006 '))!;
    expect(cad.value).toMatch(/^S-1-5-21-/);
    expect(find(cad.children, 'Bytes downloaded')?.value).toBe(
      `${downloading.transferredBytes} of ${downloading.totalBytes}`,
    );
  });

  it('keeps history per user, System first', () => {
    const root = trees.get('history')!.roots[0]!;
    expect(root.children.map((n) => n.label)).toEqual(['System', 'S-1-5-21-3623811015-3361044348-30300820-1107']);
    const vpn = find(root.children, 'Install VPN')!;
    expect(vpn.value).toBe('Failure');
    expect(find(vpn.children, 'Failure code')?.value).toBe('1618');
  });

  it('lists the cached and the downloading contents', () => {
    const root = trees.get('cache')!.roots[0]!;
    const cached = find(root.children, 'Cached items')!.children.map((n) => n.label);
    expect(cached.sort()).toEqual([...truth.clientSpy!.cached].sort());
    const down = find(root.children, 'Downloading items')!.children;
    expect(down.map((n) => n.label)).toEqual(['PS100015.1']);
    expect(find(down, 'Kilobytes downloaded')?.value).toBe('256000 KB');
    expect(find(root.children, 'Size')?.value).toBe('5120 MB');
    expect(find(find(root.children, 'PS100010.3')!.children, 'Reference count')?.value).toBe('0');
  });

  it('sorts advertisements into future, optional and past, and names what no policy names', () => {
    const system = find(trees.get('pending')!.roots[0]!.children, 'System')!;
    const future = find(system.children, 'Mandatory advertisements with future executions')!.children;
    expect(future.map((n) => n.label)).toEqual(['PS120005', 'PS120008']);
    expect(find(future, 'Package')?.value).toBe('PS100014 Contoso VPN Client 4.2');
    expect(find(future[1]!.children, 'Package')?.value).toBe('[Package Name No Longer Available]');
    expect(find(future, 'Next run time (UTC)')?.value).toMatch(/^2025-02-19T14:20/);
    const past = find(system.children, 'Past mandatory advertisements with no future executions')!.children;
    expect(past.map((n) => n.label)).toEqual(['PS120004']);
    const user = trees.get('pending')!.roots[0]!.children.find((n) => n.label.startsWith('S-1-5'))!;
    expect(find(user.children, 'Optional advertisements')!.children.map((n) => n.label)).toEqual([
      'PS120006',
      'PS120007',
    ]);
  });

  it('has all five inventory kinds with versions, and DDR details', () => {
    const root = trees.get('inventory')!.roots[0]!;
    expect(root.children.map((n) => n.label)).toEqual([
      'Software inventory',
      'File collection',
      'Hardware inventory',
      'IDMIF collection',
      'Discovery data record (DDR)',
    ]);
    expect(find(root.children[2]!.children, 'Major version')?.value).toBe('14');
    const ddr = find(root.children, 'DDR details')!;
    expect(find(ddr.children, 'Sent to')?.value).toBe('mp:MP_DdrEndpoint');
    expect(find(ddr.children, 'Property values')?.state).toBe('unknown');
  });

  it('lists metering rules by file name and rule id', () => {
    const root = trees.get('metering')!.roots[0]!;
    expect(root.children.slice(0, 3).map((n) => n.label)).toEqual([
      'WINWORD.EXE  PS100003',
      'ACAD.EXE  PS100004',
      'VISIO.EXE  PS100005',
    ]);
    expect(find(root.children, 'Language')?.value).toBe('Any language (65535)');
  });

  it('shows the software update scan and state messages that reached the site', () => {
    const root = trees.get('software-updates')!.roots[0]!;
    expect(find(root.children, /^ScanJob /)?.value).toBe('ok');
    expect(find(root.children, 'Missing (2)')?.children).toHaveLength(2);
    const reached = all(root.children).filter((n) => n.label === 'Reached the site');
    expect(reached.length).toBe(8);
    expect(reached.every((n) => n.value === 'yes')).toBe(true);
  });

  it('gives each client its deployment state and charts the failures over time', () => {
    const tree = trees.get('client-deployment')!;
    for (const want of truth.clientSpy!.deployments) {
      const root = tree.roots.find((r) => r.label === want.host)!;
      const state = find(root.children, 'Deployment state')!;
      expect(state.value).toBe(want.state === 'installed' ? 'Compliant/installed' : 'Failed');
      if (want.errorCode !== undefined) {
        expect(state.description).toContain(want.errorCode);
      }
      expect(root.children.filter((n) => n.label.startsWith('ccmsetup run'))).toHaveLength(want.attempts);
    }
    expect(tree.chart?.days).toEqual([
      { day: '2025-02-17', failed: 1, installed: 1 },
      { day: '2025-02-18', failed: 1, installed: 0 },
    ]);
  });

  it('cites a record for every fact it states, and points each citation at a line that exists', () => {
    for (const tree of trees.values()) {
      for (const n of all(tree.roots)) {
        if (n.value !== undefined && n.state !== 'unknown') {
          expect(n.evidence.length, `${tree.tab}: ${n.label}`).toBeGreaterThan(0);
        }
        for (const e of n.evidence) {
          const lines = readFileSync(join(SAMPLE, e.file), 'utf8').split(/\r\n|\r|\n/);
          expect(e.line, `${e.file}:${e.line}`).toBeLessThanOrEqual(lines.length);
        }
      }
    }
  });

  it('says what PS1WKS0212 cannot tell and names the log that would', () => {
    const tree = trees.get('execution-requests')!;
    const n = tree.roots[1]!.children[0]!;
    expect(n.state).toBe('unknown');
    expect(n.description).toBe('execmgr.log is not in the bundle; it records execution requests');
  });
});

describe('Software Updates tab of install-failed-0643', () => {
  it('lists each installation with each update’s result, and what became of the updates the scan found missing', async () => {
    const tree = await buildTab(await loadSpyData(join(ROOT, 'samples/logs/install-failed-0643')), 'software-updates');
    const root = tree.roots[0]!;
    const installs = find(root.children, 'Installations')!.children;
    expect(installs.map((n) => [n.label.replace(/\{.*\}/, '{…}'), n.value, n.state])).toEqual([
      ['Install of update {…}', 'ok', 'ok'],
      ['Install of update {…}', 'failed', 'error'],
    ]);
    expect(installs.map((n) => n.children.map((c) => [c.label, c.value]))).toEqual([
      [['KB890830', 'installed']],
      [['KB5001917', 'failed 0x80070643']],
    ]);
    expect(installs[1]!.children[0]!.evidence).toEqual([
      { file: 'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log', line: 30 },
    ]);
    const missing = find(root.children, 'Missing (2)')!.children;
    expect(missing.map((n) => [n.label, n.description?.replace(/^.* · /, ''), n.state])).toEqual([
      ['KB890830', 'since then installed', 'ok'],
      ['KB5001917', 'since then failed 0x80070643', 'error'],
    ]);
  });
});

describe('Software Updates tab of a client whose WUAHandler.log no longer reaches back to an installation', () => {
  it('lists the installation WindowsUpdate.log still holds, with each update’s result', async () => {
    const dir = sampleWithout('install-failed-0643', { 'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log': 25 });
    const tree = await buildTab(await loadSpyData(dir), 'software-updates');
    const installs = find(tree.roots[0]!.children, 'Installations')!.children;
    expect(installs.map((n) => [n.label.replace(/\{.*\}/, '{…}'), n.value])).toEqual([
      ["Install of update {…} (WindowsUpdate.log only: before PS1WIN10X64's WUAHandler.log begins)", 'ok'],
      ['Install of update {…}', 'failed'],
    ]);
    // WUAHandler's scan lines are gone too: the update is named by its id, its result is WUA's.
    expect(installs[0]!.children.map((c) => [c.label, c.value, c.evidence])).toEqual([
      [
        '76861548-e25d-4f09-95fd-a859973fdac7',
        'installed',
        [{ file: 'PS1WIN10X64/Windows/WindowsUpdate.log', line: 58 }],
      ],
    ]);
  });
});

describe('Software Updates tab of a client whose logs no longer reach back to its first relay', () => {
  it('lists the relay MP_Relay still logs, and whether it reached the site', async () => {
    const logs = 'PS1WIN10X64/Windows/CCM/Logs';
    const dir = sampleWithout('clock-set-back', { [`${logs}/StateMessage.log`]: 20, [`${logs}/CcmMessaging.log`]: 25 });
    const tree = await buildTab(await loadSpyData(dir), 'software-updates');
    const group = find(tree.roots[0]!.children, 'State messages')!;
    const older = group.children[0]!;
    expect([older.label, older.value, older.state]).toEqual(['Serials 194–201', 'reached the site', 'ok']);
    expect(older.description).toMatch(
      /^PS1WIN10X64: 8 state messages \(serial 194–201\) via PS1MP01, \w+\.SMX \(MP_Relay only: before PS1WIN10X64's StateMessage\.log begins\): completed$/,
    );
    expect(older.evidence?.[0]).toEqual({ file: 'PS1MP01/SMS_CCM/Logs/MP_Relay.log', line: 41 });
    // The state messages StateMessage.log still holds follow, as before.
    expect(group.children.slice(1).every((n) => /^Serial \d+$/.test(n.label))).toBe(true);
  });
});

describe('Client Spy edge cases', () => {
  it('names the missing log in every tab of a client that has none of them', async () => {
    const dir = bundleOf({ 'PC1/Windows/CCM/Logs/CcmExec.log': ccm('Service startup.', 'CcmExec') });
    const data = await loadSpyData(dir);
    const text = (await buildAllTabs(data)).map(renderTabText).join('\n');
    for (const log of ['execmgr.log', 'CAS.log', 'InventoryAgent.log', 'mtrmgr.log', 'ScanAgent.log', 'ccmsetup.log']) {
      expect(text).toContain(log);
    }
    const deployment = await buildTab(data, 'client-deployment');
    expect(deployment.roots[0]!.children[0]!.description).toMatch(
      /ccmsetup\.log .* not in the bundle; the client’s own logs/,
    );
  });

  it('follows a request across a rotated execmgr log', async () => {
    const adv = 'Execution Request for advert PS120004 package PS100012 program Install state change from';
    const dir = bundleOf({
      'PC1/Windows/CCM/Logs/execmgr-20250218-091500.log':
        ccm(
          'Creating mandatory request for advert PS120004, program Install, package PS100012',
          'execmgr',
          '09:10:00.000',
        ) + ccm(`${adv} NotExist to WaitingContent`, 'execmgr', '09:10:01.000'),
      'PC1/Windows/CCM/Logs/execmgr.log':
        ccm(`${adv} WaitingContent to Ready`, 'execmgr', '09:16:00.000') +
        ccm(`${adv} Ready to Running`, 'execmgr', '09:16:02.000'),
    });
    const tree = await buildTab(await loadSpyData(dir), 'execution-requests');
    const req = tree.roots[0]!.children;
    expect(req).toHaveLength(1);
    expect(find(req, 'State')?.value).toBe('Running');
    expect(find(req, 'State')?.evidence[0]?.file).toBe('PC1/Windows/CCM/Logs/execmgr.log');
    expect(find(req, 'Request creation time')?.evidence[0]?.file).toBe(
      'PC1/Windows/CCM/Logs/execmgr-20250218-091500.log',
    );
    expect(find(req, 'Request creation time')?.value).toBe('2025-02-18T14:10:00.000Z');
  });

  it('tells ccmsetup runs that never finished: Not started, In progress, and return code 7', async () => {
    const start = ccm('==========[ ccmsetup started in process 4312 ]==========', 'ccmsetup');
    const dir = bundleOf({
      'A/Windows/ccmsetup/Logs/ccmsetup.log': start + ccm('Successfully created the ccmsetup service', 'ccmsetup'),
      'B/Windows/ccmsetup/Logs/ccmsetup.log':
        start +
        ccm(
          'Installing version 5.00.9128.1000 of the client with product code {11111111-2222-3333-4444-555555555555}',
          'ccmsetup',
        ),
      'C/Windows/ccmsetup/Logs/ccmsetup.log': start + ccm('CcmSetup is exiting with return code 7', 'ccmsetup'),
    });
    const tree = await buildTab(await loadSpyData(dir), 'client-deployment');
    expect(tree.roots.map((r) => `${r.label} ${find(r.children, 'Deployment state')?.value}`)).toEqual([
      'A Not started',
      'B In progress',
      'C In progress',
    ]);
    expect(tree.chart?.points).toEqual([]);
  });

  it('finds tabs by id, title or prefix', () => {
    expect(findTab('cache')).toBe('cache');
    expect(findTab('Software Distribution History')).toBe('history');
    expect(findTab('soft')).toBe('software-updates');
    expect(findTab('nope')).toBeUndefined();
    expect(SPY_TABS).toHaveLength(8);
  });
});
