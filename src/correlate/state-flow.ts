// The state-message flow, one per relay message a client sends: StateMessage bodies and "forwarded" →
// CcmMessaging message to mp_relayendpoint → MP_Relay (same ClientID and serial numbers) → MPFDM moving
// the SMX file to the site (time window: MP_Relay never logs the file name) → StateSys processing that
// SMX file (by name). An outage of MPFDM is kept as one chain so that a late failure leads back to its start,
// and a relay whose file failed to move is linked to the outage's first failure.

import type { CollectedEvent } from './collect.ts';
import { LEAD_SPREAD, leadOf } from './leads.ts';
import type { Lead, LeadSample } from './leads.ts';
import type { StateSideIndex } from './state-side-index.ts';
import type { FlowDraft, Workspace } from './workspace.ts';
import { push } from './time-order.ts';
import { between, byTime, EventSet, firstAfter, firstIndexAt, lastBefore } from './workspace.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const CROSS_HOST_WINDOW = 3 * 60 * MINUTE;
/**
 * How far from the client's time plus its MP's lead a relay's body may lie. Its client id and serial numbers
 * already name it (they repeat only when a client is reinstalled), so a day: a client whose clock was set
 * back three hours within the bundle has the lead of one side only for the relays of both.
 */
const RELAY_WINDOW = 24 * 60 * MINUTE;
/** MPFDM moves outbox files on its own cycle; how long after a relay its move is looked for. */
export const MPFDM_WINDOW = 15 * MINUTE;

const MPFDM_TROUBLE = new Set(['MPFDM.moveFailed', 'MPFDM.cannotConnectToSiteServer', 'MPFDM.networkPathNotFound']);

/** What the state-message flows of every client share, worked out once on the MP and site events. */
export interface StateMessageContext {
  /** MP_Relay task (the entry of its last line in the StateSideIndex) → the SMX file MPFDM moved for it. */
  readonly moves: ReadonlyMap<number, Dispatch>;
  /** An MPFDM failure (its entry) → the first failure of its outage, for each failure after the first. */
  readonly outageStart: ReadonlyMap<number, number>;
  /**
   * A StateSys inbox notification (its entry) → the move of the file that triggered it: the batch's
   * earliest, known only when every file of the batch came from one MP (see pairSmxMoves).
   */
  readonly trigger: ReadonlyMap<number, number>;
}

/**
 * The MP and site side, once: MPFDM outages chained, SMX moves paired with StateSys for the clocks, and
 * relays paired with the files MPFDM moved. These events are entries of the workspace's StateSideIndex,
 * made into events only where a flow, a link or a pair takes them.
 */
export function prepareStateMessages(ws: Workspace): StateMessageContext {
  const side = ws.stateSide();
  const outageStart = chainMpfdmOutages(ws, side);
  const trigger = pairSmxMoves(ws, side);
  return { moves: assignMoves(side), outageStart, trigger };
}

export function buildStateMessageFlows(
  ws: Workspace,
  context: StateMessageContext,
  hosts: readonly string[] = ws.ownHosts(),
): void {
  for (const host of hosts) {
    const leads = relayLeads(ws, host);
    const relays = relaySends(ws, host);
    const older = olderRelays(ws, host, relays);
    // The sends CcmMessaging.log holds with no state messages (it reaches back further than StateMessage.log)
    // are the latest relays before StateMessage.log begins, whatever the clocks say: in order, the latest
    // relays only MP_Relay names are theirs. Without them such a send's relay was FAILED as never received.
    const unstated = relays.filter((r) => r.messageId !== undefined && r.serials.length === 0);
    const k = Math.min(unstated.length, older.length);
    const taken = new Map(
      unstated.slice(unstated.length - k).map((r, j) => [r, older[older.length - k + j]!] as const),
    );
    for (const relay of relays) {
      const side = ws.clockSide(relay.outgoing);
      const mine = taken.get(relay);
      const stated =
        mine === undefined ? relay : { ...relay, ...mine, received: [mine.receivedAt], byOrder: true as const };
      relayFlow(ws, host, stated, (mp) => leads.get(mp)?.(relay.outgoing.utc, side) ?? 0, context);
    }
    for (const relay of older.slice(0, older.length - k)) {
      const flow = ws.flow({
        id: `state-message:${host}#${relay.serials[0]!}`,
        kind: 'state-message',
        host,
        keys: {
          serialNumbers: relay.serials.map(String),
          ...(relay.topics.length > 0 && { topics: relay.topics }),
          clientId: relay.clientId,
          clientLogs: relay.why,
        },
        events: new EventSet(),
      });
      atMp(ws, flow, relay.receivedAt, context);
    }
  }
}

/** A relay only the MP logged: see `olderRelays`. */
interface OlderRelay {
  readonly receivedAt: number;
  readonly serials: number[];
  readonly topics: string[];
  readonly clientId: string;
  /** Why the client's logs do not show it. */
  readonly why: string;
}

/**
 * The relays MP_Relay received from a client of the bundle that its own logs no longer show: their serial
 * numbers come before every one its StateMessage.log holds (a busy client's logs roll over long before its
 * MP's do). MP_Relay names the client by its id; from there the relay is followed as any other. Without them
 * those relays' lines on the MP and the site were in no flow, and so not in the timeline (9 relays of one
 * client with every condition and rolled-over logs, seed 21). In serial number order.
 */
function olderRelays(ws: Workspace, host: string, relays: readonly RelaySend[]): OlderRelay[] {
  const clientId = relays.find((r) => r.clientId !== undefined)?.clientId ?? ws.idOf(host);
  let first = Number.POSITIVE_INFINITY;
  for (const e of ws.component(host, 'statemessage')) {
    for (const m of e.kind === 'StateMessage.body' ? (e.fields.stateMessages ?? []) : []) {
      if (m.serialNumber !== undefined && m.serialNumber < first) {
        first = m.serialNumber;
      }
    }
  }
  if (clientId === undefined || first === Number.POSITIVE_INFINITY) {
    return [];
  }
  const c = ws.stateSide().columns;
  const why = `MP_Relay only: before ${host}'s StateMessage.log begins`;
  const bodies = [...(relayBodiesByClient(ws).get(clientId) ?? [])].sort((a, b) => c.byTime(a, b));
  const seen = new Set<number>();
  const out: OlderRelay[] = [];
  for (const i of bodies) {
    const messages = c.fields(i).stateMessages ?? [];
    const serials = messages.map((m) => m.serialNumber).filter((n): n is number => n !== undefined);
    // A relay the MP received twice is one relay: its first receipt.
    if (serials.length === 0 || serials.some((n) => n >= first) || seen.has(serials[0]!)) {
      continue;
    }
    seen.add(serials[0]!);
    const topics = [...new Set(messages.map((m) => m.topicId).filter((t): t is string => t !== undefined))];
    out.push({ receivedAt: i, serials, topics, clientId, why });
  }
  return out.sort((a, b) => a.serials[0]! - b.serials[0]!);
}

/** MP_Relay's bodies by the client id they name, each client's in the order of the state-side index. */
export function relayBodiesByClient(ws: Workspace): ReadonlyMap<string, number[]> {
  const side = ws.stateSide();
  const c = side.columns;
  return side.indexBy('relay-bodies-by-client', ['MPRelay.messageBody'], (i) => c.fields(i).clientId ?? '');
}

/**
 * A relay message as the client logged it: its send, and the state messages StateMessage recorded for it. A
 * forward older than CcmMessaging.log reaches back (a busy log rolls over first) has no send: it is its own.
 */
interface RelaySend {
  /** CcmMessaging's message id; none when CcmMessaging.log does not reach back to the send. */
  readonly messageId: string | undefined;
  readonly send: CollectedEvent;
  /** The message's lines in CcmMessaging, with the post that followed its outgoing line. */
  readonly lines: CollectedEvent[];
  /** When it left: CcmMessaging's outgoing line, or its send when that is missing. */
  readonly outgoing: CollectedEvent;
  readonly forwarded: CollectedEvent | undefined;
  /** The bodies StateMessage recorded since its previous forward. */
  readonly bodies: CollectedEvent[];
  readonly serials: number[];
  readonly topics: string[];
  readonly clientId: string | undefined;
  /** MP_Relay's bodies (entries of the StateSideIndex) that may be its own: see `relayBodiesOf`. */
  readonly received: number[];
  /** Its state messages and MP body were taken by order, not named by its own state messages. */
  readonly byOrder?: true;
}

/** The client's relay messages in order, each with its own state messages. */
function relaySends(ws: Workspace, host: string): RelaySend[] {
  return ws.cached(`relay-sends\u0000${host}`, () => {
    const messaging = ws.component(host, 'ccmmessaging');
    const stateMsg = ws.component(host, 'statemessage');
    const allBodies = stateMsg.filter((e) => e.kind === 'StateMessage.body');
    const forwards = stateMsg.filter((e) => e.kind === 'StateMessage.forwarded');
    /** When the forward before each forward was (none before the first). */
    const before = new Map(forwards.map((f, k) => [f, k > 0 ? forwards[k - 1]!.utc : Number.NEGATIVE_INFINITY]));
    const out: RelaySend[] = [];
    const claimed = new Set<CollectedEvent>();
    let previousForward = Number.NEGATIVE_INFINITY;
    for (const send of messaging) {
      if (send.kind !== 'CcmMessaging.sendingAsync' || !(send.fields.queue ?? '').includes('relayendpoint')) {
        continue;
      }
      const mine = ws.byId(host, 'ccmmessaging', 'messageId').get(send.fields.messageId!) ?? [];
      const outgoing = mine.find((e) => e.kind === 'CcmMessaging.sendingOutgoing') ?? send;
      const post = firstAfter(
        messaging,
        outgoing.utc,
        5 * SECOND,
        (e) => e.kind === 'CcmMessaging.post' && e.thread === outgoing.thread,
      );
      // What was sent: the bodies StateMessage recorded since the forward before its own (the host's bodies
      // are in time order; a filter of the whole log for every relay was quadratic in a client's relays). Not
      // since the previous send's: a send's forward is not always the one after the previous send's (the first
      // send in a CcmMessaging.log that begins later than StateMessage.log took every body before it, 18
      // serial numbers for 4, and another relay's file as `derived`).
      // On the send's clock: where the client's was set back, a forward of the other clock may read seconds away
      // (a forward logged 3 h later was taken for a send, and the relay's link ran 3 h back).
      const forwarded = lastBefore(forwards, send.utc + 5 * SECOND, 60 * SECOND, (f) => ws.sameClock(f, send));
      const from = forwarded === undefined ? previousForward : before.get(forwarded)!;
      const bodies = between(allBodies, from, (forwarded ?? send).utc, true);
      if (forwarded) {
        claimed.add(forwarded);
      }
      out.push({
        messageId: send.fields.messageId,
        send,
        lines: [...mine, ...(post ? [post] : [])].sort(byTime),
        outgoing,
        forwarded,
        ...stated(ws, host, bodies),
      });
      previousForward = (forwarded ?? send).utc;
    }
    // Forwards from before CcmMessaging.log begins: what went out is unseen, but StateMessage.log recorded it, and
    // MP_Relay names it by client id and serial numbers (with a busy CcmMessaging.log rolled over, a client's
    // older relays had no flow at all).
    // They all come before CcmMessaging's first line, so before every send: on the same clock where the host's
    // was set back within the bundle (its CcmMessaging.log rolled over after that, its first line read three
    // hours before the forwards of the earlier clock, which had no flow).
    const firstMessage = ws.firstLogged(messaging);
    const unsent: RelaySend[] = [];
    for (const forwarded of forwards) {
      if (firstMessage !== undefined && ws.inLoggedOrder(forwarded, firstMessage) >= 0) {
        continue;
      }
      if (claimed.has(forwarded)) {
        continue;
      }
      const said = stated(ws, host, between(allBodies, before.get(forwarded)!, forwarded.utc, true));
      if (said.serials.length > 0) {
        unsent.push({ messageId: undefined, send: forwarded, lines: [], outgoing: forwarded, forwarded, ...said });
      }
    }
    return unsent.length > 0 ? [...unsent, ...out] : out;
  });
}

/** What a relay's StateMessage bodies say: its serial numbers, topics and client, and MP_Relay's bodies of them. */
function stated(
  ws: Workspace,
  host: string,
  bodies: CollectedEvent[],
): Pick<RelaySend, 'bodies' | 'serials' | 'topics' | 'clientId' | 'received'> {
  const messages = bodies.flatMap((b) => b.fields.stateMessages ?? []);
  const serials = messages.map((m) => m.serialNumber).filter((n): n is number => n !== undefined);
  const clientId = bodies.find((b) => b.fields.clientId !== undefined)?.fields.clientId ?? ws.idOf(host);
  return {
    bodies,
    serials,
    topics: [...new Set(messages.map((m) => m.topicId).filter((t): t is string => t !== undefined))],
    clientId,
    received: relayBodiesOf(ws, clientId, serials),
  };
}

/** MP_Relay's bodies from this client that carry any of these serial numbers, at any time. */
function relayBodiesOf(ws: Workspace, clientId: string | undefined, serials: number[]): number[] {
  if (serials.length === 0) {
    return [];
  }
  const c = ws.stateSide().columns;
  const wanted = new Set(serials);
  return (relayBodiesByClient(ws).get(clientId ?? '') ?? []).filter((i) =>
    (c.fields(i).stateMessages ?? []).some((s) => s.serialNumber !== undefined && wanted.has(s.serialNumber)),
  );
}

/**
 * For each MP, how much later than the client it logs the client's relays: the offset most relays agree on.
 * A relay is known by its client id and serial numbers, whatever the two clocks say, so this holds for a
 * client whose clock is hours or days off, where a window on the client's own time finds nothing (a client
 * three hours behind had every relay failed and its clock estimated 2 h 49 min off). Its location messages
 * are looked for around the same leads (see scan-flow's `locationLeads`).
 */
export function relayLeads(ws: Workspace, host: string): ReadonlyMap<string, Lead> {
  return ws.cached(`relay-leads\u0000${host}`, () => {
    const c = ws.stateSide().columns;
    const samples = new Map<string, LeadSample[]>();
    // Every relay, by when it left (CcmMessaging may have sent one later than StateMessage forwarded it: a queue,
    // retries). From before CcmMessaging.log begins only the forwards are left, and they are all that the time
    // has: without them, a client set back 3 h had its earlier location requests looked for around the later
    // clock's lead (one took its MP's request of three hours later), and one set back 40 s before its
    // CcmMessaging.log begins had them looked for 40 s off (one took the request of a neighbour behind its NAT
    // address).
    for (const relay of relaySends(ws, host)) {
      const t = relay.outgoing.utc;
      const side = ws.clockSide(relay.outgoing);
      // On each MP's later clock, where it was set within the bundle: its step would read as the client's.
      for (const i of relay.received) {
        push(samples, c.host(i), { t, offset: ws.onLaterClock(c.stamp(i)) - t, side });
      }
    }
    return new Map([...samples].map(([mp, list]) => [mp, leadOf(list, LEAD_SPREAD)]));
  });
}

/**
 * The MPFDM lines about one outbox file (its moves and failed moves), in order; or, for an MP on the site
 * server, which writes into StateSys's inbox itself, StateSys processing the file (`direct`).
 */
interface OutboxFile {
  readonly smx: string;
  /** Entries in the StateSideIndex. */
  readonly events: number[];
  /** Records StateSys found in the file, when it processed it. */
  readonly records: number | undefined;
  readonly direct: boolean;
}

interface Dispatch {
  readonly file: OutboxFile;
  /**
   * The relay's state messages, when the file held as many records: the file is tied to the relay by
   * that count (`derived`); otherwise only by coming first after it (`time`).
   */
  readonly counted: number | undefined;
  /**
   * Files with that count, this one among them, that MPFDM moved within ALIKE_MS of it after the relay: when
   * more than one, the count does not tell them apart and the link says so.
   */
  readonly alike: number;
}

/** How close together MPFDM's moves of two files must be for their order to say nothing (one cycle). */
const ALIKE_MS = 5 * SECOND;

/**
 * MP_Relay writes an SMX file to the outbox per relay and MPFDM moves the files to the site, but neither
 * logs what the other names: the relay logs the client's body, MPFDM the file name. What they share is the
 * number of state messages: StateSys says how many records each file held. So each relay (from any client,
 * in the bundle or not) takes the first file moved after it whose record count equals its message count;
 * failing that, the first file after it — and the link says which.
 */
function assignMoves(side: StateSideIndex): Map<number, Dispatch> {
  const c = side.columns;
  const time = side.time;
  const out = new Map<number, Dispatch>();
  const records = new Map<string, number>();
  /** Every SMX file an MPFDM of the bundle moved or tried to, once an MP on the site server asks. */
  let moved: Set<string | undefined> | undefined;
  for (const processing of side.everywhere('StateSys.processingFile')) {
    const log = side.component(c.host(processing), c.component(processing));
    const thread = c.thread(processing);
    const count = firstAfter(
      log,
      c.utc(processing),
      30 * SECOND,
      (i) => c.kind(i) === 'StateSys.processedRecords' && c.onThread(i, thread),
      time,
    );
    const smx = c.fields(processing).smxFile;
    const n = count === undefined ? undefined : c.fields(count).count;
    if (smx !== undefined && n !== undefined) {
      records.set(smx.toUpperCase(), n);
    }
  }
  for (const host of side.hosts()) {
    const byName = new Map<string, number[]>();
    for (const i of side.kindPrefix(host, 'MPFDM.')) {
      const smx = c.fields(i).smxFile?.toUpperCase();
      const kind = c.kind(i);
      if (smx !== undefined && (kind === 'MPFDM.fileMoved' || kind === 'MPFDM.moveFailed')) {
        byName.set(smx, [...(byName.get(smx) ?? []), i]);
      }
    }
    const direct = onSiteServer(side, host);
    if (direct) {
      // The files its StateSys processed that no MPFDM moved there: the others came from remote MPs.
      moved ??= new Set(
        side.everywhere('MPFDM.fileMoved', 'MPFDM.moveFailed').map((i) => c.fields(i).smxFile?.toUpperCase()),
      );
      for (const i of side.kindPrefix(host, 'StateSys.processingFile')) {
        const smx = c.fields(i).smxFile?.toUpperCase();
        if (smx !== undefined && !byName.has(smx) && !moved.has(smx)) {
          byName.set(smx, [i]);
        }
      }
    }
    const files: OutboxFile[] = [...byName]
      .map(([smx, list]) => ({ smx, events: list, records: records.get(smx), direct }))
      .sort((a, b) => c.byTime(a.events[0]!, b.events[0]!));
    const firstMove = (f: OutboxFile): number => c.utc(f.events[0]!);
    const taken = new Set<OutboxFile>();
    const contested = new Map<OutboxFile, number>();
    const relayLog = side.kindPrefix(host, 'MPRelay.');
    const relays = relayLog
      .filter((i) => c.kind(i) === 'MPRelay.messageBody')
      .map((body) => {
        const thread = c.thread(body);
        const done =
          firstAfter(
            relayLog,
            c.utc(body),
            10 * SECOND,
            (i) => c.kind(i) === 'MPRelay.taskCompleted' && c.onThread(i, thread),
            time,
          ) ?? body;
        return { done, messages: c.fields(body).stateMessages?.length };
      });
    // Relays that another, with as many state messages, could have taken the file of: it was still waiting
    // for its own when that file moved.
    const rivalled = new Map<number, number>();
    for (const [r, { done, messages }] of relays.entries()) {
      // Files are in time order: the candidates start at the first file at or after the relay's end.
      const candidates: OutboxFile[] = [];
      for (
        let k = firstIndexAt(files, c.utc(done), firstMove);
        k < files.length && firstMove(files[k]!) <= c.utc(done) + MPFDM_WINDOW;
        k++
      ) {
        if (!taken.has(files[k]!)) {
          candidates.push(files[k]!);
        }
      }
      const counted = messages === undefined ? undefined : candidates.find((f) => f.records === messages);
      // A moved file StateSys has not counted may be any relay's; a file StateSys processed with another count
      // than the relay's is another relay's (an MP on the site server has only such files).
      const file =
        counted ??
        candidates.find((f) => f.records === undefined) ??
        (direct && messages !== undefined ? undefined : candidates[0]);
      if (file) {
        taken.add(file);
        const alikeFiles = counted
          ? candidates.filter((f) => f.records === messages && Math.abs(firstMove(f) - firstMove(counted)) <= ALIKE_MS)
          : [];
        // The files an earlier relay could not tell apart stay uncertain for the relays that take them next.
        for (const f of alikeFiles.length > 1 ? alikeFiles : []) {
          contested.set(f, Math.max(contested.get(f) ?? 1, alikeFiles.length));
        }
        // Relays with as many messages that ended before this file moved were waiting for theirs too: MPFDM
        // moves an outbox in its own order, so any of them may own it (three relays of one MP took each other's
        // files in a cycle, 15-19 s apart, in a generated bundle).
        let waiting = 0;
        if (counted) {
          for (let k = r + 1; k < relays.length && c.utc(relays[k]!.done) <= firstMove(file); k++) {
            if (relays[k]!.messages === messages) {
              waiting += 1;
              rivalled.set(k, Math.max(rivalled.get(k) ?? 1, waiting + 1));
            }
          }
        }
        const alike = Math.max(alikeFiles.length, contested.get(file) ?? 1, waiting + 1, rivalled.get(r) ?? 1, 1);
        out.set(done, { file, counted: counted ? messages : undefined, alike });
      }
    }
  }
  return out;
}

/**
 * Whether this MP is on the site server: its machine's StateSys processes files and no MPFDM moves them there.
 * Such an MP writes its relays' files into StateSys's inbox itself (reference §6.12), so the files to match
 * its relays with are those StateSys processed.
 */
export function onSiteServer(side: StateSideIndex, host: string): boolean {
  return side.kindPrefix(host, 'MPFDM.').length === 0 && side.kindPrefix(host, 'StateSys.').length > 0;
}

function relayFlow(
  ws: Workspace,
  host: string,
  relay: RelaySend,
  lead: (mp: string) => number,
  context: StateMessageContext,
): void {
  const { messageId: m, send, outgoing, forwarded, bodies, serials, topics, clientId } = relay;
  const flow = ws.flow({
    // Without CcmMessaging's message id, its client's first serial number names it (serials do not repeat).
    id: m === undefined ? `state-message:${host}#${serials[0]!}` : `state-message:${m}`,
    kind: 'state-message',
    host,
    keys: m === undefined ? {} : { message: m },
    events: new EventSet(),
  });
  const add = (e: CollectedEvent | undefined): e is CollectedEvent => {
    if (e !== undefined) {
      flow.events.add(e);
    }
    return e !== undefined;
  };
  relay.lines.forEach(add);
  if (m !== undefined) {
    ws.chain(relay.lines, 'id', `message=${m}`);
  }
  bodies.forEach(add);
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
    ws.chain(
      [...bodies, forwarded],
      'time',
      'state messages recorded, then forwarded',
      forwarded.utc - (bodies[0] ?? forwarded).utc,
    );
    if (forwarded !== send) {
      ws.link(
        forwarded,
        send,
        'time',
        'StateMessage forwards through CcmMessaging (queue mp_relayendpoint)',
        60 * SECOND,
      );
    }
  }

  // The MP that received it: MP_Relay logs the same body (ClientID, serial numbers, topics), at the client's
  // time plus that MP's lead.
  const c = ws.stateSide().columns;
  const offBy = (i: number): number => Math.abs(ws.onLaterClock(c.stamp(i)) - outgoing.utc - lead(c.host(i)));
  const receivedAt = relay.received.filter((i) => offBy(i) <= RELAY_WINDOW).sort((a, b) => offBy(a) - offBy(b))[0];
  if (receivedAt === undefined) {
    return;
  }
  const received = c.event(receivedAt);
  if (relay.byOrder === true) {
    ws.link(
      outgoing,
      received,
      'time',
      `clientId=${clientId ?? '?'} serialNumber=${serials.join(',')}: in order, the relay MP_Relay logged for this ` +
        'send, which CcmMessaging.log holds from before StateMessage.log begins',
      RELAY_WINDOW,
    );
    atMp(ws, flow, receivedAt, context);
    return;
  }
  ws.link(outgoing, received, 'derived', `clientId=${clientId ?? '?'} serialNumber=${serials.join(',')}`);
  // A send bounds the clocks both ways. A forward only from below (CcmMessaging may hold it in its queue for
  // hours), and where the host's logs went back in time only its earlier clock: among the later clock's pairs,
  // a forward of the earlier put a client set back 3 h wrong by as much, where its logs' order had it right.
  // Where they did not, it counts as any pair: a client set back 40 s before its CcmMessaging.log begins had
  // only forwards left from before, and nothing else showed the step.
  if (m !== undefined) {
    ws.pair(outgoing, received, 'client → MP state message relay', 0, 60 * SECOND, 300);
  } else if (ws.clockJumps(host) === undefined) {
    ws.pair(outgoing, received, 'client → MP state message forward', 0, RELAY_WINDOW, 300);
  } else if (ws.clockSide(outgoing) === 'before') {
    // But a forward does bound the earlier clock of a client whose logs went back in time where it was set
    // back, from below, where CcmMessaging.log no longer reaches back to the sends that would measure it: a
    // client set back 3 h had its earlier clock's records read three hours late.
    ws.pair(outgoing, received, 'client → MP state message forward', 0, RELAY_WINDOW, 300, true);
  }
  atMp(ws, flow, receivedAt, context);
}

/**
 * A relay from where MP_Relay received its body (`receivedAt`, an entry of the StateSideIndex): the relay task
 * on the MP, the SMX file MPFDM moved for it and StateSys processing that file.
 */
function atMp(ws: Workspace, flow: FlowDraft, receivedAt: number, context: StateMessageContext): void {
  const side = ws.stateSide();
  const c = side.columns;
  const time = side.time;
  const add = (e: CollectedEvent): void => flow.events.add(e);
  const received = c.event(receivedAt);
  add(received);
  flow.keys.mp = received.host;
  const relayLog = side.component(received.host, received.component);
  const task = between(relayLog, received.utc - 2 * SECOND, received.utc + 10 * SECOND, false, time).filter((i) =>
    c.onThread(i, received.thread),
  );
  const end = task.findIndex((i) => c.kind(i) === 'MPRelay.taskCompleted' && c.utc(i) >= received.utc);
  const relayTask = end < 0 ? task : task.slice(0, end + 1);
  const startIdx = relayTask.findIndex((i) => c.kind(i) === 'MPRelay.startProcessing');
  const stepEntries = startIdx < 0 ? relayTask : relayTask.slice(startIdx);
  const steps = stepEntries.map((i) => c.event(i));
  steps.forEach(add);
  ws.chain(steps, 'time', 'MP_Relay task, same thread', 12 * SECOND);
  const relayDoneAt = stepEntries[stepEntries.length - 1] ?? receivedAt;

  // MPFDM moves the SMX to the site; which file is this relay's comes from the order (see assignMoves).
  const assigned = context.moves.get(relayDoneAt);
  if (!assigned) {
    return;
  }
  const file = assigned.file;
  const dispatch = file.events.map((i) => c.event(i));
  dispatch.forEach(add);
  const sure = assigned.counted !== undefined && assigned.alike === 1;
  // What happened to the file first after the relay: StateSys processed it (an MP on the site server), or MPFDM
  // moved it ("moved" where its count is given).
  const first = file.direct
    ? `${file.smx}: first file StateSys processed after the relay`
    : `${file.smx}: first file ${assigned.counted === undefined ? 'MPFDM moved' : 'moved'} after the relay`;
  const count =
    assigned.counted === undefined
      ? ''
      : ` with ${assigned.counted} records, as many as the relay's state messages` +
        (sure
          ? ''
          : `, one of ${assigned.alike} such files for as many relays waiting at once (the logs do not say which is ` +
            'its own)');
  ws.link(
    c.event(relayDoneAt),
    dispatch[0]!,
    sure ? 'derived' : 'time',
    first + count + (file.direct ? " (the MP is on the site server and writes into StateSys's inbox)" : ''),
    MPFDM_WINDOW,
  );
  flow.keys.smxFile = file.smx;
  if (file.direct) {
    processing(ws, side, flow, file.events[0]!);
    return;
  }
  linkOutageStart(ws, side, flow, file.events[0]!, context);
  ws.chain(dispatch, 'id', `smx=${file.smx}`);
  const moved = file.events.find((i) => c.kind(i) === 'MPFDM.fileMoved');
  if (moved !== undefined) {
    stateSystem(ws, side, flow, moved, context);
  }
}

/** StateSys on the site processing the moved SMX file (its name is the only key between the two). */
function stateSystem(
  ws: Workspace,
  side: StateSideIndex,
  flow: FlowDraft,
  moveAt: number,
  context: StateMessageContext,
): void {
  const c = side.columns;
  const smx = c.fields(moveAt).smxFile!.toUpperCase();
  const bySmx = side.indexBy('statesys-by-smx', ['StateSys.processingFile'], (i) => c.fields(i).smxFile?.toUpperCase());
  const processingAt = (bySmx.get(smx) ?? [])
    .filter((i) => c.host(i) !== c.host(moveAt) && Math.abs(c.utc(i) - c.utc(moveAt)) <= CROSS_HOST_WINDOW)
    .sort((a, b) => c.byTime(a, b))[0];
  if (processingAt === undefined) {
    return;
  }
  const move = c.event(moveAt);
  ws.link(move, c.event(processingAt), 'id', `smx=${smx}`);
  const noticeAt = processing(ws, side, flow, processingAt);
  // Only the file that triggered the notification arrived before it; a later file of the batch arrived during
  // StateSys's pause, after it (16 of 218 such links at 16 MB went back in time).
  if (noticeAt !== undefined && context.trigger.get(noticeAt) === moveAt) {
    ws.link(move, c.event(noticeAt), 'time', 'file arrives in statesys.box, StateSys is notified', 5 * MINUTE);
  }
}

/**
 * StateSys's lines about one file it processed, into the flow: the inbox notification before it, the file, and
 * the counts after it on its thread. Returns the notification's entry.
 */
function processing(ws: Workspace, side: StateSideIndex, flow: FlowDraft, processingAt: number): number | undefined {
  const c = side.columns;
  const time = side.time;
  const at = c.utc(processingAt);
  const thread = c.thread(processingAt);
  const log = side.component(c.host(processingAt), c.component(processingAt));
  const noticeAt = lastBefore(log, at, 5 * MINUTE, (i) => c.kind(i) === 'StateSys.inboxNotification', time);
  const counts = between(log, at, at + 30 * SECOND, false, time).filter((i) => {
    const kind = c.kind(i);
    return c.onThread(i, thread) && (kind === 'StateSys.processedRecords' || kind === 'StateSys.processedFiles');
  });
  const steps = [...(noticeAt === undefined ? [] : [noticeAt]), processingAt, ...counts.slice(0, 2)].map((i) =>
    c.event(i),
  );
  steps.forEach((e) => flow.events.add(e));
  ws.chain(steps, 'time', 'StateSys batch, same host', 5 * MINUTE + 30 * SECOND);
  return noticeAt;
}

/**
 * Every SMX file MPFDM moved and StateSys then processed is a message from the MP to the site, whichever
 * client it came from: evidence for the two hosts' clocks even when no client log is in the bundle.
 * Returns the move that triggered each notification, where that is known.
 */
function pairSmxMoves(ws: Workspace, side: StateSideIndex): Map<number, number> {
  const c = side.columns;
  const time = side.time;
  const moves = new Map<string, number>();
  for (const move of side.everywhere('MPFDM.fileMoved')) {
    const smx = c.fields(move).smxFile?.toUpperCase();
    if (smx !== undefined && !moves.has(smx)) {
      moves.set(smx, move);
    }
  }
  // A notification is triggered by the first file of its batch to arrive: pair it with the batch's
  // earliest move. Every file's processing also comes after its own move (a looser bound). Which file came
  // first is only known when the batch's files all come from one MP: across MPs, the earliest by their
  // logged times is not the earliest in fact until their clocks are known (at 1 GB, pairing it anyway put
  // three of four MPs 10 s off while claiming ±0.3 s). Nor when a file of the batch was not moved by an MPFDM
  // of the bundle: an MP on the site server writes its files into the inbox itself, and a file from an MP
  // whose logs are not in the bundle comes unseen (either may have been first: a remote MP's clock put 8 s off).
  const batches = new Map<number, number[]>();
  const unseen = new Set<number>();
  for (const processed of side.everywhere('StateSys.processingFile')) {
    const move = moves.get(c.fields(processed).smxFile?.toUpperCase() ?? '');
    const moved =
      move !== undefined &&
      c.host(move) !== c.host(processed) &&
      Math.abs(c.utc(processed) - c.utc(move)) <= CROSS_HOST_WINDOW;
    if (moved) {
      ws.pair(c.stamp(move), c.stamp(processed), 'MP → site SMX file (MPFDM → StateSys)', 0, 5 * MINUTE, 10_000);
    }
    const log = side.component(c.host(processed), c.component(processed));
    const notice = lastBefore(
      log,
      c.utc(processed),
      5 * MINUTE,
      (i) => c.kind(i) === 'StateSys.inboxNotification',
      time,
    );
    if (notice !== undefined && moved) {
      batches.set(notice, [...(batches.get(notice) ?? []), move]);
    } else if (notice !== undefined) {
      unseen.add(notice);
    }
  }
  const trigger = new Map<number, number>();
  for (const [notice, batch] of batches) {
    if (unseen.has(notice) || batch.some((move) => c.host(move) !== c.host(batch[0]!))) {
      continue;
    }
    const first = batch.sort((a, b) => c.byTime(a, b))[0]!;
    trigger.set(notice, first);
    ws.pair(c.stamp(first), c.stamp(notice), 'MP → site SMX file (MPFDM → StateSys)', 0, 5 * MINUTE, 300);
  }
  return trigger;
}

/**
 * Consecutive MPFDM failures on a host (no successful move between them) are one outage: chained, so that
 * walking back from any of them reaches the first. They are problems, which the workspace holds as events.
 * Returns each later failure's first.
 */
function chainMpfdmOutages(ws: Workspace, side: StateSideIndex): Map<number, number> {
  const c = side.columns;
  const starts = new Map<number, number>();
  for (const host of side.hosts()) {
    let run: number[] = [];
    const end = (): void => {
      ws.chain(
        run.map((i) => c.event(i)),
        'time',
        OUTAGE,
        run.length > 0 ? c.utc(run[run.length - 1]!) - c.utc(run[0]!) : 0,
      );
      for (let k = 1; k < run.length; k++) {
        starts.set(run[k]!, run[0]!);
      }
      run = [];
    };
    for (const i of side.kindPrefix(host, 'MPFDM.')) {
      const kind = c.kind(i);
      if (MPFDM_TROUBLE.has(kind ?? '')) {
        run.push(i);
      } else if (kind === 'MPFDM.fileMoved') {
        end();
      }
    }
    end();
  }
  return starts;
}

const OUTAGE = 'MPFDM failures with no successful move between them (one outage)';

/**
 * A flow whose file failed to move in an outage that began earlier takes the outage's first failure, linked
 * to its own: walking back from it reaches where the outage began. The failures in between are other
 * files' (the outage is chained through them for walks outside flows), not this flow's: taken into every
 * flow of a long outage they made each of its flows thousands of events long (at 1 GB, 505 flows of up to
 * 7,700).
 */
function linkOutageStart(
  ws: Workspace,
  side: StateSideIndex,
  flow: FlowDraft,
  failure: number,
  context: StateMessageContext,
): void {
  const start = context.outageStart.get(failure);
  if (start !== undefined) {
    const first = side.columns.event(start);
    flow.events.add(first);
    ws.link(first, side.columns.event(failure), 'time', OUTAGE, side.columns.utc(failure) - side.columns.utc(start));
  }
}
