// The install flow without WindowsUpdate.log (a Windows 10 client whose ETL traces nobody decoded): WUAHandler's
// run alone still makes the flow, and its failure starts at WUAHandler's line for the update that failed.

import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { flowName } from '../../src/correlate/flow-name.ts';
import { sampleWithout, tempDir } from '../helpers/temp.ts';

const SAMPLE = resolve(__dirname, '../../samples/logs/install-failed-0643');

describe('an installation whose WindowsUpdate.log is not in the bundle', () => {
  it("is found from WUAHandler.log alone, its failure caused by the update's own result", async () => {
    const dir = tempDir('install');
    cpSync(SAMPLE, dir, { recursive: true });
    rmSync(join(dir, 'PS1WIN10X64/Windows/WindowsUpdate.log'));
    const t = await analyzeBundle(await openBundle(dir));
    const installs = t.flows.filter((f) => f.kind === 'install');
    expect(installs.map((f) => f.status)).toEqual(['ok', 'failed']);
    expect(installs.every((f) => f.events.every((id) => id.includes('/WUAHandler.log:')))).toBe(true);
    const failure = t.failures.find((f) => f.flow === installs[1]!.id)!;
    expect(failure.upstreamCause).toBe('PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log:30');
    expect(failure.chain).toEqual([
      'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log:30',
      'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log:32',
    ]);
    expect(failure.code).toBe('0x80240022');
    expect(failure.meaning).toContain('Upstream, 0x80070643 ERROR_INSTALL_FAILURE');
  });
});

describe('installations WindowsUpdate.log alone still holds', () => {
  const LOGS = 'PS1WIN10X64/Windows/CCM/Logs';

  it('are flows of their own before WUAHandler.log begins, the runs it holds as before', async () => {
    // WUAHandler.log rolled over after the first run: its scan and the first run are gone.
    const t = await analyzeBundle(
      await openBundle(sampleWithout('install-failed-0643', { [`${LOGS}/WUAHandler.log`]: 25 })),
    );
    const installs = t.flows.filter((f) => f.kind === 'install');
    expect(installs.map((f) => [f.status, f.keys.updates, f.keys.clientLogs])).toEqual([
      [
        'ok',
        ['76861548-e25d-4f09-95fd-a859973fdac7'],
        "WindowsUpdate.log only: before PS1WIN10X64's WUAHandler.log begins",
      ],
      ['failed', ['4769dc84-be95-4d8a-9995-3c74d53e8c67'], undefined],
    ]);
    // WUA's call, from COMAPI's start to its end, and nothing of WUAHandler's.
    expect(installs[0]!.events[0]).toBe('PS1WIN10X64/Windows/WindowsUpdate.log:51');
    expect(installs[0]!.events.at(-1)).toBe('PS1WIN10X64/Windows/WindowsUpdate.log:64');
    expect(installs[0]!.events.every((id) => id.startsWith('PS1WIN10X64/Windows/WindowsUpdate.log:'))).toBe(true);
    expect(flowName(installs[0]!)).toBe(
      "Install of update {76861548-E25D-4F09-95FD-A859973FDAC7} (WindowsUpdate.log only: before PS1WIN10X64's WUAHandler.log begins)",
    );
  });

  it("fail where an update's install did, caused by WUA's result", async () => {
    const ONLY = 'WindowsUpdate.log only: no WUAHandler.log line of PS1WIN10X64 in the bundle';
    const dir = tempDir('install');
    cpSync(SAMPLE, dir, { recursive: true });
    rmSync(join(dir, LOGS, 'WUAHandler.log'));
    const t = await analyzeBundle(await openBundle(dir));
    const installs = t.flows.filter((f) => f.kind === 'install');
    expect(installs.map((f) => [f.status, f.summary])).toEqual([
      ['ok', `PS1WIN10X64: install of 1 update 76861548-e25d-4f09-95fd-a859973fdac7 (${ONLY}): completed`],
      [
        'failed',
        `PS1WIN10X64: install of 1 update 4769dc84-be95-4d8a-9995-3c74d53e8c67, 1 failed (0x80070643) (${ONLY}): FAILED`,
      ],
    ]);
    expect(installs[1]!.keys.clientLogs).toBe(ONLY);
    const failure = t.failures.find((f) => f.flow === installs[1]!.id)!;
    expect([failure.event, failure.upstreamCause, failure.code]).toEqual([
      'PS1WIN10X64/Windows/WindowsUpdate.log:74',
      'PS1WIN10X64/Windows/WindowsUpdate.log:74',
      '0x80070643',
    ]);
  });
});
