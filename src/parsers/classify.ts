// Fills a record's typed fields from its message. Records that a framer already described (IIS) keep theirs.

import type { MutableRecord } from './framer.ts';
import { ALL_SCANS, messageFields } from './messages/grammar.ts';
import type { Scans } from './messages/grammar.ts';

export function classifyRecord(record: MutableRecord, scans: Scans = ALL_SCANS): void {
  if (record.fields === undefined) {
    record.fields = messageFields(record.component, record.text, record.format, scans);
  }
}
