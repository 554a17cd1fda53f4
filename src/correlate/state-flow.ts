// The state-message flow, one per relay message a client sends: StateMessage bodies and "forwarded" →
// CcmMessaging message to mp_relayendpoint → MP_Relay (same ClientID and serial numbers) → MPFDM moving
// the SMX file to the site (time window: MP_Relay never logs the file name) → StateSys processing that
// SMX file (by name). An outage of MPFDM is kept as one chain so that a late failure leads back to its start.

import type { CollectedEvent } from './collect.ts';
import type { FlowDraft, Workspace } from './workspace.ts';
import { between, byTime, EventSet, firstAfter, firstIndexAt, lastBefore } from './workspace.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const CROSS_HOST_WINDOW = 3 * 60 * MINUTE;
/** MPFDM moves outbox files on its own cycle; how long after a relay its move is looked for. */
export const MPFDM_WINDOW = 15 * MINUTE;

const MPFDM_TROUBLE = new Set(['MPFDM.moveFailed', 'MPFDM.cannotConnectToSiteServer', 'MPFDM.networkPathNotFound']);

/** What the state-message flows of every client share, worked out once on the MP and site events. */
export interface StateMessageContext {
  /** MP_Relay task (its last event) → the SMX file MPFDM moved for it. */
  readonly moves: ReadonlyMap<CollectedEvent, Dispatch>;
}

/**
 * The MP and site side, once: MPFDM outages chained, SMX moves paired with StateSys for the clocks, and
 * relays paired with the files MPFDM moved.
 */
export function prepareStateMessages(ws: Workspace): StateMessageContext {
  chainMpfdmOutages(ws);
  pairSmxMoves(ws);
  return { moves: assignMoves(ws) };
}

export function buildStateMessageFlows(
  ws: Workspace,
  context: StateMessageContext,
  hosts: readonly string[] = ws.ownHosts(),
): void {
  const moves = context.moves;
  for (const host of hosts) {
    const messaging = ws.component(host, 'ccmmessaging');
    const relays = messaging.filter(
      (e) => e.kind === 'CcmMessaging.sendingAsync' && (e.fields.queue ?? '').includes('relayendpoint'),
    );
    let previousForward = Number.NEGATIVE_INFINITY;
    for (const send of relays) {
      previousForward = relayFlow(ws, host, send, messaging, previousForward, moves);
    }
  }
}

/** The MPFDM lines about one outbox file (its moves and failed moves), in order. */
interface OutboxFile {
  readonly smx: string;
  readonly events: CollectedEvent[];
  /** Records StateSys found in the file, when it processed it. */
  readonly records: number | undefined;
}

interface Dispatch {
  readonly file: OutboxFile;
  /** How the file was tied to the relay. */
  readonly evidence: 'derived' | 'time';
  readonly key: string;
}

/**
 * MP_Relay writes an SMX file to the outbox per relay and MPFDM moves the files to the site, but neither
 * logs what the other names: the relay logs the client's body, MPFDM the file name. What they share is the
 * number of state messages: StateSys says how many records each file held. So each relay (from any client,
 * in the bundle or not) takes the first file moved after it whose record count equals its message count;
 * failing that, the first file after it — and the link says which.
 */
function assignMoves(ws: Workspace): Map<CollectedEvent, Dispatch> {
  const out = new Map<CollectedEvent, Dispatch>();
  const records = new Map<string, number>();
  for (const processing of ws.everywhere('StateSys.processingFile')) {
    const log = ws.component(processing.host, processing.component);
    const count = firstAfter(
      log,
      processing.utc,
      30 * SECOND,
      (e) => e.kind === 'StateSys.processedRecords' && e.thread === processing.thread,
    );
    if (processing.fields.smxFile !== undefined && count?.fields.count !== undefined) {
      records.set(processing.fields.smxFile.toUpperCase(), count.fields.count);
    }
  }
  for (const host of ws.hosts()) {
    const events = ws.on(host);
    const byName = new Map<string, CollectedEvent[]>();
    for (const e of events) {
      const smx = e.fields.smxFile?.toUpperCase();
      if (smx !== undefined && (e.kind === 'MPFDM.fileMoved' || e.kind === 'MPFDM.moveFailed')) {
        byName.set(smx, [...(byName.get(smx) ?? []), e]);
      }
    }
    const files: OutboxFile[] = [...byName]
      .map(([smx, list]) => ({ smx, events: list, records: records.get(smx) }))
      .sort((a, b) => byTime(a.events[0]!, b.events[0]!));
    const taken = new Set<OutboxFile>();
    const relayLog = ws.kindPrefix(host, 'MPRelay.');
    for (const body of relayLog.filter((e) => e.kind === 'MPRelay.messageBody')) {
      const done =
        firstAfter(
          relayLog,
          body.utc,
          10 * SECOND,
          (e) => e.kind === 'MPRelay.taskCompleted' && e.thread === body.thread,
        ) ?? body;
      const messages = body.fields.stateMessages?.length;
      // Files are in time order: the candidates start at the first file at or after the relay's end.
      const candidates: OutboxFile[] = [];
      for (
        let i = firstIndexAt(files, done.utc, (f) => f.events[0]!.utc);
        i < files.length && files[i]!.events[0]!.utc <= done.utc + MPFDM_WINDOW;
        i++
      ) {
        if (!taken.has(files[i]!)) {
          candidates.push(files[i]!);
        }
      }
      const counted = messages === undefined ? undefined : candidates.find((f) => f.records === messages);
      const file = counted ?? candidates.find((f) => f.records === undefined) ?? candidates[0];
      if (file) {
        taken.add(file);
        out.set(done, {
          file,
          evidence: counted ? 'derived' : 'time',
          key: counted
            ? `${file.smx}: first file moved after the relay with ${messages} records, as many as the relay's state messages`
            : `${file.smx}: first file MPFDM moved after the relay`,
        });
      }
    }
  }
  return out;
}

function relayFlow(
  ws: Workspace,
  host: string,
  send: CollectedEvent,
  messaging: CollectedEvent[],
  previousForward: number,
  moves: ReadonlyMap<CollectedEvent, Dispatch>,
): number {
  const m = send.fields.messageId!;
  const flow = ws.flow({
    id: `state-message:${m}`,
    kind: 'state-message',
    host,
    keys: { message: m },
    events: new EventSet(),
  });
  const add = (e: CollectedEvent | undefined): e is CollectedEvent => {
    if (e !== undefined) {
      flow.events.add(e);
    }
    return e !== undefined;
  };
  const mine = ws.byId(host, 'ccmmessaging', 'messageId').get(m) ?? [];
  const outgoing = mine.find((e) => e.kind === 'CcmMessaging.sendingOutgoing') ?? send;
  const post = firstAfter(
    messaging,
    outgoing.utc,
    5 * SECOND,
    (e) => e.kind === 'CcmMessaging.post' && e.thread === outgoing.thread,
  );
  const lines = [...mine, ...(post ? [post] : [])].sort(byTime);
  lines.forEach(add);
  ws.chain(lines, 'id', `message=${m}`);

  // What was sent: the bodies StateMessage recorded since its previous forward.
  const stateMsg = ws.component(host, 'statemessage');
  const forwarded = lastBefore(
    stateMsg,
    send.utc + 5 * SECOND,
    60 * SECOND,
    (e) => e.kind === 'StateMessage.forwarded',
  );
  // The host's bodies in time order, from just after the previous forward (a filter of the whole log
  // for every relay was quadratic in a client's relays).
  const allBodies = ws.cached(`state-bodies\u0000${host}`, () =>
    stateMsg.filter((e) => e.kind === 'StateMessage.body'),
  );
  const bodies = between(allBodies, previousForward, (forwarded ?? send).utc, true);
  bodies.forEach(add);
  const serials = bodies.flatMap((b) =>
    (b.fields.stateMessages ?? []).map((s) => s.serialNumber).filter((n): n is number => n !== undefined),
  );
  const topics = [
    ...new Set(
      bodies.flatMap((b) =>
        (b.fields.stateMessages ?? []).map((s) => s.topicId).filter((t): t is string => t !== undefined),
      ),
    ),
  ];
  const clientId = bodies.find((b) => b.fields.clientId !== undefined)?.fields.clientId ?? ws.idOf(host);
  if (serials.length > 0) {
    flow.keys.serialNumbers = serials.map(String);
  }
  if (topics.length > 0) {
    flow.keys.topics = topics;
  }
  if (clientId !== undefined) {
    flow.keys.clientId = clientId;
  }
  if (add(forwarded)) {
    ws.chain([...bodies, forwarded], 'time', 'state messages recorded, then forwarded');
    ws.link(
      forwarded,
      send,
      'time',
      'StateMessage forwards through CcmMessaging (queue mp_relayendpoint)',
      60 * SECOND,
    );
  }

  // The MP that received it: MP_Relay logs the same body (ClientID, serial numbers, topics).
  const serialSet = new Set(serials);
  const received = (
    ws.indexBy('relay-bodies-by-client', ['MPRelay.messageBody'], (e) => e.fields.clientId ?? '').get(clientId ?? '') ??
    []
  )
    .filter(
      (e) =>
        e.host !== host &&
        Math.abs(e.utc - outgoing.utc) <= CROSS_HOST_WINDOW &&
        (e.fields.stateMessages ?? []).some((s) => s.serialNumber !== undefined && serialSet.has(s.serialNumber)),
    )
    .sort((a, b) => Math.abs(a.utc - outgoing.utc) - Math.abs(b.utc - outgoing.utc))[0];
  if (!add(received)) {
    return forwarded?.utc ?? send.utc;
  }
  ws.link(outgoing, received, 'derived', `clientId=${clientId ?? '?'} serialNumber=${serials.join(',')}`);
  ws.pair(outgoing, received, 'client → MP state message relay', 0, 60 * SECOND, 300);
  flow.keys.mp = received.host;
  const relayLog = ws.component(received.host, received.component);
  const task = between(relayLog, received.utc - 2 * SECOND, received.utc + 10 * SECOND).filter(
    (e) => e.thread === received.thread,
  );
  const end = task.findIndex((e) => e.kind === 'MPRelay.taskCompleted' && e.utc >= received.utc);
  const relayTask = end < 0 ? task : task.slice(0, end + 1);
  const startIdx = relayTask.findIndex((e) => e.kind === 'MPRelay.startProcessing');
  const steps = startIdx < 0 ? relayTask : relayTask.slice(startIdx);
  steps.forEach(add);
  ws.chain(steps, 'time', 'MP_Relay task, same thread');
  const relayDone = steps[steps.length - 1] ?? received;

  // MPFDM moves the SMX to the site; which file is this relay's comes from the order (see assignMoves).
  const assigned = moves.get(relayDone);
  if (!assigned) {
    return forwarded?.utc ?? send.utc;
  }
  const file = assigned.file;
  const dispatch = [...file.events];
  dispatch.forEach(add);
  ws.link(relayDone, dispatch[0]!, assigned.evidence, assigned.key, MPFDM_WINDOW);
  includeOutage(ws, flow, dispatch[0]!);
  ws.chain(dispatch, 'id', `smx=${file.smx}`);
  flow.keys.smxFile = file.smx;
  const moved = dispatch.find((e) => e.kind === 'MPFDM.fileMoved');
  if (moved) {
    stateSystem(ws, flow, moved);
  }
  return forwarded?.utc ?? send.utc;
}

/** StateSys on the site processing the moved SMX file (its name is the only key between the two). */
function stateSystem(ws: Workspace, flow: FlowDraft, move: CollectedEvent): void {
  const smx = move.fields.smxFile!.toUpperCase();
  const bySmx = ws.indexBy('statesys-by-smx', ['StateSys.processingFile'], (e) => e.fields.smxFile?.toUpperCase());
  const processing = (bySmx.get(smx) ?? [])
    .filter((e) => e.host !== move.host && Math.abs(e.utc - move.utc) <= CROSS_HOST_WINDOW)
    .sort(byTime)[0];
  if (!processing) {
    return;
  }
  const log = ws.component(processing.host, processing.component);
  const notice = lastBefore(log, processing.utc, 5 * MINUTE, (e) => e.kind === 'StateSys.inboxNotification');
  const counts = between(log, processing.utc, processing.utc + 30 * SECOND).filter(
    (e) =>
      e.thread === processing.thread &&
      (e.kind === 'StateSys.processedRecords' || e.kind === 'StateSys.processedFiles'),
  );
  const steps = [...(notice ? [notice] : []), processing, ...counts.slice(0, 2)];
  steps.forEach((e) => flow.events.add(e));
  ws.link(move, processing, 'id', `smx=${smx}`);
  if (notice) {
    ws.link(move, notice, 'time', 'file arrives in statesys.box, StateSys is notified', 5 * MINUTE);
  }
  ws.chain(steps, 'time', 'StateSys batch, same host');
}

/**
 * Every SMX file MPFDM moved and StateSys then processed is a message from the MP to the site, whichever
 * client it came from: evidence for the two hosts' clocks even when no client log is in the bundle.
 */
function pairSmxMoves(ws: Workspace): void {
  const moves = new Map<string, CollectedEvent>();
  for (const move of ws.everywhere('MPFDM.fileMoved')) {
    const smx = move.fields.smxFile?.toUpperCase();
    if (smx !== undefined && !moves.has(smx)) {
      moves.set(smx, move);
    }
  }
  // A notification is triggered by the first file of its batch to arrive: pair it with the batch's
  // earliest move. Every file's processing also comes after its own move (a looser bound). Which file came
  // first is only known when the batch's files all come from one MP: across MPs, the earliest by their
  // logged times is not the earliest in fact until their clocks are known (at 1 GB, pairing it anyway put
  // three of four MPs 10 s off while claiming ±0.3 s).
  const batches = new Map<CollectedEvent, CollectedEvent[]>();
  for (const processed of ws.everywhere('StateSys.processingFile')) {
    const move = moves.get(processed.fields.smxFile?.toUpperCase() ?? '');
    if (!move || move.host === processed.host || Math.abs(processed.utc - move.utc) > CROSS_HOST_WINDOW) {
      continue;
    }
    ws.pair(move, processed, 'MP → site SMX file (MPFDM → StateSys)', 0, 5 * MINUTE, 10_000);
    const log = ws.component(processed.host, processed.component);
    const notice = lastBefore(log, processed.utc, 5 * MINUTE, (e) => e.kind === 'StateSys.inboxNotification');
    if (notice) {
      batches.set(notice, [...(batches.get(notice) ?? []), move]);
    }
  }
  for (const [notice, batch] of batches) {
    if (batch.some((move) => move.host !== batch[0]!.host)) {
      continue;
    }
    const first = batch.sort(byTime)[0]!;
    ws.pair(first, notice, 'MP → site SMX file (MPFDM → StateSys)', 0, 5 * MINUTE, 300);
  }
}

/**
 * Consecutive MPFDM failures on a host (no successful move between them) are one outage: chained, so that
 * walking back from any of them reaches the first.
 */
function chainMpfdmOutages(ws: Workspace): void {
  for (const host of ws.hosts()) {
    const mpfdm = ws.kindPrefix(host, 'MPFDM.');
    let run: CollectedEvent[] = [];
    for (const e of mpfdm) {
      if (MPFDM_TROUBLE.has(e.kind ?? '')) {
        run.push(e);
      } else if (e.kind === 'MPFDM.fileMoved') {
        ws.chain(run, 'time', 'MPFDM failures with no successful move between them (one outage)');
        run = [];
      }
    }
    ws.chain(run, 'time', 'MPFDM failures with no successful move between them (one outage)');
  }
}

/** Puts the earlier failures of the outage a flow's MPFDM failure belongs to into the flow. */
function includeOutage(ws: Workspace, flow: FlowDraft, from: CollectedEvent): void {
  if (!MPFDM_TROUBLE.has(from.kind ?? '')) {
    return;
  }
  const mpfdm = ws.kindPrefix(from.host, 'MPFDM.');
  for (let i = mpfdm.indexOf(from) - 1; i >= 0; i--) {
    const e = mpfdm[i]!;
    if (!MPFDM_TROUBLE.has(e.kind ?? '')) {
      break;
    }
    flow.events.add(e);
  }
}
