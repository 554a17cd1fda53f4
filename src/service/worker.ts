// The analysis service on a worker thread: owns the open bundle's analysis so that parsing and correlating
// never run on the extension host's thread. Answers `ServiceRequest`s (protocol.ts) one at a time, except
// `cancel`, which aborts a running request.

import { parentPort } from 'node:worker_threads';
import type { MethodName, Params, ServiceMessage, ServiceRequest } from './protocol.ts';
import { AnalysisSession } from './session.ts';

let session: AnalysisSession | undefined;
const running = new Map<number, AbortController>();

type Handlers = { [M in MethodName]: (params: Params<M>, id: number, signal: AbortSignal) => Promise<unknown> };

/** The swimlane's host side for the open session; its messages go to the extension as events. */
const lanes = () =>
  need().swimlane({
    post: (message) => post({ type: 'event', event: { kind: 'swimlane', message } }),
    onReveal: (target) => post({ type: 'event', event: { kind: 'swimlaneReveal', target } }),
    onExport: (image) => post({ type: 'event', event: { kind: 'swimlaneExport', image } }),
  });

const need = (): AnalysisSession => {
  if (!session) {
    throw new Error('No bundle is open: open a log bundle first.');
  }
  return session;
};

const handlers: Handlers = {
  async open({ source, options }, id, signal) {
    // The open bundle stays until the new one is analyzed: a failed or cancelled open changes nothing.
    const opened = await AnalysisSession.open(
      source,
      options,
      (progress) => post({ type: 'progress', id, progress }),
      signal,
    );
    session?.close();
    session = opened;
    return opened.summary;
  },
  close() {
    session?.close();
    session = undefined;
    return Promise.resolve(null);
  },
  flowEvents: ({ flowId }) => Promise.resolve(need().flowEvents(flowId)),
  eventsAt: ({ file, line }) => Promise.resolve(need().eventsAt(file, line)),
  occurrences: ({ needle }, _id, signal) => need().occurrences(needle, signal),
  describeLine: ({ file, text, line }) => Promise.resolve(need().describeLine(file, text, line) ?? null),
  lineMarks: ({ file }) => need().lineMarks(file),
  tail: ({ file }) => need().tail(file),
  readText: ({ file }) => need().readText(file),
  readLines: ({ file, from, to }) => need().readLines(file, from, to),
  spyTab: ({ tab, refresh }) => need().spyTab(tab, refresh),
  spyText: ({ tab }) => need().spyText(tab),
  swimlane: async ({ message }) => {
    await lanes().receive(message);
    return null;
  },
  swimlaneFocus: ({ failure, flow, event }) => {
    const data = lanes();
    if (failure !== undefined) {
      data.focusFailure(failure);
    } else if (flow !== undefined) {
      data.focusFlow(flow);
    } else if (event !== undefined) {
      data.focusEvent(event.file, event.line);
    }
    return Promise.resolve(null);
  },
  swimlaneDetach: () => {
    lanes().detach();
    return Promise.resolve(null);
  },
  exportTo: async ({ format, dest }) => {
    await need().exportTo(format, dest);
    return null;
  },
};

function post(message: ServiceMessage): void {
  parentPort!.postMessage(message);
}

async function handle(request: ServiceRequest): Promise<void> {
  if (request.method === 'cancel') {
    running.get(request.params.target)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const handler = handlers[request.method] as (p: unknown, id: number, s: AbortSignal) => Promise<unknown>;
    const result = await handler(request.params, request.id, controller.signal);
    post({ type: 'reply', id: request.id, result });
  } catch (e) {
    const cancelled = controller.signal.aborted;
    post({ type: 'error', id: request.id, message: cancelled ? 'cancelled' : (e as Error).message, cancelled });
  } finally {
    running.delete(request.id);
  }
}

parentPort?.on('message', (request: ServiceRequest) => {
  void handle(request);
});
