// Timeout windows are the user's to set: a location request nobody answers becomes a timeout failure once
// ScanAgent.log goes on past the window, and not before. A scan the deployment evaluation asked for and
// ScanAgent never started (no scan policy) is a flow of its own and times out the same way.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import type { AnalyzeOptions } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';

const SAMPLE = resolve(__dirname, '../../samples/logs/healthy-compliance');
const SCAN_AGENT = 'PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log';
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cmflow-timeouts-'));
  cpSync(SAMPLE, root, { recursive: true });
  // Keep the scan up to "Locations requested" and drop the reply; ScanAgent.log then goes on 25 minutes later.
  const path = join(root, SCAN_AGENT);
  const lines = readFileSync(path, 'utf8').split('\n');
  const asked = lines.findIndex((l) => l.includes('Locations requested for ScanJobID'));
  const later =
    '<![LOG[Inside CScanAgent::Notify()]LOG]!><time="09:36:10.000+300" date="01-14-2025" component="ScanAgent" ' +
    'context="" type="1" thread="2744" file="cscanagent.cpp:203">';
  writeFileSync(path, [...lines.slice(0, asked + 1), later, ''].join('\n'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function timeouts(options: AnalyzeOptions): Promise<string[]> {
  const t = await analyzeBundle(await openBundle(root), options);
  return t.failures.filter((f) => f.type === 'timeout').map((f) => f.meaning);
}

describe('timeout windows', () => {
  it('flags the unanswered location request after the default 10 minutes', async () => {
    const found = await timeouts({});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/No WSUS location arrived for location request \{?E062670B.*within 10 minutes/i);
  });

  it('states the window it used', async () => {
    expect(await timeouts({ timeouts: { locationReplyMinutes: 20 } })).toEqual([
      expect.stringMatching(/within 20 minutes/) as unknown as string,
    ]);
  });

  it('does not flag a request whose window the log has not yet passed', async () => {
    expect(await timeouts({ timeouts: { locationReplyMinutes: 60 } })).toEqual([]);
  });
});

describe('a scan the deployment evaluation asked for and ScanAgent never started', () => {
  // wsus-unreachable-2ee2 asks for its scan from a deployment evaluation. Cut ScanAgent.log after its
  // "Inside CScanAgent::Notify()", as when no update source policy exists, and let the log go on 28 minutes later.
  const SOURCE = resolve(__dirname, '../../samples/logs/wsus-unreachable-2ee2');
  const CLIENT = 'PS1WIN10X64/Windows';
  const JOB = 'c3d39dd2-ecf4-4454-8e90-8712633696ca';
  let dir = '';

  const keepLines = (file: string, keep: (line: string) => boolean, extra: string[] = []): void => {
    const path = join(dir, CLIENT, file);
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [...lines.filter(keep), ...extra].join('\n'));
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmflow-no-scan-'));
    cpSync(SOURCE, dir, { recursive: true });
    const scanAgent = readFileSync(join(dir, CLIENT, 'CCM/Logs/ScanAgent.log'), 'utf8').split('\n');
    const policy = scanAgent.findIndex((l) => l.includes('Policy available for UpdateSourceID'));
    const later =
      '<![LOG[Inside CScanAgent::Notify()]LOG]!><time="10:49:10.000+300" date="01-21-2025" component="ScanAgent" ' +
      'context="" type="1" thread="2744" file="cscanagent.cpp:203">\r';
    writeFileSync(join(dir, CLIENT, 'CCM/Logs/ScanAgent.log'), [...scanAgent.slice(0, policy), later, ''].join('\n'));
    rmSync(join(dir, CLIENT, 'CCM/Logs/WUAHandler.log'));
    rmSync(join(dir, CLIENT, 'WindowsUpdate.log'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function analyze(options: AnalyzeOptions = {}) {
    return analyzeBundle(await openBundle(dir), options);
  }

  it('is a failed flow of its own once ScanAgent.log passes the window, even when UpdatesHandler hears of a failure', async () => {
    // As collected here, UpdatesHandler and UpdatesDeployment still report the 0x80072ee2 failure: that is the cause.
    const t = await analyze();
    const flow = t.flows.find((f) => f.id === `scan:request:${JOB}`);
    expect(flow?.status).toBe('failed');
    expect(flow?.keys).toEqual({ detectionJob: JOB, assignment: '9f40a391-9a08-4c2c-a53f-18d6afaa8965' });
    const failure = t.failures.find((f) => f.flow === flow?.id);
    expect(failure?.type).toBe('record');
    expect(failure?.code).toBe('0x80072EE2');
    expect(failure?.upstreamCause).toBe(`${CLIENT}/CCM/Logs/UpdatesHandler.log:2`);
  });

  it('times out with nothing heard of the job, names the missing policy, and keeps to its window', async () => {
    keepLines('CCM/Logs/UpdatesHandler.log', (l) => !l.includes('Scan failed for job'));
    keepLines(
      'CCM/Logs/UpdatesDeployment.log',
      (l) => !l.includes('Job error (') && !l.includes('will not be made available'),
    );
    const t = await analyze();
    const flow = t.flows.find((f) => f.id === `scan:request:${JOB}`)!;
    expect(flow.status).toBe('failed');
    expect(flow.summary).toMatch(/scan asked for by detection job c3d39dd2-.*, no scan job started: FAILED/);
    expect(flow.events).toEqual([
      `${CLIENT}/CCM/Logs/UpdatesDeployment.log:3`,
      `${CLIENT}/CCM/Logs/UpdatesDeployment.log:4`,
      `${CLIENT}/CCM/Logs/UpdatesHandler.log:1`,
      `${CLIENT}/CCM/Logs/ScanAgent.log:1`,
    ]);
    const [failure, ...others] = t.failures.filter((f) => f.flow === flow.id);
    expect(others).toEqual([]);
    expect(failure!.type).toBe('timeout');
    expect(failure!.upstreamCause).toBe(`${CLIENT}/CCM/Logs/UpdatesHandler.log:1`);
    expect(failure!.meaning).toMatch(/ScanAgent started no scan job within 10 minutes, while ScanAgent\.log goes on/);
    expect(failure!.meaning).toContain('Policy available for UpdateSourceID');
    expect(failure!.hint).toContain('Enable software updates on clients');
    expect(failure!.source).toMatch(/^S2 .*; S3 /);

    const later = await analyze({ timeouts: { scanStartMinutes: 40 } });
    expect(later.flows.find((f) => f.id === flow.id)?.status).toBe('incomplete');
    expect(later.failures.filter((f) => f.flow === flow.id)).toEqual([]);
  });

  it('is no flow when UpdatesHandler hears the scan complete', async () => {
    const handler = readFileSync(join(dir, CLIENT, 'CCM/Logs/UpdatesHandler.log'), 'utf8');
    const done = handler
      .split('\n')[0]!
      .replace('Successfully initiated scan for job', 'Scan completion received for job');
    keepLines('CCM/Logs/UpdatesHandler.log', () => true, [done]);
    const t = await analyze();
    expect(t.flows.map((f) => f.id)).not.toContain(`scan:request:${JOB}`);
    expect(t.failures.filter((f) => f.type === 'timeout')).toEqual([]);
  });
});

describe("a scan request made while none of the site's WSUS syncs had succeeded", () => {
  // sync-failed-no-policy: WSyncMgr fails every hourly sync ("WSUS server not configured") before the request.
  const SOURCE = resolve(__dirname, '../../samples/logs/sync-failed-no-policy');
  const WSYNC = 'PS1SITE/Microsoft Configuration Manager/Logs/WSyncMgr.log';
  const HANDLER = 'PS1WIN11X64/Windows/CCM/Logs/UpdatesHandler.log';
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmflow-sync-failed-'));
    cpSync(SOURCE, dir, { recursive: true });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("walks back to the site's first failed sync, joined by time with the window stated", async () => {
    const t = await analyzeBundle(await openBundle(dir));
    const failure = t.failures.find((f) => f.event === `${HANDLER}:1`)!;
    expect(failure.type).toBe('timeout');
    expect(failure.upstreamCause).toBe(`${WSYNC}:4`);
    expect(failure.chain).toEqual([`${WSYNC}:4`, `${WSYNC}:14`, `${HANDLER}:1`]);
    expect(failure.hint).toMatch(/^Every WSUS sync the site logged before the request failed/);
    expect(failure.source).toMatch(/^S2 .*; S5 Troubleshoot software update synchronization$/);
    const link = t.links.find((l) => l.from === `${WSYNC}:14` && l.to === `${HANDLER}:1`)!;
    expect(link.evidence).toBe('time');
    const time = new Map(t.events.map((e) => [e.id, e.loggedTime as number]));
    expect(link.windowMs).toBe(time.get(`${HANDLER}:1`)! - time.get(`${WSYNC}:14`)!);
    // The site's failures are the flow's cause, not failures of their own beside it.
    expect(t.failures.filter((f) => f.event.startsWith(WSYNC))).toEqual([]);
  });

  it('keeps the failed syncs out of it once a sync succeeded before the request', async () => {
    const path = join(dir, WSYNC);
    const lines = readFileSync(path, 'utf8').split('\n');
    // The second hour's sync succeeds instead of failing.
    const success = lines[13]!.replace(
      /^Sync failed:.*?(?=\s+\$\$<)/,
      'Sync succeeded. Setting sync alert to canceled state on site PS1',
    );
    expect(success).toMatch(/^Sync succeeded\. .* \$\$<SMS_WSUS_SYNC_MANAGER>/);
    writeFileSync(path, [...lines.slice(0, 13), success, ...lines.slice(14)].join('\n'));
    const t = await analyzeBundle(await openBundle(dir));
    const failure = t.failures.find((f) => f.event === `${HANDLER}:1`)!;
    expect(failure.upstreamCause).toBe(`${HANDLER}:1`);
    expect(failure.hint).toContain('Enable software updates on clients');
    // The failures of the hours before are reported on their own.
    const own = t.failures.find((f) => f.upstreamCause === `${WSYNC}:4`);
    expect(own?.flow).toBeUndefined();
    expect(own?.occurrences).toBe(2);
  });
});

describe('a relay no management point logged', () => {
  // healthy-compliance, with the client's relay gone from PS1MP01's MP_Relay.log (its message body and the
  // task lines around it): the log goes on with other clients' relays, and the client's scan reached that MP.
  const RELAY_LOG = 'PS1MP01/SMS_CCM/Logs/MP_Relay.log';
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmflow-relay-'));
    cpSync(SAMPLE, dir, { recursive: true });
    const path = join(dir, RELAY_LOG);
    // Records start with <![LOG[ (after the BOM on the first line); a message body spans lines.
    const records = readFileSync(path, 'utf8').split(/(?=<!\[LOG\[)/);
    const body = records.findIndex((r) => r.includes('SerialNumber="965"'));
    expect(body).toBeGreaterThan(0);
    writeFileSync(path, [...records.slice(0, body - 2), ...records.slice(body + 6)].join(''));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function relayTimeouts(): Promise<string[]> {
    const t = await analyzeBundle(await openBundle(dir));
    return t.failures.filter((f) => f.type === 'timeout' && f.flow?.startsWith('state-message:')).map((f) => f.meaning);
  }

  it('times out while MP_Relay.log of its MP covers that time', async () => {
    expect(await relayTimeouts()).toEqual([
      'No management point logged this relay of state messages within 10 minutes, while MP_Relay.log of its MP (PS1MP01) covers that time.',
    ]);
  });

  it('says nothing when its MP left no logs in the bundle: that MP would have been the one to say', async () => {
    rmSync(join(dir, 'PS1MP01'), { recursive: true, force: true });
    expect(await relayTimeouts()).toEqual([]);
  });
});

describe('a relay the MP on the site server wrote into the inbox, which StateSys never processed', () => {
  // mp-on-site-server, with StateSys's two lines about PS1WIN11X64's file gone: StateSys.log goes on for 16
  // minutes with other files (past a 10-minute window). No MPFDM moves files there, so the hint must not send
  // the admin to it, and the relay must not take another relay's file, whose record count is not its own.
  const STATE_SYS = 'PS1SITE/Microsoft Configuration Manager/Logs/StateSys.log';
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmflow-onsite-'));
    cpSync(resolve(__dirname, '../../samples/logs/mp-on-site-server'), dir, { recursive: true });
    const path = join(dir, STATE_SYS);
    const lines = readFileSync(path, 'utf8').split('\n');
    const processing = lines.findIndex((l) => l.startsWith('CMessageProcessor - Processing file: QDPKIL70.SMX'));
    expect(processing).toBeGreaterThan(0);
    writeFileSync(path, [...lines.slice(0, processing), ...lines.slice(processing + 2)].join('\n'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('times out, and sends the admin to the inbox and StateSys, not MPFDM', async () => {
    const t = await analyzeBundle(await openBundle(dir), { timeouts: { stateSysMinutes: 10 } });
    const stuck = t.failures.filter((f) => f.type === 'timeout' && f.flow?.startsWith('state-message:'));
    expect(stuck.map((f) => [t.flows.find((x) => x.id === f.flow)!.host, f.meaning])).toEqual([
      [
        'PS1WIN11X64',
        'State messages the MP received were not processed by StateSys within 10 minutes, while StateSys.log covers that time.',
      ],
    ]);
    expect(stuck[0]!.hint).toMatch(
      /^The MP is on the site server and writes into auth\\statesys\.box\\incoming itself/,
    );
    expect(stuck[0]!.hint).not.toMatch(/MPFDM\.log/);
  });
});

describe('an installation that never reports', () => {
  // install-failed-0643's second installation: WindowsUpdate.log starts installing the update and stops there
  // (no Completed install, no END), WUAHandler.log reports nothing and goes on 150 minutes later.
  const SOURCE = resolve(__dirname, '../../samples/logs/install-failed-0643');
  const HANDLER = 'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log';
  const WU = 'PS1WIN10X64/Windows/WindowsUpdate.log';
  const UPDATE = '4769dc84-be95-4d8a-9995-3c74d53e8c67';
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmflow-install-'));
    cpSync(SOURCE, dir, { recursive: true });
    const handler = readFileSync(join(dir, HANDLER), 'utf8').split('\n');
    const started = handler.findLastIndex((l) => l.includes('Async installation of updates started.'));
    const later =
      '<![LOG[Async searching of updates using WUAgent started.]LOG]!><time="12:22:10.000+360" date="02-11-2025" ' +
      'component="WUAHandler" context="" type="1" thread="9624" file="cwuahandler.cpp:2211">';
    writeFileSync(join(dir, HANDLER), [...handler.slice(0, started + 1), later, ''].join('\n'));
    const wu = readFileSync(join(dir, WU), 'utf8').split('\n');
    const starting = wu.findIndex((l) => l.includes(`Starting install of CBS update ${UPDATE.toUpperCase()}`));
    writeFileSync(join(dir, WU), [...wu.slice(0, starting + 1), ''].join('\n'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('times out after the default two hours, naming the update WUA was installing', async () => {
    const t = await analyzeBundle(await openBundle(dir));
    const flow = t.flows.find((f) => f.kind === 'install' && f.status === 'failed')!;
    expect(flow.keys.updates).toEqual([UPDATE]);
    const timeout = t.failures.find((f) => f.type === 'timeout' && f.flow === flow.id)!;
    expect(timeout.meaning).toBe(
      'The installation WUAHandler started reported no result within 120 minutes, while WUAHandler.log goes on; ' +
        `WindowsUpdate.log started installing update ${UPDATE} and logged no end to it.`,
    );
    expect(timeout.hint).toContain('CBS.log');
    expect(timeout.event).toMatch(/WUAHandler\.log:29$/);
  });

  it('waits while the log has not passed the window', async () => {
    const t = await analyzeBundle(await openBundle(dir), { timeouts: { installMinutes: 180 } });
    expect(t.flows.filter((f) => f.kind === 'install').map((f) => f.status)).toEqual(['ok', 'incomplete']);
  });
});
