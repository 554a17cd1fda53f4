// A client's address at times none of its own logs states it. Its location requests name it (LocationServices'
// WSUSLocationRequest), and the MP's records of those requests are found by it; but a busy client's
// LocationServices.log rolls over within hours, and a client that moved since (VPN, another DHCP lease, another
// office) had its earlier requests looked for from its later address: the MP's records were not found, and a
// scan that got an empty location list was blamed on ScanAgent.log. The MP's logs reach back further. MP_Relay
// names the client (its ClientID) of each relay it received, and the MP's IIS log the address of each request:
// the address that posted to the MP at the moment of the client's relay is the client's, once the next or the
// previous relay agrees (another client posting in the same seconds is a coincidence that seldom repeats).

import type { IisIndex } from './iis-index.ts';
import { relayBodiesByClient, relayLeads } from './state-flow.ts';
import type { Workspace } from './workspace.ts';

const SECOND = 1000;
/**
 * IIS logs a request when it ends, to the second; MP_Relay logs the body while handling it. How much earlier
 * and later than the body the request may be logged.
 */
const IIS_BEFORE = 3 * SECOND;
const IIS_AFTER = 2 * SECOND;

export interface AddressSample {
  /** By the client's clock: the MP's time of the relay less the MP's lead for the client's relays. */
  readonly utc: number;
  readonly ip: string;
}

/**
 * The addresses the client's relays came from, in time order: of each relay that only one address posted
 * around, that address, when the relay before or after it in time was posted from it too; of a relay that
 * several posted around, the one the nearest such relays before and after it name, if they name only one of them.
 */
export function relayAddresses(ws: Workspace, host: string, iis: IisIndex): AddressSample[] {
  const clientId = ws.idOf(host);
  const bodies = clientId === undefined ? undefined : relayBodiesByClient(ws).get(clientId);
  if (bodies === undefined || iis.size === 0) {
    return [];
  }
  const c = ws.stateSide().columns;
  const relays = bodies
    .map((i) => {
      const mp = c.host(i);
      const utc = c.utc(i);
      return { mp, utc, stamp: c.stamp(i), from: iis.addressesNear(mp, utc, IIS_BEFORE, IIS_AFTER) };
    })
    .sort((a, b) => a.utc - b.utc);
  const alone = relays.map(({ from }, k) => {
    const ip = from.length === 1 ? from[0]! : undefined;
    return ip !== undefined && (relays[k - 1]?.from.includes(ip) || relays[k + 1]?.from.includes(ip)) ? ip : undefined;
  });
  const named = alone.map((ip, k) => {
    if (ip !== undefined || relays[k]!.from.length < 2) {
      return ip;
    }
    const before = alone.findLast((x, j) => j < k && x !== undefined);
    const after = alone.find((x, j) => j > k && x !== undefined);
    const either = relays[k]!.from.filter((x) => x === before || x === after);
    return either.length === 1 ? either[0] : undefined;
  });
  const leads = relayLeads(ws, host);
  const out: AddressSample[] = [];
  named.forEach((ip, k) => {
    if (ip === undefined) {
      return;
    }
    // The lead is a function of the client's time, which is what is sought: once more from the first guess.
    const { mp, stamp } = relays[k]!;
    const lead = leads.get(mp);
    const at = ws.onLaterClock(stamp);
    const guess = at - (lead?.(at) ?? 0);
    out.push({ utc: at - (lead?.(guess) ?? 0), ip });
  });
  return out.sort((a, b) => a.utc - b.utc);
}
