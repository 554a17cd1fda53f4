// The sync flow on the site server: WSyncMgr sets the content version of an update source → SMSDBMON sees
// the change and drops a notification → PolicyPv updates the update-source policy ("Scan Tool"). Clients'
// scan flows start from that policy: the update source and content version are the shared key.

import type { CollectedEvent } from './collect.ts';
import type { Workspace } from './workspace.ts';
import { between, byTime, EventSet } from './workspace.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export function buildSyncFlows(ws: Workspace): void {
  for (const host of ws.ownHosts()) {
    const all = ws.on(host);
    for (const set of ws.kinds(host, 'WSyncMgr.contentVersionSet')) {
      const us = set.fields.updateSource;
      const cv = set.fields.contentVersion;
      if (us === undefined || cv === undefined) {
        continue;
      }
      const flow = ws.flow({
        id: `sync:${us}:${cv}`,
        kind: 'sync',
        host,
        keys: { updateSource: us, contentVersion: cv },
        events: new EventSet([set]),
      });
      const around = between(all, set.utc - 30 * SECOND, set.utc + 2 * MINUTE).filter(
        (e) => e.kind?.startsWith('WSyncMgr.') === true && e.thread === set.thread,
      );
      const dbmon = between(all, set.utc - 5 * SECOND, set.utc + 10 * MINUTE).filter(
        (e) => e.kind?.startsWith('SMSDBMON.') === true && e.fields.guids?.includes(us) === true,
      );
      const notifications = new Set(
        dbmon.flatMap((e) => (e.fields.notificationId !== undefined ? [e.fields.notificationId] : [])),
      );
      // SMSDBMON drops a notification's file a moment after it receives it: only a drop within the sync's
      // minutes is this notification's (the generator's random numbers repeated one two hours on, and the
      // drop of another table's change joined the sync, and every client's scan of that version to it).
      const dropped = between(all, set.utc - 5 * SECOND, set.utc + 11 * MINUTE).filter(
        (e) =>
          e.kind === 'SMSDBMON.dropped' &&
          e.fields.notificationId !== undefined &&
          notifications.has(e.fields.notificationId),
      );
      const provider = between(all, set.utc, set.utc + 30 * MINUTE).filter(
        (e) =>
          e.kind?.startsWith('PolicyPv.') === true &&
          (e.fields.updateSource === us || e.fields.guids?.includes(us) === true),
      );
      const steps: CollectedEvent[] = [...new Set([...around, set, ...dbmon, ...dropped, ...provider])].sort(byTime);
      steps.forEach((e) => flow.events.add(e));
      ws.chain(around.concat(set).sort(byTime), 'time', 'WSyncMgr sync, same thread', 2 * MINUTE + 30 * SECOND);
      ws.chain([set, ...[...dbmon, ...dropped].sort(byTime)], 'id', `updateSource=${us}`);
      if (provider[0]) {
        ws.chain([[...dbmon, ...dropped, set].sort(byTime).pop()!, ...provider], 'id', `updateSource=${us}`);
      }
    }
  }
}

/** Clients' scans of an update source and content version start from the policy a sync produced. */
export function linkSyncToScans(ws: Workspace, hosts: readonly string[] = ws.ownHosts()): void {
  const syncs = [...(ws.shared?.flows ?? []), ...ws.flows].filter((f) => f.kind === 'sync');
  for (const client of hosts) {
    for (const policy of ws.kinds(client, 'ScanAgent.policyAvailable')) {
      for (const sync of syncs) {
        if (
          policy.fields.updateSource === sync.keys.updateSource &&
          policy.fields.contentVersion === sync.keys.contentVersion
        ) {
          const steps = sync.events.list().sort(byTime);
          const last = steps[steps.length - 1]!;
          ws.link(
            last,
            policy,
            'id',
            `updateSource=${String(sync.keys.updateSource)} contentVersion=${String(sync.keys.contentVersion)}`,
          );
        }
      }
    }
  }
}
