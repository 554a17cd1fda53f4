// The correlator, start to end: collect the records that matter from a bundle, assemble the sync, scan
// and state-message flows, estimate each host's clock skew from the messages that cross between hosts,
// join what only time can join (IIS requests) on the corrected clocks, find failures and their upstream
// causes, and hand back one timeline in corrected UTC.

import type { Bundle } from '../parsers/bundle.ts';
import type { UtcInstant } from '../parsers/time.ts';
import { collect } from './collect.ts';
import type { Collected, CollectedEvent } from './collect.ts';
import { findFailures } from './failures.ts';
import type { FlowStatus, Timeline, TimelineEvent, TimelineFlow, TimelineHost } from './model.ts';
import { buildScanFlows } from './scan-flow.ts';
import { estimateSkew } from './skew.ts';
import { buildStateMessageFlows } from './state-flow.ts';
import { buildSyncFlows } from './sync-flow.ts';
import type { FlowDraft } from './workspace.ts';
import { Workspace } from './workspace.ts';

const SECOND = 1000;

export interface AnalyzeOptions {
  readonly signal?: AbortSignal;
}

export async function analyzeBundle(bundle: Bundle, options: AnalyzeOptions = {}): Promise<Timeline> {
  const collected = await collect(bundle, options);
  return correlate(collected, bundle.name);
}

export function correlate(collected: Collected, bundleName: string): Timeline {
  const ws = new Workspace(collected.events);
  buildSyncFlows(ws);
  buildScanFlows(ws);
  buildStateMessageFlows(ws);

  const parsedHosts = collected.parse.hosts;
  const skew = estimateSkew(ws.pairs, parsedHosts);
  for (const [host, estimate] of skew.hosts) {
    ws.skew.set(host, estimate.skewMs);
  }
  linkIisRequests(ws);
  const { failures, status } = findFailures(ws, collected.lastSeenByFile);

  const hosts: TimelineHost[] = parsedHosts.map((h) => {
    const estimate = skew.hosts.get(h.name);
    return {
      dir: h.dir,
      name: h.name,
      role: h.roles[0] ?? 'unknown',
      roles: h.roles,
      biasMinutes: h.biasMinutes,
      clockSkewMs: estimate?.skewMs ?? 0,
      skewUncertaintyMs: estimate?.uncertaintyMs,
      skewBasis: estimate?.basis ?? 'no events kept from this host',
      files: h.files,
    };
  });

  const order = (a: CollectedEvent, b: CollectedEvent): number => ws.corrected(a) - ws.corrected(b) || a.seq - b.seq;
  const events: TimelineEvent[] = [...collected.events].sort(order).map((e) => ({
    id: e.id,
    file: e.file,
    line: e.line,
    endLine: e.endLine,
    time: ws.corrected(e) as UtcInstant,
    loggedTime: e.utc,
    host: e.host,
    component: e.component,
    severity: e.severity,
    text: e.text,
    kind: e.kind,
    fields: e.fields,
    thread: e.thread,
  }));
  const flows: TimelineFlow[] = ws.flows.map((f) => {
    const list = [...f.events].map((id) => ws.byId.get(id)!).sort(order);
    const s = status.get(f.id) ?? 'incomplete';
    return {
      id: f.id,
      kind: f.kind,
      keys: f.keys,
      status: s,
      summary: summarize(f, list, s),
      host: f.host,
      events: list.map((e) => e.id),
    };
  });
  return {
    schema: 'cmflow.timeline/1',
    bundle: bundleName,
    referenceHost: skew.reference,
    hosts,
    events,
    flows,
    links: ws.links,
    // Incidents in flows first, in time order; then what happened outside them, most frequent first.
    failures: failures.sort(
      (a, b) =>
        Number(a.flow === undefined) - Number(b.flow === undefined) ||
        (a.flow === undefined ? b.occurrences - a.occurrences : 0) ||
        ws.corrected(ws.byId.get(a.event)!) - ws.corrected(ws.byId.get(b.event)!),
    ),
  };
}

/**
 * The MP's IIS log records each client request (CCM_POST /ccm_system/request, client address), in UTC by the
 * MP's clock. No id ties it to the client's message: the request from the client's address nearest the
 * send on the corrected clocks, within a few seconds, is taken.
 */
function linkIisRequests(ws: Workspace): void {
  const window = 5 * SECOND;
  for (const flow of ws.flows) {
    const mp = flow.keys.mp;
    const ip = ws.clientIp.get(flow.host);
    if (typeof mp !== 'string' || ip === undefined) {
      continue;
    }
    const byClient = ws.cached('iis-by-client', () => {
      const index = new Map<string, CollectedEvent[]>();
      for (const [h, list] of ws.byHost) {
        for (const e of list) {
          if (e.component === 'IIS' && e.fields.httpMethod === 'CCM_POST' && e.fields.clientIp !== undefined) {
            const k = `${h}|${e.fields.clientIp}`;
            const bucket = index.get(k);
            if (bucket) {
              bucket.push(e);
            } else {
              index.set(k, [e]);
            }
          }
        }
      }
      return index;
    });
    const requests = byClient.get(`${mp}|${ip}`) ?? [];
    const sends = [...flow.events]
      .map((id) => ws.byId.get(id)!)
      .filter((e) => e.kind === 'CcmMessaging.sendingOutgoing' || e.kind === 'CcmMessaging.post');
    for (const send of sends) {
      const t = ws.corrected(send);
      let best: CollectedEvent | undefined;
      for (const r of requests) {
        const d = ws.corrected(r) - t;
        if (d >= -window && d <= window && (best === undefined || Math.abs(d) < Math.abs(ws.corrected(best) - t))) {
          best = r;
        }
      }
      if (best) {
        flow.events.add(best.id);
        ws.link(send, best, 'time', `CCM_POST from ${ip} on the corrected clocks`, window);
      }
    }
  }
}

function summarize(flow: FlowDraft, events: readonly CollectedEvent[], status: FlowStatus): string {
  const k = flow.keys;
  const outcome = status === 'ok' ? 'completed' : status === 'failed' ? 'FAILED' : 'did not complete in these logs';
  switch (flow.kind) {
    case 'scan': {
      const updates = events.filter((e) => e.kind === 'WUAHandler.updateStatus');
      const missing = updates.filter((e) => e.fields.updates?.[0]?.state === 'Missing').length;
      const found = updates.length > 0 ? `, ${updates.length} updates (${missing} missing)` : '';
      const via = typeof k.mp === 'string' ? ` via ${k.mp}` : '';
      return `${flow.host}: scan of update source ${String(k.updateSource ?? '?')} v${String(k.contentVersion ?? '?')}${via}${found}: ${outcome}`;
    }
    case 'state-message': {
      const serials = Array.isArray(k.serialNumbers) ? k.serialNumbers : [];
      const range =
        serials.length > 0
          ? ` (serial ${serials[0]}${serials.length > 1 ? `–${serials[serials.length - 1]}` : ''})`
          : '';
      const smx = typeof k.smxFile === 'string' ? `, ${k.smxFile}` : '';
      const via = typeof k.mp === 'string' ? ` via ${k.mp}` : '';
      return `${flow.host}: ${serials.length} state message${serials.length === 1 ? '' : 's'}${range}${via}${smx}: ${outcome}`;
    }
    case 'sync':
      return `${flow.host}: sync set update source ${String(k.updateSource)} to content version ${String(k.contentVersion)}: ${outcome}`;
  }
}
