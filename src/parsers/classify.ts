// Fills a record's typed fields from its message. Records that a framer already described (IIS) keep theirs.

import type { MutableRecord } from './framer.ts';
import { messageFields } from './messages/grammar.ts';

export function classifyRecord(record: MutableRecord): void {
  if (record.fields === undefined) {
    record.fields = messageFields(record.component, record.text, record.format);
  }
}
