// The floor every parse figure is measured against: Node reading the same bytes in the same 1 MiB chunks,
// decoding them as text and splitting lines with indexOf — what any line-oriented reader must do at least.
// It decodes the way the parser does (ASCII chunks as latin1, others through TextDecoder), so the two
// figures differ only by what parsing adds.

import type { BundleFile } from '../../src/parsers/bundle.ts';
import { bundleChunks } from '../../src/parsers/bundle.ts';
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

// Files are read through the same bundleChunks as the parser (small files whole, one file read ahead).
export async function floorRead(files: readonly BundleFile[]): Promise<{ lines: number; bytes: number }> {
  let decoder = new TextDecoder('utf-8');
  let carry = '';
  let lines = 0;
  let bytes = 0;
  let sink = 0;
  for await (const { chunk } of bundleChunks(files)) {
    if (chunk === undefined) {
      lines += carry.length > 0 ? 1 : 0;
      carry = '';
      decoder = new TextDecoder('utf-8');
      continue;
    }
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
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
  return { lines: lines + (sink < 0 ? 1 : 0), bytes };
}
