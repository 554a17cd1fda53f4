// Large generated bundles for the benchmark (the benchmark asks for ~1 GB). The same flows as the samples
// (scenarios.ts), healthy and failing mixed, repeated over hundreds of clients spread over several management
// points, in hourly rounds of true time. Memory stays bounded: each round's records are buffered, put in time
// order per file, appended through fs write streams and dropped; no file is ever built whole in memory.

import { createWriteStream, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HostClock } from './clock.ts';
import { historyStamp, skewAt } from './clock.ts';
import type { LogFileSpec, LogSink } from './logbook.ts';
import { clientNoise, clientStartup, mpNoise, siteNoise } from './noise.ts';
import type { SearchMode, SourceMode, UpdateInfo } from './scenarios.ts';
import {
  addUpdateSource,
  finishDetection,
  forwardStateMessages,
  installUpdates,
  makeUpdates,
  policyRefresh,
  reportUpdateStatus,
  runFileDispatch,
  runStateSystem,
  scanComplete,
  startDetection,
  startScanJob,
  wsusSync,
  wuaSearch,
  wuServiceStart,
} from './scenarios.ts';
import { Prng } from './prng.ts';
import type { Client, Host, PeerClient } from './world.ts';
import { World } from './world.ts';

export interface GenerateBundleOptions {
  /** Folder to write into (created; existing files with the same names are overwritten). */
  readonly outDir: string;
  /** Approximate total size; the result lands within a few percent above or below. */
  readonly targetBytes: number;
  readonly seed: number;
  /** Management points; by default one per 160 clients, at most four. */
  readonly mpCount?: number;
  /**
   * Every fifth client asks the next MP instead of its own in every other round (a failover, a second MP
   * in its boundary group): its location requests and relays then go to two MPs with two clocks.
   */
  readonly roaming?: boolean;
  /**
   * Every fourth client's clock is hours off, as misconfigured machines' are: a day ahead (a date set by
   * hand), three hours behind (set to local time in the wrong zone), an hour ahead (summer time applied twice).
   */
  readonly clockFaults?: boolean;
  /**
   * Three clients' clocks are set nine hours into the bundle (see CLOCK_STEPS): one set back 40 s by time sync,
   * one set forward 10 min, one set back 3 h (its logged times before and after then overlap).
   */
  readonly clockSteps?: boolean;
  /**
   * After a scan that found updates missing, every third client (with a legacy WindowsUpdate.log) installs up
   * to two of them; one update in six fails to install (0x80070643, installer error 1603).
   */
  readonly installs?: boolean;
  /** PS1MP01's clock is set by this much (ms) seven hours in: a management point's clock stepped by time sync. */
  readonly mpClockStepMs?: number;
  /** Every seventh client moves to another network six hours in (a laptop on VPN, a new DHCP lease). */
  readonly addressChanges?: boolean;
  /**
   * Summer time ends ten hours in for every host in a US zone: its logs' bias goes from summer's to winter's
   * (EDT +240 to EST +300), and its local times repeat an hour.
   */
  readonly summerTimeEnds?: boolean;
  /**
   * The busiest logs rotated while the clients' still reach back: the bundle holds MP_Relay.log of the first
   * MP and StateSys.log of the site only from twelve hours in (what came before went out with older rotations).
   */
  readonly serverLogsRotated?: boolean;
  /**
   * Clients 2, 3 and 4 sit behind the NAT gateway of their MP's network: those of one MP state one address
   * (all three with one MP, clients 2 and 4 with two), in their location requests and in its IIS log.
   */
  readonly sharedAddress?: boolean;
  /**
   * Every third client is Windows 10 or later: its WindowsUpdate.log is Get-WindowsUpdateLog output, decoded on
   * the client itself or (every other one) on an admin's machine in another zone.
   */
  readonly decodedWindowsUpdateLogs?: boolean;
  /**
   * The first MP is on the site server, as on most small sites, and a ConfigMgr client is installed there too:
   * PS1SITE's MP logs lie in its install folder, its relays go into StateSys's inbox with no MPFDM, and its own
   * client scans and reports through it.
   */
  readonly mpOnSiteServer?: boolean;
  /**
   * Clients' CCM logs roll over as ConfigMgr rolls them: at `rotateClientLogsAt` bytes (the default LogMaxSize is
   * 250,000) the log is renamed `<Name>-yyyyMMdd-HHmmss.log` (its host's local time) and a new one begun, one
   * history file kept (LogMaxHistory 1): a busy log's older records are gone, and each log reaches back its own
   * way. When a bundle was collected, the client logs of a day or two hold little more than that.
   */
  readonly rotateClientLogsAt?: number;
}

export interface GeneratedBundle {
  readonly files: number;
  readonly bytes: number;
  /**
   * Each host's true clock skew at the end of the bundle, ms ahead of true UTC (the site server's is 0): what
   * analysis must recover.
   */
  readonly skewMs: ReadonlyMap<string, number>;
  /** The clocks set within the bundle: when (true UTC), and their skew before. */
  readonly clockSteps: ReadonlyMap<string, { readonly at: number; readonly skewBeforeMs: number }>;
  /** Every scan cycle, in the order generated: what the correlator must find for its ScanJob. */
  readonly scans: readonly GeneratedScan[];
  /** Every state-message relay, in the order generated: the SMX file MP_Relay wrote it to. */
  readonly relays: readonly GeneratedRelay[];
  /** Every installation run (with `installs`), in the order generated. */
  readonly installs: readonly GeneratedInstall[];
}

export interface GeneratedInstall {
  readonly host: string;
  /** The updates installed, in WUAHandler's order. */
  readonly updates: readonly string[];
  /** `failed` when an update failed (every one: the job fails with 0x80240022), else `ok`. */
  readonly status: 'ok' | 'failed';
}

export interface GeneratedScan {
  readonly host: string;
  readonly scanJob: string;
  readonly kind: CycleKind;
}

export interface GeneratedRelay {
  readonly host: string;
  readonly messageId: string;
  readonly smx: string;
  /** Its state messages' serial numbers, in order. */
  readonly serials: readonly number[];
}

/** What the generator knows of a bundle's flows while it writes them. */
interface Truth {
  readonly scans: GeneratedScan[];
  readonly relays: GeneratedRelay[];
  readonly installs: GeneratedInstall[];
}

/** One file's records of a round, in emission order: instants and raw texts side by side (no object per record). */
interface FileBuffer {
  readonly spec: LogFileSpec;
  readonly times: number[];
  readonly texts: string[];
  chars: number;
}

/**
 * Appends through a pool of write streams, one per file. Files are opened synchronously so that running out of
 * descriptors (EMFILE) is noticed at once: the pool then shrinks to what the process may hold and closes the
 * least recently used streams, reopening them for append when their file is written again.
 */
class StreamPool {
  private readonly open = new Map<string, WriteStream>();
  private readonly started = new Set<string>();
  private readonly dirs = new Set<string>();
  bytes = 0;

  constructor(private maxOpen: number) {}

  get files(): number {
    return this.started.size;
  }

  /** Append `bytes` (already encoded) to the file at `path`. `first` goes before them when the file is created. */
  async append(path: string, fill: (first: string) => Buffer): Promise<void> {
    let stream = this.open.get(path);
    let first = '';
    if (stream === undefined) {
      const dir = dirname(path);
      if (!this.dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      const fresh = !this.started.has(path);
      const fd = await this.openFd(path, fresh ? 'w' : 'a');
      stream = createWriteStream(path, { fd, highWaterMark: 1 << 20 });
      this.open.set(path, stream);
      if (fresh) {
        this.started.add(path);
        first = 'new';
      }
    } else {
      // Most recently used goes last, so eviction takes the stalest stream.
      this.open.delete(path);
      this.open.set(path, stream);
    }
    const bytes = fill(first);
    this.bytes += bytes.length;
    if (!stream.write(bytes)) {
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    }
  }

  private async openFd(path: string, flags: 'w' | 'a'): Promise<number> {
    for (;;) {
      if (this.open.size >= this.maxOpen) {
        await this.evict();
      }
      try {
        return openSync(path, flags);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EMFILE' || this.open.size < 16) {
          throw err;
        }
        this.maxOpen = Math.max(16, this.open.size - 32);
      }
    }
  }

  private async evict(): Promise<void> {
    while (this.open.size >= this.maxOpen) {
      const oldest = this.open.keys().next();
      if (oldest.done === true) {
        return;
      }
      const stream = this.open.get(oldest.value);
      this.open.delete(oldest.value);
      if (stream !== undefined) {
        await closeStream(stream);
      }
    }
  }

  /**
   * Rolls a log over: its file is renamed to `history` (replacing the history before it, as with LogMaxHistory 1)
   * and the next append to `path` begins a new file.
   */
  async rotate(path: string, history: string, dropped: string | undefined): Promise<void> {
    const stream = this.open.get(path);
    if (stream !== undefined) {
      this.open.delete(path);
      await closeStream(stream);
    }
    if (dropped !== undefined) {
      rmSync(dropped, { force: true });
    } else {
      this.histories += 1;
    }
    renameSync(path, history);
    this.started.delete(path);
  }

  /** History files in the bundle (besides the current files). */
  private histories = 0;

  get allFiles(): number {
    return this.started.size + this.histories;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(closeStream));
  }
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/**
 * Buffers records per host and file and hands them to the pool in time order. A client's files only need to be
 * in order among themselves, so they are flushed as soon as the client's round is generated; MP and site files
 * mix all clients and are flushed once the whole round is there.
 */
class RoundSink implements LogSink {
  private readonly hosts = new Map<string, Map<string, FileBuffer>>();
  /** Characters buffered (all generated text is ASCII apart from the BOM, so about bytes). */
  pendingChars = 0;

  constructor(
    private readonly root: string,
    private readonly pool: StreamPool,
    /** Whether a record is in the bundle (older records of a rotated log are not). */
    private readonly kept: (path: string, trueUtc: number) => boolean = () => true,
    /** Logs that roll over, and at how many bytes; with the history file's path for a rollover at a true instant. */
    private readonly rolls?: {
      readonly applies: (path: string) => boolean;
      readonly atBytes: number;
      readonly history: (path: string, trueUtc: number) => string;
    },
  ) {}

  /** Bytes in the current file of each log that rolls over, and its history file. */
  private readonly sizes = new Map<string, number>();
  private readonly histories = new Map<string, string>();

  add(file: LogFileSpec, trueUtc: number, text: string): void {
    if (!this.kept(file.path, trueUtc)) {
      return;
    }
    const host = file.path.slice(0, file.path.indexOf('/'));
    let files = this.hosts.get(host);
    if (files === undefined) {
      files = new Map();
      this.hosts.set(host, files);
    }
    let buf = files.get(file.path);
    if (buf === undefined) {
      buf = { spec: file, times: [], texts: [], chars: 0 };
      files.set(file.path, buf);
    }
    buf.times.push(trueUtc);
    buf.texts.push(text);
    buf.chars += text.length;
    this.pendingChars += text.length;
  }

  /** Write and drop what is buffered for one host folder. */
  async flushHost(host: string): Promise<void> {
    const files = this.hosts.get(host);
    if (files === undefined) {
      return;
    }
    this.hosts.delete(host);
    for (const [path, buf] of files) {
      this.pendingChars -= buf.chars;
      if (this.rolls?.applies(path) === true) {
        await this.appendRolling(path, buf, this.rolls);
      } else {
        await this.pool.append(join(this.root, path), (fresh) => encode(buf, fresh !== ''));
      }
    }
  }

  /** Appends a log's records, rolling it over before a record that would take it past its size. */
  private async appendRolling(path: string, buf: FileBuffer, rolls: NonNullable<RoundSink['rolls']>): Promise<void> {
    const order = timeOrder(buf);
    let size = this.sizes.get(path) ?? 0;
    let from = 0;
    const write = async (to: number): Promise<void> => {
      if (to > from) {
        const part = order.subarray(from, to);
        await this.pool.append(join(this.root, path), (fresh) => encode(buf, fresh !== '', part));
      }
      from = to;
    };
    for (let k = 0; k < order.length; k++) {
      const length = (buf.texts[order[k]!] as string).length;
      if (size > 0 && size + length > rolls.atBytes) {
        await write(k);
        const history = rolls.history(path, buf.times[order[k]!] as number);
        const dropped = this.histories.get(path);
        await this.pool.rotate(join(this.root, path), join(this.root, history), dropped && join(this.root, dropped));
        this.histories.set(path, history);
        size = 0;
      }
      size += length + (size === 0 && buf.spec.bom ? 3 : 0);
    }
    await write(order.length);
    this.sizes.set(path, size);
  }

  async flush(): Promise<void> {
    for (const host of [...this.hosts.keys()].sort()) {
      await this.flushHost(host);
    }
    this.pendingChars = 0;
  }
}

/** A file buffer's records' indexes in time order (stable: records of the same instant keep their emission order). */
function timeOrder(buf: FileBuffer): Uint32Array {
  const n = buf.times.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && (buf.times[i] as number) < (buf.times[i - 1] as number)) {
      sorted = false;
    }
  }
  if (!sorted) {
    order.sort((a, b) => (buf.times[a] as number) - (buf.times[b] as number) || a - b);
  }
  return order;
}

/**
 * A file buffer's records in time order as UTF-8 bytes, with the BOM / IIS header first when the file is new.
 * Every generated text is ASCII, so each one is copied into the buffer as latin1 without building a joined
 * string first (a gigabyte of string concatenation is mostly garbage collection).
 */
function encode(buf: FileBuffer, fresh: boolean, order: Uint32Array = timeOrder(buf)): Buffer {
  const n = order.length;
  let chars = buf.chars;
  if (n < buf.times.length) {
    chars = 0;
    for (let i = 0; i < n; i++) {
      chars += (buf.texts[order[i] as number] as string).length;
    }
  }
  const head = fresh ? (buf.spec.prologue?.(buf.times[order[0] as number] as number) ?? '') : '';
  const bom = fresh && buf.spec.bom;
  const out = Buffer.allocUnsafe(chars + head.length + (bom ? 3 : 0));
  let at = 0;
  if (bom) {
    out[0] = 0xef;
    out[1] = 0xbb;
    out[2] = 0xbf;
    at = 3;
  }
  at += out.write(head, at, 'latin1');
  for (let i = 0; i < n; i++) {
    at += out.write(buf.texts[order[i] as number] as string, at, 'latin1');
  }
  return out;
}

const HOUR = 3_600_000;
/**
 * A round is two hours of true time in which every client runs two scan cycles, an hour apart. Rounds are what
 * MP and site files are ordered by; fewer, longer rounds mean fewer, larger appends to the thousands of files.
 */
const ROUND = 2 * HOUR;
const MIN = 60_000;

/** What one client does in one round, drawn from the mix of healthy and failing cycles. */
export type CycleKind = 'healthy' | 'wsus-2ee2' | 'empty-location' | 'gpo-conflict';

function drawKind(r: Prng): CycleKind {
  const x = r.float();
  return x < 0.78 ? 'healthy' : x < 0.87 ? 'wsus-2ee2' : x < 0.94 ? 'empty-location' : 'gpo-conflict';
}

interface BenchClient {
  readonly client: Client;
  updates: UpdateInfo[];
  /** Updates whose status was reported already: UpdatesStore raises no state message for them again. */
  readonly reported: Set<string>;
  booted: boolean;
  sourceKnown: boolean;
}

/** One scan cycle of a benchmark client; mirrors the sample bundles' cycle with cheaper bookkeeping. */
function benchCycle(
  w: World,
  bc: BenchClient,
  t0: number,
  kind: CycleKind,
  newPolicy: { policyId: string; policyVersion: string } | undefined,
  us: string,
  cv: number,
  truth: Truth,
  installs = false,
): void {
  const c = bc.client;
  let t = t0;
  const det = startDetection(w, c, t, bc.updates.length);
  if (newPolicy !== undefined) {
    t = policyRefresh(w, c, det.t + w.rng.int(200, 2000), newPolicy);
  }
  const started = startScanJob(w, c, Math.max(t, det.t) + w.rng.int(10, 200), {
    updateSource: us,
    contentVersion: cv,
    updates: bc.updates,
    trigger: newPolicy === undefined ? 'rescan' : 'policy',
    locations: { reply: kind === 'empty-location' ? 'empty' : 'ok' },
  });
  const job = started.job;
  truth.scans.push({ host: c.host.name, scanJob: job.scanJob, kind });
  t = started.t;
  const forwardAt = (x: number): void => {
    const relay = forwardStateMessages(w, c, x + w.rng.int(60_000, 9 * MIN));
    if (relay !== undefined) {
      truth.relays.push({ host: c.host.name, messageId: relay.messageId, smx: relay.smx, serials: relay.serials });
    }
  };
  if (kind === 'empty-location') {
    forwardAt(t);
    return;
  }
  const mode: SourceMode = kind === 'gpo-conflict' ? 'gpo-conflict' : bc.sourceKnown ? 'existing' : 'new';
  const added = addUpdateSource(w, job, t + w.rng.int(20, 200), mode);
  t = added.t;
  if (!added.ok) {
    t = finishDetection(w, c, t + w.rng.int(200, 1500), det.assignment, bc.updates, '0x87d00692');
    forwardAt(t);
    return;
  }
  bc.sourceKnown = true;
  const search: SearchMode = kind === 'wsus-2ee2' ? 'timeout-2ee2' : 'ok';
  t = wuaSearch(w, job, t + w.rng.int(50, 400), search);
  if (search === 'timeout-2ee2') {
    t = scanComplete(w, job, t + w.rng.int(20, 200), '0x80072ee2');
    t = finishDetection(w, c, t + w.rng.int(100, 900), det.assignment, bc.updates, '0x80072ee2');
  } else {
    t = scanComplete(w, job, t + w.rng.int(20, 200));
    t = reportUpdateStatus(w, job, t + w.rng.int(50, 400), bc.reported);
    for (const u of bc.updates) {
      bc.reported.add(u.id);
    }
    t = finishDetection(w, c, t + w.rng.int(100, 900), det.assignment, bc.updates);
    if (installs) {
      t = install(w, bc, t, truth);
    }
  }
  forwardAt(t);
}

/** Up to two of the updates a scan found missing, installed a few minutes after it (see `installs`). */
function install(w: World, bc: BenchClient, t0: number, truth: Truth): number {
  const c = bc.client;
  const missing = bc.updates.filter((u) => !u.installed).slice(0, 2);
  if (missing.length === 0 || c.host.windowsUpdateLog !== undefined) {
    return t0;
  }
  const failing = new Map(
    missing.filter(() => w.rng.int(0, 5) === 0).map((u) => [u.id, { hr: '0x80070643', installerError: 1603 }]),
  );
  const t = installUpdates(w, c, missing, t0 + w.rng.int(2 * MIN, 10 * MIN), failing);
  truth.installs.push({
    host: c.host.name,
    updates: missing.map((u) => u.id),
    status: failing.size > 0 ? 'failed' : 'ok',
  });
  const installed = new Set(missing.filter((u) => !failing.has(u.id)).map((u) => u.id));
  bc.updates = bc.updates.map((u) => (installed.has(u.id) ? { ...u, installed: true } : u));
  return t;
}

const CLOCK_FAULTS = [24 * HOUR, -3 * HOUR, HOUR];

/** The error on top of ordinary skew of client `i` of a bundle with clock faults (see `clockFaults`). */
function clockFault(i: number): number {
  return i % 4 === 1 ? CLOCK_FAULTS[Math.floor(i / 4) % CLOCK_FAULTS.length]! : 0;
}

/** Clients whose clock is set within a bundle with clock steps, and by how much. */
const CLOCK_STEPS: ReadonlyMap<number, number> = new Map([
  [2, -40_000],
  [6, 10 * MIN],
  [7, -3 * HOUR],
]);

/** The start of every generated bundle's first round. */
const START = Date.parse('2025-01-13T06:00:00Z');

function clockStep(i: number): HostClock['step'] {
  const byMs = CLOCK_STEPS.get(i);
  return byMs === undefined ? undefined : { at: START + 9 * HOUR, byMs };
}

const ZONES: ReadonlyArray<readonly [number, string]> = [
  [300, 'US Eastern (EST, UTC-5)'],
  [360, 'US Central (CST, UTC-6)'],
  [480, 'US Pacific (PST, UTC-8)'],
  [0, 'UK (GMT, UTC+0)'],
  [-60, 'Central Europe (CET, UTC+1)'],
  [-540, 'Japan (JST, UTC+9)'],
];

/**
 * Write a large bundle of about `targetBytes` under `outDir`: hundreds of clients (many small CCM logs each and a
 * legacy WindowsUpdate.log), several MPs (big MP_Location / MP_Relay / IIS / MPFDM logs), one site server.
 */
export async function generateBundle(opts: GenerateBundleOptions): Promise<GeneratedBundle> {
  // Generous: Node raises the soft descriptor limit to the hard one; the pool shrinks itself on EMFILE.
  const pool = new StreamPool(8192);
  const rotatedFrom = START + 12 * HOUR;
  // Clients by name, for the local time a rolled-over log's history file is named by.
  const clientHosts = new Map<string, Host>();
  const rotateAt = opts.rotateClientLogsAt;
  const sink = new RoundSink(
    opts.outDir,
    pool,
    opts.serverLogsRotated === true
      ? (path, t) =>
          t >= rotatedFrom || !(path === 'PS1MP01/SMS_CCM/Logs/MP_Relay.log' || path.endsWith('/Logs/StateSys.log'))
      : undefined,
    rotateAt === undefined
      ? undefined
      : {
          applies: (path) => path.includes('/Windows/CCM/Logs/'),
          atBytes: rotateAt,
          history: (path, t) => {
            const host = clientHosts.get(path.slice(0, path.indexOf('/')))!;
            return path.replace(/\.log$/, `-${historyStamp(host.local(t))}.log`);
          },
        },
  );
  const w = new World(`cmflow-bench/${opts.seed}`, sink);
  const r = new Prng(`cmflow-bench/${opts.seed}/layout`);

  // Scale: ~1.6 MB per client over a run keeps a 1 GB bundle at ~600 clients and a 5 MB one at a handful.
  const clientCount = Math.max(3, Math.min(600, Math.round(opts.targetBytes / 1_600_000)));
  // A US zone's winter bias, and with summerTimeEnds its summer bias until ten hours in.
  const zoneOf = (bias: number): { biasMinutes: number; biasStep?: HostClock['biasStep'] } =>
    opts.summerTimeEnds === true && [300, 360, 480].includes(bias)
      ? { biasMinutes: bias - 60, biasStep: { at: START + 10 * HOUR, toMinutes: bias } }
      : { biasMinutes: bias };
  const mpCount = opts.mpCount ?? Math.max(1, Math.min(4, Math.ceil(clientCount / 160)));
  const siteZone = r.pick(ZONES);
  const siteSpec = { name: 'PS1SITE', ip: '10.1.1.10', skewMs: 0, zone: siteZone[1], ...zoneOf(siteZone[0]) };
  w.host({ ...siteSpec, role: 'site' });
  const onSite = opts.mpOnSiteServer === true;
  const mps: Host[] = [];
  for (let i = 0; i < mpCount; i++) {
    const z = r.pick(ZONES);
    const name = `PS1MP${String(i + 1).padStart(2, '0')}`;
    const skewMs = r.int(-20_000, 20_000);
    mps.push(
      onSite && i === 0
        ? w.host({ ...siteSpec, role: 'mp', onSiteServer: true })
        : w.host({
            name,
            role: 'mp',
            ip: `10.1.1.${21 + i}`,
            ...zoneOf(z[0]),
            skewMs,
            zone: z[1],
            ...(i === 0 &&
              opts.mpClockStepMs !== undefined && { clockStep: { at: START + 7 * HOUR, byMs: opts.mpClockStepMs } }),
          }),
    );
  }
  const clients: BenchClient[] = [];
  const peersByMp = new Map<string, PeerClient[]>();
  for (let i = 0; i < clientCount; i++) {
    const mp = mps[i % mps.length] as Host;
    const z = r.pick(ZONES);
    const natted = opts.sharedAddress === true && i >= 2 && i <= 4;
    const ip = natted
      ? `10.${10 + (i % mps.length)}.250.1`
      : `10.${10 + (i % mps.length)}.${Math.floor(i / 200)}.${20 + (i % 200)}`;
    const client = w.client(
      {
        name: `PS1WKS${String(i + 1).padStart(4, '0')}`,
        ip,
        ...zoneOf(z[0]),
        skewMs: r.int(-90_000, 90_000) + (opts.clockFaults === true ? clockFault(i) : 0),
        ...(opts.decodedWindowsUpdateLogs === true && i % 3 === 0
          ? {
              windowsUpdateLog: {
                format: 'get-windowsupdatelog' as const,
                decodedBiasMinutes: i % 6 === 0 ? z[0] : z[0] === -60 ? 300 : -60,
                decodedZone:
                  i % 6 === 0 ? z[1] : z[0] === -60 ? 'US Eastern (EST, UTC-5)' : 'Central Europe (CET, UTC+1)',
              },
            }
          : {}),
        clockStep: opts.clockSteps === true ? clockStep(i) : undefined,
        zone: z[1],
      },
      mp,
    );
    clientHosts.set(client.host.name, client.host);
    clients.push({
      client,
      updates: makeUpdates(w, r.int(6, 28), r.int(1, 5), '2025-01'),
      reported: new Set(),
      booted: false,
      sourceKnown: r.bool(0.7),
    });
    const peers = peersByMp.get(mp.name) ?? [];
    peers.push({ name: client.host.name, ip, subnet: client.subnet, clientId: client.clientId, nextSerial: 1 });
    peersByMp.set(mp.name, peers);
  }
  if (onSite) {
    // The site server's own client, last (the conditions set by a client's index leave it alone), through its MP.
    const own = w.client(siteSpec, mps[0]!);
    clientHosts.set(own.host.name, own.host);
    clients.push({
      client: own,
      updates: makeUpdates(w, r.int(6, 12), r.int(1, 5), '2025-01'),
      reported: new Set(),
      booted: false,
      sourceKnown: true,
    });
  }

  const us = w.rng.guid();
  let cv = 30;
  let policy = { policyId: w.rng.guid().toLowerCase(), policyVersion: `${cv + 2}.00` };
  const start = START;
  let round = 0;
  let done = false;
  const truth: Truth = { scans: [], relays: [], installs: [] };
  while (!done) {
    const t0 = start + round * ROUND;
    // A sync every eight hours brings a new content version and UpdateSource policy to every client.
    const syncRound = round % 4 === 0;
    let policyReadyAt = t0;
    if (syncRound) {
      cv++;
      policy = { policyId: policy.policyId, policyVersion: `${cv + 2}.00` };
      policyReadyAt = wsusSync(w, t0 + r.int(0, 60_000), {
        updateSource: us,
        contentVersion: cv,
        itemsUpdated: r.int(40, 400),
      });
    }
    siteNoise(w, t0, t0 + ROUND);
    for (const mp of mps) {
      // Traffic from the rest of the estate grows with the clients the MP serves.
      const peers = peersByMp.get(mp.name) ?? [];
      mpNoise(w, mp, peers, t0, t0 + ROUND, {
        updateSource: us,
        contentVersion: cv,
        relays: false,
        density: Math.max(0.2, peers.length / 12),
      });
    }
    for (const [index, bc] of clients.entries()) {
      const c = bc.client;
      const onServer = index >= clientCount;
      if (opts.addressChanges === true && index % 7 === 3 && round === 3 && !onServer) {
        // Its requests, relays and the MP's records of it come from the new address from here on.
        const ip = `10.${60 + (index % 50)}.${Math.floor(index / 50)}.${30 + (index % 200)}`;
        const peer = peersByMp.get(c.mp.name)?.find((p) => p.name === c.host.name);
        c.host.ip = ip;
        c.subnet = ip.replace(/\.\d+$/, '.0');
        if (peer !== undefined) {
          peer.ip = ip;
          peer.subnet = c.subnet;
        }
      }
      if (!bc.booted) {
        wuServiceStart(w, c, t0 + r.int(0, 60_000), w.supUrl);
        clientStartup(w, c, t0 + r.int(60_000, 120_000));
        bc.booted = true;
      }
      clientNoise(w, c, t0, t0 + ROUND, 0.5);
      if (syncRound && round > 0) {
        // The sync brought a few new updates that apply to this client.
        bc.updates = [...bc.updates.slice(r.int(0, 3)), ...makeUpdates(w, r.int(1, 4), 0, '2025-02')];
      }
      const begin = Math.max(t0 + r.int(3 * MIN, 40 * MIN), policyReadyAt + r.int(MIN, 5 * MIN));
      const roams = opts.roaming === true && mps.length > 1 && index % 5 === 0 && round % 2 === 1 && !onServer;
      // The same client, asking another MP this round (its serial numbers carried back after).
      const away = roams ? { ...bc, client: { ...c, mp: mps[(mps.indexOf(c.mp) + 1) % mps.length]! } } : bc;
      const installs = opts.installs === true && index % 3 === 0;
      benchCycle(w, away, begin, drawKind(r), syncRound ? policy : undefined, us, cv, truth, installs);
      benchCycle(w, away, t0 + HOUR + r.int(3 * MIN, 40 * MIN), drawKind(r), undefined, us, cv, truth, installs);
      if (away !== bc) {
        c.nextSerial = away.client.nextSerial;
        bc.updates = away.updates;
        bc.sourceKnown = away.sourceKnown;
      }
      if (!onServer) {
        // The site server's files mix every client's records: they wait for the round's end.
        await sink.flushHost(c.host.name);
      }
      if (pool.bytes + sink.pendingChars >= opts.targetBytes) {
        done = true;
        break;
      }
    }
    for (const mp of mps) {
      // Now and then an MP loses the site server share for a while and catches up afterwards.
      const outage = r.bool(0.15)
        ? { from: t0 + r.int(5 * MIN, 60 * MIN), to: t0 + r.int(65 * MIN, 110 * MIN), recovers: true }
        : undefined;
      runFileDispatch(w, mp, outage);
      w.outbox(mp).length = 0;
    }
    runStateSystem(w);
    w.statesysInbox.length = 0;
    await sink.flush();
    round++;
  }
  await pool.closeAll();
  const skewMs = new Map<string, number>([['PS1SITE', 0]]);
  const clockSteps = new Map<string, { at: number; skewBeforeMs: number }>();
  for (const h of [...mps, ...clients.map((c) => c.client.host)]) {
    skewMs.set(h.name, skewAt(h.clock, Number.POSITIVE_INFINITY));
    if (h.clock.step !== undefined) {
      clockSteps.set(h.name, { at: h.clock.step.at, skewBeforeMs: h.clock.skewMs });
    }
  }
  return { files: pool.allFiles, bytes: pool.bytes, skewMs, clockSteps, ...truth };
}
