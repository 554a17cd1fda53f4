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
 * Texts remembered for at most this span of a file. A remembered text is a slice of the decoded chunk it
 * was read from and keeps that chunk alive (chunks are 1 MiB), so forgetting at every MiB keeps a large
 * file's earlier chunks collectable.
 */
const MEMO_SPAN = 1 << 20;

interface Context {
  readonly format: LogFormat;
  readonly scans: Scans;
  readonly texts: Map<string, MessageFields>;
}

/**
 * `classifyRecord` for the records of a parse, read in file order, that gives a message text met again
 * within the same MiB of its file the fields it got the first time (the same object: fields are never
 * changed once made). Logs repeat whole lines all the time (polling loops, the same update listed on every
 * scan, the same reply body for every request of a client): in the bench bundles 55% of messages repeat
 * one seen earlier in their file, nearly all of them within a MiB.
 */
export class RepeatClassifier {
  private readonly contexts = new Map<string, Context>();
  private file = '';
  private span = -1;
  /** Counts the times it forgot: a caller keeping something per fields object may forget it then too. */
  generation = 0;

  classify(record: Classifiable, scans: Scans = ALL_SCANS): MessageFields {
    const known = record.fields;
    if (known !== undefined) {
      return known;
    }
    const span = Math.floor(record.offset / MEMO_SPAN);
    if (record.file !== this.file || span !== this.span) {
      this.file = record.file;
      this.span = span;
      this.contexts.clear();
      this.generation += 1;
    }
    // messageFields reads the component, the format and the scans besides the text.
    let context = this.contexts.get(record.component);
    if (context === undefined || context.format !== record.format || context.scans !== scans) {
      context = { format: record.format, scans, texts: new Map() };
      this.contexts.set(record.component, context);
    }
    let fields = context.texts.get(record.text);
    if (fields === undefined) {
      fields = messageFields(record.component, record.text, record.format, scans);
      context.texts.set(record.text, fields);
    }
    record.fields = fields;
    return fields;
  }
}
