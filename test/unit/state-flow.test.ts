// The SMX hop from a management point to the site server is one of the clock-skew pairs. StateSys's inbox
// notification is triggered by the first file of a batch: only when the batch's files all come from one MP
// is it known which file that was.

import { describe, expect, it } from 'vitest';
import type { CollectedEvent, WorkingFields } from '../../src/correlate/collect.ts';
import { prepareStateMessages } from '../../src/correlate/state-flow.ts';
import { Workspace } from '../../src/correlate/workspace.ts';
import type { UtcInstant } from '../../src/parsers/time.ts';

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
