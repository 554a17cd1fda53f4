// A flow that gets to its last step after a failure was delayed, not stopped: its status is ok, and the
// failure is still reported, marked recovered. An MPFDM outage that ends before the relay's file is moved is
// the common case (a site server share that comes back); one that does not end leaves the flow failed.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle, analyzeToStore, roughly } from '../../src/correlate/analyze.ts';
import { LaneIndex, MarkFlag } from '../../src/correlate/lanes.ts';
import type { Timeline } from '../../src/correlate/model.ts';
import { openBundle } from '../../src/parsers/bundle.ts';

const SAMPLES = resolve(__dirname, '../../samples/logs');
const MPFDM = 'PS1MP01/SMS/Logs/MPFDM.log';
const FLOW = 'state-message:ce95d73d-1b57-4d8f-8f6e-c408948a316b';
let dir = '';
let t: Timeline;

const line = (text: string, time: string): string =>
  `${text}  $$<SMS_MP_FILE_DISPATCH_MANAGER><01-14-2025 ${time}-60><thread=5872 (0x16F0)>`;

beforeAll(async () => {
  // healthy-compliance's last relay went into UQY8DBL5.SMX: MP_Relay finished at 15:17:09.3 and MPFDM moved
  // the file at 15:17:11.0 (MPFDM.log:11). In between, the share was unreachable and the move failed once.
  dir = mkdtempSync(join(tmpdir(), 'cmflow-recovered-'));
  cpSync(join(SAMPLES, 'healthy-compliance'), dir, { recursive: true });
  const path = join(dir, MPFDM);
  const lines = readFileSync(path, 'utf8').split('\n');
  const moved = lines.findIndex((l) => l.startsWith('Moved file') && l.includes('UQY8DBL5.SMX'));
  const box = 'C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\UQY8DBL5.SMX';
  const inbox = '\\\\PS1SITE.CONTOSO.COM\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\UQY8DBL5.SMX';
  const outage = [
    line(
      'Cannot connect to the site server PS1SITE.CONTOSO.COM. The operating system reported error 53: The network path was not found.',
      '15:17:10.100',
    ),
    line(`Failed to move file ${box} to ${inbox}, error 53`, '15:17:10.120'),
    line('Will retry in 60 seconds.~', '15:17:10.130'),
  ];
  writeFileSync(path, [...lines.slice(0, moved), ...outage, ...lines.slice(moved)].join('\n'));
  t = await analyzeBundle(await openBundle(dir));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a relay whose file moved after a failed move', () => {
  it('completed: its flow is ok, and its summary says after what', () => {
    const flow = t.flows.find((f) => f.id === FLOW)!;
    expect(flow.status).toBe('ok');
    expect(flow.summary).toMatch(/UQY8DBL5\.SMX: completed after a failure, \d+ s after the trouble began$/);
  });

  it('still reports the failure, recovered, back to where the outage began', () => {
    const mine = t.failures.filter((f) => f.flow === FLOW);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      recovered: true,
      code: '0x80070035',
      upstreamCause: `${MPFDM}:11`,
      event: `${MPFDM}:12`,
    });
    expect(t.failures.filter((f) => f.flow !== FLOW).every((f) => !f.recovered)).toBe(true);
  });

  it('is drawn in the swimlane as a warning: its failing record alone is flagged recovered', async () => {
    const bundle = await openBundle(dir);
    const analyzed = await analyzeToStore(bundle);
    try {
      const store = analyzed.timeline;
      const index = new LaneIndex(store);
      const flagged = store.failures.filter((f) => (index.flagsOf[f.event]! & MarkFlag.recovered) !== 0);
      expect(flagged).toHaveLength(1);
      expect(flagged[0]!.recovered).toBe(true);
      expect(index.failures.filter((f) => f.recovered)).toHaveLength(1);
    } finally {
      analyzed.close();
      bundle.close();
    }
  });
});

describe('a relay whose file never moved', () => {
  it('stays failed, and its failures are not recovered', async () => {
    const stuck = await analyzeBundle(await openBundle(join(SAMPLES, 'statemsg-stuck-mpfdm')));
    const failed = stuck.flows.filter((f) => f.kind === 'state-message' && f.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(stuck.failures.length).toBeGreaterThan(0);
    expect(stuck.failures.some((f) => f.recovered)).toBe(false);
  });
});

describe('roughly', () => {
  it('says a delay in the unit a person would', () => {
    expect(roughly(28_400)).toBe('28 s');
    expect(roughly(59_400)).toBe('59 s');
    expect(roughly(18 * 60_000 + 20_000)).toBe('18 min');
    expect(roughly(125 * 60_000)).toBe('2 h 5 min');
  });
});
