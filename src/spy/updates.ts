// The Software Updates tab (Client Spy never had one): update sources and content versions (ScanAgent),
// scan history with results (the correlator's scan flows, which follow each ScanJob through LocationServices,
// the MP and WUAHandler), updates by state with KB and revision (WUAHandler) and what became of those missing
// once installed, the installations (the correlator's install flows, WUAHandler through WindowsUpdate.log) with
// each update's result, and the state messages the client raised (StateMessage) with whether they reached the
// site (the correlator's state-message flows, which follow them through MP_Relay and MPFDM to StateSys).

import { flowName } from '../correlate/flow-name.ts';
import type { Timeline, TimelineEvent, TimelineFlow } from '../correlate/model.ts';
import type { SpyEvidence, SpyHost, SpyNode, SpyRecord } from './model.ts';
import { fact, group, last, missingFrom, unknown, utcText } from './model.ts';

const TOPIC_TYPES: Readonly<Record<number, string>> = {
  300: 'assignment compliance',
  301: 'assignment enforcement',
  302: 'assignment evaluation',
  500: 'update detection',
  501: 'update source scan',
};

const byTimeline = new WeakMap<Timeline, ReadonlyMap<string, TimelineEvent>>();

/** The timeline's events by id, made once per timeline: every flow node of the tab looks its records up. */
function eventsById(t: Timeline): ReadonlyMap<string, TimelineEvent> {
  let byId = byTimeline.get(t);
  if (byId === undefined) {
    byId = new Map(t.events.map((e) => [e.id, e]));
    byTimeline.set(t, byId);
  }
  return byId;
}

function flowEvidence(t: Timeline, flow: TimelineFlow): SpyEvidence[] {
  const byId = eventsById(t);
  const first = byId.get(flow.events[0] ?? '');
  const end = byId.get(flow.events[flow.events.length - 1] ?? '');
  return [first, end]
    .filter((e) => e !== undefined)
    .filter((e, i, all) => all.findIndex((x) => x.id === e.id) === i)
    .map((e) => ({ file: e.file, line: e.line }));
}

function updateSources(host: SpyHost): SpyNode {
  const sources = new Map<string, { version?: SpyRecord; url?: SpyRecord; first: SpyRecord }>();
  for (const r of host.records) {
    const f = r.fields;
    if (f.updateSource === undefined || r.component.toLowerCase() !== 'scanagent') {
      continue;
    }
    const s = sources.get(f.updateSource) ?? { first: r };
    if (f.contentVersion !== undefined) {
      s.version = r;
    }
    if (f.wsusUrls !== undefined && f.wsusUrls.length > 0) {
      s.url = r;
    }
    sources.set(f.updateSource, s);
  }
  if (sources.size === 0) {
    return group('Update sources', [
      unknown('Update sources', missingFrom(host, 'ScanAgent.log', 'update source policies')),
    ]);
  }
  return group(
    'Update sources',
    [...sources.entries()].map(([id, s]) =>
      fact(id, undefined, [s.first], {
        children: [
          s.version === undefined
            ? unknown('Content version', missingFrom(host, 'ScanAgent.log', 'the content version'))
            : fact('Content version', String(s.version.fields.contentVersion), [s.version]),
          s.url === undefined
            ? unknown('WSUS server', missingFrom(host, 'ScanAgent.log', 'a WSUS location for this source'))
            : fact('WSUS server', s.url.fields.wsusUrls?.[0], [s.url]),
        ],
      }),
    ),
  );
}

function scanHistory(host: SpyHost, t: Timeline | undefined): SpyNode {
  const scans = t?.flows.filter((f) => f.kind === 'scan' && f.host === host.name) ?? [];
  if (t === undefined || scans.length === 0) {
    return group('Scan history', [unknown('Scans', missingFrom(host, 'ScanAgent.log', 'scan jobs'))]);
  }
  return group(
    'Scan history',
    scans.map((flow) => flowNode(t, flow)),
  );
}

/** A flow as a node: its name, status, start and summary, cited by its first and last records. */
function flowNode(t: Timeline, flow: TimelineFlow, children: readonly SpyNode[] = []): SpyNode {
  const start = eventsById(t).get(flow.events[0] ?? '');
  return {
    label: flowName(flow),
    value: flow.status,
    description: `${start === undefined ? '' : `${new Date(start.time).toISOString()} · `}${flow.summary}`,
    state: flow.status === 'ok' ? 'ok' : flow.status === 'failed' ? 'error' : 'warning',
    evidence: flowEvidence(t, flow),
    children,
  };
}

/** The scan's latest status line for each update WUAHandler reported (its title, KB and revision). */
function latestStatus(host: SpyHost): Map<string, SpyRecord> {
  const latest = new Map<string, SpyRecord>();
  for (const r of host.records) {
    const u = r.fields.updates?.[0];
    if (r.fields.event === 'WUAHandler.updateStatus' && u !== undefined) {
      latest.set(u.id, r);
    }
  }
  return latest;
}

/** WUAHandler's `Update n (id) finished installing (0x…)` lines, by update id, the last of each. */
function installResults(host: SpyHost): Map<string, SpyRecord> {
  const out = new Map<string, SpyRecord>();
  for (const r of host.records) {
    const id = r.fields.updates?.[0]?.id;
    if (r.fields.event === 'WUAHandler.updateInstallFinished' && id !== undefined) {
      out.set(id, r);
    }
  }
  return out;
}

/** How an update's install ended: `installed`, or the code it failed with. */
function installOutcome(r: Pick<SpyRecord, 'fields'>): { readonly value: string; readonly state: 'ok' | 'error' } {
  const code = r.fields.errorCodes?.[0];
  return code === undefined ? { value: 'installed', state: 'ok' } : { value: `failed ${code}`, state: 'error' };
}

function updatesByState(host: SpyHost, latest: ReadonlyMap<string, SpyRecord>): SpyNode {
  const installed = installResults(host);
  if (latest.size === 0) {
    return group('Updates by state', [
      unknown('Updates', missingFrom(host, 'WUAHandler.log', 'scan results per update')),
    ]);
  }
  const states = new Map<string, SpyNode[]>();
  for (const r of latest.values()) {
    const u = r.fields.updates![0]!;
    const state = u.state ?? 'unknown';
    // A missing update installed (or not) after the scan that found it missing says so.
    const result = state === 'Missing' ? installed.get(u.id) : undefined;
    const after = result !== undefined && (result.utc ?? 0) >= (r.utc ?? 0) ? installOutcome(result) : undefined;
    states.set(state, [
      ...(states.get(state) ?? []),
      fact(u.kb ?? u.id, u.title, after === undefined ? [r] : [r, result], {
        description: `${u.id}, revision ${u.revision ?? '?'}${after === undefined ? '' : ` · since then ${after.value}`}`,
        ...(after !== undefined && { state: after.state }),
      }),
    ]);
  }
  return group(
    'Updates by state',
    [...states.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([state, nodes]) =>
        group(`${state} (${nodes.length})`, nodes, { state: state === 'Missing' ? 'warning' : 'ok' }),
      ),
  );
}

function installations(host: SpyHost, t: Timeline | undefined, statusOf: ReadonlyMap<string, SpyRecord>): SpyNode {
  const installs = t?.flows.filter((f) => f.kind === 'install' && f.host === host.name) ?? [];
  if (t === undefined || installs.length === 0) {
    return group('Installations', [
      unknown('Installations', missingFrom(host, 'WUAHandler.log', 'installations of updates')),
    ]);
  }
  const finished = host.records.filter((r) => r.fields.event === 'WUAHandler.updateInstallFinished');
  const updateNode = (id: string, result: SpyRecord | TimelineEvent): SpyNode => {
    const u = statusOf.get(id)?.fields.updates?.[0];
    const outcome = installOutcome(result);
    return fact(u?.kb ?? id, outcome.value, [result], {
      description: u?.title === undefined ? id : `${u.title} — ${id}`,
      state: outcome.state,
    });
  };
  return group(
    'Installations',
    installs.map((flow) => {
      const mine = new Set(flow.events);
      const updates =
        flow.keys['clientLogs'] === undefined
          ? finished
              .filter((r) => mine.has(`${r.file}:${r.line}`))
              .map((r) => updateNode(r.fields.updates?.[0]?.id ?? '?', r))
          : wuResults(t, flow).map(([id, result]) => updateNode(id, result));
      return flowNode(t, flow, updates);
    }),
  );
}

/**
 * Each update of an installation WindowsUpdate.log alone holds, with its result: the handler's `Completed
 * install …` after `Starting install of … {ID}` on the same thread (the update is named only by the start).
 */
function wuResults(t: Timeline, flow: TimelineFlow): Array<[string, TimelineEvent]> {
  const byId = eventsById(t);
  const events = flow.events.map((id) => byId.get(id)).filter((e) => e !== undefined);
  return events.flatMap((e, i): Array<[string, TimelineEvent]> => {
    const id = e.kind === 'WindowsUpdate.installStarting' ? e.fields.updates?.[0]?.id : undefined;
    const done = events.slice(i + 1).find((x) => x.kind === 'WindowsUpdate.installCompleted' && x.thread === e.thread);
    return id === undefined || done === undefined ? [] : [[id, done]];
  });
}

function stateMessages(host: SpyHost, t: Timeline | undefined): SpyNode {
  const sent = host.records.filter((r) => r.fields.event === 'StateMessage.body');
  const recorded = host.records.filter((r) => r.fields.event === 'StateMessage.recorded');
  const relays = t?.flows.filter((f) => f.kind === 'state-message' && f.host === host.name) ?? [];
  const older = t === undefined ? [] : relaysOnlyAtMp(t, relays);
  if (sent.length === 0 && recorded.length === 0) {
    return group('State messages', [
      unknown('State messages', missingFrom(host, 'StateMessage.log', 'state messages')),
      ...older,
    ]);
  }
  const nodes: SpyNode[] = [...older];
  const sentSerials = new Set<number>();
  for (const body of sent) {
    for (const m of body.fields.stateMessages ?? []) {
      if (m.serialNumber !== undefined) {
        sentSerials.add(m.serialNumber);
      }
      const flow = relays.find((f) => {
        const serials = f.keys['serialNumbers'];
        return Array.isArray(serials) && serials.includes(String(m.serialNumber));
      });
      const reached: SpyNode =
        flow === undefined || t === undefined
          ? unknown(
              'Reached the site',
              'no relay of this serial in CcmMessaging.log, MP_Relay.log, MPFDM.log and StateSys.log at hand',
            )
          : {
              label: 'Reached the site',
              value: flow.status === 'ok' ? 'yes' : 'no',
              description: flow.summary,
              state: flow.status === 'ok' ? 'ok' : 'error',
              evidence: flowEvidence(t, flow),
              children: [],
            };
      const topic = m.topicType === undefined ? '?' : `${m.topicType} ${TOPIC_TYPES[m.topicType] ?? ''}`.trim();
      nodes.push(
        fact(`Serial ${m.serialNumber ?? '?'}`, `topic ${topic}, state ${m.stateId ?? '?'}`, [body], {
          description: m.topicId ?? '',
          state: reached.state ?? 'unknown',
          children: [reached],
        }),
      );
    }
  }
  const unsent = recorded.filter((r) => {
    const at = r.utc ?? 0;
    return !sent.some((b) => (b.utc ?? 0) >= at);
  });
  for (const r of unsent) {
    nodes.push(
      fact(
        `TopicType ${r.fields.topicType ?? '?'}`,
        `${r.fields.topicId ?? '?'} state ${r.fields.stateId ?? '?'}`,
        [r],
        {
          description: 'recorded, not yet forwarded when the logs end',
          state: 'warning',
        },
      ),
    );
  }
  const forwarded = last(host.records.filter((r) => r.fields.event === 'StateMessage.forwarded'));
  return group('State messages', nodes, {
    description: `${sentSerials.size} sent${forwarded === undefined ? '' : `, last forwarded ${utcText(forwarded)}`}`,
  });
}

/**
 * The relays only the MP still logs (the client's own logs do not reach back to them), as the correlator
 * followed them from MP_Relay to the site.
 */
function relaysOnlyAtMp(t: Timeline, relays: readonly TimelineFlow[]): SpyNode[] {
  return relays.flatMap((flow) => {
    const seen = flow.keys['clientLogs'];
    const serials: readonly string[] = Array.isArray(flow.keys['serialNumbers']) ? flow.keys['serialNumbers'] : [];
    if (typeof seen !== 'string' || serials.length === 0) {
      return [];
    }
    const range = serials.length > 1 ? `${serials[0]!}–${serials[serials.length - 1]!}` : serials[0]!;
    return [
      {
        label: `Serials ${range}`,
        value: flow.status === 'ok' ? 'reached the site' : 'did not reach the site',
        description: flow.summary,
        state: flow.status === 'ok' ? 'ok' : 'error',
        evidence: flowEvidence(t, flow),
        children: [],
      },
    ];
  });
}

export function softwareUpdatesTab(host: SpyHost, t: Timeline | undefined): SpyNode[] {
  // The scan's status lines name each update (title, KB) for both the states and the installations.
  const latest = latestStatus(host);
  return [
    updateSources(host),
    scanHistory(host, t),
    updatesByState(host, latest),
    installations(host, t, latest),
    stateMessages(host, t),
  ];
}
