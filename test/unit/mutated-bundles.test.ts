// Sample bundles damaged the ways real bundles are (files cut off while being written, lines lost or
// doubled, clocks shifted, bytes corrupted, files re-encoded, renamed as rotated, emptied, a machine's
// folder missing, a log filed under the wrong machine or at the bundle's root): analysis never
// throws, and what it returns holds together: unique event ids in time order, every flow, link and failure
// citing events that exist, flows in time order, finite clock estimates, every export written.

import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { exportTimeline } from '../../src/correlate/export.ts';
import type { Timeline } from '../../src/correlate/model.ts';
import { openBundle } from '../../src/parsers/bundle.ts';

const SAMPLES = resolve(__dirname, '../../samples/logs');
const bundles = readdirSync(SAMPLES).filter((n) => statSync(join(SAMPLES, n)).isDirectory());

function logFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => /\.log$/i.test(p) && statSync(p).isFile())
    .sort();
}

const GUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/;

/** One damage: which file (by index), where in it (a fraction), and a number that shapes it. */
interface Damage {
  readonly kind: number;
  readonly file: number;
  readonly at: number;
  readonly n: number;
}

const DAMAGES = [
  'cut the file',
  'cut inside an element',
  'drop lines',
  'double lines',
  'swap two lines',
  'another GUID',
  'shift the clock',
  'corrupt bytes',
  'UTF-16',
  'CR line ends',
  'rotated name',
  'empty',
  'lines of another file',
  'a host missing',
  'filed under another host',
  'moved to the root',
] as const;

const damage: fc.Arbitrary<Damage> = fc.record({
  kind: fc.nat(DAMAGES.length - 1),
  file: fc.nat(),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  n: fc.nat(1000),
});

function apply(root: string, files: string[], d: Damage): void {
  const f = files[d.file % files.length]!;
  const [host = '', ...rest] = relative(root, f).split(sep);
  const hosts = readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory());
  const text = readFileSync(f, 'latin1');
  const lines = text.split(/(?<=\n)/);
  const i = Math.floor(d.at * lines.length);
  const write = (s: string): void => writeFileSync(f, s, 'latin1');
  switch (DAMAGES[d.kind]!) {
    case 'cut the file':
      return write(text.slice(0, Math.floor(d.at * text.length)));
    case 'cut inside an element': {
      // Where a copy taken while the log is written ends most often: in the record being written.
      const starts = [...text.matchAll(/\]LOG\]!></g)].map((m) => m.index);
      const start = starts[Math.floor(d.at * starts.length)];
      return write(start === undefined ? text : text.slice(0, start + 8 + (d.n % 120)));
    }
    case 'drop lines':
      lines.splice(i, 1 + (d.n % 5));
      return write(lines.join(''));
    case 'double lines':
      lines.splice(i, 0, ...lines.slice(i, i + 1 + (d.n % 3)));
      return write(lines.join(''));
    case 'swap two lines':
      if (i + 1 < lines.length) {
        [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      }
      return write(lines.join(''));
    case 'another GUID': {
      const other = readFileSync(files[d.n % files.length]!, 'latin1').match(GUID)?.[0];
      lines[i] = other === undefined ? (lines[i] ?? '') : (lines[i] ?? '').replace(GUID, other);
      return write(lines.join(''));
    }
    case 'shift the clock':
      return write(
        text.replace(/time="(\d\d)/g, (_m, hh: string) => `time="${String((Number(hh) + d.n) % 24).padStart(2, '0')}`),
      );
    case 'corrupt bytes': {
      const bytes = Buffer.from(text, 'latin1');
      for (let k = 0; k < 1 + (d.n % 20) && bytes.length > 0; k++) {
        bytes[Math.floor(((d.at + k * 0.618) % 1) * bytes.length)] = (d.n * 31 + k * 97) % 256;
      }
      return writeFileSync(f, bytes);
    }
    case 'UTF-16':
      return writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    case 'CR line ends':
      return write(text.replace(/\r?\n/g, '\r'));
    case 'rotated name':
      return renameSync(f, f.replace(/\.log$/i, d.n % 2 === 0 ? '.lo_' : '-20250113-120000.log'));
    case 'empty':
      return write('');
    case 'lines of another file': {
      const other = readFileSync(files[d.n % files.length]!, 'latin1').split(/(?<=\n)/);
      lines.splice(i, 0, ...other.slice(0, d.n % (other.length + 1)));
      return write(lines.join(''));
    }
    case 'a host missing':
      return rmSync(join(root, host), { recursive: true, force: true });
    case 'filed under another host': {
      // Same place under another machine's folder, replacing its log of that name if it has one.
      const to = join(root, hosts[d.n % hosts.length] ?? '', ...(rest.length > 0 ? rest : [host]));
      mkdirSync(dirname(to), { recursive: true });
      return renameSync(f, to);
    }
    case 'moved to the root':
      return renameSync(f, join(root, `${d.n}-${basename(f)}`));
  }
}

function expectConsistent(t: Timeline): void {
  const time = new Map(t.events.map((e) => [e.id, e.time]));
  expect(time.size).toBe(t.events.length);
  for (let k = 1; k < t.events.length; k++) {
    expect(t.events[k]!.time).toBeGreaterThanOrEqual(t.events[k - 1]!.time);
  }
  for (const h of t.hosts) {
    expect(Number.isFinite(h.clockSkewMs)).toBe(true);
    expect(h.skewUncertaintyMs === undefined || h.skewUncertaintyMs >= 0).toBe(true);
  }
  for (const f of t.flows) {
    const times = f.events.map((id) => time.get(id));
    expect(times.every((x) => x !== undefined)).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a! - b!));
  }
  for (const l of t.links) {
    expect(time.has(l.from) && time.has(l.to)).toBe(true);
  }
  for (const f of t.failures) {
    expect([f.event, f.upstreamCause, ...f.chain].every((id) => time.has(id))).toBe(true);
    if (f.chain.length > 0) {
      expect([f.chain[0], f.chain.at(-1)]).toEqual([f.upstreamCause, f.event]);
    }
  }
  for (const format of ['json', 'csv', 'html'] as const) {
    expect(exportTimeline(t, format).length).toBeGreaterThan(0);
  }
}

describe('damaged sample bundles', () => {
  it('are analysed without throwing, into a timeline that holds together', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bundles),
        fc.array(damage, { minLength: 1, maxLength: 6 }),
        async (name, damages) => {
          const dir = mkdtempSync(join(tmpdir(), 'cmflow-damaged-'));
          try {
            cpSync(join(SAMPLES, name), dir, { recursive: true });
            for (const d of damages) {
              const files = logFiles(dir);
              if (files.length > 0) {
                apply(dir, files, d);
              }
            }
            const bundle = await openBundle(dir);
            try {
              expectConsistent(await analyzeBundle(bundle, { workers: 0 }));
            } finally {
              bundle.close();
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
