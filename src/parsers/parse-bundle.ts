// Parses every file of a bundle in a sensible order and describes its hosts. Files whose records carry a
// bias go first, so that files without one (WindowsUpdate.log, CMTrace copies, foreign writers) can take
// their host's zone at the matching local time, daylight-saving changes included.

import type { Bundle, BundleFile, HostRole } from './bundle.ts';
import { bundleChunks } from './bundle.ts';
import { FileParser } from './file-parser.ts';
import type { MutableRecord } from './framer.ts';
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
  readonly files: string[];
}

export interface BundleParse {
  readonly files: FileReport[];
  readonly hosts: HostSummary[];
}

export interface BundleParseOptions {
  readonly classify?: (record: MutableRecord) => void;
  /** Receives every record and problem as it is read. */
  readonly sink?: ParseSink;
  /** Cancellation: checked between chunks. */
  readonly signal?: AbortSignal;
}

/** Components that say which role a host plays. */
const ROLE_BY_COMPONENT: ReadonlyArray<[RegExp, HostRole]> = [
  [/^(mp_|sms_mp_|mpcontrol|mp\.)/i, 'management-point'],
  [/^sms_(state_system|policy_provider|wsus_sync_manager|database_notification_monitor|executive|hierarchy_manager|distribution_manager)/i, 'site-server'],
  [/^(scanagent|wuahandler|locationservices|ccmmessaging|updatesstore|statemessage|policyagent|updatesdeployment|ccmexec|execmgr|contentaccess|cas)/i, 'client'],
];

class HostZones {
  private readonly samples = new Map<string, Array<{ local: number; bias: number }>>();
  private readonly counts = new Map<string, Map<number, number>>();

  note(host: string, local: number, bias: number): void {
    let list = this.samples.get(host);
    if (!list) {
      list = [];
      this.samples.set(host, list);
    }
    const prev = list[list.length - 1];
    // Keep the points where the bias changes, and a point per file start (the caller's first note).
    if (!prev || prev.bias !== bias || Math.abs(local - prev.local) > 6 * 3_600_000) {
      list.push({ local, bias });
    }
    let counts = this.counts.get(host);
    if (!counts) {
      counts = new Map();
      this.counts.set(host, counts);
    }
    counts.set(bias, (counts.get(bias) ?? 0) + 1);
  }

  /** The bias the host's own logs carried nearest to this local time. */
  at(host: string, local: number): number | undefined {
    const list = this.samples.get(host);
    if (!list || list.length === 0) {
      return undefined;
    }
    let best = list[0]!;
    for (const s of list) {
      if (Math.abs(s.local - local) < Math.abs(best.local - local)) {
        best = s;
      }
    }
    return best.bias;
  }

  usual(host: string): number | undefined {
    const counts = this.counts.get(host);
    let best: number | undefined;
    let bestCount = 0;
    for (const [bias, count] of counts ?? []) {
      if (count > bestCount) {
        best = bias;
        bestCount = count;
      }
    }
    return best;
  }
}

function zoneLess(file: BundleFile): boolean {
  return file.kindHint === 'windowsupdate' || /\.txt$/i.test(file.path);
}

export async function parseBundle(bundle: Bundle, options: BundleParseOptions = {}): Promise<BundleParse> {
  const zones = new HostZones();
  const order = [...bundle.files.filter((f) => !zoneLess(f)), ...bundle.files.filter(zoneLess)];
  const reports = new Map<BundleFile, FileReport>();
  const roleVotes = new Map<string, Map<HostRole, number>>();

  let current: { file: BundleFile; parser: FileParser; problems: ParseProblem[]; count: () => number } | undefined;
  for await (const { file, chunk, error } of bundleChunks(order)) {
    options.signal?.throwIfAborted();
    if (current === undefined || current.file !== file) {
      current = startFile(file);
    }
    if (error) {
      current.parser.problem(1, `file could not be read to the end: ${error.message}`);
    } else if (chunk) {
      current.parser.push(chunk);
    } else {
      const summary = current.parser.end();
      const { problems } = current;
      const extra = current.count() - problems.length;
      if (extra > 0) {
        problems.push({
          file: file.path,
          line: problems[problems.length - 1]?.line ?? 1,
          message: `${extra} more problems not listed`,
          offset: 0,
          length: 0,
        });
      }
      reports.set(file, { summary, host: file.host, hostDir: file.hostDir, problems });
      current = undefined;
    }
  }

  function startFile(file: BundleFile) {
    const problems: ParseProblem[] = [];
    let problemCount = 0;
    const votes = roleVotes.get(file.host) ?? new Map<HostRole, number>();
    roleVotes.set(file.host, votes);
    let lastComponent = '';
    const outer = options.sink;
    const sink: ParseSink = {
      record(r: LogRecord) {
        if (r.zone === 'bias' && r.local !== undefined && r.biasMinutes !== undefined) {
          zones.note(file.host, r.local, r.biasMinutes);
        }
        if (r.component !== lastComponent) {
          lastComponent = r.component;
          const role = roleOf(r.component);
          if (role) {
            votes.set(role, (votes.get(role) ?? 0) + 1);
          }
        }
        outer?.record(r);
      },
      problem(p: ParseProblem) {
        problemCount += 1;
        if (problems.length < MAX_PROBLEMS_PER_FILE) {
          problems.push(p);
        }
        outer?.problem(p);
      },
    };
    const parser = new FileParser(
      {
        file: file.path,
        ...(file.kindHint !== undefined && { kind: file.kindHint }),
        hostBias: (local: LocalReading) => zones.at(file.host, local),
        ...(options.classify !== undefined && { classify: options.classify }),
      },
      sink,
    );
    return { file, parser, problems, count: () => problemCount };
  }

  const hosts = new Map<string, HostSummary>();
  for (const file of bundle.files) {
    let h = hosts.get(file.host);
    if (!h) {
      const votes = [...(roleVotes.get(file.host) ?? new Map<HostRole, number>())].sort((a, b) => b[1] - a[1]);
      const roles: HostRole[] = file.roleHint !== 'unknown' ? [file.roleHint] : [];
      for (const [role] of votes) {
        if (!roles.includes(role)) {
          roles.push(role);
        }
      }
      h = { name: file.host, dir: file.hostDir, roles, biasMinutes: zones.usual(file.host), files: [] };
      hosts.set(file.host, h);
    }
    h.files.push(file.path);
  }
  return { files: bundle.files.map((f) => reports.get(f)!), hosts: [...hosts.values()] };
}

function roleOf(component: string): HostRole | undefined {
  for (const [re, role] of ROLE_BY_COMPONENT) {
    if (re.test(component)) {
      return role;
    }
  }
  return undefined;
}
