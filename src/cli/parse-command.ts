// `cmflow parse`: what each file is and whether it read cleanly. The JSON shape is a published schema
// (cmflow.parse/1): keep it backward compatible.

import type { Writable } from 'node:stream';
import type { HostOverride, HostRole } from '../parsers/bundle.ts';
import { BundleError, openBundle } from '../parsers/bundle.ts';
import { parseBundle } from '../parsers/parse-bundle.ts';
import { defaultWorkerCount } from '../parsers/parallel.ts';
import { formatUtc } from '../parsers/time.ts';
import type { UtcInstant } from '../parsers/time.ts';

export interface ParseCommandOptions {
  readonly json: boolean;
  readonly hosts: readonly string[];
}

export interface ParseJsonFile {
  path: string;
  format: string;
  encoding: string;
  host: string;
  records: number;
  firstUtc: string | null;
  lastUtc: string | null;
  problems: Array<{ line: number; message: string }>;
}

/** Below this, starting worker threads costs more than it saves. */
const PARALLEL_BYTES = 64 * 1024 * 1024;

const ROLES: readonly HostRole[] = ['client', 'management-point', 'site-server', 'wsus', 'unknown'];

export function parseHostOptions(specs: readonly string[]): Record<string, HostOverride> {
  const out: Record<string, HostOverride> = {};
  for (const spec of specs) {
    const m = /^(.+?)=([^:]*)(?::(.+))?$/.exec(spec);
    if (!m) {
      throw new BundleError(`--host wants DIR=NAME[:ROLE], got "${spec}"`);
    }
    const role = m[3] as HostRole | undefined;
    if (role !== undefined && !ROLES.includes(role)) {
      throw new BundleError(`--host role must be one of ${ROLES.join(', ')}, got "${role}"`);
    }
    out[m[1]!] = { ...(m[2] ? { name: m[2] } : {}), ...(role ? { role } : {}) };
  }
  return out;
}

export async function runParse(paths: readonly string[], options: ParseCommandOptions, out: Writable): Promise<number> {
  const hosts = parseHostOptions(options.hosts);
  const files: ParseJsonFile[] = [];
  const human: string[] = [];
  for (const path of paths) {
    const bundle = await openBundle(path, { hosts });
    try {
      // Message fields are not part of this report, so no classification; big bundles use every core.
      const bytes = bundle.files.reduce((sum, f) => sum + f.size, 0);
      const parsed = await parseBundle(bundle, { workers: bytes > PARALLEL_BYTES ? defaultWorkerCount() : 1 });
      const prefix =
        bundle.files.length === 1 && bundle.files[0]!.path === bundle.name ? '' : `${path.replace(/\/+$/, '')}/`;
      human.push(
        `${path}: ${bundle.files.length} log file${bundle.files.length === 1 ? '' : 's'}, ${parsed.hosts.length} host${parsed.hosts.length === 1 ? '' : 's'}`,
      );
      for (const host of parsed.hosts) {
        const bias =
          host.biasMinutes === undefined
            ? 'zone unknown'
            : `bias ${host.biasMinutes >= 0 ? '+' : ''}${host.biasMinutes} (UTC${host.biasMinutes <= 0 ? '+' : '-'}${formatOffset(Math.abs(host.biasMinutes))})`;
        human.push(`  host ${host.name || '(unnamed)'}  ${host.roles.join(', ') || 'role unknown'}  ${bias}`);
        for (const report of parsed.files.filter((f) => f.host === host.name)) {
          const s = report.summary;
          const file: ParseJsonFile = {
            path: prefix + s.file,
            format: s.format === 'mixed' ? s.formats.join('+') : s.format,
            encoding: s.encoding,
            host: report.host,
            records: s.records,
            firstUtc: iso(s.firstUtc),
            lastUtc: iso(s.lastUtc),
            problems: report.problems.map((p) => ({ line: p.line, message: p.message })),
          };
          files.push(file);
          human.push(
            `    ${s.file}  ${file.format}  ${s.encoding}  ${s.records} records  ${file.firstUtc ?? '-'} .. ${file.lastUtc ?? '-'}`,
          );
          for (const p of report.problems) {
            human.push(`      line ${p.line}: ${p.message}`);
          }
        }
      }
    } finally {
      bundle.close();
    }
  }
  out.write(
    options.json ? JSON.stringify({ schema: 'cmflow.parse/1', files }, null, 2) + '\n' : human.join('\n') + '\n',
  );
  return 0;
}

function iso(t: UtcInstant | undefined): string | null {
  return t === undefined ? null : formatUtc(t);
}

function formatOffset(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
