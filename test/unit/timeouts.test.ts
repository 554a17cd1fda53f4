// Timeout windows are the user's to set: a location request nobody answers becomes a timeout failure once
// ScanAgent.log goes on past the window, and not before.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import type { AnalyzeOptions } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';

const SAMPLE = resolve(__dirname, '../../samples/logs/healthy-compliance');
const SCAN_AGENT = 'PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log';
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cmflow-timeouts-'));
  cpSync(SAMPLE, root, { recursive: true });
  // Keep the scan up to "Locations requested" and drop the reply; ScanAgent.log then goes on 25 minutes later.
  const path = join(root, SCAN_AGENT);
  const lines = readFileSync(path, 'utf8').split('\n');
  const asked = lines.findIndex((l) => l.includes('Locations requested for ScanJobID'));
  const later =
    '<![LOG[Inside CScanAgent::Notify()]LOG]!><time="09:36:10.000+300" date="01-14-2025" component="ScanAgent" ' +
    'context="" type="1" thread="2744" file="cscanagent.cpp:203">';
  writeFileSync(path, [...lines.slice(0, asked + 1), later, ''].join('\n'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function timeouts(options: AnalyzeOptions): Promise<string[]> {
  const t = await analyzeBundle(await openBundle(root), options);
  return t.failures.filter((f) => f.type === 'timeout').map((f) => f.meaning);
}

describe('timeout windows', () => {
  it('flags the unanswered location request after the default 10 minutes', async () => {
    const found = await timeouts({});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/No WSUS location arrived for location request \{?E062670B.*within 10 minutes/i);
  });

  it('states the window it used', async () => {
    expect(await timeouts({ timeouts: { locationReplyMinutes: 20 } })).toEqual([
      expect.stringMatching(/within 20 minutes/) as unknown as string,
    ]);
  });

  it('does not flag a request whose window the log has not yet passed', async () => {
    expect(await timeouts({ timeouts: { locationReplyMinutes: 60 } })).toEqual([]);
  });
});
