// The Client Deployment tab (Client Spy never had one): each client's ccmsetup runs from
// Windows\ccmsetup\Logs\ccmsetup.log and the deployment state they leave — Not started, In progress,
// Compliant/installed, Failed with its error, or Unknown — plus the failures-over-time chart across every
// client of the bundle (or of several bundles merged by the caller).

import { formatUtc } from '../parsers/time.ts';
import type { DeploymentChart, DeploymentPoint, SpyHost, SpyNode, SpyRecord, SpyState } from './model.ts';
import { fact, last, unknown, utcText } from './model.ts';

export type DeploymentState = 'Not started' | 'In progress' | 'Compliant/installed' | 'Failed' | 'Unknown';

interface SetupRun {
  readonly started: SpyRecord;
  readonly records: SpyRecord[];
  installing?: SpyRecord;
  end?: SpyRecord;
  failure?: SpyRecord;
}

function setupRuns(host: SpyHost): SetupRun[] {
  const runs: SetupRun[] = [];
  for (const r of host.records) {
    if (r.component.toLowerCase() !== 'ccmsetup') {
      continue;
    }
    const f = r.fields;
    if (f.event === 'Ccmsetup.started') {
      runs.push({ started: r, records: [r] });
      continue;
    }
    const run = last(runs);
    if (run === undefined) {
      continue;
    }
    run.records.push(r);
    if (f.event === 'Ccmsetup.installing') {
      run.installing = r;
    } else if (f.event === 'Ccmsetup.installFailed' || f.event === 'Ccmsetup.failed') {
      run.failure ??= r;
      run.end = r;
    } else if (f.event === 'Ccmsetup.exiting') {
      run.end = r;
    }
  }
  return runs;
}

interface RunOutcome {
  readonly state: DeploymentState;
  readonly record: SpyRecord | undefined;
  readonly errorCode?: string;
}

/** ccmsetup return codes that are not failures: 0 done, 7 done but the machine must restart first. */
function runOutcome(run: SetupRun): RunOutcome {
  const end = run.end;
  if (end === undefined) {
    return { state: run.installing === undefined ? 'Not started' : 'In progress', record: last(run.records) };
  }
  if (end.fields.event === 'Ccmsetup.exiting' && run.failure === undefined) {
    const code = end.fields.exitCode;
    if (code === 0) {
      return { state: 'Compliant/installed', record: end };
    }
    if (code === 7) {
      return { state: 'In progress', record: end };
    }
  }
  const coded = [...run.records].reverse().find((r) => r.fields.errorCodes !== undefined);
  const code =
    coded?.fields.errorCodes?.[0] ??
    (run.failure?.fields.exitCode !== undefined ? `MSI ${run.failure.fields.exitCode}` : undefined) ??
    (end.fields.exitCode !== undefined ? `return code ${end.fields.exitCode}` : undefined);
  return { state: 'Failed', record: coded ?? end, ...(code === undefined ? {} : { errorCode: code }) };
}

const STATE_OF: Readonly<Record<DeploymentState, SpyState>> = {
  'Not started': 'warning',
  'In progress': 'warning',
  'Compliant/installed': 'ok',
  Failed: 'error',
  Unknown: 'unknown',
};

export function deploymentTab(host: SpyHost): SpyNode[] {
  const runs = setupRuns(host);
  if (runs.length === 0) {
    const clientLogs = host.files.some((f) => /\/ccm\/logs\//i.test(f));
    return [
      unknown(
        'Deployment state',
        `ccmsetup.log (Windows\\ccmsetup\\Logs) is not in the bundle${clientLogs ? '; the client’s own logs show a client ran here' : ''}`,
      ),
    ];
  }
  const outcome = runOutcome(last(runs)!);
  const nodes: SpyNode[] = [
    fact('Deployment state', outcome.state, [outcome.record], {
      state: STATE_OF[outcome.state],
      ...(outcome.errorCode === undefined ? {} : { description: `error ${outcome.errorCode}` }),
    }),
  ];
  runs.forEach((run, i) => {
    const o = runOutcome(run);
    const version = last(run.records.filter((r) => r.fields.clientVersion !== undefined));
    const command = run.records.find((r) => r.fields.event === 'Ccmsetup.commandLine');
    nodes.push(
      fact(`ccmsetup run ${i + 1}`, o.state, [run.started, o.record], {
        state: STATE_OF[o.state],
        description: `started ${utcText(run.started) ?? '?'}`,
        children: [
          fact('Started (UTC)', utcText(run.started), [run.started]),
          fact('Command line', command?.text.replace(/^Ccmsetup command line:\s*/, ''), [command]),
          fact('Client version', version?.fields.clientVersion, [version]),
          fact('Result', o.errorCode === undefined ? o.state : `${o.state}: ${o.errorCode}`, [o.record], {
            state: STATE_OF[o.state],
          }),
        ],
      }),
    );
  });
  return nodes;
}

/** Every settled ccmsetup run of the given clients, and per UTC day the failures and installs. */
export function deploymentChart(hosts: readonly SpyHost[]): DeploymentChart {
  const points: DeploymentPoint[] = [];
  for (const host of hosts) {
    for (const run of setupRuns(host)) {
      const o = runOutcome(run);
      const r = o.record;
      if ((o.state !== 'Failed' && o.state !== 'Compliant/installed') || r?.utc === undefined) {
        continue;
      }
      points.push({
        host: host.name,
        utc: formatUtc(r.utc),
        state: o.state === 'Failed' ? 'failed' : 'installed',
        ...(o.errorCode === undefined ? {} : { errorCode: o.errorCode }),
        evidence: { file: r.file, line: r.line },
      });
    }
  }
  points.sort((a, b) => (a.utc < b.utc ? -1 : a.utc > b.utc ? 1 : 0));
  const days = new Map<string, { failed: number; installed: number }>();
  for (const p of points) {
    const d = days.get(p.utc.slice(0, 10)) ?? { failed: 0, installed: 0 };
    d[p.state]++;
    days.set(p.utc.slice(0, 10), d);
  }
  return {
    title: 'Client deployment failures over time (UTC days)',
    points,
    days: [...days.entries()].map(([day, d]) => ({ day, ...d })),
  };
}
