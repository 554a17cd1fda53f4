// One story told many times: failures grouped by what failed and the wording of the record that explains
// them, as the CLI summary and the Failures tree show them.

import { describe, expect, it } from 'vitest';
import { failureGroupKey, groupFailures, onHosts } from '../../src/correlate/failure-groups.ts';
import type { CitedRecord } from '../../src/correlate/failure-groups.ts';

interface Failure {
  readonly id: number;
  readonly code: string | undefined;
  readonly meaning: string;
  readonly type: 'record' | 'timeout';
  readonly flow: string | undefined;
  readonly occurrences: number;
  readonly cause: CitedRecord;
}

const send = (host: string, line: number): CitedRecord => ({
  file: `${host}/Windows/WindowsUpdate.log`,
  text: `WARNING: Send failed with hr = 80072ee2.\nline ${line}`,
});

let next = 0;
const failure = (cause: CitedRecord, over: Partial<Failure> = {}): Failure => ({
  id: next++,
  code: '0x80072EE2',
  meaning: 'ERROR_WINHTTP_TIMEOUT',
  type: 'record',
  flow: `scan:${next}`,
  occurrences: 1,
  cause,
  ...over,
});

describe('failureGroupKey', () => {
  it('sets ids and numbers aside, and keeps file names and wording apart', () => {
    const f = failure(send('A', 1));
    const scan = (job: string): CitedRecord => ({
      file: 'A/Windows/CCM/Logs/ScanAgent.log',
      text: `ScanJob({${job}}): CScanJob::OnLocationUpdate- Received empty location List. (JobState = 3)`,
    });
    expect(failureGroupKey(f, scan('1DE13EE5-49A3-49C7-9B57-4C70DAEBE422'))).toBe(
      failureGroupKey(f, scan('8D0FA1A7-1591-4790-81BB-3A8C98ADB783')),
    );
    expect(failureGroupKey(f, send('A', 1))).toBe(failureGroupKey(f, send('B', 2)));
    expect(failureGroupKey(f, send('A', 1))).not.toBe(
      failureGroupKey(f, { file: 'A/Windows/CCM/Logs/WUAHandler.log', text: send('A', 1).text }),
    );
    expect(failureGroupKey(f, send('A', 1))).not.toBe(
      failureGroupKey(f, { ...send('A', 1), text: 'WARNING: Send request failed' }),
    );
    expect(failureGroupKey(f, send('A', 1))).not.toBe(failureGroupKey({ ...f, code: '0x80072EFD' }, send('A', 1)));
  });
});

describe('groupFailures', () => {
  it('groups failures in flows by cause, largest first, and the others by their record, most frequent first', () => {
    const timeouts = ['A', 'B', 'C'].map((h, i) => failure(send(h, i)));
    const gpo = failure({ file: 'D/Windows/CCM/Logs/WUAHandler.log', text: 'Group policy settings were overwritten' });
    const cert = (host: string, occurrences: number): Failure =>
      failure(
        {
          file: `${host}/Windows/CCM/Logs/LocationServices.log`,
          text: 'Failed to refresh Site Signing Certificate over HTTP with error 0x87d00215.',
        },
        { code: '0x87D00215', meaning: 'certificate', flow: undefined, occurrences },
      );
    const certs = [cert('A', 2), cert('B', 9), cert('C', 4)];
    const lonely = cert('D', 20);
    const odd = { ...lonely, cause: { ...lonely.cause, text: 'Failed to send the request' } };
    const { inFlows, others } = groupFailures(
      [gpo, ...timeouts, ...certs, odd],
      (f) => f.cause,
      (f) => f.cause,
    );
    expect(inFlows.map((g) => g.map((f) => f.id))).toEqual([timeouts.map((f) => f.id), [gpo.id]]);
    // 20 occurrences on one host come before 15 on three; within a group the most frequent comes first.
    expect(others.map((g) => g.map((f) => f.id))).toEqual([[odd.id], [certs[1]!.id, certs[2]!.id, certs[0]!.id]]);
  });
});

describe('onHosts', () => {
  it('names a single host, counts several', () => {
    expect(onHosts(['PS1WKS0001', 'PS1WKS0001'])).toBe('on PS1WKS0001');
    expect(onHosts(['PS1WKS0001', 'PS1WKS0002', 'PS1WKS0001'])).toBe('on 2 hosts');
  });
});
