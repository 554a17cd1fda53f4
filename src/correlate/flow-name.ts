// What a flow is called where flows are listed by name (the Flows tree, Client Spy's scan history): the id
// that keys it, written as the logs write it ({GUID} in upper case), so that searching the logs finds it.

import type { TimelineFlow } from './model.ts';

export function flowName(f: Pick<TimelineFlow, 'id' | 'kind' | 'keys'>): string {
  const braces = (s: string): string => `{${s.toUpperCase()}}`;
  const key = f.id.slice(f.id.indexOf(':') + 1);
  switch (f.kind) {
    case 'scan': {
      const job = f.keys['scanJob'];
      // A scan the deployment evaluation asked for and ScanAgent never started has no ScanJob.
      return typeof job === 'string'
        ? `ScanJob ${braces(job)}`
        : `Scan request ${braces(String(f.keys['detectionJob'] ?? f.id.replace(/^scan:request:/, '')))} (no ScanJob)`;
    }
    case 'state-message': {
      // Forwarded before CcmMessaging.log begins: no message id, its serial numbers name it.
      const serials = f.keys['serialNumbers'];
      if (f.keys['message'] === undefined && Array.isArray(serials) && serials.length > 0) {
        const last = serials.length > 1 ? `–${String(serials[serials.length - 1])}` : '';
        // Only the MP logged it (the client's own logs do not reach back to it), or the client forwarded it
        // before CcmMessaging.log begins.
        const seen = f.keys['clientLogs'];
        return `State messages ${String(serials[0])}${last} (${typeof seen === 'string' ? seen : 'no CcmMessaging send in the logs'})`;
      }
      return `Message ${braces(key)}`;
    }
    case 'install': {
      const updates = f.keys['updates'];
      const n = Array.isArray(updates) ? updates.length : 0;
      // WindowsUpdate.log alone holds it: WUAHandler.log does not reach back to it.
      const seen = f.keys['clientLogs'];
      const only = typeof seen === 'string' ? ` (${seen})` : '';
      return `Install of ${n === 1 ? `update ${braces(String((updates as string[])[0]))}` : `${n} updates`}${only}`;
    }
    default:
      return `Sync ${key}`;
  }
}
