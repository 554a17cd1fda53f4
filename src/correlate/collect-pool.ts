// Collecting a bundle's layers ahead of the correlator, on worker threads. Reading, framing and classifying
// are most of an analysis's work and each layer's collection is independent of the others, while building
// flows needs the layers in order. So the calling thread reads the shared layer itself (it can do nothing
// before it) while the workers start on the clients, then correlates each client while the workers collect
// the next ones. Results come back as plain data and are handed out in the order asked for, so the
// analysis is the same as collecting on one thread.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Bundle, BundleFile } from '../parsers/bundle.ts';
import type { BundleParse } from '../parsers/file-run.ts';
import { collect } from './collect.ts';
import type { Collected, CollectedEvent, CollectOptions, EventKeeper, KeptRecord, WorkingFields } from './collect.ts';
import type { IisColumns } from './iis-index.ts';
import { IisIndex } from './iis-index.ts';

/** What a worker needs of a file: where its bytes are, and the caller's view of its host and role. */
export type FileMeta = Omit<BundleFile, 'open' | 'diskPath'>;

export interface CollectTask {
  readonly id: number;
  /** The bundle as the user named it: the worker opens it itself (a .zip cannot be shared). */
  readonly source: string;
  readonly files: readonly FileMeta[];
}

/**
 * Collected events as columns: the strings every event repeats (file, host, component, kind) cross once,
 * as indexes into `strings`, and the numbers in typed arrays that are moved, not copied. Cloned one by
 * one, each event would arrive with its own copies of those strings, to be hashed again by every map
 * the correlator keys on them. The fields objects cross as a tape of words (moved too), each distinct
 * object once (events of a repeated message share theirs, see RepeatClassifier), their strings in the same
 * `strings`, and become objects only when the layer is taken: a layer waiting its turn holds about 100
 * bytes per event outside the heap instead of two objects per event in it.
 *
 * A tape rather than JSON: a GUID names a message, an update or a scan job on several events of a layer,
 * and JSON wrote and parsed it again each time, where the tape writes an index. On 12 clients of the 1 GB
 * bench bundle it wrote in half the time of JSON.stringify and read in a fifth of the time of JSON.parse,
 * and each string arrives once, so the correlator hashes it once for every map it is a key of.
 * (`v8.deserialize` had been slower than JSON.parse.)
 */
export interface PackedEvents {
  readonly strings: string[];
  /** Per event: file, host, component, kind (-1: none), shape (-1: none). */
  readonly refs: Int32Array;
  /** Per event: line, endLine, seq, length, dup, severity. */
  readonly ints: Int32Array;
  /** Per event: utc, offset, thread (NaN: none). */
  readonly numbers: Float64Array;
  /** Per event: its fields object's index among the distinct ones. */
  readonly fieldRefs: Int32Array;
  /** The distinct fields objects, one after the other (see Tape). */
  readonly fields: Int32Array;
  /** Numbers of the fields that are not 32-bit integers, by the index the tape gives. */
  readonly doubles: Float64Array;
}

const SEVERITIES: ReadonlyArray<CollectedEvent['severity']> = ['info', 'warning', 'error'];

/** A copy of `a` twice as long. */
function doubled<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** A plain value's tag on the tape; the words after it are the value. */
const enum Tag {
  /** Index into the strings. */
  String,
  /** The int32 itself. */
  Int,
  /** Index into the doubles. */
  Double,
  True,
  False,
  Null,
  /** Length, then each element. */
  Array,
  /** Property count, then each property's key (index into the strings) and value. */
  Object,
}

/**
 * Writes plain data (strings, numbers, booleans, null, arrays and objects of them) as 32-bit words, each
 * string once into a table it shares with its caller. Properties holding `undefined` are left out, as JSON
 * leaves them out; anything else that is not plain data is written as null.
 */
class Tape {
  words = new Int32Array(4096);
  length = 0;
  readonly doubles: number[] = [];

  constructor(private readonly ref: (s: string) => number) {}

  write(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.push(Tag.String, this.ref(v));
        return;
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.push(Tag.Int, v);
        } else {
          this.push(Tag.Double, this.doubles.length);
          this.doubles.push(v);
        }
        return;
      case 'boolean':
        this.push(v ? Tag.True : Tag.False);
        return;
      case 'object':
        if (Array.isArray(v)) {
          this.push(Tag.Array, v.length);
          for (const x of v) {
            this.write(x);
          }
          return;
        }
        if (v !== null) {
          const o = v as Record<string, unknown>;
          // The count is known once the properties are written: its word is filled in then.
          this.push(Tag.Object, 0);
          const countAt = this.length - 1;
          let count = 0;
          for (const k in o) {
            const x = o[k];
            if (x !== undefined) {
              this.push(this.ref(k));
              this.write(x);
              count += 1;
            }
          }
          this.words[countAt] = count;
          return;
        }
    }
    this.push(Tag.Null);
  }

  private push(a: number, b?: number): void {
    if (this.length + 2 > this.words.length) {
      this.words = doubled(this.words);
    }
    this.words[this.length++] = a;
    if (b !== undefined) {
      this.words[this.length++] = b;
    }
  }
}

/** Reads the values written one after the other by a Tape, up to the end of `words`. */
function readTape(words: Int32Array, strings: readonly string[], doubles: Float64Array): unknown[] {
  let at = 0;
  const read = (): unknown => {
    switch (words[at++] as Tag) {
      case Tag.String:
        return strings[words[at++]!];
      case Tag.Int:
        return words[at++];
      case Tag.Double:
        return doubles[words[at++]!];
      case Tag.True:
        return true;
      case Tag.False:
        return false;
      case Tag.Array: {
        const n = words[at++]!;
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) {
          a.push(read());
        }
        return a;
      }
      case Tag.Object: {
        const n = words[at++]!;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = strings[words[at++]!]!;
          o[key] = read();
        }
        return o;
      }
      default:
        return null;
    }
  };
  const out: unknown[] = [];
  while (at < words.length) {
    out.push(read());
  }
  return out;
}

export function packEvents(events: readonly CollectedEvent[]): PackedEvents {
  const packer = new EventPacker();
  for (const e of events) {
    packer.keep(e, e.host, e.kind, e.fields, e.seq, e.dup, e.shape);
  }
  return packer.finish();
}

/**
 * Kept events written straight into PackedEvents' columns as they are kept (a worker's `EventKeeper`): no
 * event object is made, so a layer's events do not live through two scavenges as objects and get promoted
 * (at 100 MB they were 58 of the 63 MB the worker promoted, and most of its full collections).
 */
export class EventPacker implements EventKeeper {
  private readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  private n = 0;
  private refs = new Int32Array(5 * 1024);
  private ints = new Int32Array(6 * 1024);
  private numbers = new Float64Array(3 * 1024);
  private fieldRefs = new Int32Array(1024);
  private readonly tape = new Tape((s) => this.intern(s));
  private readonly fieldIndex = new Map<WorkingFields, number>();
  // Events come file by file and in runs of one component: a string the previous event had is not looked
  // up again (a probe per string per event was most of the packing).
  private readonly last: Array<string | undefined> = [undefined, undefined, undefined, undefined, undefined];

  keep(
    r: KeptRecord,
    host: string,
    kind: string | undefined,
    fields: WorkingFields,
    seq: number,
    dup: number,
    shape: string | undefined,
  ): void {
    const i = this.n++;
    if (i === this.fieldRefs.length) {
      this.refs = doubled(this.refs);
      this.ints = doubled(this.ints);
      this.numbers = doubled(this.numbers);
      this.fieldRefs = doubled(this.fieldRefs);
    }
    this.ref(i, 0, r.file);
    this.ref(i, 1, host);
    this.ref(i, 2, r.component);
    this.ref(i, 3, kind);
    this.ref(i, 4, shape);
    const ints = this.ints;
    ints[i * 6] = r.line;
    ints[i * 6 + 1] = r.endLine;
    ints[i * 6 + 2] = seq;
    ints[i * 6 + 3] = r.length;
    ints[i * 6 + 4] = dup;
    ints[i * 6 + 5] = SEVERITIES.indexOf(r.severity);
    const numbers = this.numbers;
    numbers[i * 3] = r.utc!;
    numbers[i * 3 + 1] = r.offset;
    numbers[i * 3 + 2] = r.thread ?? Number.NaN;
    let f = this.fieldIndex.get(fields);
    if (f === undefined) {
      f = this.fieldIndex.size;
      this.tape.write(fields);
      this.fieldIndex.set(fields, f);
    }
    this.fieldRefs[i] = f;
  }

  /** The columns, each a copy of its own length, so that moving them moves no more than they hold. */
  finish(): PackedEvents {
    const n = this.n;
    return {
      strings: this.strings,
      refs: this.refs.slice(0, n * 5),
      ints: this.ints.slice(0, n * 6),
      numbers: this.numbers.slice(0, n * 3),
      fieldRefs: this.fieldRefs.slice(0, n),
      fields: this.tape.words.slice(0, this.tape.length),
      doubles: Float64Array.from(this.tape.doubles),
    };
  }

  private ref(i: number, k: number, s: string | undefined): void {
    if (i > 0 && s === this.last[k]) {
      this.refs[i * 5 + k] = this.refs[(i - 1) * 5 + k]!;
      return;
    }
    this.last[k] = s;
    this.refs[i * 5 + k] = s === undefined ? -1 : this.intern(s);
  }

  private intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

export function unpackEvents(p: PackedEvents): CollectedEvent[] {
  const { strings, refs, ints, numbers, fieldRefs } = p;
  const fields = readTape(p.fields, strings, p.doubles) as Array<CollectedEvent['fields']>;
  const str = (i: number): string | undefined => (i < 0 ? undefined : strings[i]);
  const events: CollectedEvent[] = [];
  for (let i = 0; i < fieldRefs.length; i++) {
    const file = strings[refs[i * 5]!]!;
    const line = ints[i * 6]!;
    const dup = ints[i * 6 + 4]!;
    const thread = numbers[i * 3 + 2]!;
    events.push({
      file,
      line,
      endLine: ints[i * 6 + 1]!,
      host: strings[refs[i * 5 + 1]!]!,
      utc: numbers[i * 3]! as CollectedEvent['utc'],
      component: strings[refs[i * 5 + 2]!]!,
      severity: SEVERITIES[ints[i * 6 + 5]!]!,
      kind: str(refs[i * 5 + 3]!),
      fields: fields[fieldRefs[i]!]!,
      thread: Number.isNaN(thread) ? undefined : thread,
      seq: ints[i * 6 + 2]!,
      offset: numbers[i * 3 + 1]!,
      length: ints[i * 6 + 3]!,
      dup,
      shape: str(refs[i * 5 + 4]!),
      row: -1,
    });
  }
  return events;
}

export interface CollectedData {
  readonly parse: BundleParse;
  readonly events: PackedEvents;
  readonly iis: IisColumns;
  readonly lastSeenByFile: ReadonlyMap<string, number>;
}

export type CollectReply =
  { readonly id: number; readonly collected: CollectedData } | { readonly id: number; readonly error: string };

export interface CollectPoolOptions extends CollectOptions {
  /**
   * Threads that collect layers ahead of the correlator; 0 collects on the calling thread. Default: one
   * per core but the one the correlator runs on, when the worker script is found.
   */
  readonly workers?: number;
  /** `collect-worker.js`, beside the running bundle unless named. */
  readonly workerScript?: string;
  /** Old-generation heap of each worker, MB (default WORKER_HEAP_MB). */
  readonly workerHeapMB?: number;
}

/** Collects layers of a bundle; `take` hands each out in the order layers were `submit`ted. */
export interface Collector {
  /**
   * `here`: collect this layer on the calling thread when it is taken (the shared layer: the correlator
   * can do nothing before it, so it reads it itself while the workers start on the clients).
   */
  submit(files: readonly BundleFile[], here?: boolean): void;
  take(): Promise<Collected>;
  close(): Promise<void>;
}

export function makeCollector(bundle: Bundle, options: CollectPoolOptions): Collector {
  const script = options.workerScript ?? join(__dirname, 'collect-worker.js');
  const count = options.workers ?? availableParallelism() - 1;
  if (count >= 1 && existsSync(script)) {
    return new WorkerCollector(bundle, options, script, count, options.workerHeapMB ?? WORKER_HEAP_MB);
  }
  return new LocalCollector(bundle, options);
}

/** One thread: each layer is collected when it is taken, as before there were workers. */
class LocalCollector implements Collector {
  private readonly queue: Array<readonly BundleFile[]> = [];
  constructor(
    private readonly bundle: Bundle,
    private readonly options: CollectOptions,
  ) {}
  submit(files: readonly BundleFile[]): void {
    this.queue.push(files);
  }
  take(): Promise<Collected> {
    return collect({ ...this.bundle, files: [...this.queue.shift()!] }, this.options);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Log bytes that may be collected ahead of the layer the correlator waits for (a few seconds of
 * collecting), within an eighth of this thread's heap: a layer waiting to be taken holds about 1.6 bytes
 * of heap per byte of its logs (the 1 GB bench bundle), and a run capped at 429 MB of heap did not fit
 * with 192 MB ahead. 128 MB keeps the worker busy as well as 192 did (1 GB, alternating: 30.8–37.7 s
 * against 33.4–35.3 s) and takes 35 MB off the peak (578–594 against 615–628 MB): layers wait in memory
 * whose high-water mark the process keeps.
 */
export function aheadBytes(heapLimit = getHeapStatistics().heap_size_limit): number {
  return Math.min(128 * 1024 * 1024, Math.floor(heapLimit / 8));
}

/**
 * Old-generation heap of a collecting worker, MB. A worker keeps nothing between layers and a client's
 * layer is a few MB of logs, but left alone V8 grows every thread's heap while memory is free: at 1 GB the
 * worker's heap was a sixth of the run's peak. A layer that does not fit (a client with a GB of logs) is
 * collected again on the calling thread, whose heap is not capped.
 */
export const WORKER_HEAP_MB = 128;

/**
 * Young generation of a collecting worker, MB. Nearly everything a worker allocates dies young (records,
 * their text, fields it drops), and V8's default let its heap reach 55-78 MB around a live set of 11 MB.
 * At 8 MB the bench's peak RSS fell by about 45 MB at 300 MB and 50 MB at 1 GB, at the same speed.
 */
export const WORKER_YOUNG_MB = 8;

interface Pending {
  readonly task: CollectTask;
  readonly files: readonly BundleFile[];
  readonly here: boolean;
  readonly bytes: number;
  /** The worker collecting it, while it does. */
  worker?: Worker;
  /** Collected by the calling thread when taken: every worker ran out of heap. */
  local?: boolean;
  /** The layer as it came back, made into events only when taken (see PackedEvents). */
  result?: Promise<() => Collected>;
  resolve?: (c: (() => Collected) | Promise<() => Collected>) => void;
  reject?: (e: Error) => void;
}

class WorkerCollector implements Collector {
  private readonly workers: Worker[];
  /** Log bytes of the layers posted to each worker and not yet answered. */
  private readonly load = new Map<Worker, number>();
  /** Submitted, not yet taken; the first `started` of them are running or done. */
  private readonly pending: Pending[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 0;
  private started = 0;
  private failure: Error | undefined;
  /** Log bytes of the started layers after the one the correlator waits for. */
  private aheadBytes = 0;
  /** How many log bytes may be collected ahead (`aheadBytes()` for this thread's heap). */
  private readonly ahead = aheadBytes();

  constructor(
    private readonly bundle: Bundle,
    private readonly options: CollectOptions,
    script: string,
    count: number,
    heapMB: number,
  ) {
    this.workers = Array.from(
      { length: count },
      () =>
        new Worker(script, {
          resourceLimits: { maxOldGenerationSizeMb: heapMB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
        }),
    );
    for (const w of this.workers) {
      this.load.set(w, 0);
      w.on('message', (reply: CollectReply) => this.reply(w, reply));
      w.on('error', (e: Error) =>
        (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? this.retire(w) : this.fail(e),
      );
    }
  }

  submit(files: readonly BundleFile[], here = false): void {
    const task: CollectTask = {
      id: this.nextId++,
      source: this.bundle.source,
      files: files.map((f) => ({
        path: f.path,
        size: f.size,
        hostDir: f.hostDir,
        host: f.host,
        roleHint: f.roleHint,
        kindHint: f.kindHint,
        group: f.group,
        rank: f.rank,
      })),
    };
    const p: Pending = { task, files, here, bytes: files.reduce((n, f) => n + f.size, 0) };
    p.result = new Promise<() => Collected>((resolve, reject) => {
      p.resolve = resolve;
      p.reject = reject;
    });
    // Taken in order; a failure is seen when its layer is taken, not as an unhandled rejection before.
    p.result.catch(() => {});
    this.pending.push(p);
    this.pump();
  }

  async take(): Promise<Collected> {
    const p = this.pending[0]!;
    try {
      return p.here || p.local ? await this.collectHere(p) : (await p.result!)();
    } finally {
      this.pending.shift();
      this.started -= 1;
      // The next layer is now the one waited for: it no longer counts as ahead.
      this.aheadBytes -= this.pending[0] !== undefined && this.started > 0 ? this.pending[0].bytes : 0;
      this.pump();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** A worker that ran out of heap is gone: what it held is collected here, the rest by the others. */
  private retire(worker: Worker): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    this.load.delete(worker);
    for (const [id, p] of this.running) {
      if (p.worker === worker) {
        this.running.delete(id);
        p.resolve!(this.collectHere(p).then((c) => () => c));
      }
    }
    this.pump();
  }

  private collectHere(p: Pending): Promise<Collected> {
    return collect({ ...this.bundle, files: [...p.files] }, this.options);
  }

  /**
   * The worker with the fewest bytes queued, unless all hold their share of the bytes ahead (an idle
   * worker always takes a layer). The calling thread hands out work only when it pauses between layers,
   * and it correlates the shared layer in one stretch of seconds: a worker whose queue is short sits idle
   * through it (measured with three layers queued: idle for a second and a half of a 12 s run at 300 MB).
   */
  private leastLoaded(): Worker | undefined {
    let best: Worker | undefined;
    const full = this.ahead / this.workers.length;
    for (const w of this.workers) {
      const n = this.load.get(w)!;
      if ((n === 0 || n < full) && (best === undefined || n < this.load.get(best)!)) {
        best = w;
      }
    }
    return best;
  }

  private pump(): void {
    // Layers finished ahead wait in memory, so how far the workers run ahead is bounded by log bytes; while
    // the calling thread reads the shared layer they collect many clients.
    while (this.started < this.pending.length) {
      const p = this.pending[this.started]!;
      // Every worker ran out of heap: the calling thread collects the rest, each when it takes it.
      const local = p.here || this.workers.length === 0;
      const worker = local ? undefined : this.leastLoaded();
      if (!local && (worker === undefined || (this.started > 0 && this.aheadBytes >= this.ahead))) {
        break;
      }
      this.aheadBytes += this.started > 0 ? p.bytes : 0;
      this.started += 1;
      if (local || worker === undefined) {
        p.local = !p.here;
        continue;
      }
      if (this.failure) {
        p.reject!(this.failure);
        continue;
      }
      if (this.options.signal?.aborted) {
        p.reject!(this.options.signal.reason instanceof Error ? this.options.signal.reason : new Error('aborted'));
        continue;
      }
      this.running.set(p.task.id, p);
      p.worker = worker;
      this.load.set(worker, this.load.get(worker)! + p.bytes);
      worker.postMessage(p.task);
    }
  }

  private reply(worker: Worker, reply: CollectReply): void {
    const p = this.running.get(reply.id);
    this.running.delete(reply.id);
    if (this.load.has(worker) && p) {
      this.load.set(worker, this.load.get(worker)! - p.bytes);
    }
    if (p) {
      if ('error' in reply) {
        p.reject!(new Error(reply.error));
      } else {
        const c = reply.collected;
        this.options.onBytes?.(p.bytes);
        p.resolve!(() => ({
          parse: c.parse,
          events: unpackEvents(c.events),
          iis: IisIndex.fromColumns(c.iis),
          lastSeenByFile: c.lastSeenByFile,
          records: c.parse.files.reduce((n, f) => n + f.summary.records, 0),
        }));
      }
    }
    this.pump();
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.running.values()) {
      p.reject!(e);
    }
    this.running.clear();
  }
}
