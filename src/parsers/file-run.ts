// One file's parse inside a bundle (`FileRun`), what it leaves behind (`FileOutcome`: plain data that can
// cross a worker boundary), the hosts' zones learnt from biased files, and the bundle report assembled from
// the outcomes. Shared by the sequential parse and the worker threads.

import type { Bundle, BundleFile, HostRole } from './bundle.ts';
import { layoutRoles } from './bundle.ts';
import { FileParser } from './file-parser.ts';
import type { BiasHint, MutableRecord } from './framer.ts';
import type { FileSummary, LogRecord, ParseProblem, ParseSink } from './record.ts';
import type { LocalReading } from './time.ts';

/** Problems kept per file for reports; a file of garbage must not make a report of millions of lines. */
const MAX_PROBLEMS_PER_FILE = 500;

export interface FileReport {
  readonly summary: FileSummary;
  readonly host: string;
  readonly hostDir: string;
  /** First problems of the file (all of them up to MAX_PROBLEMS_PER_FILE; then a last one says how many more). */
  readonly problems: ParseProblem[];
}

export interface HostSummary {
  readonly name: string;
  readonly dir: string;
  /** Roles seen, the folder's first, then what the components say. */
  readonly roles: HostRole[];
  /** The bias most of the host's records carry. */
  readonly biasMinutes: number | undefined;
  /** Where the host's logs took another bias (summer time began or ended), in time order. */
  readonly biasChanges: readonly BiasChange[];
  readonly files: string[];
}

/**
 * A change of a host's bias: from `utc` on its logs carry `after` instead of `before`. A file with no zone of
 * its own was read with `before` up to that instant and `after` from it (`hostBiasAt`), so its times as read
 * say which of the two each record was read with.
 */
export interface BiasChange {
  readonly utc: number;
  readonly before: number;
  readonly after: number;
}

export interface BundleParse {
  readonly files: FileReport[];
  readonly hosts: HostSummary[];
}

/** Components that say which role a host plays. */
const ROLE_BY_COMPONENT: ReadonlyArray<[RegExp, HostRole]> = [
  [/^(mp_|sms_mp_|mpcontrol|mp\.)/i, 'management-point'],
  [
    /^sms_(state_system|policy_provider|wsus_sync_manager|database_notification_monitor|executive|hierarchy_manager|distribution_manager)/i,
    'site-server',
  ],
  [
    // ccmsetup included: a workstation whose client never installed has nothing else to say it is one.
    /^(scanagent|wuahandler|locationservices|ccmmessaging|updatesstore|statemessage|policyagent|updatesdeployment|ccmexec|execmgr|contentaccess|cas|contenttransfermanager|datatransferservice|inventoryagent|mtrmgr|swmtrreportgen|ccmsetup)/i,
    'client',
  ],
];

/** A point of a host's zone history: at this local reading, its logs carried this bias. */
export type ZoneSample = readonly [local: number, bias: number];

/** Each host's bias over time, as its own logs state it; what zone-less files are converted with. */
export class HostZones {
  private readonly samples = new Map<string, ZoneSample[]>();
  private readonly counts = new Map<string, Map<number, number>>();

  add(host: string, samples: readonly ZoneSample[], counts: ReadonlyArray<readonly [number, number]>): void {
    const list = this.samples.get(host) ?? [];
    list.push(...samples);
    this.samples.set(host, list);
    const tally = this.counts.get(host) ?? new Map<number, number>();
    for (const [bias, n] of counts) {
      tally.set(bias, (tally.get(bias) ?? 0) + n);
    }
    this.counts.set(host, tally);
  }

  of(host: string): ZoneSample[] {
    return this.samples.get(host) ?? [];
  }

  /** The bias the host's own logs carried at this local time (see `hostBiasAt`). */
  at(host: string, local: number, previous?: BiasHint): number | undefined {
    return hostBiasAt(this.samples.get(host), local, previous);
  }

  /** The host's bias changes, as the stretches `hostBiasAt` reads with. */
  changes(host: string): BiasChange[] {
    const samples = this.samples.get(host);
    const stretches = samples === undefined || samples.length === 0 ? [] : stretchesOf(samples);
    return stretches.slice(1).map((s, i) => ({
      utc: s.from + s.bias * MINUTE,
      before: stretches[i]!.bias,
      after: s.bias,
    }));
  }

  usual(host: string): number | undefined {
    let best: number | undefined;
    let bestCount = 0;
    for (const [bias, count] of this.counts.get(host) ?? []) {
      if (count > bestCount) {
        best = bias;
        bestCount = count;
      }
    }
    return best;
  }
}

/**
 * How far back a zone-less file's local time must go, inside a repeated hour, to be its second pass: more than
 * threads writing a little out of order, and less than the hour less the time between two records (a log
 * quiet for 55 minutes goes back only 5; at 10 minutes, a 0x80072EE2 failure 4 minutes back was read an hour off).
 */
const REPEAT_JUMP_MS = 5_000;

/**
 * The bias the host's logs carried at this local reading. Each sample starts a stretch of time with its bias
 * that lasts until the next sample's instant, so a reading falls in one stretch, or in two where the clocks
 * were put back (summer time ending: the hour after 01:00 comes twice). There a file without a zone of its
 * own keeps the bias of its previous record (`previous`) until its time goes back (its second pass), and takes
 * the earlier stretch's when it has no previous record. (By the nearest sample alone, half of a decoded
 * WindowsUpdate.log's repeated hour, and the hour before a change, took the other bias.)
 */
export function hostBiasAt(
  samples: readonly ZoneSample[] | undefined,
  local: number,
  previous?: BiasHint,
): number | undefined {
  if (!samples || samples.length === 0) {
    return undefined;
  }
  // At most two stretches cover a reading (a repeated hour); found without making a list per record.
  let first: number | undefined;
  let second: number | undefined;
  for (const s of stretchesOf(samples)) {
    if (s.from <= local && local < s.to) {
      if (first === undefined) {
        first = s.bias;
      } else {
        second ??= s.bias;
      }
    }
  }
  if (first === undefined) {
    return samples[0]![1];
  }
  if (second === undefined || previous === undefined) {
    return first;
  }
  if (previous.bias === first) {
    return local < previous.local - REPEAT_JUMP_MS ? second : first;
  }
  return previous.bias === second ? second : first;
}

interface Stretch {
  /** Local readings [from, to) with this bias. */
  readonly from: number;
  readonly to: number;
  readonly bias: number;
}

const stretchCache = new WeakMap<readonly ZoneSample[], { readonly length: number; readonly stretches: Stretch[] }>();

const MINUTE = 60_000;

/** The samples as stretches of one bias, in time order; the first and the last reach without end. */
function stretchesOf(samples: readonly ZoneSample[]): Stretch[] {
  const cached = stretchCache.get(samples);
  if (cached !== undefined && cached.length === samples.length) {
    return cached.stretches;
  }
  const byInstant = [...samples].sort((a, b) => a[0] + a[1] * MINUTE - (b[0] + b[1] * MINUTE));
  const starts: ZoneSample[] = [];
  for (const s of byInstant) {
    if (starts.length === 0 || starts[starts.length - 1]![1] !== s[1]) {
      starts.push(s);
    }
  }
  const stretches = starts.map((s, i): Stretch => {
    const next = starts[i + 1];
    return {
      from: i === 0 ? Number.NEGATIVE_INFINITY : s[0],
      // The next stretch's first instant, read with this stretch's bias.
      to: next === undefined ? Number.POSITIVE_INFINITY : next[0] + (next[1] - s[1]) * MINUTE,
      bias: s[1],
    };
  });
  stretchCache.set(samples, { length: samples.length, stretches });
  return stretches;
}

/** What one file's parse leaves besides its records: small and plain, so it can cross a worker boundary. */
export interface FileOutcome {
  readonly summary: FileSummary;
  readonly problems: ParseProblem[];
  /** The file's bias change points, for its host's zone. */
  readonly zoneSamples: ZoneSample[];
  /** How many records carried each bias. */
  readonly biasCounts: Array<[number, number]>;
  readonly roleVotes: Array<[HostRole, number]>;
}

/** One file being parsed: the FileParser plus what the bundle learns from it. */
export class FileRun {
  private readonly parser: FileParser;
  private readonly problems: ParseProblem[] = [];
  private problemCount = 0;
  private readonly zoneSamples: ZoneSample[] = [];
  private readonly biasCounts = new Map<number, number>();
  private readonly votes = new Map<HostRole, number>();
  private lastComponent = '';
  private lastBias: number | undefined;
  private lastLocal = 0;

  constructor(
    readonly file: BundleFile,
    hostBias: (local: LocalReading, previous?: BiasHint) => number | undefined,
    classify: ((record: MutableRecord) => void) | undefined,
    private readonly outer: ParseSink | undefined,
  ) {
    this.parser = new FileParser(
      {
        file: file.path,
        ...(file.kindHint !== undefined && { kind: file.kindHint }),
        hostBias,
        ...(classify !== undefined && { classify }),
      },
      { record: (r) => this.record(r), problem: (p) => this.problem(p) },
    );
  }

  push(chunk: Uint8Array): void {
    this.parser.push(chunk);
  }

  fail(error: Error): void {
    this.parser.problem(1, `file could not be read to the end: ${error.message}`);
  }

  end(): FileOutcome {
    const summary = this.parser.end();
    const problems = this.problems;
    const extra = this.problemCount - problems.length;
    if (extra > 0) {
      problems.push({
        file: this.file.path,
        line: problems[problems.length - 1]?.line ?? 1,
        message: `${extra} more problems not listed`,
        offset: 0,
        length: 0,
      });
    }
    return {
      summary,
      problems,
      zoneSamples: this.zoneSamples,
      biasCounts: [...this.biasCounts],
      roleVotes: [...this.votes],
    };
  }

  private record(r: LogRecord): void {
    if (r.zone === 'bias' && r.local !== undefined && r.biasMinutes !== undefined) {
      const bias = r.biasMinutes;
      // Keep the points where the bias changes, and one every six hours, not one per record.
      if (bias !== this.lastBias || Math.abs(r.local - this.lastLocal) > 6 * 3_600_000) {
        this.zoneSamples.push([r.local, bias]);
        this.lastBias = bias;
        this.lastLocal = r.local;
      }
      this.biasCounts.set(bias, (this.biasCounts.get(bias) ?? 0) + 1);
    }
    if (r.component !== this.lastComponent) {
      this.lastComponent = r.component;
      const role = roleOf(r.component);
      if (role) {
        this.votes.set(role, (this.votes.get(role) ?? 0) + 1);
      }
    }
    this.outer?.record(r);
  }

  private problem(p: ParseProblem): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS_PER_FILE) {
      this.problems.push(p);
    }
    this.outer?.problem(p);
  }
}

/** Files whose records carry no bias: parsed after the rest, so their host's zone is known. */
export function zoneLess(file: BundleFile): boolean {
  return file.kindHint === 'windowsupdate' || /\.txt$/i.test(file.path);
}

/** The bundle's report once every file has its outcome. */
export function describeBundle(
  bundle: Bundle,
  outcomes: ReadonlyMap<BundleFile, FileOutcome>,
  zones: HostZones,
): BundleParse {
  const votes = new Map<string, Map<HostRole, number>>();
  for (const [file, outcome] of outcomes) {
    const tally = votes.get(file.host) ?? new Map<HostRole, number>();
    for (const [role, n] of outcome.roleVotes) {
      tally.set(role, (tally.get(role) ?? 0) + n);
    }
    votes.set(file.host, tally);
  }
  const hosts = new Map<string, HostSummary>();
  const layout = layoutRoles(bundle.files);
  for (const file of bundle.files) {
    let h = hosts.get(file.host);
    if (!h) {
      const ranked = [...(votes.get(file.host) ?? new Map<HostRole, number>())].sort((a, b) => b[1] - a[1]);
      const roles: HostRole[] = (layout.get(file.host) ?? []).filter((r) => r !== 'unknown');
      for (const [role] of ranked) {
        if (!roles.includes(role)) {
          roles.push(role);
        }
      }
      h = {
        name: file.host,
        dir: file.hostDir,
        roles,
        biasMinutes: zones.usual(file.host),
        biasChanges: zones.changes(file.host),
        files: [],
      };
      hosts.set(file.host, h);
    }
    h.files.push(file.path);
  }
  const files = bundle.files.map((f) => {
    const o = outcomes.get(f)!;
    return { summary: o.summary, host: f.host, hostDir: f.hostDir, problems: o.problems };
  });
  return { files, hosts: [...hosts.values()] };
}

function roleOf(component: string): HostRole | undefined {
  for (const [re, role] of ROLE_BY_COMPONENT) {
    if (re.test(component)) {
      return role;
    }
  }
  return undefined;
}
