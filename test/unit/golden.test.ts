// Golden snapshots: the parsed output of every sample file (test/golden/parse/), the correlated output of
// every bundle (test/golden/timeline/: summary, flows with their events, links by evidence) and every Client
// Spy tab of every bundle as the save action writes it (test/golden/spy/). A change in
// behaviour shows up as a diff there; after a deliberate one, `npm run golden:update` rewrites them and the
// diff is reviewed like code.

import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../src/cli/analyze-command.ts';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { classifyRecord } from '../../src/parsers/classify.ts';
import { parseBundle } from '../../src/parsers/parse-bundle.ts';
import type { LogRecord } from '../../src/parsers/record.ts';
import { formatLocal, formatUtc } from '../../src/parsers/time.ts';
import { loadSpyData } from '../../src/spy/data.ts';
import { renderAllTabsText } from '../../src/spy/render.ts';
import { buildAllTabs } from '../../src/spy/spy.ts';

const ROOT = resolve(__dirname, '../..');
const SAMPLES = join(ROOT, 'samples/logs');
const bundles = readdirSync(SAMPLES).filter((name) => statSync(join(SAMPLES, name)).isDirectory());

function describeRecord(r: LogRecord): string {
  const place = r.line === r.endLine ? `L${r.line}` : `L${r.line}-${r.endLine}`;
  const time =
    r.utc === undefined
      ? '-'
      : `${formatUtc(r.utc)} (local ${r.local === undefined ? '-' : formatLocal(r.local)}, ${r.zone}${r.biasMinutes === undefined ? '' : ` ${r.biasMinutes}`})`;
  const { event, ...rest } = r.fields ?? {};
  const text = r.text.length > 160 ? `${r.text.slice(0, 157)}...` : r.text;
  const lines = [
    `${place} @${r.offset}+${r.length} ${r.format} ${r.severity} ${r.component}${r.orphan ? ' orphan' : ''} ${time}`,
    `  | ${JSON.stringify(text)}`,
  ];
  if (event !== undefined || Object.keys(rest).length > 0) {
    lines.push(`  = ${event ?? '(no template)'} ${JSON.stringify(rest)}`);
  }
  return lines.join('\n');
}

describe('golden parse output of every sample bundle', () => {
  it('has samples to check', () => {
    expect(bundles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(bundles)('%s', async (name) => {
    const records = new Map<string, string[]>();
    const bundle = await openBundle(join(SAMPLES, name));
    const parsed = await parseBundle(bundle, {
      classify: classifyRecord,
      sink: {
        record(r) {
          const list = records.get(r.file) ?? [];
          list.push(describeRecord(r));
          records.set(r.file, list);
        },
        problem() {},
      },
    });
    const out: string[] = [`# ${name}`, ''];
    out.push('## hosts');
    for (const h of parsed.hosts) {
      out.push(
        `${h.name} dir=${h.dir} roles=${h.roles.join(',')} bias=${h.biasMinutes ?? '-'} files=${h.files.length}`,
      );
    }
    for (const f of parsed.files) {
      const s = f.summary;
      out.push('', `## ${s.file}`);
      out.push(
        `host=${f.host} format=${s.format}${s.format === 'mixed' ? `(${s.formats.join('+')})` : ''} encoding=${s.encoding} bytes=${s.bytes} lines=${s.lines} records=${s.records} skipped=${s.skippedBytes}`,
      );
      for (const p of f.problems) {
        out.push(`problem L${p.line}: ${p.message}`);
      }
      out.push(...(records.get(s.file) ?? []));
    }
    await expect(out.join('\n') + '\n').toMatchFileSnapshot(join(ROOT, 'test/golden/parse', `${name}.txt`));
  });
});

describe('golden correlated output of every sample bundle', () => {
  it.each(bundles)('%s', async (name) => {
    const bundle = await openBundle(join(SAMPLES, name));
    const t = await analyzeBundle(bundle);
    const byId = new Map(t.events.map((e) => [e.id, e]));
    const out: string[] = [summaryText(t, 100), '## flows'];
    for (const f of t.flows) {
      out.push('', `${f.id} ${f.status} ${JSON.stringify(f.keys)}`);
      for (const id of f.events) {
        const e = byId.get(id)!;
        out.push(`  ${formatUtc(e.time)} ${e.host} ${id} ${e.kind ?? '-'}`);
      }
    }
    const evidence = new Map<string, number>();
    for (const l of t.links) {
      const shape = `${l.evidence} ${l.key.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|[A-Z0-9]{8}\.SMX|\d+/gi, '#')}`;
      evidence.set(shape, (evidence.get(shape) ?? 0) + 1);
    }
    out.push('', '## links by evidence and key shape');
    out.push(...[...evidence].sort().map(([k, n]) => `${n} ${k}`));
    await expect(out.join('\n') + '\n').toMatchFileSnapshot(join(ROOT, 'test/golden/timeline', `${name}.txt`));
  });
});

describe('golden Client Spy tabs of every sample bundle', () => {
  it.each(bundles)('%s', async (name) => {
    const data = await loadSpyData(join(SAMPLES, name));
    const text = renderAllTabsText(await buildAllTabs(data));
    await expect(text).toMatchFileSnapshot(join(ROOT, 'test/golden/spy', `${name}.txt`));
  });
});
