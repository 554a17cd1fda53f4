// Shared-layer events held as columns rather than objects: what the columnar indexes of the management
// points' and site servers' logs (MP_Location bodies, the state-message side) are built on. Node keeps no
// compressed pointers, so an event object costs some 150 bytes before its fields and a boxed time; a row
// here costs about 60. An event object is made when a flow takes an entry, and let go once it is in the
// timeline (see MadeEvents). An entry that is a problem stays an object (the workspace lists it too, for
// failures outside flows) and is handed out as that same object.

import { SEVERITIES } from '../parsers/record.ts';
import type { UtcInstant } from '../parsers/time.ts';
import type { CollectedEvent, WorkingFields } from './collect.ts';
import { MadeEvents } from './made-events.ts';
import { Interner } from './store.ts';
import type { Stamp } from './workspace.ts';

/** Per entry in `ints`: file, host, component, kind (ids in `strings`, -1 for no kind), severity. */
const INTS = 5;

export class EventColumns {
  readonly size: number;
  private readonly strings = new Interner();
  private readonly utcs: Float64Array;
  private readonly offsets: Float64Array;
  /** Undefined threads are NaN. */
  private readonly threads: Float64Array;
  private readonly seqs: Int32Array;
  private readonly lines: Int32Array;
  private readonly endLines: Int32Array;
  private readonly lengths: Int32Array;
  private readonly dups: Int32Array;
  private readonly ints: Int32Array;
  private readonly fieldsOf: WorkingFields[];
  private readonly kept = new Map<number, CollectedEvent>();
  private readonly made = new MadeEvents();

  /** Entry i is `events[i]`; those that `keep` says are kept as the objects they are. */
  constructor(events: readonly CollectedEvent[], keep: (e: CollectedEvent) => boolean) {
    const n = (this.size = events.length);
    this.utcs = new Float64Array(n);
    this.offsets = new Float64Array(n);
    this.threads = new Float64Array(n);
    this.seqs = new Int32Array(n);
    this.lines = new Int32Array(n);
    this.endLines = new Int32Array(n);
    this.lengths = new Int32Array(n);
    this.dups = new Int32Array(n);
    this.ints = new Int32Array(n * INTS);
    this.fieldsOf = new Array<WorkingFields>(n);
    events.forEach((e, i) => {
      this.utcs[i] = e.utc;
      this.offsets[i] = e.offset;
      this.threads[i] = e.thread ?? Number.NaN;
      this.seqs[i] = e.seq;
      this.lines[i] = e.line;
      this.endLines[i] = e.endLine;
      this.lengths[i] = e.length;
      this.dups[i] = e.dup;
      const at = i * INTS;
      this.ints[at] = this.strings.id(e.file);
      this.ints[at + 1] = this.strings.id(e.host);
      this.ints[at + 2] = this.strings.id(e.component);
      this.ints[at + 3] = e.kind === undefined ? -1 : this.strings.id(e.kind);
      this.ints[at + 4] = SEVERITIES.indexOf(e.severity);
      this.fieldsOf[i] = e.fields;
      if (keep(e)) {
        this.kept.set(i, e);
      }
    });
  }

  utc(i: number): number {
    return this.utcs[i]!;
  }

  file(i: number): string {
    return this.strings.values[this.ints[i * INTS]!]!;
  }

  host(i: number): string {
    return this.strings.values[this.ints[i * INTS + 1]!]!;
  }

  /** Where and when entry i was logged: what tells which clock logged it, where its host's was set back. */
  stamp(i: number): Stamp {
    return { host: this.host(i), utc: this.utcs[i]!, file: this.file(i), seq: this.seqs[i]! };
  }

  component(i: number): string {
    return this.strings.values[this.ints[i * INTS + 2]!]!;
  }

  kind(i: number): string | undefined {
    const id = this.ints[i * INTS + 3]!;
    return id < 0 ? undefined : this.strings.values[id];
  }

  fields(i: number): WorkingFields {
    return this.fieldsOf[i]!;
  }

  thread(i: number): number | undefined {
    const th = this.threads[i]!;
    return Number.isNaN(th) ? undefined : th;
  }

  /** Whether entry i was logged on this thread; two unknown threads are the same, as `===` found them. */
  onThread(i: number, thread: number | undefined): boolean {
    const th = this.threads[i]!;
    return thread === undefined ? Number.isNaN(th) : th === thread;
  }

  /** Logged time, then read order: `byTime` of two entries. */
  byTime(i: number, j: number): number {
    return this.utcs[i]! - this.utcs[j]! || this.seqs[i]! - this.seqs[j]!;
  }

  /** The event of entry i: the kept object, or one made for it (the same object until it is settled). */
  event(i: number): CollectedEvent {
    const kept = this.kept.get(i);
    if (kept !== undefined) {
      return kept;
    }
    return this.made.get(i, (row) => {
      const at = i * INTS;
      const values = this.strings.values;
      return {
        file: values[this.ints[at]!]!,
        line: this.lines[i]!,
        endLine: this.endLines[i]!,
        host: values[this.ints[at + 1]!]!,
        utc: this.utcs[i]! as UtcInstant,
        component: values[this.ints[at + 2]!]!,
        severity: SEVERITIES[this.ints[at + 4]!]!,
        kind: this.kind(i),
        fields: this.fieldsOf[i]!,
        thread: this.thread(i),
        seq: this.seqs[i]!,
        offset: this.offsets[i]!,
        length: this.lengths[i]!,
        dup: this.dups[i]!,
        shape: undefined,
        row,
      };
    });
  }

  /** Lets go of the events already written to the timeline (see MadeEvents); called after each layer. */
  settle(): void {
    this.made.settle();
  }
}

/**
 * A layer's events split for a columnar index: those `take` says, host by host in the order hosts first
 * appear among all the events (the workspace's order, which decides ties wherever the first of several is
 * taken); and the rest in their order, with the taken ones `keep` says stay objects.
 */
export function splitByHost(
  events: readonly CollectedEvent[],
  take: (e: CollectedEvent) => boolean,
  keep: (e: CollectedEvent) => boolean,
): { byHost: Map<string, CollectedEvent[]>; rest: CollectedEvent[] } {
  const byHost = new Map<string, CollectedEvent[]>();
  const rest: CollectedEvent[] = [];
  for (const e of events) {
    let list = byHost.get(e.host);
    if (list === undefined) {
      list = [];
      byHost.set(e.host, list);
    }
    const taken = take(e);
    if (taken) {
      list.push(e);
    }
    if (!taken || keep(e)) {
      rest.push(e);
    }
  }
  return { byHost, rest };
}
