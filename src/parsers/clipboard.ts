// Text copied out of the CMTrace viewer and pasted into a ticket: tab-separated columns in the view's order
// (by default message, component, date/time, thread `3532 (0x0DCC)`), date/time in the viewer's locale and
// no bias. Columns are recognised by shape, not position, because users reorder them. A line without a
// date column (a wrapped message) is kept as an orphan record with the previous record's time.

import { Framer, isBlank, textSeverity } from './framer.ts';
import { localFromDay } from './time.ts';
import { parseLocaleDateTime } from './timestamps.ts';

const THREAD = /^(\d+)\s*\(0x[0-9a-f]+\)$/i;
const COMPONENT = /^[A-Za-z_][\w.-]*$/;

export class ClipboardFramer extends Framer {
  line(text: string, lineNo: number, offset: number, bytes: number): void {
    if (isBlank(text)) {
      this.blank(offset, bytes);
      return;
    }
    const cols = text.split('\t').map((c) => c.trim());
    let when: { day: number; msOfDay: number } | undefined;
    let thread: number | undefined;
    let component: string | undefined;
    const message: string[] = [];
    for (const c of cols) {
      const t = THREAD.exec(c);
      const d = when === undefined ? parseLocaleDateTime(c) : undefined;
      if (t && thread === undefined) {
        thread = Number(t[1]);
      } else if (d) {
        when = d;
      } else if (component === undefined && message.length > 0 && COMPONENT.test(c)) {
        component = c;
      } else if (c.length > 0) {
        message.push(c);
      }
    }
    if (when === undefined) {
      this.orphan(text, lineNo, offset, bytes, 'cmtrace-copy');
      return;
    }
    const r = this.newRecord('cmtrace-copy', lineNo, offset);
    r.length = bytes;
    r.text = message.join('\t');
    r.component = component ?? this.ctx.baseName;
    r.thread = thread;
    r.severity = textSeverity(r.text);
    this.setTime(r, localFromDay(when.day, when.msOfDay), undefined);
    this.complete(r);
  }
}
