// The floor every parse figure is measured against: Node reading the same bytes in the same 1 MiB chunks,
// decoding them as text and splitting lines with indexOf — what any line-oriented reader must do at least.
// It decodes the way the parser does (ASCII chunks as latin1, others through TextDecoder), so the two
// figures differ only by what parsing adds.

import { createReadStream } from 'node:fs';
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

export async function floorRead(path: string): Promise<{ lines: number; bytes: number }> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let lines = 0;
  let bytes = 0;
  let sink = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    const text = carry + (isAscii(buf) ? buf.toString('latin1') : decoder.decode(buf, { stream: true }));
    let pos = 0;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) {
        break;
      }
      // Touch each line as a string, as a consumer would.
      sink += text.slice(pos, nl).length;
      lines += 1;
      pos = nl + 1;
    }
    carry = text.slice(pos);
  }
  if (carry.length > 0) {
    lines += 1;
  }
  return { lines: lines + (sink < 0 ? 1 : 0), bytes };
}
