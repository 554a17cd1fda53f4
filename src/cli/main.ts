// `cmflow`: the engine from a terminal. Every failure the user can cause (a missing path, an unreadable
// file, a bad option) ends as one line on stderr and a non-zero exit, never a stack trace.

import { parseArgs } from 'node:util';
import { Worker, isMainThread } from 'node:worker_threads';
import { analysisHeapMB, outgrewHeap } from '../service/heap-bound.ts';
import { BundleError } from '../parsers/bundle.ts';
import { runAnalyze, runExport } from './analyze-command.ts';
import { parseHostOptions, runParse } from './parse-command.ts';
import { isSmallBundle } from './small-bundle.ts';
import { runSpy } from './spy-command.ts';
import { SPY_TABS, findTab } from '../spy/spy.ts';

const USAGE = `Usage: cmflow <command> [options]

Commands:
  parse <file|folder|zip>... [--json]
        per file: format, encoding, host, records, UTC range, problems (--json: schema cmflow.parse/1)
  analyze <folder|zip> [--json FILE] [--csv FILE] [--html FILE]
        hosts with zone and clock skew, flows with status, failures with their upstream cause;
        writes the correlated timeline (schema cmflow.timeline/1) to the files named
  export <folder|zip> --dest FILE
        writes the correlated timeline; the format follows FILE's extension (.json, .csv, .html)
  spy <folder|zip> [--tab NAME] [--json]
        Client Spy's tabs rebuilt from the logs, every node with its file:line (--json: schema cmflow.spy/1);
        NAME is a tab id: ${SPY_TABS.map((t) => t.id).join(', ')}

Options:
  --host DIR=NAME[:ROLE]   name a host folder (ROLE: client, management-point, site-server, wsus)
  -h, --help               this text`;

export class UsageError extends Error {}

function single(paths: readonly string[], command: string): string {
  if (paths.length !== 1) {
    throw new UsageError(`${command} takes one folder or .zip`);
  }
  return paths[0]!;
}

const HOST = { host: { type: 'string', multiple: true } } as const;
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;
const ANALYZE_OPTIONS = {
  json: { type: 'string' },
  csv: { type: 'string' },
  html: { type: 'string' },
  ...HOST,
  ...HELP,
} as const;
const EXPORT_OPTIONS = { dest: { type: 'string' }, ...HOST, ...HELP } as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case 'parse': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, ...HOST, ...HELP },
      });
      if (values.help) {
        return usage();
      }
      if (positionals.length === 0) {
        throw new UsageError('parse needs at least one file, folder or .zip');
      }
      return runParse(positionals, { json: values.json, hosts: values.host ?? [] }, process.stdout);
    }
    case 'analyze': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: ANALYZE_OPTIONS,
      });
      if (values.help) {
        return usage();
      }
      const outputs = (['json', 'csv', 'html'] as const).flatMap((format) => {
        const file = values[format];
        return file === undefined ? [] : [{ path: file, format }];
      });
      const hosts = parseHostOptions(values.host ?? []);
      return runAnalyze(single(positionals, 'analyze'), { hosts, outputs, limit: 10 }, process.stdout);
    }
    case 'export': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: EXPORT_OPTIONS,
      });
      if (values.help) {
        return usage();
      }
      if (values.dest === undefined) {
        throw new UsageError('export needs --dest FILE (.json, .csv or .html)');
      }
      return runExport(single(positionals, 'export'), values.dest, parseHostOptions(values.host ?? []), process.stdout);
    }
    case 'spy': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { tab: { type: 'string' }, json: { type: 'boolean', default: false }, ...HOST, ...HELP },
      });
      if (values.help) {
        return usage();
      }
      const tab = values.tab === undefined ? undefined : findTab(values.tab);
      if (values.tab !== undefined && tab === undefined) {
        throw new UsageError(`unknown tab "${values.tab}" (tabs: ${SPY_TABS.map((t) => t.id).join(', ')})`);
      }
      const hosts = parseHostOptions(values.host ?? []);
      return runSpy(single(positionals, 'spy'), { tab, json: values.json, hosts }, process.stdout);
    }
    default:
      throw new UsageError(`unknown command "${command}" (try: cmflow --help)`);
  }
}

function usage(): number {
  process.stdout.write(USAGE + '\n');
  return 0;
}

/** Commands that correlate a bundle: a large one runs on a thread with a bounded heap (see `run`). */
const CORRELATING = new Set(['analyze', 'export']);

/** The bundle a correlating command names, when its arguments are well formed. */
function bundleArgument(argv: readonly string[]): string | undefined {
  const [command, ...rest] = argv;
  const options = command === 'analyze' ? ANALYZE_OPTIONS : command === 'export' ? EXPORT_OPTIONS : undefined;
  if (options === undefined) {
    return undefined;
  }
  try {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, options });
    return positionals.length === 1 ? positionals[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a correlating command on a worker thread whose old generation is bounded below 2 GB, so that V8
 * lets its heap grow to less than twice its live set instead of four times; this thread only waits. The
 * worker prints and writes as the command would here (its stdout and stderr come through this process)
 * and ends with the command's exit code. If the bundle does not fit the bound, the command runs again on
 * this thread without it. A small bundle runs here from the start (see `isSmallBundle`).
 */
async function run(argv: string[]): Promise<number> {
  const path = isMainThread && CORRELATING.has(argv[0] ?? '') ? bundleArgument(argv) : undefined;
  // A bound the user set applies whatever the size.
  const small = path !== undefined && !process.env.CMFLOW_HEAP_MB && isSmallBundle(path);
  const heapMB = path !== undefined && !small ? analysisHeapMB() : undefined;
  if (heapMB === undefined) {
    return main(argv);
  }
  const worker = new Worker(__filename, { argv, resourceLimits: { maxOldGenerationSizeMb: heapMB } });
  const outcome = await new Promise<number | Error>((resolve) => {
    let failure: Error | undefined;
    worker.on('error', (e) => (failure = e));
    worker.on('exit', (code) => resolve(failure ?? code));
  });
  if (!(outcome instanceof Error)) {
    return outcome;
  }
  if (!outgrewHeap(outcome)) {
    throw outcome;
  }
  process.stderr.write(
    `cmflow: the analysis needs more than ${heapMB} MB of heap; running it again without that bound\n`,
  );
  return main(argv);
}

// A reader that stops early (`cmflow analyze … | head`) closes the pipe: what is left of the summary has
// nowhere to go, but the command finishes its work (the files it writes) and exits as it would. Unhandled,
// the closed pipe ended the process with a stack trace, since a correlating command's output is forwarded
// from its worker after the reader may have gone.
if (isMainThread) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') {
      throw e;
    }
  });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const known =
      e instanceof BundleError ||
      e instanceof UsageError ||
      (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `cmflow: ${known ? (e as Error).message : `internal error: ${String((e as Error)?.message ?? e)}`}\n`,
    );
    process.exitCode = known ? 2 : 1;
  },
);
