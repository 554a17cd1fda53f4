// Records read again from their byte spans: the text-only read (what text search uses) gives the same
// message as the full re-read, for every event of every sample, plain and inside a .zip.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeToStore } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { parseBytes } from '../../src/parsers/file-parser.ts';
import { RecordReader } from '../../src/parsers/reread.ts';
import { tempDir } from '../helpers/temp.ts';
import { makeZip } from '../helpers/zip.ts';

const SAMPLES = resolve(__dirname, '../../samples/logs');
const names = readdirSync(SAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function files(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else {
        out[relative(dir, p).split('\\').join('/')] = readFileSync(p);
      }
    }
  };
  walk(dir);
  return out;
}

describe.each(names)('%s', (name) => {
  it('text-only reads match full reads for every event', async () => {
    const analyzed = await analyzeToStore(await openBundle(join(SAMPLES, name)));
    try {
      const store = analyzed.timeline;
      expect(store.eventCount).toBeGreaterThan(0);
      for (let i = 0; i < store.eventCount; i++) {
        expect(store.text(i)).toBe(store.record(i).text);
      }
    } finally {
      analyzed.close();
    }
  });
});

describe('inside a .zip', () => {
  it('text-only reads match once the spans are fetched', async () => {
    const zip = join(tempDir('reread'), 'bundle.zip');
    writeFileSync(zip, makeZip(files(join(SAMPLES, 'wsus-unreachable-2ee2'))));
    const bundle = await openBundle(zip);
    const analyzed = await analyzeToStore(bundle);
    try {
      await analyzed.prefetch();
      const store = analyzed.timeline;
      const texts = Array.from({ length: store.eventCount }, (_, i) => store.text(i));
      expect(texts.filter((t) => t.length > 0).length).toBe(store.eventCount);
      expect(texts).toEqual(Array.from({ length: store.eventCount }, (_, i) => store.record(i).text));
    } finally {
      analyzed.close();
      bundle.close();
    }
  });
});

describe('read in place', () => {
  it('gives every record in any order, across read blocks and past a record larger than one', async () => {
    const dir = tempDir('reread');
    const line = (i: number, text: string): string =>
      `<![LOG[${text}]LOG]!><time="09:00:${String(i % 60).padStart(2, '0')}.000+300" date="01-14-2025" ` +
      `component="ScanAgent" context="" type="1" thread="2744" file="cscanagent.cpp:${i}">`;
    const lines = Array.from({ length: 3_000 }, (_, i) =>
      line(i, i === 1_500 ? `big ${'y'.repeat(40_000)}` : `ScanJob(${i}): CScanJob::Scan- ${'x'.repeat(i % 300)}`),
    );
    writeFileSync(join(dir, 'ScanAgent.log'), lines.join('\r\n') + '\r\n');
    const bundle = await openBundle(dir);
    const file = bundle.files[0]!;
    const records = parseBytes(readFileSync(join(dir, 'ScanAgent.log')), {
      file: file.path,
      kind: 'configmgr',
    }).records;
    expect(records).toHaveLength(3_000);
    const reader = new RecordReader();
    reader.add(file, 'configmgr', 'utf-8');
    try {
      const order = [...records.keys()];
      const shuffled = order.map((i) => (i * 7_919) % records.length);
      for (const indexes of [order, [...order].reverse(), shuffled]) {
        const texts = indexes.map((i) => reader.readText({ ...records[i]!, file: file.path }));
        expect(texts).toEqual(indexes.map((i) => records[i]!.text));
      }
    } finally {
      reader.close();
      bundle.close();
    }
  });

  it('gives every record when reads jump between more files than it keeps open', async () => {
    // 40 files read round-robin: every read evicts a file, and its block's buffer is read into for another.
    const dir = tempDir('reread');
    const names = Array.from({ length: 40 }, (_, f) => `host${f}.log`);
    names.forEach((name, f) => {
      const lines = Array.from(
        { length: 200 },
        (_, i) =>
          `<![LOG[file ${f} record ${i} ${'z'.repeat((i * 37 + f) % 500)}]LOG]!><time="09:00:00.000+300" ` +
          `date="01-14-2025" component="WUAHandler" context="" type="1" thread="1" file="x.cpp:${i}">`,
      );
      writeFileSync(join(dir, name), lines.join('\r\n') + '\r\n');
    });
    const bundle = await openBundle(dir);
    const reader = new RecordReader();
    try {
      const all = bundle.files.map((file) => {
        reader.add(file, 'configmgr', 'utf-8');
        const records = parseBytes(readFileSync(file.diskPath!), { file: file.path, kind: 'configmgr' }).records;
        expect(records).toHaveLength(200);
        return records.map((r) => ({ span: { file: file.path, offset: r.offset, length: r.length }, text: r.text }));
      });
      for (let i = 0; i < 200; i += 3) {
        for (const records of all) {
          expect(reader.read(records[i]!.span).text).toBe(records[i]!.text);
        }
      }
    } finally {
      reader.close();
      bundle.close();
    }
  });
});
