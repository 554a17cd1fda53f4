// The hosts of a generated site and how each of them writes its logs: folder layout per role, thread ids,
// rotation of a client's history files, IIS daily files. A scenario calls `host.ccm(...)`, `host.sms(...)`,
// `host.wu(...)` or `host.iis(...)` with a TRUE instant; the host turns it into its own skewed local reading
// (clock.ts) and the right raw format (formats.ts), and hands the record to the sink (logbook.ts). A client's
// WindowsUpdate.log is the legacy text log unless its spec says it is Get-WindowsUpdateLog output.

import type { HostClock } from './clock.ts';
import { biasAt, decodedLocal, hostLocal, hostUtc, yymmdd } from './clock.ts';
import type { CcmType, IisRequest, Tilde } from './formats.ts';
import { ccmLine, iisHeader, iisRow, smsLine, wuEtlLine, wuLine } from './formats.ts';
import type { LogFileSpec, LogSink } from './logbook.ts';
import { Prng } from './prng.ts';

export type HostRole = 'client' | 'mp' | 'site';

/**
 * A Windows 10+ client's WindowsUpdate.log: ETL files decoded by Get-WindowsUpdateLog on a machine whose zone
 * may not be the client's (an admin decoding on their own workstation), so its times are that machine's
 * local time. Its texts are the Windows 10 vocabulary (scenarios.ts writes them for such a client).
 */
export interface WindowsUpdateLogSpec {
  readonly format: 'get-windowsupdatelog';
  /** Windows bias of the decoding machine (UTC = local + bias). */
  readonly decodedBiasMinutes: number;
  /** Human description of the decoding machine's zone, e.g. `Central Europe (CET, UTC+1)`. */
  readonly decodedZone: string;
}

export interface HostSpec {
  /** NetBIOS name, upper case; also the host's folder in the bundle. */
  readonly name: string;
  readonly role: HostRole;
  readonly ip: string;
  readonly biasMinutes: number;
  readonly skewMs: number;
  readonly clockStep?: HostClock['step'];
  readonly biasStep?: HostClock['biasStep'];
  /** Human description of the zone for the README, e.g. `US Eastern (EST)`. */
  readonly zone: string;
  /** Clients only; without it the client writes the legacy text WindowsUpdate.log. */
  readonly windowsUpdateLog?: WindowsUpdateLogSpec;
  /**
   * A management point on the site server (the usual small site): its CCM logs are in the site's install folder
   * (`Microsoft Configuration Manager\SMS_CCM\Logs`), and MP_Relay writes into StateSys's inbox itself, with no
   * MPFDM (reference §6.12). The site's `Host` and this one share a name, an address and a clock.
   */
  readonly onSiteServer?: boolean;
}

export interface CcmOptions {
  readonly type?: CcmType;
  /** Thread key (a component name, or `name#n` for a pool) or an explicit thread id. */
  readonly thread?: string | number;
  readonly mark?: string;
}

/** Windows thread ids are multiples of 4. */
function threadId(rng: Prng): number {
  return rng.int(100, 2800) * 4;
}

export class Host {
  readonly name: string;
  readonly fqdn: string;
  /** Its address now: a client may move to another network (see `moveTo`). */
  ip: string;
  readonly role: HostRole;
  /** An MP on the site server (see HostSpec.onSiteServer). */
  readonly onSiteServer: boolean;
  readonly clock: HostClock;
  readonly zone: string;
  /** Set when this client's WindowsUpdate.log is Get-WindowsUpdateLog output rather than the legacy text log. */
  readonly windowsUpdateLog: WindowsUpdateLogSpec | undefined;
  private readonly threads = new Map<string, number>();
  private readonly files = new Map<string, LogFileSpec>();
  private readonly threadRng: Prng;

  constructor(
    spec: HostSpec,
    domain: string,
    private readonly sink: LogSink,
    seed: string,
  ) {
    this.name = spec.name;
    this.fqdn = `${spec.name}.${domain}`;
    this.ip = spec.ip;
    this.role = spec.role;
    this.onSiteServer = spec.onSiteServer === true;
    this.clock = { biasMinutes: spec.biasMinutes, skewMs: spec.skewMs, step: spec.clockStep, biasStep: spec.biasStep };
    this.zone = spec.zone;
    this.windowsUpdateLog = spec.windowsUpdateLog;
    this.threadRng = new Prng(`${seed}/threads/${spec.name}`);
    this.subMsSeed = `${seed}/wu-etl-ticks/${spec.name}`;
  }

  /** Stable thread id for a key; the first use of a key draws it. */
  thread(key: string): number {
    let id = this.threads.get(key);
    if (id === undefined) {
      id = threadId(this.threadRng);
      this.threads.set(key, id);
    }
    return id;
  }

  /**
   * A thread of the pool `name#0` … `name#(size-1)` free over the true instants [from, to], and taken for them:
   * the one drawn (`drawn`) if it is free, else the next free one (a thread serves one request at a time; an MP's
   * MP_LocationManager request, its call and its reply are written by one). All busy: the one drawn.
   */
  poolThread(name: string, size: number, drawn: number, from: number, to: number): string {
    // Flows are written one client after another, not in time order: a thread's busy spans are all kept, by
    // the minutes they touch (a bundle of a gigabyte has tens of thousands of requests per MP).
    const minutes = (f: (minute: string) => void): void => {
      for (let m = Math.floor(from / 60_000); m <= Math.floor(to / 60_000); m++) {
        f(String(m));
      }
    };
    for (let i = 0; i < size; i++) {
      const key = `${name}#${(drawn + i) % size}`;
      let free = true;
      minutes((m) => {
        free &&= !(this.busy.get(`${key}@${m}`) ?? []).some(([a, b]) => a <= to && from <= b);
      });
      if (free) {
        minutes((m) => {
          const spans = this.busy.get(`${key}@${m}`);
          if (spans === undefined) {
            this.busy.set(`${key}@${m}`, [[from, to]]);
          } else {
            spans.push([from, to]);
          }
        });
        return key;
      }
    }
    return `${name}#${drawn}`;
  }

  /** `thread key@minute` → the true spans that thread is busy in that minute. */
  private readonly busy = new Map<string, Array<[number, number]>>();

  /** True instant → what this host writes as local time. */
  local(t: number): number {
    return hostLocal(this.clock, t);
  }

  /** True instant → what this host believes UTC is. */
  utc(t: number): number {
    return hostUtc(this.clock, t);
  }

  /** Folder of the CCM-format logs on this host. */
  get ccmDir(): string {
    switch (this.role) {
      case 'client':
        return `${this.name}/Windows/CCM/Logs`;
      case 'mp':
        return this.onSiteServer
          ? `${this.name}/Microsoft Configuration Manager/SMS_CCM/Logs`
          : `${this.name}/SMS_CCM/Logs`;
      case 'site':
        return `${this.name}/Microsoft Configuration Manager/Logs`;
    }
  }

  /** Folder of the SMS-trace logs on this host (site server logs; `SMS\Logs` on a remote MP). */
  get smsDir(): string {
    return this.role === 'mp' && !this.onSiteServer
      ? `${this.name}/SMS/Logs`
      : `${this.name}/Microsoft Configuration Manager/Logs`;
  }

  private spec(path: string, bom: boolean, prologue?: (t: number) => string): LogFileSpec {
    let spec = this.files.get(path);
    if (spec === undefined) {
      spec = prologue === undefined ? { path, bom } : { path, bom, prologue };
      this.files.set(path, spec);
    }
    return spec;
  }

  // File specs by log name: a generator writes millions of records, and building a path string (or a closure)
  // per record is what would dominate its garbage.
  private readonly ccmSpecs = new Map<string, LogFileSpec>();
  private readonly smsSpecs = new Map<string, LogFileSpec>();
  private readonly iisSpecs = new Map<number, LogFileSpec>();
  private wuSpec: LogFileSpec | undefined;

  /** A CCM-format record in `<ccmDir>/<log>.log`. Client and MP CCM logs are written with a BOM. */
  ccm(t: number, log: string, component: string, source: string, message: string, opts: CcmOptions = {}): void {
    const text = this.ccmText(t, component, source, message, opts);
    let spec = this.ccmSpecs.get(log);
    if (spec === undefined) {
      spec = this.spec(`${this.ccmDir}/${log}.log`, this.role !== 'site');
      this.ccmSpecs.set(log, spec);
    }
    this.sink.add(spec, t, text, opts.mark);
  }

  /**
   * A CCM-format record in `<host>/<folder>/<log>.log` outside the CCM log folder: ccmsetup writes
   * `Windows\ccmsetup\Logs\ccmsetup.log`, which exists before (and without) a client. UTF-8 with a BOM.
   */
  ccmIn(
    folder: string,
    t: number,
    log: string,
    component: string,
    source: string,
    message: string,
    opts: CcmOptions = {},
  ): void {
    const text = this.ccmText(t, component, source, message, opts);
    this.sink.add(this.spec(`${this.name}/${folder}/${log}.log`, true), t, text, opts.mark);
  }

  /** One CCM-format line at `t` in this host's clock and zone. */
  private ccmText(t: number, component: string, source: string, message: string, opts: CcmOptions): string {
    const thread = typeof opts.thread === 'number' ? opts.thread : this.thread(opts.thread ?? component);
    return ccmLine(this.local(t), biasAt(this.clock, t), {
      component,
      message,
      type: opts.type ?? 1,
      thread,
      source,
    });
  }

  /** An SMS-trace record in `<smsDir>/<log>.log` (no BOM). */
  sms(
    t: number,
    log: string,
    component: string,
    message: string,
    opts: { thread?: string | number; tilde?: Tilde; mark?: string } = {},
  ): void {
    const thread = typeof opts.thread === 'number' ? opts.thread : this.thread(opts.thread ?? component);
    const text = smsLine(this.local(t), biasAt(this.clock, t), {
      component,
      message,
      thread,
      tilde: opts.tilde ?? 'none',
    });
    let spec = this.smsSpecs.get(log);
    if (spec === undefined) {
      spec = this.spec(`${this.smsDir}/${log}.log`, false);
      this.smsSpecs.set(log, spec);
    }
    this.sink.add(spec, t, text, opts.mark);
  }

  /** Where the client's WindowsUpdate.log lies in the bundle, whichever format it has. */
  get wuPath(): string {
    return `${this.name}/Windows/WindowsUpdate.log`;
  }

  /**
   * A WindowsUpdate.log line (client; no zone, no BOM): legacy text in host-local time, or Get-WindowsUpdateLog
   * output in the decoding machine's local time. The caller writes the text for the format (scenarios.ts).
   */
  wu(t: number, pid: number, tid: number, component: string, text: string, mark?: string): void {
    this.wuSpec ??= this.spec(this.wuPath, false);
    const decoded = this.windowsUpdateLog;
    const line =
      decoded === undefined
        ? wuLine(this.local(t), { pid, tid, component, text })
        : wuEtlLine(decodedLocal(this.clock, decoded.decodedBiasMinutes, t), this.subMs(t), {
            pid,
            tid,
            component,
            text,
          });
    this.sink.add(this.wuSpec, t, line, mark);
  }

  // The sub-millisecond digits of Get-WindowsUpdateLog times: the sink orders records of one instant by emission,
  // so each further record at the same instant gets larger digits than the previous one and the 7-digit times
  // stay in file order. Drawn from a stream of their own: only hosts with such a log ever draw from it.
  private readonly subMsAt = new Map<number, number>();
  private subMsRng: Prng | undefined;
  private readonly subMsSeed: string;

  private subMs(t: number): number {
    this.subMsRng ??= new Prng(this.subMsSeed);
    const last = this.subMsAt.get(t);
    const next =
      last === undefined
        ? this.subMsRng.int(0, 4999)
        : Math.min(9999, last + 1 + this.subMsRng.int(0, Math.floor((9998 - last) / 3)));
    this.subMsAt.set(t, next);
    return next;
  }

  /** An IIS W3C row (MP). IIS rolls its file at midnight UTC by the server's clock and logs in UTC. */
  iis(t: number, req: IisRequest, mark?: string): void {
    this.sink.add(this.iisSpec(t), t, iisRow(this.utc(t), req), mark);
  }

  private iisSpec(t: number): LogFileSpec {
    const day = Math.floor(this.utc(t) / 86_400_000);
    let spec = this.iisSpecs.get(day);
    if (spec === undefined) {
      spec = this.spec(`${this.name}/inetpub/logs/LogFiles/W3SVC1/u_ex${yymmdd(this.utc(t))}.log`, false, (first) =>
        iisHeader(this.utc(first)),
      );
      this.iisSpecs.set(day, spec);
    }
    return spec;
  }

  /** The service restarted: IIS writes a fresh header block into the current day's file. */
  iisRestart(t: number): void {
    this.sink.add(this.iisSpec(t), t, iisHeader(this.utc(t)));
  }
}

/** A state message the client has recorded and not yet forwarded (StateMessage.log, TopicType/TopicId). */
export interface PendingStateMessage {
  readonly topicType: number;
  /** As the topic id is written in the XML: update ids lower case, update source / assignment ids braced. */
  readonly topicId: string;
  readonly stateId: number;
  readonly params: readonly string[];
  /** True instant the message was recorded (its MessageTime is the client's UTC reading of it). */
  readonly recordedAt: number;
  readonly serial: number;
}

/** A client with its own log folder in the bundle. */
export interface Client {
  readonly host: Host;
  /** The management point it talks to. */
  readonly mp: Host;
  /** SMS unique id without the `GUID:` prefix, upper case. */
  readonly clientId: string;
  subnet: string;
  readonly adSite: string;
  nextSerial: number;
  readonly pending: PendingStateMessage[];
  /** wuauserv's svchost and CcmExec process ids (the legacy WindowsUpdate.log prints them in hex). */
  readonly svchostPid: number;
  readonly ccmexecPid: number;
  /**
   * True instants from the start to the end of each ConfigMgr search in WindowsUpdate.log (wuaSearch records
   * them), so that Windows Update noise from other callers can keep away from them.
   */
  readonly wuSearches: Array<{ readonly from: number; readonly to: number }>;
}

/** A client that appears only in MP / site logs (traffic from the rest of the estate). */
export interface PeerClient {
  readonly name: string;
  ip: string;
  subnet: string;
  readonly clientId: string;
  nextSerial: number;
}

/** An SMX file that MP_Relay wrote to the MP outbox and MPFDM has to move to the site server. */
export interface OutboxFile {
  readonly t: number;
  readonly smx: string;
  readonly records: number;
  /** Mark to put on this file's `Moved file` line, if a flow wants to point at it. */
  readonly mark?: string;
}

/** An SMX file that arrived in the site server's statesys.box inbox. */
export interface InboxFile {
  readonly t: number;
  readonly smx: string;
  readonly records: number;
  readonly mark?: string;
}

/** Everything one generated site shares: hosts, ids that never change, and the server-side queues. */
export class World {
  readonly siteCode = 'PS1';
  readonly domain = 'CONTOSO.COM';
  /** Ids for flows. */
  readonly rng: Prng;
  /** Choices for unrelated noise, kept apart so that changing noise never changes a flow's ids. */
  readonly noise: Prng;
  /** `Site_{guid}` prefix of CI unique ids in UpdatesDeployment.log. */
  readonly siteGuid: string;
  readonly mps: Host[] = [];
  readonly clients: Client[] = [];
  readonly peers: PeerClient[] = [];
  readonly outboxes = new Map<string, OutboxFile[]>();
  readonly statesysInbox: InboxFile[] = [];
  private siteHost: Host | undefined;

  constructor(
    readonly seed: string,
    readonly sink: LogSink,
  ) {
    this.rng = new Prng(`${seed}/ids`);
    this.noise = new Prng(`${seed}/noise`);
    this.siteGuid = this.rng.guid();
  }

  get site(): Host {
    if (this.siteHost === undefined) {
      throw new Error('World has no site server');
    }
    return this.siteHost;
  }

  /** The software update point runs on the site server in every generated bundle. */
  get supFqdn(): string {
    return this.site.fqdn;
  }

  get supUrl(): string {
    return `http://${this.site.fqdn}:8530`;
  }

  host(spec: HostSpec): Host {
    const h = new Host(spec, this.domain, this.sink, this.seed);
    if (spec.role === 'site') {
      this.siteHost = h;
    } else if (spec.role === 'mp') {
      this.mps.push(h);
      this.outboxes.set(h.name, []);
    }
    return h;
  }

  client(spec: Omit<HostSpec, 'role'>, mp: Host, adSite = 'HQ'): Client {
    const host = this.host({ ...spec, role: 'client' });
    const r = new Prng(`${this.seed}/client/${spec.name}`);
    const c: Client = {
      host,
      mp,
      clientId: r.guid(),
      subnet: spec.ip.replace(/\.\d+$/, '.0'),
      adSite,
      nextSerial: r.int(180, 2400),
      pending: [],
      svchostPid: r.int(180, 300) * 4,
      ccmexecPid: r.int(600, 1400) * 4,
      wuSearches: [],
    };
    this.clients.push(c);
    return c;
  }

  /** `count` peer clients on `subnetPrefix` (e.g. `10.1.22`), named like real estates name desktops. */
  addPeers(count: number, subnetPrefix: string, namePrefix = 'PS1WKS'): PeerClient[] {
    const r = new Prng(`${this.seed}/peers/${subnetPrefix}`);
    const out: PeerClient[] = [];
    for (let i = 0; i < count; i++) {
      const p: PeerClient = {
        name: `${namePrefix}${String(r.int(1, 980)).padStart(4, '0')}`,
        ip: `${subnetPrefix}.${r.int(20, 250)}`,
        subnet: `${subnetPrefix}.0`,
        clientId: r.guid(),
        nextSerial: r.int(100, 3000),
      };
      if (!out.some((o) => o.name === p.name || o.ip === p.ip)) {
        out.push(p);
      }
    }
    this.peers.push(...out);
    return out;
  }

  outbox(mp: Host): OutboxFile[] {
    const box = this.outboxes.get(mp.name);
    if (box === undefined) {
      throw new Error(`${mp.name} is not a management point`);
    }
    return box;
  }
}
