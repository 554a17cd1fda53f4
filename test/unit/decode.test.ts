// The line decoder against an oracle written the obvious way: decode the whole file, split it on CRLF, CR and
// LF. Whatever the bytes and however they are cut into chunks, the decoder gives the same lines with the
// byte offsets and lengths the oracle counts. ASCII chunks are split as bytes and the others as text, so the
// chunkings here mix both paths, and a CR or CRLF falls on every chunk edge.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../../src/parsers/decode.ts';

interface Line {
  text: string;
  line: number;
  offset: number;
  bytes: number;
}

function decode(bytes: Uint8Array, cuts: number[]): Line[] {
  const lines: Line[] = [];
  const decoder = new LineDecoder({
    line: (text, line, offset, n) => lines.push({ text, line, offset, bytes: n }),
    junk: () => {
      throw new Error('no NULs in these inputs');
    },
  });
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    decoder.push(bytes.subarray(at, cut));
    at = cut;
  }
  decoder.push(bytes.subarray(at));
  decoder.end();
  return lines;
}

/** Lines of `text` split on CRLF, CR and LF; `size` gives a piece of text's bytes in the file. */
function oracle(text: string, start: number, size: (s: string) => number): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let from = 0;
  let offset = start;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const line = text.slice(from, m.index);
    const n = size(line) + m[0].length;
    lines.push({ text: line, line: lines.length + 1, offset, bytes: n });
    offset += n;
    from = m.index + m[0].length;
  }
  if (from < text.length) {
    const line = text.slice(from);
    lines.push({ text: line, line: lines.length + 1, offset, bytes: size(line) });
  }
  return lines;
}

const piece = fc.oneof(
  fc.constantFrom('\r\n', '\n', '\r', '\r\r\n', '\n\r', 'x', 'INFO: a line of a log', '\t'),
  fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')),
);
const ascii = fc.oneof(
  fc.constantFrom('\r\n', '\n', '\r', 'abc', ' ', '<![LOG[x]LOG]!>'),
  fc.string({ unit: fc.integer({ min: 1, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
);
const cutsOf = (length: number) => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 12 });

describe('line decoder', () => {
  it('splits ASCII bytes as the oracle does, however they are cut', () => {
    fc.assert(
      fc.property(
        fc.array(ascii, { maxLength: 40 }).chain((parts) => {
          const text = parts.join('');
          return fc.tuple(fc.constant(text), cutsOf(text.length));
        }),
        ([text, cuts]) => {
          const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
          const want = oracle(text, 0, (s) => s.length);
          expect(decode(bytes, cuts)).toEqual(want);
          expect(
            decode(
              bytes,
              Array.from({ length: bytes.length }, (_, i) => i),
            ),
          ).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('splits UTF-8 with ASCII runs (bytes and text in turn) as the oracle does, however it is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(piece, ascii, fc.constantFrom('é', '✓', '😀')), { maxLength: 40 }).chain((parts) => {
          const text = parts.join('');
          return fc.tuple(fc.constant(text), cutsOf(Buffer.byteLength(text)));
        }),
        ([text, cuts]) => {
          const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
          expect(decode(bytes, cuts)).toEqual(oracle(text, 0, (s) => Buffer.byteLength(s)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts a line the Windows-1252 switch falls in by both encodings, however the file is cut', () => {
    // ASCII, then one byte that is not UTF-8 (0xE9, é in Windows-1252), then more lines.
    const head = 'first line\r\nsecond ✓ line\r\n';
    const tail = 'caf\u00e9 au lait\r\nlast line\rafter a bare CR\n';
    const bytes = new Uint8Array(Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(tail, 'latin1')]));
    const want = [
      ...oracle(head, 0, (s) => Buffer.byteLength(s)),
      ...oracle(tail, Buffer.byteLength(head), (s) => s.length).map((l) => ({ ...l, line: l.line + 2 })),
    ];
    fc.assert(
      fc.property(cutsOf(bytes.length), (cuts) => {
        expect(decode(bytes, cuts)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
