// `cmflow analyze` and `cmflow export`: correlate a bundle and print what an admin acts on — hosts with
// their zone and clock skew, flows with their status, and each failure with its upstream cause and the
// chain between them as file:line references — and write the timeline as JSON, CSV or HTML.

import type { Writable } from 'node:stream';
import { analyzeToStore } from '../correlate/analyze.ts';
import { formatForPath, writeTimeline } from '../correlate/export.ts';
import { failureTitle, groupFailures, largestGroups, occurrences, onHosts } from '../correlate/failure-groups.ts';
import { headline, shapeOf } from '../parsers/messages/values.ts';
import { minutesAndSeconds, zoneFromBias } from '../parsers/time.ts';
import type { Timeline, TimelineEvent, TimelineHost } from '../correlate/model.ts';
import { zoneChangeText } from '../correlate/model.ts';
import { BundleError, openBundle } from '../parsers/bundle.ts';
import type { HostOverride } from '../parsers/bundle.ts';

export interface AnalyzeCommandOptions {
  readonly hosts: Readonly<Record<string, HostOverride>>;
  readonly outputs: ReadonlyArray<{ path: string; format: 'json' | 'csv' | 'html' }>;
  /** How many folded failures outside flows to list before "and N more". */
  readonly limit: number;
}

export async function runAnalyze(path: string, options: AnalyzeCommandOptions, out: Writable): Promise<number> {
  const summary = await analyzeAndWrite(path, options);
  out.write(summaryText(summary, options.limit));
  for (const o of options.outputs) {
    out.write(`wrote ${o.format.toUpperCase()} to ${o.path}\n`);
  }
  return 0;
}

export async function runExport(
  path: string,
  dest: string,
  hosts: Readonly<Record<string, HostOverride>>,
  out: Writable,
): Promise<number> {
  const format = formatForPath(dest);
  if (format === undefined) {
    throw new BundleError(`--dest must end in .json, .csv or .html: ${dest}`);
  }
  await analyzeAndWrite(path, { hosts, outputs: [{ path: dest, format }], limit: 0 });
  out.write(`wrote ${format.toUpperCase()} to ${dest}\n`);
  return 0;
}

/**
 * Analyzes the bundle and writes the requested exports, each made from the store as it is written. Returns
 * the timeline for the summary, with only the events failures cite.
 */
async function analyzeAndWrite(path: string, options: AnalyzeCommandOptions): Promise<Timeline> {
  const bundle = await openBundle(path, { hosts: options.hosts });
  try {
    const analyzed = await analyzeToStore(bundle);
    try {
      await analyzed.prefetch();
      for (const o of options.outputs) {
        try {
          await writeTimeline(o.path, analyzed.timeline.exportSource(), o.format);
        } catch (e) {
          throw new BundleError(`cannot write ${o.path}: ${(e as Error).message}`);
        }
      }
      return analyzed.timeline.materialize('cited');
    } finally {
      analyzed.close();
    }
  } finally {
    bundle.close();
  }
}

/**
 * Hosts, flows and failures in flows listed one by one; a bundle with more gets counts, then the servers
 * and least certain clocks, the flows that did not complete and the first failures, up to as many.
 */
const LISTED = 40;
/**
 * A clock this far from the reference is set wrong, not drifting: listed before the others. Five minutes is
 * Windows' default tolerance for clock differences in Kerberos ("Maximum tolerance for computer clock
 * synchronization"); a machine kept in time by its domain stays well within it.
 */
const FAR_OFF_MS = 5 * 60_000;
/** Characters of a cited record's text on its summary line: room for a short XML body after its header. */
const CITED_TEXT = 160;
/** Hosts a group of failures names before "and N more". */
const HOSTS_NAMED = 8;

export function summaryText(t: Timeline, limit = 10): string {
  const byId = new Map(t.events.map((e) => [e.id, e]));
  const cite = (id: string): string => {
    const e = byId.get(id);
    return e ? `${e.file}:${e.line}  ${said(e)}` : id;
  };
  const lines: string[] = [];
  lines.push(`${t.bundle}: ${t.hosts.length} hosts, ${t.flows.length} flows, ${t.failures.length} failures`);
  lines.push('');
  const reference = t.referenceHost ?? 'none: no message crosses between hosts';
  // Hundreds of clients listed one per line would bury the servers: list the servers, then the clients
  // whose clock is far off (furthest first), then those whose clock is least known (not estimated, then the
  // widest uncertainty), up to LISTED hosts.
  const servers = t.hosts.filter((h) => h.role !== 'client');
  const offBy = (h: TimelineHost): number =>
    h.skewUncertaintyMs !== undefined && Math.abs(h.clockSkewMs) >= FAR_OFF_MS ? Math.abs(h.clockSkewMs) : 0;
  const clients = t.hosts
    .filter((h) => h.role === 'client')
    .sort(
      (a, b) =>
        offBy(b) - offBy(a) ||
        (b.skewUncertaintyMs ?? Number.POSITIVE_INFINITY) - (a.skewUncertaintyMs ?? Number.POSITIVE_INFINITY),
    );
  const listed =
    t.hosts.length <= LISTED ? t.hosts : [...servers, ...clients.slice(0, Math.max(0, LISTED - servers.length))];
  const omitted = clients.slice(Math.max(0, LISTED - servers.length));
  lines.push(
    t.hosts.length <= LISTED
      ? `Hosts (clocks corrected to ${reference}):`
      : `Hosts (${t.hosts.length}: ${servers.length} servers, ${clients.length} clients; clocks corrected to ${reference}), ` +
          'the servers and the clients whose clocks are furthest off or least certain:',
  );
  const width = Math.max(...listed.map((h) => h.name.length), 4);
  // A machine of several roles (an MP on the site server, a client there) is listed once, with all of them.
  const roles = (h: TimelineHost): string => (h.roles.length > 1 ? h.roles.join(', ') : h.role);
  const roleWidth = Math.max(...listed.map((h) => roles(h).length), 16);
  for (const h of listed) {
    const skew =
      h.name === t.referenceHost
        ? 'reference clock'
        : h.skewUncertaintyMs === undefined
          ? 'skew unknown'
          : `clock ${seconds(h.clockSkewMs, true)} ± ${seconds(h.skewUncertaintyMs)}  (${h.skewBasis})`;
    lines.push(
      `  ${h.name.padEnd(width)}  ${roles(h).padEnd(roleWidth)}  ${zoneFromBias(h.biasMinutes).padEnd(9)}  ${skew}`,
    );
    for (const c of h.zoneChanges ?? []) {
      lines.push(`  ${' '.repeat(width)}  zone ${zoneChangeText(c)}`);
    }
    for (const c of h.fileClocks) {
      lines.push(`  ${' '.repeat(width)}  ${c.file}: ${c.basis}`);
    }
  }
  if (t.hosts.length > LISTED && omitted.length > 0) {
    const widest = Math.max(...omitted.map((h) => h.skewUncertaintyMs ?? 0));
    const furthest = Math.max(...omitted.map((h) => Math.abs(h.clockSkewMs)));
    lines.push(
      `  … and ${omitted.length} more clients, each clock within ${seconds(furthest)} of the reference ` +
        `and known to ± ${seconds(widest)} or better (see --json / --html)`,
    );
  }
  lines.push('');
  if (t.flows.length <= LISTED) {
    lines.push('Flows:');
    for (const f of t.flows) {
      lines.push(`  ${f.status.padEnd(10)}  ${f.summary}`);
    }
  } else {
    // Thousands of flows listed one per line would bury the failures below them: count them, and list the
    // ones that did not complete, those that read the same on several hosts once.
    const count = (status: string): number => t.flows.filter((f) => f.status === status).length;
    const open = largestGroups(
      t.flows.filter((f) => f.status !== 'ok'),
      (f) => `${f.status}\u0000${withoutHost(f.summary, f.host)}`,
    );
    // Flows that completed after failures (recovered) are ok, but not the same as ok throughout.
    const late = t.flows.filter((f) => f.recovered).length;
    const ok = late > 0 ? `${count('ok')} ok (${late} after failures)` : `${count('ok')} ok`;
    lines.push(
      `Flows (${t.flows.length}: ${ok}, ${count('failed')} failed, ${count('incomplete')} incomplete)` +
        (open.length > 0 ? ', those that did not complete:' : ''),
    );
    for (const group of open.slice(0, LISTED)) {
      const f = group[0]!;
      const text =
        group.length === 1
          ? f.summary
          : `×${group.length} ${onHosts(group.map((g) => g.host))}: ${withoutHost(f.summary, f.host)}`;
      lines.push(`  ${f.status.padEnd(10)}  ${text}`);
    }
    if (open.length > LISTED) {
      lines.push(`  … and ${open.length - LISTED} more (see --json / --html)`);
    }
  }
  lines.push('');
  // Hundreds of failures are mostly a few causes repeated on many hosts: a large bundle's are grouped by
  // what failed and the upstream cause's file and wording, each group shown by its first failure.
  const { inFlows: byCause, others: alike } = groupFailures(
    t.failures,
    (f) => byId.get(f.upstreamCause),
    (f) => byId.get(f.event),
  );
  const inFlows = t.failures.filter((f) => f.flow !== undefined);
  const grouped = inFlows.length > LISTED;
  const groups = grouped ? byCause : inFlows.map((f) => [f]);
  if (!grouped) {
    lines.push(inFlows.length === 0 ? 'No failure in the flows.' : 'Failures in the flows:');
  } else {
    lines.push(
      `Failures in the flows (${inFlows.length}), in ${groups.length} groups by failure and upstream cause, ` +
        'each shown by its first:',
    );
  }
  for (const group of groups.slice(0, LISTED)) {
    const f = group[0]!;
    const hosts = group.map((g) => byId.get(g.event)?.host ?? '?');
    lines.push(grouped ? `  ×${group.length} ${onHosts(hosts)}  ${failureTitle(f)}` : `  ${failureTitle(f)}`);
    lines.push(`    failing:  ${cite(f.event)}`);
    if (f.recovered) {
      const its = grouped && group.length > 1 ? 'their flows' : 'its flow';
      lines.push(`    outcome:  recovered: ${its} went on to complete afterwards (delayed, not stopped)`);
    }
    lines.push(`    cause:    ${cite(f.upstreamCause)}`);
    if (f.chain.length > 2) {
      lines.push(`    chain:    ${f.chain.map((id) => shortCite(byId.get(id), id)).join(' → ')}`);
    }
    lines.push(`    check:    ${f.hint}`);
    if (f.source !== undefined) {
      lines.push(`    source:   ${f.source}`);
    }
    if (grouped && group.length > 1) {
      lines.push(`    hosts:    ${hostList(hosts)}`);
    }
  }
  if (groups.length > LISTED) {
    lines.push(`  … and ${groups.length - LISTED} more ${grouped ? 'groups ' : ''}(see --json / --html)`);
  }
  if (alike.length > 0 && limit > 0) {
    lines.push('');
    lines.push('Other errors and warnings (outside the flows):');
    // A group of repeats is cited by its first occurrence. Where the cause is another message (MPFDM's
    // failed moves go back to its first "Cannot connect"), the group's own record comes first, then its
    // cause: two groups with one cause must not read as the same line twice. The same message repeated on
    // many hosts (each host's repeats are one failure) is one line, cited by the host where it came most.
    for (const group of alike.slice(0, limit)) {
      const f = group[0]!;
      const total = occurrences(group);
      const hosts = group.map((g) => byId.get(g.event)?.host ?? '?');
      const times = group.length > 1 ? ` (×${total} ${onHosts(hosts)})` : total > 1 ? ` (×${total})` : '';
      const event = byId.get(f.event);
      const cause = byId.get(f.upstreamCause);
      if (event && cause && shapeOf(said(event)) !== shapeOf(said(cause))) {
        lines.push(`  ${f.code ?? '-'}${times}  ${cite(f.event)}`);
        lines.push(`    cause:  ${cite(f.upstreamCause)}`);
      } else {
        lines.push(`  ${f.code ?? '-'}${times}  ${cite(f.upstreamCause)}`);
      }
    }
    if (alike.length > limit) {
      lines.push(`  … and ${alike.length - limit} more (see --json / --html)`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A flow's summary without the "HOST: " it starts with, so that the same story on two hosts reads alike. */
function withoutHost(summary: string, host: string): string {
  return summary.startsWith(`${host}: `) ? summary.slice(host.length + 2) : summary;
}

/** The first few distinct hosts of a group, by name, and how many more. */
function hostList(hosts: readonly string[]): string {
  const distinct = [...new Set(hosts)].sort();
  const shown = distinct.slice(0, HOSTS_NAMED);
  return distinct.length > HOSTS_NAMED
    ? `${shown.join(', ')} and ${distinct.length - HOSTS_NAMED} more`
    : shown.join(', ');
}

/** A cited record's text as the summary shows it: one line (see `headline`). */
function said(e: TimelineEvent): string {
  return headline(e.text, CITED_TEXT);
}

function shortCite(e: TimelineEvent | undefined, id: string): string {
  return e ? `${e.file.split('/').pop()!}:${e.line}` : id;
}

function seconds(ms: number, signed = false): string {
  const sign = ms < 0 ? '-' : signed ? '+' : '';
  return Math.abs(ms) >= 60_000
    ? sign + minutesAndSeconds(ms, 1)
    : `${sign}${(Math.abs(ms) / 1000).toFixed(Math.abs(ms) < 10_000 ? 2 : 1)} s`;
}
