// The MP_Relay, MPFDM and StateSys events as the state-message flow finds them in their columns: split off
// by component (problems and unknown trouble staying objects in the workspace too), a host's log of one
// component or kind prefix in time order, every host's entries of some kinds in the workspace's order
// (host by host as the layer first names them, kinds named first winning ties), and events that are the
// same object while a layer holds them and come back with their row once written.

import { describe, expect, it } from 'vitest';
import type { CollectedEvent, WorkingFields } from '../../src/correlate/collect.ts';
import { isProblem } from '../../src/correlate/failures.ts';
import { StateSideIndex } from '../../src/correlate/state-side-index.ts';
import { Workspace } from '../../src/correlate/workspace.ts';
import type { Severity } from '../../src/parsers/record.ts';
import type { UtcInstant } from '../../src/parsers/time.ts';

const T0 = Date.UTC(2025, 2, 4, 9, 0, 0);
let seq = 0;

function event(
  host: string,
  component: string,
  kind: string | undefined,
  ms: number,
  fields: WorkingFields = {},
  severity: Severity = 'info',
  thread: number | undefined = 3,
): CollectedEvent {
  seq += 1;
  return {
    file: `${host}/${component}.log`,
    line: seq,
    endLine: seq + (kind === 'MPRelay.messageBody' ? 4 : 0),
    host,
    utc: (T0 + ms) as UtcInstant,
    component,
    severity,
    kind,
    fields,
    thread,
    seq,
    offset: seq * 120,
    length: 120,
    dup: 1,
    shape: kind === undefined ? 'Failed to connect to # (#)' : undefined,
    row: -1,
  };
}

const keep = (e: CollectedEvent): boolean => isProblem(e) || e.shape !== undefined;
/** What the index hands out, without the row a flow writes later. */
const same = (e: CollectedEvent | undefined): unknown => e && { ...e, row: -1 };

describe('StateSideIndex', () => {
  // Collected file by file, out of time order within a host's logs, with other components between.
  const location = event('MP1', 'MP_LocationManager', 'MPLocation.calling', 0);
  const body = event('MP1', 'MP_RelayEndpoint', 'MPRelay.messageBody', 2_000, { clientId: 'GUID:1' });
  const start = event('MP1', 'MP_RelayEndpoint', 'MPRelay.startProcessing', 1_000);
  const done = event('MP1', 'MP_RelayEndpoint', 'MPRelay.taskCompleted', 3_000);
  const unknownTrouble = event('MP1', 'mp_relayendpoint', undefined, 2_500, {}, 'warning');
  const failed = event('MP1', 'SMS_MP_FILE_DISPATCH_MANAGER', 'MPFDM.moveFailed', 4_000, { smxFile: 'A.SMX' }, 'error');
  const moved = event('MP1', 'SMS_MP_FILE_DISPATCH_MANAGER', 'MPFDM.fileMoved', 9_000, { smxFile: 'A.SMX' });
  const sync = event('SITE', 'SMS_WSUS_SYNC_MANAGER', 'WSyncMgr.syncDone', 0);
  const processing = event('SITE', 'SMS_STATE_SYSTEM', 'StateSys.processingFile', 10_000, { smxFile: 'A.SMX' });
  // The same instant and read order as `processing`, from a rotated file: the kinds named first come first.
  const notice = { ...event('SITE', 'statesys', 'StateSys.inboxNotification', 10_000), seq: processing.seq };
  const earlierNotice = event('SITE', 'SMS_STATE_SYSTEM', 'StateSys.inboxNotification', 9_500);
  const mp2Body = event('MP2', 'MP_Relay', 'MPRelay.messageBody', 500, { clientId: 'GUID:1' });
  const events = [
    location,
    body,
    start,
    done,
    unknownTrouble,
    failed,
    moved,
    sync,
    processing,
    notice,
    earlierNotice,
    mp2Body,
  ];

  it('splits off the state-message side by component, leaving the rest and what it keeps in their order', () => {
    const { index, rest } = StateSideIndex.split(events, keep);
    expect(index.columns.size).toBe(10);
    expect(rest).toEqual([location, unknownTrouble, failed, sync]);
    expect(index.hosts()).toEqual(['MP1', 'SITE', 'MP2']);
  });

  it('lists a host log of one component, any case, and of a kind prefix, in time order', () => {
    const { index } = StateSideIndex.split(events, keep);
    const c = index.columns;
    const kinds = (list: readonly number[]): Array<string | undefined> => list.map((i) => c.kind(i));
    expect(kinds(index.component('MP1', 'MP_RELAYENDPOINT'))).toEqual([
      'MPRelay.startProcessing',
      'MPRelay.messageBody',
      undefined,
      'MPRelay.taskCompleted',
    ]);
    expect(kinds(index.kindPrefix('MP1', 'MPFDM.'))).toEqual(['MPFDM.moveFailed', 'MPFDM.fileMoved']);
    expect(index.component('SITE', 'SMS_STATE_SYSTEM').map((i) => c.utc(i) - T0)).toEqual([9_500, 10_000]);
    expect(index.component('SITE', 'StateSys').map((i) => c.utc(i) - T0)).toEqual([10_000]);
  });

  it('lists every host’s entries of some kinds in the workspace order', () => {
    const { index } = StateSideIndex.split(events, keep);
    const c = index.columns;
    const at = (list: readonly number[]): string[] => list.map((i) => `${c.host(i)} ${c.kind(i)}`);
    expect(at(index.everywhere('MPRelay.messageBody'))).toEqual(['MP1 MPRelay.messageBody', 'MP2 MPRelay.messageBody']);
    expect(at(index.everywhere('StateSys.processingFile', 'StateSys.inboxNotification'))).toEqual([
      'SITE StateSys.inboxNotification',
      'SITE StateSys.processingFile',
      'SITE StateSys.inboxNotification',
    ]);
    expect(at(index.everywhere('StateSys.inboxNotification', 'StateSys.processingFile')).slice(1)).toEqual([
      'SITE StateSys.inboxNotification',
      'SITE StateSys.processingFile',
    ]);
    const byClient = index.indexBy('by-client', ['MPRelay.messageBody'], (i) => c.fields(i).clientId);
    expect(byClient.get('GUID:1')?.map((i) => c.host(i))).toEqual(['MP1', 'MP2']);
  });

  it('hands out kept events as themselves and made ones as one object until written and settled', () => {
    const { index } = StateSideIndex.split(events, keep);
    const [first, , trouble] = index.component('MP1', 'mp_relayendpoint');
    expect(index.columns.event(trouble!)).toBe(unknownTrouble);
    const made = index.columns.event(first!);
    expect(same(made)).toEqual(start);
    expect(index.columns.event(first!)).toBe(made);
    index.settle();
    // Not written yet: still the same object.
    expect(index.columns.event(first!)).toBe(made);
    made.row = 41;
    index.settle();
    const again = index.columns.event(first!);
    expect(again).not.toBe(made);
    expect(again.row).toBe(41);
    expect(same(again)).toEqual(start);
  });

  it('is what a workspace that sits on no other keeps for the state-message side', () => {
    const ws = new Workspace(events);
    expect(ws.on('MP1')).toEqual([location, unknownTrouble, failed]);
    // Hosts keep the order in which the layer first names them, though SITE's first event went to the index.
    expect(new Workspace([processing, location, sync]).ownHosts()).toEqual(['SITE', 'MP1']);
    const side = ws.stateSide();
    expect(side.everywhere('MPRelay.messageBody').map((i) => [side.columns.file(i), side.columns.host(i)])[0]).toEqual([
      body.file,
      'MP1',
    ]);
    // A client layer on top reads the shared layer's.
    const client = new Workspace([event('WKS1', 'StateSys', 'StateSys.processingFile', 0)], ws);
    expect(client.stateSide()).toBe(side);
  });
});
