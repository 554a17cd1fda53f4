// A generated bundle against what the generator knows: two management points, dozens of clients whose scans
// and state-message relays interleave at them (every fifth client asking the other MP every other round),
// every host's clock set by the generator, every fourth client's hours off (a day ahead, three hours behind,
// an hour ahead), three clients' clocks set nine hours in (back 40 s, forward 10 min, back 3 h), one client moved to
// another network six hours in, two behind one NAT address, every third a Windows 10 client whose
// WindowsUpdate.log was decoded by Get-WindowsUpdateLog (on itself, or on a machine in another zone). The analysis must
// recover each clock within the uncertainty it states, each scan cycle's outcome and upstream cause, and the
// SMX file each relay went into. MP noise logs extra requests from the bundle's own clients and StateSys
// batches mix both MPs' files: what once made estimates wrong, and what makes a join by time pick a
// neighbour's record when it goes wrong.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { offsetAtLine } from '../../src/correlate/file-clocks.ts';
import type { Timeline, TimelineFlow } from '../../src/correlate/model.ts';
import { normalizeGuid } from '../../src/parsers/messages/values.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import type { CycleKind, GeneratedBundle, GenerateBundleOptions } from '../gen/bundle-gen.ts';
import { generateBundle } from '../gen/bundle-gen.ts';

let dir: string;
let t: Timeline;
let truth: GeneratedBundle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmflow-truth-'));
  truth = await generateBundle({
    outDir: dir,
    targetBytes: 16_000_000,
    seed: 11,
    mpCount: 2,
    roaming: true,
    clockFaults: true,
    clockSteps: true,
    addressChanges: true,
    sharedAddress: true,
    decodedWindowsUpdateLogs: true,
  });
  t = await analyzeBundle(await openBundle(dir));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function guid(raw: string): string {
  return normalizeGuid(raw) ?? raw;
}

/**
 * Clocks set back further than the time between their messages: their logged times before and after overlap,
 * and only their logs' order tells the two apart.
 */
function overlapping(): Set<string> {
  return new Set(
    [...truth.clockSteps]
      .filter(([name, s]) => truth.skewMs.get(name)! - s.skewBeforeMs < -3_600_000)
      .map(([name]) => name),
  );
}

function flowsByKey(key: string, at: Timeline = t): Map<string, TimelineFlow> {
  const out = new Map<string, TimelineFlow>();
  for (const f of at.flows) {
    const v = f.keys[key];
    if (typeof v === 'string') {
      out.set(v, f);
    }
  }
  return out;
}

/** Where each failing kind of cycle begins: the file the sample bundles of that story name as its cause. */
const CAUSE_FILE: Readonly<Record<Exclude<CycleKind, 'healthy'>, string>> = {
  'wsus-2ee2': 'WindowsUpdate.log',
  'empty-location': 'MP_Location.log',
  'gpo-conflict': 'WUAHandler.log',
};

/** Every condition the generator can set, at once. */
const EVERY_CONDITION = {
  roaming: true,
  clockFaults: true,
  clockSteps: true,
  addressChanges: true,
  summerTimeEnds: true,
  sharedAddress: true,
} as const satisfies Partial<GenerateBundleOptions>;

/**
 * Seed N's bundle as the every-condition probes generate it (20 MB): every condition, one to four MPs, clients'
 * logs rolling over at none, 60, 120 or 250 KB, installations on odd seeds, decoded WindowsUpdate.logs but on
 * every third seed, the servers' logs rotated on every fifth. A probe's finding is tested on the same bundle.
 */
function everyConditionProbe(seed: number): Omit<GenerateBundleOptions, 'outDir'> {
  const rotateAt = [undefined, 60_000, 120_000, 250_000][seed % 4];
  return {
    targetBytes: 20_000_000,
    seed,
    mpCount: 1 + (seed % 4),
    ...EVERY_CONDITION,
    ...(rotateAt !== undefined && { rotateClientLogsAt: rotateAt }),
    installs: seed % 2 === 1,
    decodedWindowsUpdateLogs: seed % 3 !== 0,
    serverLogsRotated: seed % 5 === 0,
  };
}

/** A generated bundle and its analysis, made before the describe's tests and removed after them. */
function generated(
  options: Omit<GenerateBundleOptions, 'outDir'>,
  alter: (dir: string) => void = () => undefined,
): { readonly t: Timeline; readonly truth: GeneratedBundle; readonly dir: string } {
  const made = {} as { t: Timeline; truth: GeneratedBundle; dir: string };
  beforeAll(async () => {
    made.dir = mkdtempSync(join(tmpdir(), 'cmflow-truth-'));
    made.truth = await generateBundle({ outDir: made.dir, ...options });
    alter(made.dir);
    made.t = await analyzeBundle(await openBundle(made.dir));
  }, 120_000);
  afterAll(() => rmSync(made.dir, { recursive: true, force: true }));
  return made;
}

/** The scan cycles whose flow is missing, on another host, of the wrong outcome, or without the cause file. */
function wrongScans(at: Timeline, of: GeneratedBundle, skip: ReadonlySet<string> = new Set()): string[] {
  const byJob = new Map(
    at.flows.flatMap((f) => (typeof f.keys.scanJob === 'string' ? [[f.keys.scanJob, f] as const] : [])),
  );
  const failures = new Map(at.failures.map((f) => [f.event, f]));
  const wrong: string[] = [];
  for (const s of of.scans.filter((x) => !skip.has(x.host))) {
    const flow = byJob.get(guid(s.scanJob));
    if (flow === undefined || flow.host !== s.host) {
      wrong.push(`${s.host} ${s.kind} ${s.scanJob}: ${flow === undefined ? 'no flow' : `flow on ${flow.host}`}`);
    } else if (flow.status !== (s.kind === 'healthy' ? 'ok' : 'failed')) {
      wrong.push(`${s.host} ${s.kind} ${s.scanJob}: ${flow.status} (${flow.summary})`);
    } else if (s.kind !== 'healthy') {
      const causes = new Set(
        flow.events.flatMap((id) => {
          const f = failures.get(id);
          if (f === undefined) {
            return [];
          }
          // The log's name, whether the cause is in it or in its history (`ScanAgent-20250113-191905.log`).
          const file = basename(f.upstreamCause.slice(0, f.upstreamCause.lastIndexOf(':')));
          return [file.replace(/-\d{8}-\d{6}(?=\.log$)/, '')];
        }),
      );
      if (!causes.has(CAUSE_FILE[s.kind])) {
        wrong.push(`${s.host} ${s.kind} ${s.scanJob}: causes ${[...causes].join(', ') || 'none'}`);
      }
    }
  }
  return wrong;
}

/**
 * Of `wrongScans`' lines, a group policy conflict whose scan kept ScanAgent's failure as its cause because
 * WUAHandler.log, which tells the conflict, no longer holds the scan's lines.
 */
function handlerGone(at: Timeline): (line: string) => boolean {
  const events = new Map(at.events.map((e) => [e.id, e]));
  const byJob = flowsByKey('scanJob', at);
  return (line) => {
    if (!/ gpo-conflict .*: causes ScanAgent\.log$/.test(line)) {
      return false;
    }
    const flow = byJob.get(guid(line.split(' ')[2]!.replace(/:$/, '')))!;
    return flow.events.every((id) => events.get(id)!.component !== 'WUAHandler');
  };
}

/** Whether any of a host's logs still names a scan job (one whose every line rolled away names none). */
function scanLeftIn(dir: string): (line: string) => boolean {
  const texts = new Map<string, string>();
  const textOf = (host: string): string => {
    let text = texts.get(host);
    if (text === undefined) {
      const files = readdirSync(join(dir, host), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      text = files
        .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'))
        .join('\n')
        .toLowerCase();
      texts.set(host, text);
    }
    return text;
  };
  return (line) => {
    const [host, , job] = line.split(' ');
    return textOf(host!).includes(guid(job!.replace(/:$/, '')));
  };
}

/**
 * The relays whose flow is missing, on another host, not ok, or not through the SMX file MP_Relay wrote. A relay
 * whose send CcmMessaging.log no longer holds is found by its client and first serial number.
 */
function wrongRelays(at: Timeline, of: GeneratedBundle): string[] {
  const byMessage = flowsByKey('message', at);
  const bySerial = new Map(
    at.flows.flatMap((f) =>
      f.kind === 'state-message' && Array.isArray(f.keys.serialNumbers)
        ? [[`${f.host}#${String(f.keys.serialNumbers[0])}`, f] as const]
        : [],
    ),
  );
  const wrong: string[] = [];
  for (const r of of.relays) {
    const flow = byMessage.get(guid(r.messageId)) ?? bySerial.get(`${r.host}#${r.serials[0]}`);
    if (flow === undefined || flow.host !== r.host) {
      wrong.push(`${r.host} ${r.messageId}: ${flow === undefined ? 'no flow' : `flow on ${flow.host}`}`);
    } else if (flow.keys.smxFile !== r.smx || flow.status !== 'ok') {
      wrong.push(
        `${r.host} ${r.messageId}: ${String(flow.keys.smxFile)} ${flow.status}, truly ${r.smx}: ${flow.summary}`,
      );
    }
  }
  return wrong;
}

/** The installation runs whose flow is missing, or whose updates or outcome are not the generator's. */
function wrongInstalls(at: Timeline, of: GeneratedBundle): string[] {
  const flows = at.flows.filter((f) => f.kind === 'install');
  const key = (host: string, updates: readonly string[]): string => `${host} ${updates.join(',')}`;
  const byKey = new Map<string, TimelineFlow[]>();
  for (const f of flows) {
    const k = key(f.host, (f.keys.updates as string[] | undefined) ?? []);
    byKey.set(k, [...(byKey.get(k) ?? []), f]);
  }
  const wrong: string[] = [];
  for (const i of of.installs) {
    const flow = byKey.get(key(i.host, i.updates))?.shift();
    if (flow === undefined) {
      wrong.push(`${key(i.host, i.updates)}: no flow`);
    } else if (flow.status !== i.status) {
      wrong.push(`${key(i.host, i.updates)}: ${flow.status}, truly ${i.status}: ${flow.summary}`);
    }
  }
  if (flows.length !== of.installs.length) {
    wrong.push(`${flows.length} install flows for ${of.installs.length} installations`);
  }
  return wrong;
}

/** The hosts whose clock is further from the truth than the uncertainty stated for it. */
function wrongClocks(at: Timeline, of: GeneratedBundle): string[] {
  return at.hosts
    .filter((h) => of.skewMs.has(h.name))
    .filter((h) => Math.abs(h.clockSkewMs - of.skewMs.get(h.name)!) > (h.skewUncertaintyMs ?? 0) + 1)
    .map((h) => `${h.name}: ${h.clockSkewMs} ± ${h.skewUncertaintyMs} ms, truly ${of.skewMs.get(h.name)} ms`);
}

/**
 * Per host, how many of its records (WindowsUpdate.log's aside: they take their host's times) are corrected to a
 * time off the generator's by more than the host's stated uncertainty and 2 s. By the generator's clocks: where a
 * host's clock was set, by the clock a record's logged time can only have come from (both: not counted).
 */
function recordsOff(at: Timeline, of: GeneratedBundle): Record<string, number> {
  const uncertainty = new Map(at.hosts.map((h) => [h.name, h.skewUncertaintyMs ?? 0]));
  const off: Record<string, number> = {};
  for (const e of at.events) {
    const after = of.skewMs.get(e.host);
    if (after === undefined || /WindowsUpdate\.log$/.test(e.file)) {
      continue;
    }
    const step = of.clockSteps.get(e.host);
    let skew = after;
    if (step !== undefined) {
      const earlier = e.loggedTime - step.skewBeforeMs < step.at;
      const later = e.loggedTime - after >= step.at;
      if (earlier && later) {
        continue;
      }
      skew = earlier ? step.skewBeforeMs : after;
    }
    if (Math.abs(skew - (e.loggedTime - e.time)) > uncertainty.get(e.host)! + 2_000) {
      off[e.host] = (off[e.host] ?? 0) + 1;
    }
  }
  return off;
}

/**
 * PS1MP01's earlier clock measured, as `basis` says, within its uncertainty of the generator's, no client's
 * clock said to be set for it, every record read by the clock that logged it, and no link back in time.
 */
function expectMpSetBackMeasured(g: { readonly t: Timeline; readonly truth: GeneratedBundle }, basis: RegExp): void {
  const mp = g.t.hosts.find((h) => h.name === 'PS1MP01')!;
  expect(mp.skewBasis).toMatch(basis);
  const before = g.truth.clockSteps.get('PS1MP01')!.skewBeforeMs;
  expect(Math.abs(mp.clockBefore!.skewMs - before)).toBeLessThanOrEqual(mp.clockBefore!.uncertaintyMs);
  expect(wrongClocks(g.t, g.truth)).toEqual([]);
  expect(g.t.hosts.filter((h) => /clock was set, not/.test(h.skewBasis ?? ''))).toEqual([]);
  expect(recordsOff(g.t, g.truth)).toEqual({});
  expect(linksBackInTime(g.t, { sameHost: true }).back).toEqual([]);
}

/**
 * Links that go back in time beyond the two hosts' stated uncertainty (and a second for IIS, which writes whole
 * seconds), between hosts, or on one host too by more than a second; links of the `skip` hosts left aside. `crossing` counts the
 * links checked between hosts.
 */
function linksBackInTime(
  at: Timeline,
  { sameHost = false, skip = new Set<string>() }: { sameHost?: boolean; skip?: ReadonlySet<string> } = {},
): { back: string[]; crossing: number } {
  const events = new Map(at.events.map((e) => [e.id, e]));
  const uncertainty = new Map(at.hosts.map((h) => [h.name, h.skewUncertaintyMs ?? 0]));
  let crossing = 0;
  const back: string[] = [];
  for (const l of at.links) {
    const from = events.get(l.from)!;
    const to = events.get(l.to)!;
    const same = from.host === to.host;
    if ((same && !sameHost) || skip.has(from.host) || skip.has(to.host)) {
      continue;
    }
    crossing += same ? 0 : 1;
    const resolution = from.component === 'IIS' || to.component === 'IIS' ? 1_000 : 0;
    // On one host, a second: the deployment evaluation hears of a scan job as it ends (scan-flow.ts allows it).
    const slack = same ? 1_000 : uncertainty.get(from.host)! + uncertainty.get(to.host)! + resolution + 50;
    const dt = to.time - from.time;
    if (dt < -slack) {
      back.push(`${l.from} → ${l.to} (${l.key}): ${dt} ms`);
    }
  }
  return { back, crossing };
}

describe('clock skew of a generated bundle with two MPs', () => {
  it('estimates every host within the uncertainty it states', () => {
    expect(t.referenceHost).toBe('PS1SITE');
    expect(t.hosts.filter((h) => truth.skewMs.has(h.name)).length).toBeGreaterThanOrEqual(10);
    expect(wrongClocks(t, truth)).toEqual([]);
  });

  it('finds the clocks that are hours or a day off, as closely as the others', () => {
    // Joins by time looked for a client's records on its MP within three hours of its own clock: a client a
    // day ahead was left uncorrected and one three hours behind estimated 2 h 49 min off, every relay of
    // both failed.
    const faulty = [...truth.skewMs].filter(([name, ms]) => Math.abs(ms) > 50 * 60_000 && !truth.clockSteps.has(name));
    expect(faulty.map(([, ms]) => Math.round(ms / 3_600_000)).sort((a, b) => a - b)).toEqual([-3, 1, 24]);
    for (const [name, ms] of faulty) {
      const h = t.hosts.find((x) => x.name === name)!;
      expect(Math.abs(h.clockSkewMs - ms)).toBeLessThanOrEqual(h.skewUncertaintyMs!);
      expect(h.skewUncertaintyMs).toBeLessThanOrEqual(1_000);
    }
  });

  it('finds the clocks set within the bundle, and what they read before', () => {
    const steps = [...truth.clockSteps];
    expect(steps.length).toBe(3);
    for (const [name, step] of steps) {
      const h = t.hosts.find((x) => x.name === name)!;
      const moved = truth.skewMs.get(name)! - step.skewBeforeMs;
      if (overlapping().has(name)) {
        // Set back 3 h, further than the time between its messages: its logged times before and after
        // interleave, and its logs' order tells them apart (they go back in time there).
        expect(h.skewBasis).toMatch(
          new RegExp(
            `${name} was set back 3 h 0 min 0\\.0 s within the bundle, where \\S+:\\d+, \\S+:\\d+ and \\d+ more of its logs go back in time`,
          ),
        );
        expect(h.clockBefore?.byOrder).toBe(true);
      } else {
        expect(h.skewBasis).toContain(
          `${name} was set ${moved < 0 ? 'back' : 'forward'} ${moved < 0 ? '40.0 s' : '10 min 0.0 s'} `,
        );
      }
      const before = h.clockBefore!;
      expect(Math.abs(before.skewMs - step.skewBeforeMs)).toBeLessThanOrEqual(before.uncertaintyMs);
      // The change lies between the messages either side of it, by the host's own clock.
      // By the logs' order, `untilMs` is the earlier clock's last reading.
      const changed = step.at + (moved < 0 && before.byOrder !== true ? truth.skewMs.get(name)! : step.skewBeforeMs);
      expect(Math.abs(before.untilMs - changed)).toBeLessThan(2 * 3_600_000);
    }
  });

  it("never puts a client's own clock setting on its MP: three clients set, of ten", () => {
    expect(t.hosts.filter((h) => /most likely \S+ clock was set|own clock was set/.test(h.skewBasis ?? ''))).toEqual(
      [],
    );
  });

  it('knows every client to within a second: its messages cross both ways', () => {
    const wide = t.hosts
      .filter((h) => h.role === 'client' && !((h.skewUncertaintyMs ?? Infinity) <= 1_000))
      .map((h) => `${h.name}: ± ${h.skewUncertaintyMs} ms (${h.skewBasis})`);
    expect(wide).toEqual([]);
  });
});

describe('flows of a generated bundle with two MPs', () => {
  it('finds every scan cycle as its own flow, on its client, with its outcome and upstream cause', () => {
    const kinds = new Set(truth.scans.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(['empty-location', 'gpo-conflict', 'healthy', 'wsus-2ee2']);
    const wrong = wrongScans(t, truth);
    expect(truth.scans.length).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
    // The roaming clients' scans went through both MPs.
    const mpsOf = new Map<string, Set<unknown>>();
    for (const f of t.flows.filter((x) => x.kind === 'scan')) {
      mpsOf.set(f.host, (mpsOf.get(f.host) ?? new Set()).add(f.keys.mp));
    }
    expect([...mpsOf.values()].filter((mps) => mps.size === 2).length).toBeGreaterThanOrEqual(2);
  });

  it('follows a client that moved to another address: every scan through its MP, its posts from both', () => {
    // Joined by the one address its last location request stated, its scans before the move had no MP and an
    // empty location reply's cause was looked for on the client (3 to 5 causes wrong in 30-40 MB bundles).
    const moved = t.flows.filter((f) => f.host === 'PS1WKS0004' && f.kind === 'scan');
    expect(moved.length).toBeGreaterThan(10);
    expect(moved.filter((f) => f.keys.mp === undefined).map((f) => f.id)).toEqual([]);
    const events = new Map(t.events.map((e) => [e.id, e]));
    const posts = t.links.filter(
      (l) => l.key.startsWith('CCM_POST from ') && events.get(l.from)!.host === 'PS1WKS0004',
    );
    expect(new Set(posts.map((l) => l.key.split(' ')[2])).size).toBe(2);
  });

  it("takes every relayed state message's SMX file, and no other, to the site's processing", () => {
    expect(truth.relays.length).toBeGreaterThan(40);
    expect(wrongRelays(t, truth)).toEqual([]);
  });

  it("never links a record to one on another host that came before it, beyond the two clocks' uncertainty", () => {
    const { back, crossing } = linksBackInTime(t);
    expect(crossing).toBeGreaterThan(1_000);
    expect(back).toEqual([]);
  });

  it('marks the failed moves of relays whose files moved once the share was back as recovered, and only those', () => {
    const status = new Map(t.flows.map((f) => [f.id, f.status]));
    const inFlows = t.failures.filter((f) => f.flow !== undefined);
    const recovered = inFlows.filter((f) => f.recovered);
    expect(recovered.length).toBeGreaterThan(0);
    expect(recovered.every((f) => f.flow!.startsWith('state-message:') && f.code === '0x80070035')).toBe(true);
    expect(inFlows.every((f) => status.get(f.flow!) === (f.recovered ? 'ok' : 'failed'))).toBe(true);
  });
});

describe('relays whose files the logs cannot tell apart', () => {
  // Seed 6 has two clients whose relays MP_Relay finished 137 ms apart, each with as many state messages,
  // and whose files MPFDM moved in the other order: nothing in the logs says which file is whose.
  const other = generated({ targetBytes: 16_000_000, seed: 6, mpCount: 1 });

  it('link them by time and say so, never as derived', () => {
    const byMessage = flowsByKey('message', other.t);
    const swapped = other.truth.relays.filter((r) => byMessage.get(guid(r.messageId))?.keys.smxFile !== r.smx);
    expect(swapped.length).toBeGreaterThan(0);
    for (const r of swapped) {
      const flow = byMessage.get(guid(r.messageId))!;
      const events = new Set(flow.events);
      const link = other.t.links.find((l) => events.has(l.from) && l.key.startsWith(`${String(flow.keys.smxFile)}: `))!;
      expect(link.evidence).toBe('time');
      expect(link.key).toMatch(
        /^\w+\.SMX: first file moved after the relay .*, one of \d such files for as many relays waiting at once \(the logs do not say which is its own\)$/,
      );
    }
  });
});

describe('relays whose files MPFDM moved in another order, seconds apart', () => {
  // Seed 23 (every condition, one MP): three relays of four state messages each, ended 16-20 s apart, whose
  // files MPFDM moved 15-19 s apart, the first relay's last. Each took the first file after it, and the link
  // said derived; a relay with as many messages was still waiting each time.
  const cycle = generated({
    targetBytes: 30_000_000,
    seed: 23,
    mpCount: 1,
    ...EVERY_CONDITION,
  });

  it("never says derived of a file that is not the relay's own", () => {
    const byMessage = flowsByKey('message', cycle.t);
    const claims = cycle.truth.relays.flatMap((r) => {
      const flow = byMessage.get(guid(r.messageId));
      const events = new Set(flow?.events ?? []);
      const link = cycle.t.links.find(
        (l) => events.has(l.from) && l.key.startsWith(`${String(flow?.keys.smxFile)}: first`),
      );
      return link === undefined ? [] : [{ own: flow!.keys.smxFile === r.smx, evidence: link.evidence, key: link.key }];
    });
    expect(claims.filter((x) => !x.own).length).toBeGreaterThan(0);
    expect(claims.filter((x) => !x.own && x.evidence !== 'time').map((x) => x.key)).toEqual([]);
  });
});

describe('summer time ending within the bundle', () => {
  // Seed 3: three MPs and 25 clients, every host in a US zone putting its clocks back ten hours in. A legacy
  // WindowsUpdate.log writes no zone: its records in the repeated hour are read with the host's bias from its
  // other logs, which by the nearest sample alone gave half of them the other bias (a 0x80072EE2 search
  // failure an hour off, its cause then looked for in WUAHandler.log).
  const dst = generated({ targetBytes: 40_000_000, seed: 3, mpCount: 3, summerTimeEnds: true });

  it('reads each log in the bias it had, on both passes of the repeated hour', () => {
    const us = dst.t.hosts.filter((h) => h.biasMinutes !== undefined && [300, 360, 480].includes(h.biasMinutes));
    expect(us.length).toBeGreaterThan(5);
    expect(wrongScans(dst.t, dst.truth)).toEqual([]);
    expect(linksBackInTime(dst.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('server logs rotated while the clients reach back further', () => {
  // MP_Relay.log of PS1MP01 and the site's StateSys.log hold only the bundle's last part, as a busy MP's and
  // site's do. A relay from before then is not missing from them: they do not reach back that far. By the end
  // of the logs alone, 120 relays of this bundle were FAILED by timeout.
  const rotated = generated({ targetBytes: 16_000_000, seed: 11, mpCount: 2, serverLogsRotated: true });

  it('reports no step missing from a log that did not reach back to it', () => {
    const relays = rotated.t.flows.filter((f) => f.kind === 'state-message');
    // Those the rotated logs hold are whole; the others get no further than the logs go.
    expect(relays.filter((f) => f.status === 'ok').length).toBeGreaterThan(40);
    expect(relays.filter((f) => f.status === 'incomplete').length).toBeGreaterThan(40);
    expect(rotated.t.failures.filter((f) => /covers that time/.test(f.meaning)).map((f) => f.meaning)).toEqual([]);
    expect(relays.filter((f) => f.status === 'failed').map((f) => f.summary)).toEqual([]);
  });
});

describe('one of two MPs left out of the bundle', () => {
  // An admin collected PS1MP01's logs but not PS1MP02's. The relays of PS1MP02's clients reached no MP the
  // bundle holds; PS1MP01's MP_Relay.log going on says nothing of them (107 were FAILED by timeout).
  const partial = generated({ targetBytes: 16_000_000, seed: 11, mpCount: 2 }, (dir) =>
    rmSync(join(dir, 'PS1MP02'), { recursive: true, force: true }),
  );

  it("leaves the relays of the missing MP's clients incomplete, not failed", () => {
    const relays = partial.t.flows.filter((f) => f.kind === 'state-message');
    expect(relays.filter((f) => f.status === 'incomplete').length).toBeGreaterThan(40);
    expect(partial.t.failures.filter((f) => /No management point logged this relay/.test(f.meaning))).toEqual([]);
  });
});

describe('an MP on the site server, with a client there too', () => {
  // The usual small site: PS1SITE is the site server, PS1MP01 and a client. Its MP's logs were read as its
  // client's layer (no other client's scan or relay reached them), and the host named after its install folder;
  // then its relays took files MPFDM had moved from PS1MP02, and StateSys batches holding its files (which no
  // MPFDM moves) were paired with PS1MP02's first move, putting PS1MP02's clock and its clients' 8 s off.
  const small = generated({ targetBytes: 16_000_000, seed: 11, mpCount: 2, roaming: true, mpOnSiteServer: true });

  it('is one host of three roles, and the reference clock', () => {
    const site = small.t.hosts.filter((h) => h.name === 'PS1SITE');
    expect(site.map((h) => h.roles)).toEqual([['site-server', 'management-point', 'client']]);
    expect(small.t.referenceHost).toBe('PS1SITE');
    expect(small.t.hosts.map((h) => h.name).sort()).toEqual([...small.truth.skewMs.keys()].sort());
  });

  it("takes every scan and relay through the MP that answered it, the site server's own too", () => {
    const own = small.truth.relays.filter((r) => r.host === 'PS1SITE');
    expect(own.length).toBeGreaterThan(10);
    expect(wrongScans(small.t, small.truth)).toEqual([]);
    expect(wrongRelays(small.t, small.truth)).toEqual([]);
    const mps = new Set(small.t.flows.filter((f) => f.kind === 'state-message').map((f) => f.keys.mp));
    expect([...mps].sort()).toEqual(['PS1MP02', 'PS1SITE']);
  });

  it('estimates every clock within the uncertainty it states', () => {
    expect(wrongClocks(small.t, small.truth)).toEqual([]);
    expect(linksBackInTime(small.t).back).toEqual([]);
  });
});

describe("a management point's clock set within the bundle", () => {
  // Time sync steps a VM's clock after it drifted, or after a snapshot was restored. PS1MP01's clock was read as
  // its earlier one throughout, and every one of its clients as set by the opposite amount around then: in the
  // Hosts view, ten clients each "set forward 10 min", and the MP's records after it ten minutes off.
  for (const [byMs, how] of [
    [-600_000, 'back'],
    [600_000, 'forward'],
  ] as const) {
    const g = generated({ targetBytes: 16_000_000, seed: 5, mpCount: 2, mpClockStepMs: byMs });

    it(`set ${how} 10 min: the MP's clock before and after it, and no client's clock said to be set`, () => {
      const mp = g.t.hosts.find((h) => h.name === 'PS1MP01')!;
      // Set back, its logs go back in time, and each record is read by the clock that logged it.
      const where =
        how === 'back'
          ? 'within the bundle, where its MP_Location\\.log:\\d+ and u_ex\\d+\\.log:\\d+ go back'
          : '(?:around|between) ';
      expect(mp.skewBasis).toMatch(new RegExp(`PS1MP01 was set ${how} 10 min 0\\.0 s ${where}`));
      const before = g.truth.clockSteps.get('PS1MP01')!.skewBeforeMs;
      expect(Math.abs(mp.clockBefore!.skewMs - before)).toBeLessThanOrEqual(mp.clockBefore!.uncertaintyMs);
      expect(wrongClocks(g.t, g.truth)).toEqual([]);
      expect(g.t.hosts.filter((h) => h.clockBefore !== undefined).map((h) => h.name)).toEqual(['PS1MP01']);
    });

    it(`set ${how} 10 min: every scan and relay, and no link back in time`, () => {
      expect(wrongScans(g.t, g.truth)).toEqual([]);
      expect(wrongRelays(g.t, g.truth)).toEqual([]);
      expect(linksBackInTime(g.t).back).toEqual([]);
    });
  }
});

describe("a management point's clock set back, its messages to the site rotated away", () => {
  // Seed 315 (20 MB, four MPs, every condition, server logs rotated): PS1MP01 set back 10 min seven hours in,
  // its MP_Relay.log and the site's StateSys.log only from twelve hours in, so none of its messages to the site
  // reach back before the step; of its logs only MP_Location.log was seen to go back in time (its IIS log went
  // back too, but its requests are an index, not kept records), and a clock counts as set back where two logs
  // do. Its three clients each looked set forward 10 min at the same time (said of the MP, not corrected), its
  // records from before were 10 min off, and four links ran 10 min back in time. A client's messages with it on
  // both sides of where its logs went back now measure its earlier clock.
  const stepped = generated({ ...everyConditionProbe(315), mpClockStepMs: -600_000 });

  it("measures the MP's earlier clock, and no client's clock is said to be set for it", () => {
    expectMpSetBackMeasured(
      stepped,
      /PS1MP01 was set back 10 min 0\.\d s within the bundle, where its MP_Location\.log:\d+ and u_ex250113\.log:\d+ go back/,
    );
  });
});

describe("a management point's clock set back, shown only by records its logs do not keep", () => {
  // Seed 503 of the set-back probes (20 MB, four MPs, every condition, server logs rotated): PS1MP01 set back
  // 10 min at 13:00 UTC, quiet four minutes before and five after, so MP_Location.log went back 62 s, on DP
  // content requests, which are not kept; the update-source requests it keeps read in order, and its IIS log,
  // which went back 9 min, keeps none. No log of it was seen to go back: its four clients each looked set forward
  // 10 min then (said of the MP, not corrected), 3,087 records were 10 min off, six links ran back in time.
  // Where a log goes back is now told from all of its records as they are read.
  const g = generated({ ...everyConditionProbe(503), mpClockStepMs: -600_000, serverLogsRotated: true });

  it("measures the MP's earlier clock from its clients and reads each record by the clock that logged it", () => {
    expectMpSetBackMeasured(
      g,
      /PS1MP01 was set back 10 min 0\.\d s within the bundle, where its MP_Location\.log:517 and u_ex250113\.log:\d+ go back/,
    );
  });
});

describe("a management point's clock set by less than its own messages show", () => {
  // Set back 30 s between two of its bursts: no log of it goes back 20 s and its one-way messages to the site
  // allow minutes. Each of its clients then looks set forward 30 s around the same time; the estimates stay
  // (each client is settled before the next is read), but the bases say what most likely happened. (Set back
  // 50 s, its IIS log goes back over 20 s, and the step is measured.)
  const g = generated({ targetBytes: 16_000_000, seed: 5, mpCount: 2, mpClockStepMs: -30_000 });

  it('says of the MP that its clients all look set forward 30 s, and of each client that the MP most likely was set', () => {
    const mp = g.t.hosts.find((h) => h.name === 'PS1MP01')!;
    expect(mp.skewBasis).toMatch(
      /; 5 of the 5 clients chained through PS1MP01 look set forward 30\.0 s between \d\d:\d\d and \d\d:\d\d UTC: most likely PS1MP01's own clock was set back that much then/,
    );
    const clients = g.t.hosts.filter((h) => h.clockBefore !== undefined);
    expect(clients).toHaveLength(5);
    for (const h of clients) {
      expect(h.skewBasis).toContain(
        `4 other clients of PS1MP01 look set by as much at about the same time: most likely PS1MP01's clock was set, not ${h.name}'s`,
      );
    }
    expect(g.t.hosts.find((h) => h.name === 'PS1MP02')!.skewBasis).not.toContain('most likely');
  });

  // Set back 90 s, it was said of only, as above: its logs' kept records read in order. Its IIS log went back
  // 90 s, and so did MP_Location.log among records it does not keep: a client's messages either side measure it.
  const ninety = generated({ targetBytes: 16_000_000, seed: 5, mpCount: 2, mpClockStepMs: -90_000 });

  it("set back 90 s, where its logs went back: the MP's earlier clock measured, no client's said to be set", () => {
    expectMpSetBackMeasured(
      ninety,
      /PS1MP01 was set back 1 min 30\.0 s within the bundle, where its \S+\.log:\d+ goes back/,
    );
    expect(ninety.t.hosts.filter((h) => h.clockBefore !== undefined).map((h) => h.name)).toEqual(['PS1MP01']);
  });
});

describe("a management point's clock set forward, its messages to the site rotated away", () => {
  // Seed 345 (20 MB, two MPs, every condition, server logs rotated): PS1MP01 set forward 10 min at 13:00 UTC,
  // none of its messages to the site reaching back before then, and no log of it going back in time. Its
  // clients' earlier scans, their location messages rolled away, take their lead from ScanAgent's requests, so
  // each client of it looks set back 10 min then. Clients are settled one by one: once two of the three read so
  // far look so, and PS1MP01's logs skip 10 min there, the step is its own. Every client read after is
  // correlated against its two clocks, and the rows written before are read again at the end. Before, its
  // records from then were 10 min early, its clients stood as set back 10 min themselves, links from the site's
  // policy and from its clients chained through PS1MP02 ran 10 min back in time, and PS1WKS0007's own step
  // (forward 10 min, two hours later) was hidden by it. PS1WKS0003, set back 40 s two hours later and read
  // before the step was found, looks set back 10 min 40 s: two steps in one clock, not told apart.
  const forward = generated({ ...everyConditionProbe(345), mpClockStepMs: 600_000 });

  it("measures the MP's earlier clock, reads its clients by theirs, and finds a client's own step after it", () => {
    const mp = forward.t.hosts.find((h) => h.name === 'PS1MP01')!;
    expect(mp.skewBasis).toMatch(
      /; PS1MP01 was set forward 10 min 0\.0 s between 12:5\d and 13:0\d UTC, when its logs are quiet, which its messages to the site cannot show: 2 of the first 3 clients read through it look set back by as much then/,
    );
    const truth = forward.truth.clockSteps.get('PS1MP01')!;
    expect(Math.abs(mp.clockBefore!.skewMs - truth.skewBeforeMs)).toBeLessThanOrEqual(mp.clockBefore!.uncertaintyMs);
    const said = forward.t.hosts.filter((h) => /PS1MP01's clock was set, not/.test(h.skewBasis ?? ''));
    expect(said.map((h) => h.name).sort()).toEqual(['PS1WKS0001', 'PS1WKS0005']);
    expect(said.filter((h) => h.clockBefore !== undefined || / was set back /.test(h.skewBasis))).toEqual([]);
    expect(said[0]!.skewBasis).toMatch(
      /; its messages with PS1MP01 changed by 10 min 0\.0 s around 2025-01-13 \d\d:\d\d:\d\d by its clock, as 1 other client's did at the same time/,
    );
    const own = forward.t.hosts.find((h) => h.name === 'PS1WKS0007')!;
    expect(own.skewBasis).toMatch(/PS1WKS0007 was set forward 10 min 0\.\d s (?:around|between) /);
    const set = forward.t.hosts.filter((h) => h.clockBefore !== undefined).map((h) => h.name);
    expect(set.sort()).toEqual(['PS1MP01', 'PS1WKS0003', 'PS1WKS0007', 'PS1WKS0008']);
    expect(wrongClocks(forward.t, forward.truth)).toEqual([]);
  });

  it('puts no link back in time but on the client set twice', () => {
    const twice = new Set(['PS1WKS0003']);
    expect(linksBackInTime(forward.t, { sameHost: true, skip: twice }).back).toEqual([]);
    const wrong = wrongScans(forward.t, forward.truth, twice).filter(scanLeftIn(forward.dir));
    expect(wrong.filter((line) => !handlerGone(forward.t)(line))).toEqual([]);
  });
});

describe("a management point's clock set back by less than its logs' quiet", () => {
  // Seed 501 of the 90 s probes (20 MB, two MPs, every condition): PS1MP01 set back 90 s, quiet about 40 s on
  // either side, so no log of it went back a minute (its IIS log 48 s, the others not at all). Its seven
  // clients each looked set forward 90 s (said of the MP, not corrected) and 11,033 records were off. A file's
  // deepest place back by over 20 s is now noted too, taken for a server only where a client's messages on
  // both sides of it measure a step at least that long.
  const g = generated({ ...everyConditionProbe(501), mpClockStepMs: -90_000 });

  it("measures the MP's earlier clock from where its IIS log went back 48 s", () => {
    expectMpSetBackMeasured(
      g,
      /PS1MP01 was set back 1 min 30\.0 s within the bundle, where its u_ex250113\.log:\d+ goes back in time/,
    );
  });
});

describe("a client set forward itself, read before its management point's forward step was found", () => {
  // Seed 510 of the forward probes (20 MB, three MPs, every condition, server logs rotated): PS1MP01 set forward
  // 10 min at 13:00 UTC, found once two of its first three clients looked set back by as much; the third,
  // PS1WKS0007, set forward 10 min itself two hours later, showed both steps in its messages with the MP and
  // stood as one clock, four messages left out: its 811 records before its own step were 10 min off. The first
  // clients' messages are kept, and those settled through the MP are read again against its two clocks.
  const g = generated({ ...everyConditionProbe(510), mpClockStepMs: 600_000, serverLogsRotated: true });

  it("finds the client's own step against the MP's two clocks and reads its records by it", () => {
    const client = g.t.hosts.find((h) => h.name === 'PS1WKS0007')!;
    expect(client.skewBasis).toMatch(/PS1WKS0007 was set forward 10 min 0\.0 s between .* read again against/);
    const truth = g.truth.clockSteps.get('PS1WKS0007')!;
    expect(Math.abs(client.clockBefore!.skewMs - truth.skewBeforeMs)).toBeLessThanOrEqual(
      client.clockBefore!.uncertaintyMs,
    );
    expect(wrongClocks(g.t, g.truth)).toEqual([]);
    expect(recordsOff(g.t, g.truth)).toEqual({});
  });
});

describe('client logs rolled over as ConfigMgr rolls them', () => {
  // Each client's CCM logs roll over at 60 KB with one history file kept, as a busy client's do at the default
  // 250 KB: each log reaches back its own way, and CcmMessaging.log, the busiest, least. The relays it no longer
  // sent in the bundle had no flow, though StateMessage.log still held them and MP_Relay named them by client
  // id and serial numbers (100 of 218); the first it did send took every state message before it (18 serial
  // numbers for 4) and another relay's file, as derived (10). Scans whose LocationServices and WUAHandler lines
  // were gone took ScanAgent's lines as their cause, not the MP's empty reply or WindowsUpdate.log's failures (13).
  const rolled = generated({
    targetBytes: 16_000_000,
    seed: 11,
    mpCount: 2,
    roaming: true,
    rotateClientLogsAt: 60_000,
  });

  it('finds every scan with its outcome and cause, across history files and what they lost', () => {
    expect(
      readdirSync(join(rolled.dir, 'PS1WKS0001/Windows/CCM/Logs')).filter((f) => /-\d{8}-\d{6}\.log$/.test(f)).length,
    ).toBeGreaterThan(5);
    // A group policy conflict is told by WUAHandler.log: where it no longer holds the scan's lines, ScanAgent's
    // failure is the earliest record left. Every other cause is still in the bundle (WindowsUpdate.log's WinHTTP
    // failures, the MP's empty reply), and found without the client's rolled-over lines that led to it.
    const wrong = wrongScans(rolled.t, rolled.truth);
    const lost = wrong.filter(handlerGone(rolled.t));
    expect(lost.length).toBeGreaterThan(0);
    expect(wrong.filter((line) => !lost.includes(line))).toEqual([]);
  });

  it('follows every relay to its SMX file, with its CcmMessaging send or, before CcmMessaging.log begins, without', () => {
    expect(wrongRelays(rolled.t, rolled.truth)).toEqual([]);
    const unsent = rolled.t.flows.filter((f) => f.kind === 'state-message' && f.keys.message === undefined);
    expect(unsent.length).toBeGreaterThan(40);
  });

  it('estimates every clock within the uncertainty it states', () => {
    expect(wrongClocks(rolled.t, rolled.truth)).toEqual([]);
    expect(linksBackInTime(rolled.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('client logs rolled over, with every condition', () => {
  // Seed 21 (40 MB, two MPs): clients' logs roll over at 60 KB as in the describe above, with clocks hours off
  // and set within the bundle, moves, NAT, summer time ending and roaming. PS1WKS0008, set back 3 h, had only
  // its StateMessage.log history left from before then among the logs that measure a clock: its earlier clock
  // was never estimated and those records were read 3 h late (8 links 3 h back); its relays forwarded before
  // its CcmMessaging.log begins had no flow (the first send, on the later clock, read 3 h earlier than them);
  // nine relays of PS1WKS0001 that only MP_Relay still logged had none either.
  const rolled = generated({
    targetBytes: 40_000_000,
    seed: 21,
    mpCount: 2,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 60_000,
  });

  it('measures the earlier clock of a client set back hours from its forwards, and reads each log by its clock', () => {
    const host = rolled.t.hosts.find((h) => h.name === 'PS1WKS0008')!;
    expect(host.skewBasis).toMatch(/PS1WKS0008 was set back 3 h 0 min \d+\.\d s within the bundle, where .* go back/);
    expect(wrongClocks(rolled.t, rolled.truth)).toEqual([]);
    expect(linksBackInTime(rolled.t, { sameHost: true }).back).toEqual([]);
  });

  it('follows every relay, those only the MP still logs too', () => {
    expect(wrongRelays(rolled.t, rolled.truth)).toEqual([]);
    const onlyAtMp = rolled.t.flows.filter((f) => f.kind === 'state-message' && f.keys.clientLogs !== undefined);
    expect(onlyAtMp.map((f) => `${f.host}: ${String(f.keys.clientLogs)}`)).toEqual(
      Array<string>(9).fill("PS1WKS0001: MP_Relay only: before PS1WKS0001's StateMessage.log begins"),
    );
    expect(onlyAtMp.every((f) => f.status === 'ok')).toBe(true);
  });

  it('finds every scan with its outcome; a cause stays on the client where the lines that led on are gone', () => {
    const wrong = wrongScans(rolled.t, rolled.truth);
    expect(wrong.filter((line) => !/: causes (ScanAgent|WUAHandler)\.log$/.test(line))).toEqual([]);
    // The client set back 3 h: its earlier location requests are looked for around its earlier clock's lead,
    // which its forwards give (an empty-location scan and a WinHTTP failure kept ScanAgent's line as cause).
    expect(wrong.filter((line) => line.startsWith('PS1WKS0008 '))).toEqual([]);
  });
});

describe('updates installed, with client logs rolled over', () => {
  // Seed 25 (30 MB, every condition): WUAHandler.log, which logs every scan's update list, rolls over long
  // before WindowsUpdate.log does. 56 of 88 installations had no flow: their WUAHandler run was gone, and a
  // failed update's `Completed install … hr=0x80070643` in WindowsUpdate.log was a failure on its own.
  const rolled = generated({
    targetBytes: 30_000_000,
    seed: 25,
    mpCount: 2,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 60_000,
    installs: true,
  });

  it('finds every installation, from WindowsUpdate.log alone where WUAHandler.log no longer reaches back', () => {
    expect(wrongInstalls(rolled.t, rolled.truth)).toEqual([]);
    const older = rolled.t.flows.filter((f) => f.kind === 'install' && f.keys.clientLogs !== undefined);
    expect(older.length).toBeGreaterThan(40);
    expect(older.some((f) => f.status === 'failed')).toBe(true);
    const causes = rolled.t.failures.filter((f) => older.some((o) => o.id === f.flow));
    expect(causes.map((f) => [f.code, /\/Windows\/WindowsUpdate\.log:\d+$/.test(f.upstreamCause)])).toEqual(
      causes.map(() => ['0x80070643', true]),
    );
  });
});

describe('every log rotated, with every condition and installations', () => {
  // Seed 30 (30 MB): the clients' logs rolled over, the MPs' and the site's holding only the bundle's last
  // part, the first MP on the site server, and every other condition. Relays whose file got through an MPFDM
  // outage were FAILED where StateSys.log no longer reached the move; a client set back 3 h had its
  // UpdatesDeployment.log history, begun 0.4 s before the first later reading its other logs show, read by
  // its earlier clock.
  const all = generated({
    targetBytes: 30_000_000,
    seed: 30,
    mpCount: 2,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 60_000,
    serverLogsRotated: true,
    mpOnSiteServer: true,
    installs: true,
  });

  it('fails no relay the logs do not show failing, and finds every installation', () => {
    // Relays before the servers' logs begin are incomplete; none has another file or fails.
    const wrong = wrongRelays(all.t, all.truth);
    expect(wrong.filter((line) => !/: \S+ incomplete, truly /.test(line))).toEqual([]);
    expect(wrongInstalls(all.t, all.truth)).toEqual([]);
  });

  it('puts no link back in time', () => {
    expect(linksBackInTime(all.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('a scan job across a clock set back 3 h, logs rolled over', () => {
  // Seed 34 (50 MB, three MPs, every condition, clients' logs rolling over at 120 KB, installations): a scan
  // job of a client set back 3 h ran across the change. Its ScanAgent lines were chained by their times,
  // the later clock's linked back three hours to the earlier's, and two joins by time on the client took a
  // record of the other clock that read as close (its location request, its WUA search).
  const across = generated({
    targetBytes: 50_000_000,
    seed: 34,
    mpCount: 3,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 120_000,
    installs: true,
  });

  it('links each record in the order it was logged, and joins by time on one clock', () => {
    expect(across.truth.clockSteps.size).toBeGreaterThan(0);
    expect(linksBackInTime(across.t, { sameHost: true }).back).toEqual([]);
    expect(wrongClocks(across.t, across.truth)).toEqual([]);
    expect(wrongInstalls(across.t, across.truth)).toEqual([]);
  });
});

describe('a legacy WindowsUpdate.log quiet across summer time ending', () => {
  // Seed 22 (40 MB, every condition, clients' logs rolled over): PS1WKS0018's legacy WindowsUpdate.log was
  // quiet from before the change until inside the repeated hour, so its next search kept the first pass's
  // bias (its time had not gone back) and read an hour before WUAHandler's: the scan's WinHTTP failure was
  // not joined, its cause left on WUAHandler.log.
  const dst = generated({
    targetBytes: 40_000_000,
    seed: 22,
    mpCount: 2,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 60_000,
  });

  it("joins each WinHTTP failure to its scan, on the bias WUAHandler's search start shows", () => {
    const wrong = wrongScans(dst.t, dst.truth);
    expect(wrong.filter((line) => / wsus-2ee2 /.test(line))).toEqual([]);
    expect(linksBackInTime(dst.t, { sameHost: true }).back).toEqual([]);
  });
});

describe("a legacy WindowsUpdate.log quiet across summer time ending, WUAHandler.log's search gone", () => {
  // Seed 341 (20 MB, two MPs, every condition, installations, clients' logs rolling over at 60 KB): PS1WKS0008's
  // WindowsUpdate.log wrote nothing from 08:03 summer time until a search at 08:29 standard time, read at summer
  // time's bias, an hour early. WUAHandler's start of that search had rolled out of WUAHandler.log, so nothing
  // showed the hour: the search's 0x80072EE2 was not joined and the scan's cause stayed on ScanAgent.log.
  // ScanAgent's `successfully requested Scan` is the start left.
  const quiet = generated(everyConditionProbe(341));

  it('moves the search an hour on, onto the scan whose request it answers', () => {
    const wrong = wrongScans(quiet.t, quiet.truth).filter(scanLeftIn(quiet.dir));
    expect(wrong.filter((line) => !handlerGone(quiet.t)(line))).toEqual([]);
    const scan = quiet.t.flows.find((f) => f.id === 'scan:8f513250-6666-40d2-b7f1-ed1d8b66c14f')!;
    const cause = quiet.t.failures.find((f) => scan.events.includes(f.event))?.upstreamCause;
    expect(cause).toMatch(/^PS1WKS0008\/Windows\/WindowsUpdate\.log:\d+$/);
  });
});

describe('Get-WindowsUpdateLog output decoded in one zone across summer time ending', () => {
  // Seed 62 (20 MB, three MPs, every condition, every third client's WindowsUpdate.log decoded on itself or
  // elsewhere after its summer time ended): a decoded file is written in the decoding machine's zone
  // throughout, and read in its host's, so it reads an hour further off on one side of the change. One offset
  // for the whole file lined up one side's searches only: 2 scans kept WUAHandler's line as their cause, and
  // 21 links ran back in time.
  const decoded = generated({
    targetBytes: 20_000_000,
    seed: 62,
    mpCount: 3,
    ...EVERY_CONDITION,
    decodedWindowsUpdateLogs: true,
    rotateClientLogsAt: 120_000,
  });

  it('moves each side of the change by its own offset, and says where it changes', () => {
    const clocks = decoded.t.hosts.flatMap((h) => h.fileClocks);
    const across = clocks.filter((c) => c.changes !== undefined);
    expect(across.length).toBeGreaterThanOrEqual(3);
    const checked = new Set<number>();
    for (const c of across) {
      // What the file says stays each event's logged time, on either side (a host whose clock was set within the
      // bundle aside: its skew is not one).
      const host = decoded.t.hosts.find((h) => h.fileClocks.includes(c))!;
      for (const e of host.clockBefore === undefined ? decoded.t.events.filter((x) => x.file === c.file) : []) {
        expect(e.loggedTime - e.time - host.clockSkewMs).toBe(offsetAtLine(c, e.line) * 60_000);
        checked.add(offsetAtLine(c, e.line));
      }
      expect(c.basis).toMatch(
        /^Get-WindowsUpdateLog output decoded at UTC\S+ throughout, .* which lines up all \d+ of/,
      );
      expect(Math.abs(c.changes![0]!.offsetMinutes - c.offsetMinutes)).toBe(60);
    }
    // Logged times checked on both sides of a change, at two offsets or more.
    expect(checked.size).toBeGreaterThanOrEqual(2);
  });

  it('finds every scan with its outcome and cause, and no link back in time', () => {
    expect(wrongScans(decoded.t, decoded.truth)).toEqual([]);
    expect(linksBackInTime(decoded.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('many clients asking one MP for locations at once', () => {
  // Seed 105 (12 MB, one MP, server logs rotated, installations, clocks set and hours off, summer time ending):
  // MP_LocationManager's pool thread was drawn at random, and two clients' requests at the same second went to
  // one thread, their replies after both requests: PS1WKS0005's scan took the other client's reply, with its
  // location record, and its empty-location cause was left on LocationServices.log. A thread serves one
  // request at a time. PS1WKS0008, set back 3 h, had none of its earlier clock's relays left in the rotated
  // MP_Relay.log: its earlier location requests were looked for within 3 h of its later clock's lead, the MP's
  // records of them lay just beyond, and they were joined to the MP's requests of hours later (its earlier
  // clock estimated 1.6 h off ± 53 min, two empty-location scans caused by LocationServices.log, 8 links back).
  const busy = generated({
    targetBytes: 12_000_000,
    seed: 105,
    mpCount: 1,
    clockFaults: true,
    clockSteps: true,
    addressChanges: true,
    summerTimeEnds: true,
    installs: true,
    serverLogsRotated: true,
  });

  it("serves one request at a time on each MP_LocationManager thread, as an MP's thread pool does", () => {
    const log = join(busy.dir, 'PS1MP01/SMS_CCM/Logs/MP_Location.log');
    const open = new Map<string, number>();
    let requests = 0;
    for (const m of readFileSync(log, 'utf8').matchAll(
      /<!\[LOG\[MP LM: (Message Body|Reply message body)[\s\S]*?thread="(\d+)"/g,
    )) {
      if (m[1] === 'Message Body') {
        expect(open.get(m[2]!), `thread ${m[2]} at offset ${m.index}`).toBeUndefined();
        open.set(m[2]!, m.index);
        requests++;
      } else {
        open.delete(m[2]!);
      }
    }
    expect(requests).toBeGreaterThan(500);
  });

  it('finds every scan with its outcome and cause, and each clock, the earlier one of a client set back too', () => {
    expect(busy.t.hosts.find((h) => h.name === 'PS1WKS0008')!.skewBasis).toMatch(/PS1WKS0008 was set back 3 h/);
    expect(wrongClocks(busy.t, busy.truth)).toEqual([]);
    expect(wrongScans(busy.t, busy.truth)).toEqual([]);
    expect(linksBackInTime(busy.t, { sameHost: true }).back).toEqual([]);
  });
});

describe("an MP's empty reply logged milliseconds from the client's, within the client's clock uncertainty", () => {
  // Seed 130 (12 MB, two MPs, roaming, NAT, a client moving, client logs rolled over at 80 KB): PS1WKS0006's
  // clock is known to ±0.3 s, and its location replies' records lie a few milliseconds from the MP's. Three
  // empty-location scans took LocationServices.log's empty reply as their cause, as the earliest problem on
  // the corrected clocks, though the link from the MP's reply says which came first.
  const close = generated({
    targetBytes: 12_000_000,
    seed: 130,
    mpCount: 2,
    roaming: true,
    addressChanges: true,
    sharedAddress: true,
    rotateClientLogsAt: 80_000,
  });

  it("puts each empty-location cause on the MP's reply, the first problem along the links", () => {
    const wrong = wrongScans(close.t, close.truth);
    // Scans whose WUAHandler.log rolled away name no Group Policy line: ScanAgent's is all there is.
    const lost = wrong.filter(handlerGone(close.t));
    expect(wrong.filter((line) => !lost.includes(line))).toEqual([]);
    expect(close.truth.scans.filter((x) => x.kind === 'empty-location' && x.host === 'PS1WKS0006').length).toBe(3);
  });
});

describe("a management point's clock set within the bundle, its clients' logs rolled over", () => {
  // Seed 38 (30 MB, every condition and installations): PS1MP01 set back 10 min. A client's location requests
  // from before its CcmMessaging.log begins are looked for around the lead its later messages show, which
  // the MP's step had moved by 10 min: behind a NAT address, a neighbour's request there was taken (links
  // 10 min back). Leads now read the MP's times on its later clock.
  const stepped = generated({
    targetBytes: 30_000_000,
    seed: 38,
    mpCount: 2,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 60_000,
    installs: true,
    mpClockStepMs: -600_000,
  });

  it("joins each client's requests on the MP's later clock: no link back in time", () => {
    expect(wrongClocks(stepped.t, stepped.truth)).toEqual([]);
    expect(linksBackInTime(stepped.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('an installation whose first copy to the cache rolled away', () => {
  // Seed 46 (20 MB, an MP on the site server, every condition): WUAHandler.log rolled over between the copies
  // of a run's two updates, so its history began with the second's. The run's updates were listed in the
  // order of the copies left, the second first.
  const rolled = generated({
    targetBytes: 20_000_000,
    seed: 46,
    mpCount: 2,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 60_000,
    installs: true,
    mpOnSiteServer: true,
  });

  it("lists each run's updates in the order WUAHandler numbers them", () => {
    expect(wrongInstalls(rolled.t, rolled.truth)).toEqual([]);
  });
});

describe('a clock set back 3 h with only two messages of the earlier clock left', () => {
  // Seed 48 (25 MB, one MP, every condition, clients' logs rolling over at 50 KB, installations): PS1WKS0008's
  // CcmMessaging.log history kept two sends from before the change, its logs going back where it was set. Three
  // messages were needed on each side: its earlier clock was left unmeasured and those records read 3 h late.
  const few = generated({
    targetBytes: 25_000_000,
    seed: 48,
    mpCount: 1,
    ...EVERY_CONDITION,
    rotateClientLogsAt: 50_000,
    installs: true,
  });

  it('measures the earlier clock from what is left of it, the logs having shown it was set', () => {
    expect(few.t.hosts.find((h) => h.name === 'PS1WKS0008')!.skewBasis).toMatch(/PS1WKS0008 was set back 3 h/);
    expect(wrongClocks(few.t, few.truth)).toEqual([]);
    expect(linksBackInTime(few.t, { sameHost: true }).back).toEqual([]);
  });

  it("finds every scan the logs still name with its outcome, ScanAgent's last line where the rest rolled away", () => {
    // Two healthy scans of which ScanAgent.log's history keeps only the line raising the update source's state
    // 3, "Scan completed", and nothing else of the client's logs their completion: they were left incomplete.
    const wrong = wrongScans(few.t, few.truth);
    const left = wrong.filter(scanLeftIn(few.dir));
    expect(wrong.length - left.length).toBeGreaterThan(50);
    const gone = handlerGone(few.t);
    expect(left.filter((line) => !gone(line))).toEqual([]);
  });
});

describe('a log quiet across the hour a client was set back 3 h', () => {
  // Seed 86 (20 MB, three MPs, every condition, clients' logs rolling over at 120 KB): PS1WKS0008's WUAHandler.log
  // history wrote at 07:06 by its earlier clock and next at 07:28 by its later, 3 h after, so it never went
  // back in time; both clocks read 07:28, and its line was put on the earlier clock, 3 h before ScanAgent's
  // line of the same scan 50 ms earlier.
  const quiet = generated(everyConditionProbe(86));

  it("reads each of its records by the clock the others' records beside it were logged by", () => {
    expect(quiet.t.hosts.find((h) => h.name === 'PS1WKS0008')!.skewBasis).toMatch(/PS1WKS0008 was set back 3 h/);
    expect(linksBackInTime(quiet.t, { sameHost: true }).back).toEqual([]);
    expect(wrongScans(quiet.t, quiet.truth)).toEqual([]);
  });
});

describe('scans of two clocks read minutes apart by a client set back 3 h', () => {
  // Seed 66 (20 MB, three MPs, every condition, the first MP on the site server): PS1WKS0008 ran a scan at 08:23:35
  // by its earlier clock that failed with 0x80072EE2, and another at 08:24:19 by its later. The later scan's
  // WUAHandler start read before the earlier's search failure, so the failure went to the later scan's window,
  // the earlier search was never answered (WUAHandler's start its cause), its WUA session ran on into the later
  // search's lines, and the later scan took the earlier's topic 501 state message. Seed 90 (server logs
  // rotated): a scan took the deployment evaluation's lines of the same assignment by the other clock.
  for (const [seed, options] of [
    [66, { mpOnSiteServer: true }],
    [90, {}],
  ] as const) {
    const apart = generated({ ...everyConditionProbe(seed), ...options });

    it(`seed ${seed}: keeps each scan's lines on its own clock`, () => {
      expect(wrongScans(apart.t, apart.truth)).toEqual([]);
      const times = new Map(apart.t.events.map((e) => [e.id, e.time]));
      for (const f of apart.t.flows.filter((x) => x.kind === 'scan' && x.host === 'PS1WKS0008')) {
        const at = f.events.map((id) => times.get(id)!);
        expect(Math.max(...at) - Math.min(...at), f.id).toBeLessThan(30 * 60_000);
      }
    });
  }
});

describe("a WUAHandler.log history that begins at a search's failure", () => {
  // Seed 233 (20 MB, two MPs, every condition, installations, clients' logs rolling over at 60 KB): PS1WKS0010's
  // WUAHandler.log history begins at "OnSearchComplete - Failed to end search job. Error = 0x80072ee2", the
  // search's start rolled away. The search was joined from WUAHandler's start only, so WindowsUpdate.log's
  // WinHTTP failures were left out and WUAHandler's failure line was the scan's cause.
  const rolled = generated(everyConditionProbe(233));

  it("joins the search from ScanAgent's request, and its cause is WindowsUpdate.log's", () => {
    const wrong = wrongScans(rolled.t, rolled.truth).filter(scanLeftIn(rolled.dir));
    expect(wrong.filter((line) => / wsus-2ee2 /.test(line))).toEqual([]);
    expect(rolled.truth.scans.some((x) => x.host === 'PS1WKS0010' && x.scanJob.startsWith('C1406F44'))).toBe(true);
  });

  it("takes a job's update source and version from ScanAgent's line asking for locations, where it alone names them", () => {
    // PS1WKS0001's ScanAgent.log history begins at "CScanJob::Scan- entered": the policy line naming the version
    // rolled away, no MP request was looked for, and its empty location reply was caused by LocationServices.log.
    const job = rolled.t.flows.find((f) => f.id === 'scan:5f966684-7325-4b4f-a7a8-86b794422f4e')!;
    expect([job.keys.updateSource, job.keys.contentVersion, job.keys.mp]).toEqual([
      '9ba81816-7bdd-4b0b-a7de-80f3c0fc372f',
      32,
      'PS1MP01',
    ]);
    const wrong = wrongScans(rolled.t, rolled.truth).filter(scanLeftIn(rolled.dir));
    expect(wrong.filter((line) => !handlerGone(rolled.t)(line))).toEqual([]);
  });
});

describe("an install call in summer time's repeated hour, WindowsUpdate.log quiet across the change", () => {
  // Seed 213 (20 MB, two MPs, every condition, installations, clients' logs rolling over at 60 KB): PS1WKS0007's
  // legacy WindowsUpdate.log, which writes no zone, wrote nothing from before its summer time ended until an
  // install call at 08:41 standard time, read at summer time's bias: an hour before WUAHandler's run. The call
  // was a flow of its own (as if WUAHandler.log did not reach back to it), and the run's flow had none of its
  // updates' install lines.
  const repeated = generated(everyConditionProbe(213));

  it('moves the call an hour on, onto the run that started it', () => {
    expect(wrongInstalls(repeated.t, repeated.truth)).toEqual([]);
  });
});

describe('two scans an hour and a minute apart across summer time ending, WindowsUpdate.log quiet between', () => {
  // Seed 232 (20 MB, one MP, every condition): PS1WKS0006 scanned at 10:27 summer time and at 10:28 standard
  // time. Its legacy WindowsUpdate.log read the second search at summer time's bias, 58 s after the first
  // scan's WUAHandler start: within that start's minute, so it was taken as lined up and not moved, and the
  // second scan's 0x80072EE2 cause was left on WUAHandler.log.
  const close = generated(everyConditionProbe(232));

  it('gives each WUAHandler start its nearest search, and moves the other onto its own', () => {
    expect(wrongScans(close.t, close.truth).filter((line) => !handlerGone(close.t)(line))).toEqual([]);
  });
});

describe('location requests alone near the lead, with others from the address seconds away', () => {
  // A join to the MP without CcmMessaging's lines wanted no other request from the address within 30 s of the
  // one it found. Seed 221 (20 MB, two MPs, every condition, installations, clients' logs rolling over at
  // 120 KB): PS1WKS0005's request lay 0.1 s from its MP's lead and its NAT neighbours' 21 and 29 s from it,
  // PS1WKS0009's 0.2 s from the lead and its own other request 28 s from it. Then within the window around the
  // lead, 15 s: seed 281 (two MPs, logs rolling over at 60 KB), PS1WKS0008, set back 3 h, asked 0.06 s from the
  // lead and again 9.5 s after it; PS1WKS0004 too, between the addresses before and after its move. Each
  // empty-location cause stayed on the client. Another request counts now only within the window and within
  // LEAD_SPREAD as near as the nearest (NAT neighbours 1.3 s apart still leave the join undecided).
  for (const seed of [221, 281]) {
    const near = generated(everyConditionProbe(seed));

    it(`seed ${seed}: joins each to the MP's request and its empty reply`, () => {
      const wrong = wrongScans(near.t, near.truth).filter(scanLeftIn(near.dir));
      expect(wrong.filter((line) => !handlerGone(near.t)(line))).toEqual([]);
    });
  }
});

describe('a client set back 3 h, a forward of one clock seconds from a send of the other', () => {
  // Seed 248 (20 MB, one MP, every condition, clients' logs rolling over at none): PS1WKS0008's StateMessage.log
  // went back at its line 143 and its CcmMessaging.log at line 201, so a forward the later clock logged at
  // 13:17:48 read 4 s after a send the earlier clock logged at 13:17:44. The send took it as its own, the
  // relay's link ran 3 h back in time, and the relay of that forward was counted wrong. A send takes the forward
  // of its own clock.
  const apart = generated(everyConditionProbe(248));

  it('joins each forward to a send on its clock: every relay, no link back in time', () => {
    expect(apart.truth.clockSteps.get('PS1WKS0008')).toBeDefined();
    expect(wrongRelays(apart.t, apart.truth)).toEqual([]);
    expect(linksBackInTime(apart.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('a location message that fits both clocks of a client set forward 10 min', () => {
  // Seed 240 (20 MB, one MP, every condition, server logs rotated, so no relay of the earlier clock is left):
  // PS1WKS0007's one location message between its last of the earlier clock and its first of the later was
  // 0.02 s off the earlier clock's lead from its own request, and 3.9 s off the later's from another request the
  // MP logged from its address 10 min before: within LEAD_SPREAD of both. The lead changed before it, it was
  // joined to the other request, the step was put an hour early and two links ran 4 s back in time. A message
  // both leads explain goes to the one it lies nearer.
  const both = generated(everyConditionProbe(240));

  it("puts the step between that message and the next, and each of the client's clocks within its uncertainty", () => {
    const host = both.t.hosts.find((h) => h.name === 'PS1WKS0007')!;
    expect(host.skewBasis).toMatch(/PS1WKS0007 was set forward 10 min 0\.\d s (?:around|between) /);
    expect(wrongClocks(both.t, both.truth)).toEqual([]);
    expect(linksBackInTime(both.t, { sameHost: true }).back).toEqual([]);
  });
});

describe("a scan's last line a second after the next evaluation's start", () => {
  // Seed 405 (45 MB, two MPs, every condition, server logs rotated, clients' logs rolling over at 60 KB):
  // PS1WKS0007's empty-location scan raised its state message at 15:42:36.103, 0.6 s after the deployment
  // evaluation of its next scan logged "Detection job (…) started": within the second a scan's end may precede
  // what hears of it, so that start was linked as hearing of the scan's end, a link a second back in time.
  // An evaluation's first lines hear of no scan.
  const next = generated({ ...everyConditionProbe(405), targetBytes: 45_000_000, mpCount: 2 });

  it('links the end of each scan to what the evaluation logged after it, never back in time', () => {
    const events = new Map(next.t.events.map((e) => [e.id, e]));
    const heard = next.t.links.filter((l) => l.key === 'scan job done; the deployment evaluation hears of it');
    expect(heard.length).toBeGreaterThan(100);
    expect(heard.filter((l) => /Detection job|has total CI/.test(events.get(l.to)!.text))).toEqual([]);
    expect(linksBackInTime(next.t, { sameHost: true }).back).toEqual([]);
  });
});

describe("a client set back 3 h, none of its earlier clock's messages left but ScanAgent's", () => {
  // Seed 409 (45 MB, three MPs, every condition, installations, clients' logs rolling over at 60 KB): PS1WKS0008's
  // CcmMessaging.log and StateMessage.log rolled over past the step, and ScanAgent.log's history still held nine
  // scans of its earlier clock. With no location message or relay of that clock left, its location lead was the
  // later clock's, 3 h off: none of the nine was joined to its MP's request (all 20 s from its clock), and an
  // empty-location scan's cause stayed on ScanAgent.log. ScanAgent's requests for locations of that clock now
  // give that clock its lead.
  const early = generated({ ...everyConditionProbe(409), targetBytes: 45_000_000, mpCount: 3 });

  it("joins the earlier clock's scans to the MP's requests", () => {
    const host = early.t.hosts.find((h) => h.name === 'PS1WKS0008')!;
    expect(host.skewBasis).toMatch(/PS1WKS0008 was set back 3 h 0 min \d+\.\d s within the bundle/);
    const before = host.clockBefore!.untilMs;
    const times = new Map(early.t.events.map((e) => [e.id, e.loggedTime]));
    const scans = early.t.flows.filter(
      (f) => f.kind === 'scan' && f.host === 'PS1WKS0008' && Math.min(...f.events.map((id) => times.get(id)!)) < before,
    );
    expect(scans.length).toBeGreaterThanOrEqual(9);
    expect(scans.filter((f) => f.keys.mp === undefined).map((f) => f.id)).toEqual([]);
    const wrong = wrongScans(early.t, early.truth).filter(scanLeftIn(early.dir));
    expect(wrong.filter((line) => !handlerGone(early.t)(line))).toEqual([]);
  });
});

describe('clients set forward 10 min and back 40 s, their location messages of the earlier clock rolled away', () => {
  // Seed 65 (20 MB, two MPs, every condition, installations, clients' logs rolling over at 60 KB): PS1WKS0007 set
  // forward 10 min, its CcmMessaging.log from an hour and a half after the step only; PS1WKS0003 set back 40 s,
  // likewise. A forward step leaves no log going back in time, so each earlier scan was looked for at the later
  // clock's lead: not joined to its MP's request, no reply told the earlier clock, no step was found, and the
  // client's earlier records read 10 min early (the site's policy linked 7 min back in time to its first scan,
  // two empty-location scans caused at ScanAgent.log). ScanAgent's requests for locations before the client's
  // first location message now give that time its lead.
  const early = generated(everyConditionProbe(65));

  it('finds both steps, joins every scan to its MP and puts no link back in time', () => {
    const forward = early.t.hosts.find((h) => h.name === 'PS1WKS0007')!;
    expect(forward.skewBasis).toMatch(/PS1WKS0007 was set forward 10 min 0\.\d s (?:around|between) /);
    const back = early.t.hosts.find((h) => h.name === 'PS1WKS0003')!;
    expect(back.skewBasis).toMatch(/PS1WKS0003 was set back 40\.\d s (?:around|between) /);
    expect(wrongClocks(early.t, early.truth)).toEqual([]);
    // A GPO conflict's cause stays on ScanAgent.log where the WUAHandler.log that said it rolled over.
    const wrong = wrongScans(early.t, early.truth).filter(scanLeftIn(early.dir));
    expect(wrong.filter((line) => !handlerGone(early.t)(line))).toEqual([]);
    expect(linksBackInTime(early.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('clocks set before the logs that measure them begin', () => {
  // Seeds 89 and 76 (20 MB, every condition; seed 89's clients' logs rolling over at 60 KB): PS1WKS0003 set back 40 s and PS1WKS0007
  // set forward 10 min before their CcmMessaging.log begins, no log going back a minute. Seed 89: PS1WKS0003's
  // only messages from before were state messages StateMessage.log forwarded, which did not count (a forward may
  // wait in CcmMessaging's queue), so nothing showed the step: 9 links 40 s back. As bounds from below they are
  // causal still, and for a client whose logs never went back they count. Seed 76: PS1WKS0007's 27 earlier
  // messages agreed on its earlier clock, but one location reply joined by time to the wrong request left no
  // place where both sides' bounds met, and its earlier records stayed 10 min early: 10 links back. Seed 229: the
  // earlier location requests of both were looked for around the lead of their later location messages, the
  // only ones left: PS1WKS0003's joined 40 s off to a neighbour's behind its NAT address (two links back, its
  // forwards outvoted), PS1WKS0007's found none, and its earlier records stayed 10 min early (a scan's update
  // source policy read as used 7 min before the site made it). Their forwards' lead changes where the clock was
  // set; the location lead now changes with it before the first location message.
  for (const [seed, steps] of [
    [89, [['PS1WKS0003', /PS1WKS0003 was set back 40\.\d s (?:around|between) .* by its own clock/]]],
    [76, [['PS1WKS0007', /PS1WKS0007 was set forward 10 min 0\.\d s (?:around|between) .* \(1 more left out/]]],
    [
      229,
      [
        ['PS1WKS0003', /PS1WKS0003 was set back 40\.\d s (?:around|between) .*: the 27 messages before agree/],
        ['PS1WKS0007', /PS1WKS0007 was set forward 10 min 0\.\d s (?:around|between) .*: the 27 messages before agree/],
      ],
    ],
  ] as const) {
    const early = generated(everyConditionProbe(seed));

    it(`seed ${seed}: measures ${steps.map(([host]) => host).join(' and ')}'s earlier clock, no link back in time`, () => {
      for (const [host, how] of steps) {
        const h = early.t.hosts.find((x) => x.name === host)!;
        expect(h.skewBasis).toMatch(how);
        const step = early.truth.clockSteps.get(host)!;
        expect(Math.abs(h.clockBefore!.skewMs - step.skewBeforeMs)).toBeLessThanOrEqual(
          h.clockBefore!.uncertaintyMs + 50,
        );
      }
      expect(wrongClocks(early.t, early.truth)).toEqual([]);
      expect(linksBackInTime(early.t, { sameHost: true }).back).toEqual([]);
      expect(
        wrongScans(early.t, early.truth).filter(
          (line) => steps.some(([host]) => line.startsWith(`${host} `)) && !handlerGone(early.t)(line),
        ),
      ).toEqual([]);
    });
  }
});

describe('a client that moved, the logs that stated its old address rolled over', () => {
  // Seed 61 (20 MB, two MPs, every condition, clients' logs rolling over at 120 KB): PS1WKS0004 and PS1WKS0011
  // move to another network at the third round, and their LocationServices.log and CcmMessaging.log no longer
  // reach back before it. Their earlier scans' MP requests were looked for from the new address, found none,
  // and each empty-location scan kept ScanAgent.log as its cause (35 scans over 132 such bundles). PS1WKS0011
  // scanned between its last relay from the old address and its first from the new: its request came from the
  // new one.
  const moved = generated(everyConditionProbe(61));

  it("joins its scans from before to the MP's requests from its old address, which its relays show", () => {
    const movers = ['PS1WKS0004', 'PS1WKS0011'];
    expect(wrongScans(moved.t, moved.truth).filter((line) => movers.some((h) => line.startsWith(`${h} `)))).toEqual([]);
    const events = new Map(moved.t.events.map((e) => [e.id, e]));
    for (const host of movers) {
      const asked = moved.t.links.filter(
        (l) => events.get(l.from)!.host === host && /^contentId=\S+ version=\d+ clientIp=/.test(l.key),
      );
      // Both addresses, the old one by ScanAgent's lines alone, and the link says where that one comes from.
      const from = new Set(asked.map((l) => l.key.split('clientIp=')[1]!.split(' ')[0]));
      expect([host, from.size]).toEqual([host, 2]);
      const old = asked.filter((l) => l.key.endsWith(" (its relays' address in the MP's IIS log)"));
      expect(old.length).toBeGreaterThan(0);
      expect(old.every((l) => events.get(l.from)!.component === 'ScanAgent')).toBe(true);
    }
  });
});

describe('updates installed, with every condition', () => {
  // Every third client installs what its scans find missing, one update in six failing with 0x80070643: the
  // install flow joins WUAHandler to WindowsUpdate.log by time on the client's own clock, which summer time
  // ending, a clock set within the bundle and log bias changes all move.
  const installed = generated({ targetBytes: 16_000_000, seed: 11, mpCount: 2, installs: true, ...EVERY_CONDITION });

  it('finds every installation with its updates and outcome, each failure caused by its handler result', () => {
    expect(installed.truth.installs.length).toBeGreaterThan(20);
    expect(installed.truth.installs.some((i) => i.status === 'failed')).toBe(true);
    expect(wrongInstalls(installed.t, installed.truth)).toEqual([]);
    const failedFlows = new Set(
      installed.t.flows.filter((f) => f.kind === 'install' && f.status === 'failed').map((f) => f.id),
    );
    const causes = installed.t.failures.filter((f) => f.flow !== undefined && failedFlows.has(f.flow));
    expect(causes.length).toBe(failedFlows.size);
    for (const f of causes) {
      // The job's code when every update failed; else the failed update's own. Never "recovered": the job's
      // completing leaves the failed update uninstalled.
      expect(['0x80240022', '0x80070643']).toContain(f.code);
      expect(f.upstreamCause).toMatch(/\/Windows\/WindowsUpdate\.log:\d+$/);
      expect(f.recovered).toBe(false);
    }
  });

  it('leaves the scans, relays and clocks as they are without installations', () => {
    expect(wrongScans(installed.t, installed.truth)).toEqual([]);
    expect(wrongRelays(installed.t, installed.truth)).toEqual([]);
    expect(wrongClocks(installed.t, installed.truth)).toEqual([]);
    expect(linksBackInTime(installed.t, { sameHost: true }).back).toEqual([]);
  });
});

describe('every condition at once', () => {
  // Seed 21, 40 MB: clocks hours off and set within the bundle, a client moving, clients behind NAT, summer
  // time ending, roaming clients. Each alone passes; together, a client three hours behind read its legacy
  // WindowsUpdate.log's repeated hour an hour off (its log went back only four minutes there).
  const all = generated({
    targetBytes: 40_000_000,
    seed: 21,
    mpCount: 2,
    ...EVERY_CONDITION,
  });

  it('finds every scan with its outcome and cause, and no link back in time', () => {
    // The clock set back three hours included: its logs' order says which clock each record was logged by.
    expect(all.truth.scans.length).toBeGreaterThan(500);
    expect(wrongScans(all.t, all.truth)).toEqual([]);
    expect(linksBackInTime(all.t, { sameHost: true }).back).toEqual([]);
  });
});
