// RepeatClassifier: a message met again within the same MiB of its file gets the fields it got before,
// and every record gets exactly what classifying it alone would give.

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../src/parsers/bundle.ts';
import { RepeatClassifier } from '../../src/parsers/classify.ts';
import type { MutableRecord } from '../../src/parsers/framer.ts';
import { messageFields, type Scans } from '../../src/parsers/messages/grammar.ts';
import { parseBundle } from '../../src/parsers/parse-bundle.ts';

const ROOT = resolve(__dirname, '../..');
const NO_SCANS: Scans = { guids: false, urls: false, times: false };

function record(text: string, at: Partial<MutableRecord> = {}): MutableRecord {
  return {
    file: 'ScanAgent.log',
    line: 1,
    endLine: 1,
    offset: 0,
    length: text.length,
    format: 'ccm',
    local: undefined,
    biasMinutes: undefined,
    utc: undefined,
    zone: undefined,
    component: 'ScanAgent',
    severity: 'info',
    type: 1,
    thread: 1,
    process: undefined,
    source: undefined,
    context: undefined,
    text,
    orphan: false,
    ...at,
  };
}

const SCAN = 'Locations requested for ScanJobID={4CD06388-D509-46E4-8C00-75909EDD9EF8}';

describe('RepeatClassifier', () => {
  it('gives every record of the samples the fields messageFields gives it', async () => {
    for (const name of ['healthy-compliance', 'statemsg-stuck-mpfdm', 'rotated-history']) {
      const bundle = await openBundle(join(ROOT, 'samples/logs', name));
      const memo = new RepeatClassifier();
      let repeats = 0;
      const seen = new Set<unknown>();
      await parseBundle(bundle, {
        sink: {
          record(r) {
            // IIS records come with the framer's fields, which stay.
            const expected = r.fields ?? messageFields(r.component, r.text, r.format);
            const got = memo.classify(r);
            expect(got).toEqual(expected);
            expect(r.fields).toBe(got);
            repeats += seen.has(got) ? 1 : 0;
            seen.add(got);
          },
          problem() {},
        },
      });
      expect(repeats).toBeGreaterThan(0);
    }
  });

  it('reuses the fields of a text seen in the same file and MiB', () => {
    const memo = new RepeatClassifier();
    const first = memo.classify(record(SCAN));
    expect(first.scanJob).toBe('4cd06388-d509-46e4-8c00-75909edd9ef8');
    expect(memo.classify(record(SCAN, { offset: 500_000 }))).toBe(first);
  });

  it('tells apart texts that differ only where its key does not look', () => {
    // The memo's key samples a few dozen characters: texts differing by one hex digit of their GUID share
    // keys, more of them than a chain holds. Each must still get its own fields, and a repeat the same.
    const memo = new RepeatClassifier();
    const guid = SCAN.indexOf('{') + 1;
    const texts = Array.from({ length: 36 }, (_, j) =>
      j === 8 || j === 13 || j === 18 || j === 23 ? SCAN : SCAN.slice(0, guid + j) + 'A' + SCAN.slice(guid + j + 1),
    );
    for (const order of [texts, [...texts].reverse()]) {
      for (const text of order) {
        const got = memo.classify(record(text));
        expect(got).toEqual(messageFields('ScanAgent', text, 'ccm'));
        expect(memo.classify(record(text, { offset: 64 }))).toBe(got);
      }
    }
  });

  it('forgets at the next MiB, the next file, and when the component, format or scans differ', () => {
    const memo = new RepeatClassifier();
    const first = memo.classify(record(SCAN));
    const next = [
      record(SCAN, { offset: 1 << 20 }),
      record(SCAN, { file: 'other/ScanAgent.log', offset: 1 << 20 }),
      record(SCAN, { file: 'other/ScanAgent.log', offset: 1 << 20, component: 'WUAHandler' }),
      record(SCAN, { file: 'other/ScanAgent.log', offset: 1 << 20, format: 'sms' }),
    ];
    const seen = [first, ...next.map((r) => memo.classify(r))];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[3]!.scanJob).toBeUndefined();
    const withGuids = memo.classify(record(SCAN, { file: 'other/ScanAgent.log', offset: 1 << 20 }));
    const without = memo.classify(record(SCAN, { file: 'other/ScanAgent.log', offset: 1 << 20 }), NO_SCANS);
    expect(withGuids.guids).toEqual(['4cd06388-d509-46e4-8c00-75909edd9ef8']);
    expect(without.guids).toBeUndefined();
    expect(without).not.toBe(withGuids);
  });

  it("keeps what the caller derived from a message's fields for its repeats", () => {
    const memo = new RepeatClassifier<string>();
    const first = memo.classified(record(SCAN));
    first.derived = 'working copy';
    expect(memo.classified(record(SCAN, { offset: 4096 })).derived).toBe('working copy');
    expect(memo.classified(record(SCAN, { offset: 1 << 20 })).derived).toBeUndefined();
    const iis = record('CCM_POST /ccm_system/request');
    iis.fields = { httpMethod: 'CCM_POST' };
    const own = memo.classified(iis);
    own.derived = 'not shared';
    expect(memo.classified({ ...iis }).derived).toBeUndefined();
  });

  it('keeps fields a framer already gave the record', () => {
    const memo = new RepeatClassifier();
    const r = record('CCM_POST /ccm_system/request');
    const own = { httpMethod: 'CCM_POST' };
    r.fields = own;
    expect(memo.classify(r)).toBe(own);
  });
});
