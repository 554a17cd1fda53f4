// The install flow without WindowsUpdate.log (a Windows 10 client whose ETL traces nobody decoded): WUAHandler's
// run alone still makes the flow, and its failure starts at WUAHandler's line for the update that failed.

import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { tempDir } from '../helpers/temp.ts';

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
