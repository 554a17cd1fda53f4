// `cmflow`: the engine from a terminal. Every failure the user can cause (a missing path, an unreadable
// file, a bad option) ends as one line on stderr and a non-zero exit, never a stack trace.

import { parseArgs } from 'node:util';
import { BundleError } from '../parsers/bundle.ts';
import { runParse } from './parse-command.ts';

const USAGE = `Usage: cmflow <command> [options]

Commands:
  parse <file|folder|zip>... [--json]   per file: format, encoding, host, records, UTC range, problems

Options:
  --json        machine-readable output (schema cmflow.parse/1)
  --host DIR=NAME[:ROLE]   name a host folder (ROLE: client, management-point, site-server, wsus)
  -h, --help    this text`;

export class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      host: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...paths] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE + '\n');
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'parse':
      if (paths.length === 0) {
        throw new UsageError('parse needs at least one file, folder or .zip');
      }
      return runParse(paths, { json: values.json, hosts: values.host ?? [] }, process.stdout);
    default:
      throw new UsageError(`unknown command "${command}" (try: cmflow --help)`);
  }
}

main(process.argv.slice(2)).then(
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
