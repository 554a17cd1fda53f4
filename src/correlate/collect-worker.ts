// Worker thread entry: collects one layer of a bundle (the shared MP/site files, or one client's) and
// answers with what `collect` kept, as plain data (see collect-pool.ts). Bundles are opened once per worker
// and kept, since a thread gets many layers of the same bundle.

import { parentPort } from 'node:worker_threads';
import type { Bundle, BundleFile } from '../parsers/bundle.ts';
import { openBundle } from '../parsers/bundle.ts';
import { collectPacked } from './collect.ts';
import type { CollectReply, CollectTask } from './collect-pool.ts';

interface Opened {
  readonly bundle: Bundle;
  /** The bundle's files by path, made once: a task names its files, and a bundle has thousands of them. */
  readonly byPath: ReadonlyMap<string, BundleFile>;
}

const bundles = new Map<string, Promise<Opened>>();

async function collectTask(task: CollectTask): Promise<CollectReply & { transfer?: ArrayBuffer[] }> {
  let opened = bundles.get(task.source);
  if (!opened) {
    opened = openBundle(task.source).then((bundle) => ({
      bundle,
      byPath: new Map(bundle.files.map((f) => [f.path, f])),
    }));
    bundles.set(task.source, opened);
  }
  const { bundle, byPath } = await opened;
  const files = [];
  for (const meta of task.files) {
    const file = byPath.get(meta.path);
    if (!file) {
      return { id: task.id, error: `${meta.path}: not found in the bundle` };
    }
    // Host names and roles are the caller's (it may have overridden them); the bytes are read here.
    files.push({ ...file, ...meta, open: () => file.open() });
  }
  const c = await collectPacked({ ...bundle, files });
  const events = c.events;
  const iis = c.iis.columnsForTransfer();
  return {
    id: task.id,
    collected: { parse: c.parse, events, iis, lastSeenByFile: c.lastSeenByFile, wentBack: c.wentBack },
    transfer: [
      events.refs,
      events.ints,
      events.numbers,
      events.fieldRefs,
      events.fields,
      events.doubles,
      iis.key,
      iis.utc,
      iis.offset,
      iis.ints,
    ].map((a) => a.buffer as ArrayBuffer),
  };
}

// The caller queues several layers ahead (collect-pool.ts); they are collected one after the other, each
// answered as soon as it is done.
let queue = Promise.resolve();

parentPort?.on('message', (task: CollectTask) => {
  queue = queue.then(() =>
    collectTask(task).then(
      ({ transfer, ...reply }) => parentPort?.postMessage(reply, transfer),
      (e: unknown) => parentPort?.postMessage({ id: task.id, error: (e as Error).message } satisfies CollectReply),
    ),
  );
});
