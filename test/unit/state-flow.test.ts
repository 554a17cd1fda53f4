// The SMX hop from a management point to the site server is one of the clock-skew pairs. StateSys's inbox
// notification is triggered by the first file of a batch: only when the batch's files all come from one MP
// is it known which file that was.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import type { CollectedEvent, WorkingFields } from '../../src/correlate/collect.ts';
import type { Timeline, TimelineFlow } from '../../src/correlate/model.ts';
import { prepareStateMessages } from '../../src/correlate/state-flow.ts';
import { Workspace } from '../../src/correlate/workspace.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import type { UtcInstant } from '../../src/parsers/time.ts';
import { sampleWithout, tempDir } from '../helpers/temp.ts';

const T0 = Date.UTC(2025, 0, 13, 17, 0, 0);
let seq = 0;

function event(host: string, component: string, kind: string, ms: number, fields: WorkingFields = {}): CollectedEvent {
  seq += 1;
  return {
    file: `${host}/${component}.log`,
    line: seq,
    endLine: seq,
    host,
    utc: (T0 + ms) as UtcInstant,
    component,
    severity: 'info',
    kind,
    fields,
    thread: 1,
    seq,
    offset: seq * 100,
    length: 100,
    dup: 1,
    shape: undefined,
    row: -1,
  };
}

const moved = (host: string, smx: string, ms: number): CollectedEvent =>
  event(host, 'SMS_MP_FILE_DISPATCH_MANAGER', 'MPFDM.fileMoved', ms, { smxFile: smx });
const processing = (smx: string, ms: number): CollectedEvent =>
  event('SITE', 'SMS_STATE_SYSTEM', 'StateSys.processingFile', ms, { smxFile: smx });
const notice = (ms: number): CollectedEvent => event('SITE', 'SMS_STATE_SYSTEM', 'StateSys.inboxNotification', ms);

function triggerPairs(events: CollectedEvent[]): string[] {
  const ws = new Workspace(events);
  prepareStateMessages(ws);
  return ws
    .takePairs()
    .filter((p) => p.typicalMs === 300)
    .map((p) => `${p.send.host} ${p.send.utc - T0}`);
}

describe('SMX pairs between MPs and the site', () => {
  it('pairs the notification with the first file of a batch from one MP', () => {
    const pairs = triggerPairs([
      moved('MP1', 'A.SMX', 0),
      moved('MP1', 'B.SMX', 4_000),
      notice(150),
      processing('A.SMX', 10_300),
      processing('B.SMX', 10_600),
    ]);
    expect(pairs).toEqual(['MP1 0']);
  });

  it('does not guess the first file of a batch from two MPs, whose clocks may disagree', () => {
    // MP2's clock runs 20 s behind: its file seems first by the logged times, though MP1's triggered the batch.
    const pairs = triggerPairs([
      moved('MP1', 'A.SMX', 0),
      moved('MP2', 'B.SMX', 2_000 - 20_000),
      notice(150),
      processing('A.SMX', 10_300),
      processing('B.SMX', 10_600),
    ]);
    expect(pairs).toEqual([]);
  });
});

describe('relays only the MP still logs', () => {
  // clock-set-back's client forwarded four relays; with its logs' first relay cut away (as a busy client's
  // rolled-over logs lose it), MP_Relay still names that relay by the client's id and serial numbers.
  const SAMPLE = join(__dirname, '../../samples/logs/clock-set-back');
  const LOGS = 'PS1WIN10X64/Windows/CCM/Logs';
  /** The sample with its client's first `n` lines of each named log left out. */
  const cut = (lines: Readonly<Record<string, number>>): string =>
    sampleWithout('clock-set-back', Object.fromEntries(Object.entries(lines).map(([f, n]) => [`${LOGS}/${f}`, n])));
  const relayOf = (t: Timeline, message: string): TimelineFlow => t.flows.find((f) => f.keys.message === message)!;

  it('follows a relay older than the client logs reach back from the MP to the site', async () => {
    const whole = await analyzeBundle(await openBundle(SAMPLE));
    const first = relayOf(whole, '746dc5de-0da4-45f6-8d4d-47c5eb8752c0');
    const t = await analyzeBundle(await openBundle(cut({ 'StateMessage.log': 20, 'CcmMessaging.log': 25 })));
    const older = t.flows.filter((f) => f.keys.clientLogs !== undefined);
    expect(older.map((f) => [f.id, f.status, f.keys.smxFile, f.keys.serialNumbers, f.keys.clientLogs])).toEqual([
      [
        `state-message:PS1WIN10X64#${String((first.keys.serialNumbers as string[])[0])}`,
        'ok',
        first.keys.smxFile,
        first.keys.serialNumbers,
        "MP_Relay only: before PS1WIN10X64's StateMessage.log begins",
      ],
    ]);
    // The records of the MP and the site the whole sample's flow has, but for IIS's CCM_POST (joined from the
    // client's post), and none of the client's.
    expect(older[0]!.events).toEqual(
      first.events.filter((id) => !id.startsWith('PS1WIN10X64/') && !id.includes('/inetpub/logs/')),
    );
  });

  it('gives such a relay to a send CcmMessaging.log still holds without its state messages, by their order', async () => {
    // The send is the latest before StateMessage.log begins, and so is the relay only MP_Relay names: one flow,
    // the whole sample's, its join to MP_Relay by time (it was FAILED as never received when it had none).
    const whole = relayOf(await analyzeBundle(await openBundle(SAMPLE)), '746dc5de-0da4-45f6-8d4d-47c5eb8752c0');
    const t = await analyzeBundle(await openBundle(cut({ 'StateMessage.log': 20 })));
    expect(t.flows.filter((f) => f.keys.clientLogs !== undefined)).toEqual([]);
    const relay = relayOf(t, '746dc5de-0da4-45f6-8d4d-47c5eb8752c0');
    expect([relay.status, relay.keys.serialNumbers, relay.keys.smxFile]).toEqual([
      'ok',
      whole.keys.serialNumbers,
      whole.keys.smxFile,
    ]);
    const joins = t.links.filter(
      (l) => l.from.startsWith(`${LOGS}/`) && relay.events.includes(l.from) && l.to.includes('/MP_Relay.log:'),
    );
    expect(joins.map((l) => [l.from.replace(/:.*/, ''), l.evidence])).toEqual([[`${LOGS}/CcmMessaging.log`, 'time']]);
    expect(joins[0]!.key).toMatch(/: in order, the relay MP_Relay logged for this send/);
  });
});

describe('a relay whose file MPFDM moved after an outage', () => {
  // statemsg-delayed-mpfdm: MPFDM could not reach the site for 18 minutes, then moved the client's file, which
  // StateSys processed. A busy site's StateSys.log rotates first: here it ends before the move.
  it('went on past the outage where StateSys.log does not reach the move: incomplete, its failures recovered', async () => {
    const dir = tempDir('moved');
    cpSync(join(__dirname, '../../samples/logs/statemsg-delayed-mpfdm'), dir, { recursive: true });
    const stateSys = join(dir, 'PS1SITE/Microsoft Configuration Manager/Logs/StateSys.log');
    writeFileSync(stateSys, readFileSync(stateSys, 'utf8').split('\n').slice(0, 40).join('\n') + '\n');
    const t = await analyzeBundle(await openBundle(dir));
    const relay = t.flows.find((f) => f.kind === 'state-message')!;
    expect([relay.status, relay.keys.smxFile, relay.summary]).toEqual([
      'incomplete',
      '4GM0R1UM.SMX',
      'PS1WIN11X64: 9 state messages (serial 577–585) via PS1MP01, 4GM0R1UM.SMX: did not complete in these logs',
    ]);
    const failures = t.failures.filter((f) => f.flow === relay.id);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.recovered)).toBe(true);
  });
});
