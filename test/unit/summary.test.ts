// The CLI summary of a large bundle: counts first, then what did not complete, and the failures grouped by
// what failed and why, so that thousands of healthy flows and the same failure on hundreds of hosts do not
// bury what differs. A small bundle still lists every flow and every failure.

import { describe, expect, it } from 'vitest';
import { summaryText } from '../../src/cli/analyze-command.ts';
import type {
  FlowStatus,
  Timeline,
  TimelineEvent,
  TimelineFailure,
  TimelineFlow,
  TimelineHost,
} from '../../src/correlate/model.ts';
import { utcInstant } from '../../src/parsers/time.ts';

const T0 = Date.UTC(2025, 0, 14, 9, 0, 0);

function event(i: number): TimelineEvent {
  return {
    id: `PS1WKS${i}/ScanAgent.log:${i}`,
    file: `PS1WKS${i}/ScanAgent.log`,
    line: i,
    endLine: i,
    time: utcInstant(T0 + i),
    loggedTime: utcInstant(T0 + i),
    host: `PS1WKS${i}`,
    component: 'ScanAgent',
    severity: 'error',
    text: `Scan failed ${i}`,
    kind: undefined,
    fields: {},
    thread: undefined,
  };
}

function timeline(statuses: readonly FlowStatus[], failureCodes: ReadonlyArray<string | undefined>): Timeline {
  const flows: TimelineFlow[] = statuses.map((status, i) => ({
    id: `scan:${i}`,
    kind: 'scan',
    keys: {},
    status,
    recovered: false,
    summary: `flow ${i} is ${status}`,
    host: `PS1WKS${i}`,
    events: [],
  }));
  const events = failureCodes.map((_, i) => event(i));
  const failures: TimelineFailure[] = failureCodes.map((code, i) => ({
    event: events[i]!.id,
    code,
    meaning: code === undefined ? 'The location reply lists no WSUS server.' : `error ${code}`,
    upstreamCause: events[i]!.id,
    chain: [events[i]!.id],
    hint: 'look',
    source: undefined,
    flow: `scan:${i}`,
    type: 'record',
    occurrences: 1,
    recovered: false,
  }));
  return {
    schema: 'cmflow.timeline/1',
    bundle: 'big',
    referenceHost: undefined,
    hosts: [],
    events,
    flows,
    links: [],
    failures,
  };
}

function host(name: string, role: TimelineHost['role'], skewMs: number, uncertaintyMs?: number): TimelineHost {
  return {
    dir: name,
    name,
    role,
    roles: [role],
    biasMinutes: 0,
    clockSkewMs: skewMs,
    skewUncertaintyMs: uncertaintyMs,
    skewBasis: 'pairs',
    files: [],
    fileClocks: [],
  };
}

describe('summaryText', () => {
  it('lists every flow of a small bundle, ok ones included', () => {
    const text = summaryText(timeline(['ok', 'failed', 'incomplete'], ['0x80072EE2']));
    expect(text).toContain(
      'Flows:\n  ok          flow 0 is ok\n  failed      flow 1 is failed\n  incomplete  flow 2 is incomplete\n',
    );
    expect(text).toContain('Failures in the flows:\n  0x80072EE2  error 0x80072EE2\n');
  });

  it('counts the flows of a large bundle and lists those that did not complete', () => {
    const statuses: FlowStatus[] = [
      ...Array<FlowStatus>(50).fill('ok'),
      ...Array<FlowStatus>(6).fill('failed'),
      'incomplete',
    ];
    const lines = summaryText(timeline(statuses, [])).split('\n');
    const at = lines.indexOf('Flows (57: 50 ok, 6 failed, 1 incomplete), those that did not complete:');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 8)).toEqual([
      ...Array.from({ length: 6 }, (_, i) => `  failed      flow ${50 + i} is failed`),
      '  incomplete  flow 56 is incomplete',
    ]);
    expect(lines[at + 8]).toBe('');
  });

  it('groups many failures by what failed and the wording of their cause, each shown by its first', () => {
    const codes = [...Array<string>(30).fill('0x80072EE2'), ...Array<undefined>(15).fill(undefined)];
    const text = summaryText(timeline(Array<FlowStatus>(45).fill('failed'), codes));
    expect(text).toContain(
      'Failures in the flows (45), in 2 groups by failure and upstream cause, each shown by its first:\n' +
        '  ×30 on 30 hosts  0x80072EE2  error 0x80072EE2\n' +
        '    failing:  PS1WKS0/ScanAgent.log:0  Scan failed 0\n',
    );
    expect(text).toContain('  ×15 on 15 hosts  failure  The location reply lists no WSUS server.\n');
    expect(text).toContain(
      '    hosts:    PS1WKS0, PS1WKS1, PS1WKS10, PS1WKS11, PS1WKS12, PS1WKS13, PS1WKS14, PS1WKS15 and 22 more\n',
    );
    expect(text.match(/ {4}failing: {2}/g)).toHaveLength(2);
  });

  it('keeps apart failures whose causes are worded differently, and lists one host by name', () => {
    const t = timeline(Array<FlowStatus>(45).fill('failed'), Array<string>(45).fill('0x80072EE2'));
    const events = t.events.map((e, i) => ({ ...e, host: 'PS1WKS1', text: i < 41 ? 'Send failed' : 'Timeout' }));
    const text = summaryText({ ...t, events });
    expect(text).toContain('in 2 groups by failure and upstream cause');
    expect(text).toContain('  ×41 on PS1WKS1  0x80072EE2  error 0x80072EE2\n');
    expect(text).toContain('  ×4 on PS1WKS1  0x80072EE2  error 0x80072EE2\n');
  });

  it('says of a failure whose flow went on to complete that it recovered, alone or grouped, after those that did not', () => {
    const small = timeline(['ok'], ['0x80070035']);
    const one = summaryText({ ...small, failures: small.failures.map((f) => ({ ...f, recovered: true })) });
    expect(one).toContain(
      '    failing:  PS1WKS0/ScanAgent.log:0  Scan failed 0\n' +
        '    outcome:  recovered: its flow went on to complete afterwards (delayed, not stopped)\n',
    );
    const statuses = Array.from({ length: 45 }, (_, i): FlowStatus => (i < 40 ? 'ok' : 'failed'));
    const t = timeline(statuses, Array<string>(45).fill('0x80070035'));
    const failures = t.failures.map((f, i) => ({ ...f, recovered: i < 40 }));
    const flows = t.flows.map((f, i) => ({ ...f, recovered: i < 40 }));
    const text = summaryText({ ...t, flows, failures });
    expect(text).toContain('in 2 groups by failure and upstream cause');
    expect(text.indexOf('  ×5 on 5 hosts  0x80070035')).toBeLessThan(text.indexOf('  ×40 on 40 hosts  0x80070035'));
    expect(text).toContain(
      '    outcome:  recovered: their flows went on to complete afterwards (delayed, not stopped)\n',
    );
    expect(text.match(/ {4}outcome: {2}/g)).toHaveLength(1);
    expect(text).toMatch(/^Flows \(45: 40 ok \(40 after failures\), 5 failed, 0 incomplete\)/m);
  });

  it('lists the flows that did not complete once for each story, however many hosts tell it', () => {
    const t = timeline([...Array<FlowStatus>(50).fill('ok'), ...Array<FlowStatus>(5).fill('failed')], []);
    const flows = t.flows.map((f, i) =>
      i < 50 ? f : { ...f, summary: `${f.host}: scan of update source 98018777 v41 via PS1MP01: FAILED`, host: f.host },
    );
    const lines = summaryText({ ...t, flows }).split('\n');
    const at = lines.indexOf('Flows (55: 50 ok, 5 failed, 0 incomplete), those that did not complete:');
    expect(lines[at + 1]).toBe('  failed      ×5 on 5 hosts: scan of update source 98018777 v41 via PS1MP01: FAILED');
    expect(lines[at + 2]).toBe('');
  });

  it('folds a message repeated on many hosts outside the flows into one line, cited where it came most', () => {
    const t = timeline(['ok'], []);
    const events = [1, 2, 3].map((i) => ({
      ...event(i),
      file: `PS1WKS${i}/Windows/CCM/Logs/LocationServices.log`,
      id: `PS1WKS${i}/Windows/CCM/Logs/LocationServices.log:${i}`,
      text: 'Failed to refresh Site Signing Certificate over HTTP with error 0x87d00215.',
    }));
    const failures: TimelineFailure[] = events.map((e, i) => ({
      event: e.id,
      code: '0x87D00215',
      meaning: 'error',
      upstreamCause: e.id,
      chain: [e.id],
      hint: 'look',
      source: undefined,
      flow: undefined,
      type: 'record',
      occurrences: [2, 9, 4][i]!,
      recovered: false,
    }));
    const text = summaryText({ ...t, events, failures });
    expect(text).toContain(
      'Other errors and warnings (outside the flows):\n' +
        '  0x87D00215 (×15 on 3 hosts)  PS1WKS2/Windows/CCM/Logs/LocationServices.log:2  Failed to refresh Site ' +
        'Signing Certificate over HTTP with error 0x87d00215.\n',
    );
  });

  it('lists the servers and the least certain clocks of many hosts, and bounds the rest', () => {
    const clients = Array.from({ length: 44 }, (_, i) =>
      host(`PC${i}`, 'client', i % 2 === 0 ? 1000 * i : -1000 * i, 10 * i),
    );
    clients[20] = host('PC20', 'client', 0, undefined);
    const t = { ...timeline([], []), referenceHost: 'SITE', hosts: [host('SITE', 'site-server', 0, 0), ...clients] };
    const lines = summaryText(t).split('\n');
    const at = lines.findIndex((l) => l.startsWith('Hosts (45: 1 servers, 44 clients; clocks corrected to SITE)'));
    expect(at).toBeGreaterThan(0);
    const listed = lines.slice(at + 1, at + 41).map((l) => l.trim().split(/\s+/)[0]);
    // The server, then the clock not estimated, then the widest uncertainty first: PC43 … PC5.
    expect(listed).toEqual([
      'SITE',
      'PC20',
      ...Array.from({ length: 39 }, (_, i) => `PC${43 - i}`)
        .filter((n) => n !== 'PC20')
        .slice(0, 38),
    ]);
    // PC0 … PC4 are left: the furthest is PC4 at +4 s, the widest known to ± 40 ms.
    expect(lines[at + 41]).toBe(
      '  … and 5 more clients, each clock within 4.00 s of the reference and known to ± 0.04 s or better (see --json / --html)',
    );
  });

  it('lists the clocks set hours off before the least certain, furthest first, and says how far in hours', () => {
    const clients = Array.from({ length: 44 }, (_, i) => host(`PC${i}`, 'client', 1000 * i, 10 * i));
    clients[3] = host('PC3', 'client', 86_324_600, 320);
    clients[7] = host('PC7', 'client', -10_855_800, 320);
    // Four minutes off is not far off: listed by its uncertainty like the rest.
    clients[9] = host('PC9', 'client', 240_000, 5);
    const t = { ...timeline([], []), referenceHost: 'SITE', hosts: [host('SITE', 'site-server', 0, 0), ...clients] };
    const lines = summaryText(t).split('\n');
    const at = lines.findIndex((l) =>
      l.endsWith('the servers and the clients whose clocks are furthest off or least certain:'),
    );
    expect(at).toBeGreaterThan(0);
    expect(
      lines.slice(at + 1, at + 5).map((l) => l.trim().split(/\s{2,}/)[0] + ' ' + l.split('clock ')[1]?.split('  ')[0]),
    ).toEqual([
      'SITE undefined',
      'PC3 +23 h 58 min 44.6 s ± 0.32 s',
      'PC7 -3 h 0 min 55.8 s ± 0.32 s',
      'PC43 +43.0 s ± 0.43 s',
    ]);
    expect(lines.slice(at + 1, at + 41).some((l) => l.includes('PC9 '))).toBe(false);
  });
});
