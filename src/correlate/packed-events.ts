// A layer's kept events as columns: what crosses from a collecting worker to the correlator, and how any
// collection keeps its events until they are taken (see collect.ts). Each string once in a table, numbers
// in typed arrays, the fields objects as a tape of words.

import type { CollectedEvent, KeptRecord, WorkingFields } from './collect.ts';
import { SEVERITIES } from '../parsers/record.ts';
import { Interner } from './store.ts';

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
 * Kept events written straight into PackedEvents' columns as they are kept (see collect): no event object
 * is made, so a layer's events do not live through two scavenges as objects and get promoted
 * (at 100 MB they were 58 of the 63 MB the worker promoted, and most of its full collections).
 */
export class EventPacker {
  private readonly strings = new Interner();
  private n = 0;
  private refs = new Int32Array(5 * 1024);
  private ints = new Int32Array(6 * 1024);
  private numbers = new Float64Array(3 * 1024);
  private fieldRefs = new Int32Array(1024);
  private readonly tape = new Tape((s) => this.strings.id(s));
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
      strings: this.strings.values,
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
    this.refs[i * 5 + k] = s === undefined ? -1 : this.strings.id(s);
  }
}

export function unpackEvents(p: PackedEvents): CollectedEvent[] {
  const { strings, refs, ints, numbers, fieldRefs } = p;
  const fields = readTape(p.fields, strings, p.doubles) as Array<CollectedEvent['fields']>;
  const str = (i: number): string | undefined => (i < 0 ? undefined : strings[i]);
  const events: CollectedEvent[] = [];
  for (let i = 0; i < fieldRefs.length; i++) {
    const thread = numbers[i * 3 + 2]!;
    events.push({
      file: strings[refs[i * 5]!]!,
      line: ints[i * 6]!,
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
      dup: ints[i * 6 + 4]!,
      shape: str(refs[i * 5 + 4]!),
      row: -1,
    });
  }
  return events;
}
