// Files in no known format: one record per line, no time, severity by CMTrace's text rule. Keeps every
// byte of a file nobody could parse visible and searchable.

import { Framer, isBlank, textSeverity } from './framer.ts';

export class PlainTextFramer extends Framer {
  line(text: string, lineNo: number, offset: number, bytes: number): void {
    if (isBlank(text)) {
      this.blank(offset, bytes);
      return;
    }
    const r = this.newRecord('text', lineNo, offset);
    r.length = bytes;
    r.text = text;
    r.severity = textSeverity(text);
    this.complete(r);
  }
}
