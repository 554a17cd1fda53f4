// The correlator against the ground truth the generator wrote for every sample (test/gen/truth): flows by
// their ids, SMX files and serial numbers, each host's clock skew within the stated uncertainty, and for
// each failure bundle the upstream cause line, its error code and the chain to it.

import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { offsetAtLine } from '../../src/correlate/file-clocks.ts';
import type { Timeline } from '../../src/correlate/model.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { parseBytes } from '../../src/parsers/file-parser.ts';
import { sampleWithout } from '../helpers/temp.ts';

const ROOT = resolve(__dirname, '../..');

interface TruthRef {
  file: string;
  line: number;
}
interface Truth {
  bundle: string;
  hosts: Array<{
    name: string;
    role: string;
    skewMs: number;
    clockStep?: { at: string; skewBeforeMs: number };
    biasMinutes: number;
    biasStep?: { at: string; toMinutes: number };
    windowsUpdateLog?: { file: string; offsetMinutes: number; offsetMinutesAfterBiasStep?: number };
  }>;
  flows: Array<{
    client: string;
    mp: string;
    scanJobs: Array<{
      scanJob: string;
      updateSource: string;
      contentVersion: number;
      locationRequests: string[];
      locationMessages?: Array<{ message: string; reply: string }>;
    }>;
    relays: Array<{ messageId: string; smx?: string; serials: number[] }>;
  }>;
  installs?: Array<{ client: string; updates: string[]; status: string }>;
  failures?: Array<{
    errorCode?: string | null;
    upstreamCause: TruthRef;
    symptom: TruthRef;
    chain: TruthRef[];
    recovered?: true;
  }>;
}

const bundles = readdirSync(join(ROOT, 'test/gen/truth')).map((f) => f.replace(/\.json$/, ''));
const truths = new Map<string, Truth>();
const timelines = new Map<string, Timeline>();

beforeAll(async () => {
  for (const name of bundles) {
    truths.set(name, JSON.parse(readFileSync(join(ROOT, 'test/gen/truth', `${name}.json`), 'utf8')) as Truth);
    const bundle = await openBundle(join(ROOT, 'samples/logs', name));
    timelines.set(name, await analyzeBundle(bundle));
  }
});

const lower = (s: string): string => s.toLowerCase();
const ref = (r: TruthRef): string => `${r.file}:${r.line}`;

describe.each(bundles)('%s', (name) => {
  it('estimates every connected host clock within its uncertainty, relative to the reference', () => {
    const t = timelines.get(name)!;
    const truth = truths.get(name)!;
    const reference = truth.hosts.find((h) => h.name === t.referenceHost)!;
    expect(reference).toBeDefined();
    for (const host of t.hosts) {
      const actual = truth.hosts.find((h) => h.name === host.name)!;
      if (actual.role === 'client' && !truth.flows.some((f) => f.client === host.name)) {
        // A host no message connects (a workstation with only its ccmsetup.log) is not corrected, and says so.
        expect(host.skewUncertaintyMs, `${host.name} has no flow to estimate from`).toBeUndefined();
        expect(host.clockSkewMs).toBe(0);
        expect(host.skewBasis).toMatch(/\w+ \w+/);
        continue;
      }
      expect(host.skewUncertaintyMs, `${host.name} has an estimate`).toBeDefined();
      const expected = actual.skewMs - reference.skewMs;
      expect(
        Math.abs(host.clockSkewMs - expected),
        `${host.name}: ${host.clockSkewMs} ± ${host.skewUncertaintyMs} vs ${expected}`,
      ).toBeLessThanOrEqual(host.skewUncertaintyMs! + 50);
      expect(host.skewUncertaintyMs).toBeLessThan(1500);
      // The bias most of its records carry: where summer time ended within the bundle, either side's.
      expect([actual.biasMinutes, actual.biasStep?.toMinutes]).toContain(host.biasMinutes);
      // Where it changed: at its first record in the new zone, minutes after the change by its own clock.
      const change = actual.biasStep;
      expect(host.zoneChanges?.map((c) => [c.biasBefore, c.biasAfter])).toEqual(
        change === undefined ? undefined : [[actual.biasMinutes, change.toMinutes]],
      );
      if (change !== undefined) {
        const lag = host.zoneChanges![0]!.atMs - Date.parse(change.at);
        expect(lag).toBeGreaterThanOrEqual(0);
        expect(lag).toBeLessThan(10 * 60_000);
      }
      // A clock set within the bundle: what it read before, up to a time by its own clock between the two.
      const step = actual.clockStep;
      if (step === undefined) {
        expect(host.clockBefore, `${host.name} kept one clock`).toBeUndefined();
        continue;
      }
      const before = host.clockBefore!;
      expect(Math.abs(before.skewMs - (step.skewBeforeMs - reference.skewMs))).toBeLessThanOrEqual(
        before.uncertaintyMs + 50,
      );
      const setAt = Date.parse(step.at);
      expect(before.untilMs).toBeGreaterThan(setAt + actual.skewMs - 60 * 60_000);
      expect(before.untilMs).toBeLessThan(setAt + step.skewBeforeMs + 60 * 60_000);
    }
  });

  it("moves a WindowsUpdate.log decoded in another zone onto its host's clock, and no other file", () => {
    const t = timelines.get(name)!;
    for (const host of t.hosts) {
      const decoded = truths.get(name)!.hosts.find((h) => h.name === host.name)?.windowsUpdateLog;
      const expected =
        decoded === undefined
          ? []
          : [
              {
                file: decoded.file,
                finding: decoded.offsetMinutes === 0 ? 'on-host-clock' : 'moved',
                offsetMinutes: decoded.offsetMinutes,
                // Decoded in one zone across the host's change of bias: another offset from there on.
                after: decoded.offsetMinutesAfterBiasStep ?? decoded.offsetMinutes,
              },
            ];
      expect(
        host.fileClocks.map((c) => ({
          file: c.file,
          finding: c.finding,
          offsetMinutes: c.offsetMinutes,
          after: c.changes?.at(-1)?.offsetMinutes ?? c.offsetMinutes,
        })),
      ).toEqual(expected);
      for (const c of host.fileClocks) {
        // What the file says stays the logged time, on either side of a change; the timeline's time is on the
        // host's clock.
        const other = t.events.find((x) => x.host === host.name && x.file !== c.file)!;
        for (const e of t.events.filter((x) => x.file === c.file)) {
          expect(e.loggedTime - e.time - (other.loggedTime - other.time)).toBe(offsetAtLine(c, e.line) * 60_000);
        }
      }
    }
  });

  it('builds a scan flow per ScanJob with its location requests and messages', () => {
    const t = timelines.get(name)!;
    for (const client of truths.get(name)!.flows) {
      for (const job of client.scanJobs) {
        const flow = t.flows.find((f) => f.id === `scan:${lower(job.scanJob)}`);
        expect(flow, `scan flow ${job.scanJob}`).toBeDefined();
        expect(flow!.host).toBe(client.client);
        expect(flow!.keys.updateSource).toBe(lower(job.updateSource));
        expect(flow!.keys.contentVersion).toBe(job.contentVersion);
        expect(flow!.keys.locationRequests).toEqual(expect.arrayContaining(job.locationRequests.map(lower)));
        for (const m of job.locationMessages ?? []) {
          expect(flow!.keys.locationMessages).toContain(lower(m.message));
        }
        // A flow crosses to the MP: its events come from both hosts (one, for a client on its MP's machine),
        // and the flow names its MP.
        const hosts = new Set(flow!.events.map((id) => t.events.find((e) => e.id === id)!.host));
        expect(hosts.size).toBeGreaterThanOrEqual(client.mp === client.client ? 1 : 2);
        expect(flow!.keys.mp).toBe(client.mp);
      }
    }
  });

  it('builds an install flow per WUAHandler installation run, with its updates, its WUA call and its outcome', () => {
    const t = timelines.get(name)!;
    const installs = t.flows.filter((f) => f.kind === 'install');
    const want = truths.get(name)!.installs ?? [];
    expect(installs.map((f) => ({ client: f.host, updates: f.keys.updates, status: f.status }))).toEqual(
      want.map((i) => ({ client: i.client, updates: i.updates, status: i.status })),
    );
    for (const f of installs) {
      // WUAHandler's run and WUA's install call in WindowsUpdate.log, each update linked from the handler's
      // `Completed install` to WUAHandler's `finished installing` by its id.
      expect(
        new Set(
          f.events.map((id) =>
            id
              .replace(/:\d+(#\d+)?$/, '')
              .split('/')
              .pop(),
          ),
        ),
      ).toEqual(new Set(['WUAHandler.log', 'WindowsUpdate.log']));
      const events = new Set(f.events);
      const byUpdate = t.links.filter((l) => events.has(l.from) && l.key === `updateId=${String(f.keys.updates)}`);
      expect(byUpdate.map((l) => l.evidence)).toEqual(['derived']);
    }
  });

  it('builds a state-message flow per relay, down to the SMX file StateSys processed', () => {
    const t = timelines.get(name)!;
    for (const client of truths.get(name)!.flows) {
      for (const relay of client.relays) {
        const flow = t.flows.find((f) => f.id === `state-message:${lower(relay.messageId)}`);
        expect(flow, `relay ${relay.messageId}`).toBeDefined();
        expect(flow!.keys.serialNumbers).toEqual(relay.serials.map(String));
        if (relay.smx !== undefined) {
          expect(flow!.keys.smxFile).toBe(relay.smx.toUpperCase());
        }
      }
    }
  });

  it('finds each failure with its upstream cause, code and chain; healthy bundles have none in their flows', () => {
    const t = timelines.get(name)!;
    const truth = truths.get(name)!;
    const inFlows = t.failures.filter((f) => f.flow !== undefined);
    const expected = truth.failures ?? [];
    if (expected.length === 0) {
      expect(inFlows).toEqual([]);
      expect(t.flows.every((f) => f.status === 'ok')).toBe(true);
      return;
    }
    for (const want of expected) {
      const got = inFlows.find((f) => f.upstreamCause === ref(want.upstreamCause));
      expect(
        got,
        `a failure caused by ${ref(want.upstreamCause)}; got ${inFlows.map((f) => f.upstreamCause).join(', ')}`,
      ).toBeDefined();
      if (want.errorCode) {
        const win32 = /^0x0000([0-9A-F]{4})$/i.exec(want.errorCode);
        expect(got!.code).toBe(
          win32 ? `0x8007${win32[1]!.toUpperCase()}` : `0x${want.errorCode.slice(2).toUpperCase()}`,
        );
      }
      expect(got!.chain[0]).toBe(got!.upstreamCause);
      expect(got!.chain[got!.chain.length - 1]).toBe(got!.event);
      const flow = t.flows.find((f) => f.id === got!.flow)!;
      // A flow that went on to complete after its failure is ok, and the failure says it recovered.
      expect(flow.status).toBe(want.recovered === true ? 'ok' : 'failed');
      expect(got!.recovered).toBe(want.recovered === true);
      for (const step of want.chain) {
        expect(flow.events, `chain step ${ref(step)} is in the flow`).toContain(ref(step));
      }
      expect(got!.hint.length).toBeGreaterThan(20);
      // The hint cites the reference by tag (S2, W6 …); the source names each tag it cites, with its title
      // (a vendor's after `third-party:`, as the catalogue marks them).
      for (const tag of got!.hint.match(/(?<![0-9A-Za-z])[SWPT]\d{1,2}(?![0-9A-Za-z])/g) ?? []) {
        expect(got!.source ?? '', `${tag} of the hint`).toMatch(new RegExp(`(?:^|; )(?:third-party: )?${tag} \\S`));
      }
      expect(got!.meaning.length).toBeGreaterThan(10);
    }
  });

  it('keeps as logged time what each record states, on either side of a clock set within the bundle', () => {
    const t = timelines.get(name)!;
    const stated = new Map<string, Map<number, number>>();
    const statedAt = (file: string): Map<number, number> => {
      let lines = stated.get(file);
      if (lines === undefined) {
        // Records that state their own zone: their UTC is what the line says, whatever the host's clock did.
        const parsed = parseBytes(readFileSync(join(ROOT, 'samples/logs', name, file)), { file });
        lines = new Map(
          parsed.records.flatMap((r) => (r.utc !== undefined && r.biasMinutes !== undefined ? [[r.line, r.utc]] : [])),
        );
        stated.set(file, lines);
      }
      return lines;
    };
    const wrong = t.events.filter((e) => {
      const utc = statedAt(e.file).get(e.line);
      return utc !== undefined && utc !== e.loggedTime;
    });
    expect(wrong.map((e) => `${e.id}: ${new Date(e.loggedTime).toISOString()}`)).toEqual([]);
    expect(t.events.filter((e) => statedAt(e.file).has(e.line)).length).toBeGreaterThan(t.events.length / 2);
  });

  it('orders events so that nothing is received before it was sent', () => {
    const t = timelines.get(name)!;
    const time = new Map(t.events.map((e) => [e.id, e.time as number]));
    const host = new Map(t.events.map((e) => [e.id, e.host]));
    for (const l of t.links) {
      if (host.get(l.from) !== host.get(l.to) && l.evidence !== 'time') {
        expect(time.get(l.to)! - time.get(l.from)!, `${l.from} → ${l.to}`).toBeGreaterThanOrEqual(-250);
      }
    }
  });
});

describe('clocks across midnight (skew-midnight)', () => {
  it("a naive sort by logged time puts the MP's receipt before the client's send; the corrected timeline does not", () => {
    const t = timelines.get('skew-midnight')!;
    const byId = new Map(t.events.map((e) => [e.id, e]));
    const crossing = t.links.filter((l) => byId.get(l.from)!.host !== byId.get(l.to)!.host && l.evidence === 'derived');
    expect(crossing.length).toBeGreaterThan(0);
    const naiveWrong = crossing.filter((l) => byId.get(l.to)!.loggedTime < byId.get(l.from)!.loggedTime);
    expect(naiveWrong.length).toBeGreaterThan(0);
    for (const l of crossing) {
      expect(byId.get(l.to)!.time).toBeGreaterThanOrEqual(byId.get(l.from)!.time - 250);
    }
    const days = new Set(t.events.map((e) => new Date(e.time).toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(2);
  });
});

describe('links carry their evidence', () => {
  it('every link names its evidence and key; time links state their window', () => {
    for (const [name, t] of timelines) {
      for (const l of t.links) {
        expect(['id', 'derived', 'time']).toContain(l.evidence);
        expect(l.key.length).toBeGreaterThan(3);
        // A link by time says the window it was matched in; the others have none.
        if (l.evidence === 'time') {
          expect(l.windowMs, `${name}: ${l.from} → ${l.to} (${l.key})`).toBeGreaterThanOrEqual(0);
        } else {
          expect(l.windowMs, `${name}: ${l.key}`).toBeUndefined();
        }
      }
      // Every bundle whose client talks to its MP joins hops by all three kinds of evidence.
      if (truths.get(name)!.flows.length > 0) {
        expect(new Set(t.links.map((l) => l.evidence)), name).toEqual(new Set(['id', 'derived', 'time']));
      }
    }
  });
});

describe('analyzeBundle', () => {
  it.runIf(existsSync('/proc/self/fd'))('closes the files it read texts from again', async () => {
    // Client Spy analyses a bundle with it on every refresh: each call left up to 32 files open.
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const bundle = await openBundle(join(ROOT, 'samples/logs/wsus-unreachable-2ee2'));
    await analyzeBundle(bundle);
    const before = openFiles();
    for (let i = 0; i < 3; i++) {
      expect((await analyzeBundle(bundle)).events.length).toBeGreaterThan(0);
    }
    expect(openFiles()).toBe(before);
  });
});

describe('an MPFDM outage (statemsg-stuck-mpfdm)', () => {
  it("a relay's failed move leads back to the outage's first failure, without the other files' failures", () => {
    const t = timelines.get('statemsg-stuck-mpfdm')!;
    const byId = new Map(t.events.map((e) => [e.id, e]));
    const flow = t.flows.find((f) => f.kind === 'state-message' && f.status === 'failed')!;
    const smx = String(flow.keys.smxFile);
    const mpfdm = flow.events.map((id) => byId.get(id)!).filter((e) => e.component === 'SMS_MP_FILE_DISPATCH_MANAGER');
    // Its own file's lines, and the line where the outage began (MPFDM.log:7, before any file failed).
    const start = mpfdm[0]!;
    expect([start.line, start.kind]).toEqual([7, 'MPFDM.cannotConnectToSiteServer']);
    for (const e of mpfdm.slice(1)) {
      expect(e.text.includes(smx) || e.kind === 'MPFDM.cannotConnectToSiteServer', e.id).toBe(true);
    }
    const ownFirst = mpfdm[1]!;
    expect(t.links).toContainEqual(expect.objectContaining({ from: start.id, to: ownFirst.id, evidence: 'time' }));
    const failure = t.failures.find((f) => flow.events.includes(f.event))!;
    expect(failure.upstreamCause).toBe(start.id);
  });
});

describe("a scan whose client logs rolled over since: ScanAgent's last line left", () => {
  it('completed, where that line raises its update source\'s state "Scan completed"', async () => {
    // ScanAgent.log keeps only the line raising state 3; WUAHandler.log, which said the scan succeeded, is gone.
    const logs = 'PS1WIN10X64/Windows/CCM/Logs';
    const dir = sampleWithout('healthy-compliance', { [`${logs}/ScanAgent.log`]: 20, [`${logs}/WUAHandler.log`]: 18 });
    const t = await analyzeBundle(await openBundle(dir));
    const scans = t.flows.filter((f) => f.kind === 'scan');
    expect(scans.map((f) => [f.keys.scanJob, f.status])).toEqual([['005d2136-abe7-4d22-bdfa-3d4a7eaa24e3', 'ok']]);
    expect(scans[0]!.events).toContain(`${logs}/ScanAgent.log:1`);
    expect(scans[0]!.summary).toMatch(/: completed$/);
  });
});

describe("a database notification's number met again later in SMSDBMON.log", () => {
  it("keeps the later drop out of the sync flow and away from the clients' scans", async () => {
    // The sync's notification [78308] is received at 06:02:35; another table's change under the same number half
    // an hour later is not its drop (the sync flow took it, and linked every scan of that version from it).
    const file = 'PS1SITE/Microsoft Configuration Manager/Logs/SMSDBMON.log';
    const dir = sampleWithout('healthy-compliance', {});
    const trace = (text: string, time: string): string =>
      `${text}  $$<SMS_DATABASE_NOTIFICATION_MONITOR><01-14-2025 ${time}+480><thread=6352 (0x18D0)>\r\n`;
    appendFileSync(
      join(dir, file),
      trace('RCV: UPDATE on CI_ConfigurationItems for CI_ConfigurationItems_iu [16790001][78308]', '06:33:02.113') +
        trace(
          'SND: Dropped C:\\Program Files\\Microsoft Configuration Manager\\inboxes\\policypv.box\\16790001.CIA [78308]',
          '06:33:02.140',
        ),
    );
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').length - 1;
    const t = await analyzeBundle(await openBundle(dir));
    const sync = t.flows.find((f) => f.kind === 'sync')!;
    expect(sync.events).toContain(`${file}:15`);
    const later = [`${file}:${lines - 1}`, `${file}:${lines}`];
    expect(sync.events.filter((id) => later.includes(id))).toEqual([]);
    expect(t.links.filter((l) => later.includes(l.from) || later.includes(l.to))).toEqual([]);
  });
});
