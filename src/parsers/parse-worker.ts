// Worker thread entry: parses the files it is sent (see parallel.ts) and answers with their outcomes.
// Bundles are opened once per worker and kept, since a thread gets many files of the same bundle.

import { parentPort } from 'node:worker_threads';
import type { Bundle } from './bundle.ts';
import { bundleChunks, openBundle } from './bundle.ts';
import { classifyRecord } from './classify.ts';
import { FileRun, hostBiasAt } from './file-run.ts';
import type { FileTask, WorkerReply } from './parallel.ts';

const bundles = new Map<string, Promise<Bundle>>();

async function parseTask(task: FileTask): Promise<WorkerReply> {
  let opened = bundles.get(task.source);
  if (!opened) {
    opened = openBundle(task.source);
    bundles.set(task.source, opened);
  }
  const bundle = await opened;
  const file = bundle.files.find((f) => f.path === task.path);
  if (!file) {
    return { id: task.id, error: 'not found in the bundle' };
  }
  const run = new FileRun(
    file,
    (local, previous) => hostBiasAt(task.zones, local, previous),
    task.classify ? classifyRecord : undefined,
    undefined,
  );
  for await (const { chunk, error } of bundleChunks([file])) {
    if (error) {
      run.fail(error);
    } else if (chunk) {
      run.push(chunk);
    }
  }
  return { id: task.id, outcome: run.end() };
}

parentPort?.on('message', (task: FileTask) => {
  parseTask(task).then(
    (reply) => parentPort?.postMessage(reply),
    (e: unknown) => parentPort?.postMessage({ id: task.id, error: (e as Error).message } satisfies WorkerReply),
  );
});
