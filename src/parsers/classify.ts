// Fills a record's typed fields from its message. Records that a framer already described (IIS) keep theirs.

import type { MutableRecord } from './framer.ts';
import type { MessageFields } from './messages/fields.ts';
import { ALL_SCANS, messageFields } from './messages/grammar.ts';
import type { Scans } from './messages/grammar.ts';
import type { LogFormat, LogRecord } from './record.ts';

/** What classifying reads of a record, and the fields it fills. */
export type Classifiable = Pick<LogRecord, 'file' | 'offset' | 'component' | 'format' | 'text' | 'fields'>;

export function classifyRecord(record: MutableRecord, scans: Scans = ALL_SCANS): void {
  if (record.fields === undefined) {
    record.fields = messageFields(record.component, record.text, record.format, scans);
  }
}

/**
 * Texts remembered for at most this span of a file. A text from a chunk that is not all ASCII is a slice of
 * the decoded chunk and keeps that chunk alive (chunks are up to 8 MiB, see bundle.ts), so forgetting at
 * every MiB keeps a large file's earlier text collectable; an ASCII line is a string of its own (see
 * LineDecoder.feedAscii), and the span bounds what the memo holds.
 */
const MEMO_SPAN = 1 << 20;

/** A message's fields, and a slot for what the caller makes of them (kept as long as the fields are). */
export interface Classified<D> {
  readonly fields: MessageFields;
  derived: D | undefined;
}

interface Context<D> {
  readonly format: LogFormat;
  readonly scans: Scans;
  /** By `sampleKey` of the text; texts whose keys collide are chained. */
  readonly texts: Map<number, Remembered<D>>;
}

/** A text met before in its context, with its fields; `next` is another text of the same key. */
interface Remembered<D> extends Classified<D> {
  readonly text: string;
  readonly next: Remembered<D> | undefined;
  readonly depth: number;
}

/** Texts kept under one key; the chain starts again when it is full. */
const MAX_CHAIN = 4;

/**
 * A number that equal texts share, from the length and a few dozen characters spread over the text.
 * Used as the memo's key instead of the text: a string key is hashed whole (V8 caches a string's hash,
 * but every record's text is a new string), and that was a fifth of classifying (0.9 of the collecting
 * worker's 4.9 s at 1 GB). Texts that differ only between the sampled characters share a key and are told
 * apart by comparing them (a memcmp).
 */
function sampleKey(s: string): number {
  const n = s.length;
  const step = (n >> 5) + 1;
  let h = n;
  for (let i = n - 1; i >= 0; i -= step) {
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  }
  return h;
}

/**
 * `classifyRecord` for the records of a parse, read in file order, that gives a message text met again
 * within the same MiB of its file the fields it got the first time (the same object: fields are never
 * changed once made). Logs repeat whole lines all the time (polling loops, the same update listed on every
 * scan, the same reply body for every request of a client): in the bench bundles 55% of messages repeat
 * one seen earlier in their file, nearly all of them within a MiB. `D` is what a caller derives from the
 * fields and keeps beside them (see `classified`).
 */
export class RepeatClassifier<D = never> {
  private readonly contexts = new Map<string, Context<D>>();
  private file = '';
  private span = -1;
  /** The context last used, and its component: records of one component come in runs. */
  private component: string | undefined;
  private context: Context<D> | undefined;

  classify(record: Classifiable, scans: Scans = ALL_SCANS): MessageFields {
    return this.classified(record, scans).fields;
  }

  /**
   * The record's fields with their slot: a repeat of a message gets the same slot, so what the caller put
   * there for the first is there for the others. A record whose framer gave it fields gets a slot of its own.
   */
  classified(record: Classifiable, scans: Scans = ALL_SCANS): Classified<D> {
    const known = record.fields;
    if (known !== undefined) {
      return { fields: known, derived: undefined };
    }
    const span = Math.floor(record.offset / MEMO_SPAN);
    if (record.file !== this.file || span !== this.span) {
      this.file = record.file;
      this.span = span;
      this.contexts.clear();
      this.component = undefined;
    }
    // messageFields reads the component, the format and the scans besides the text.
    let context = record.component === this.component ? this.context : this.contexts.get(record.component);
    if (context === undefined || context.format !== record.format || context.scans !== scans) {
      context = { format: record.format, scans, texts: new Map() };
      this.contexts.set(record.component, context);
    }
    this.component = record.component;
    this.context = context;
    const text = record.text;
    const key = sampleKey(text);
    const first = context.texts.get(key);
    let entry = first;
    while (entry !== undefined && entry.text !== text) {
      entry = entry.next;
    }
    if (entry === undefined) {
      const chained = first !== undefined && first.depth < MAX_CHAIN;
      entry = {
        fields: messageFields(record.component, text, record.format, scans),
        derived: undefined,
        text,
        next: chained ? first : undefined,
        depth: chained ? first.depth + 1 : 1,
      };
      context.texts.set(key, entry);
    }
    record.fields = entry.fields;
    return entry;
  }
}
