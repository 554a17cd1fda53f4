// Bytes → lines. Sniffs the encoding (BOM, else strict UTF-8, falling back to Windows-1252 at the first
// invalid byte), decodes chunk by chunk and splits lines the way VS Code counts them (LF, CRLF and a bare
// CR each end a line), keeping the exact byte offset and byte length of every line so that records can
// point back into the file. Nothing is buffered beyond the current partial line.

import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import type { TextEncoding } from './record.ts';

/** Receives each physical line without its terminator; `bytes` counts the line and its terminator. */
export interface LineSink {
  line(text: string, lineNo: number, offset: number, bytes: number): void;
  /** Bytes that are no text at all (NUL padding left by a crashed writer). */
  junk(lineNo: number, offset: number, bytes: number, message: string): void;
}

export interface DecodeNotice {
  readonly line: number;
  readonly message: string;
}

export class LineDecoder {
  encoding: TextEncoding = 'utf-8';
  /** BOM bytes at the start of the file (0, 2 or 3). */
  bomBytes = 0;
  lines = 0;
  readonly notices: DecodeNotice[] = [];

  private started = false;
  private decoder: TextDecoder | undefined;
  private pendingHead: Uint8Array | undefined;
  private carry = '';
  private carryAscii = true;
  /** Bytes of an unfinished UTF-8 sequence the decoder holds from the end of the last chunk. */
  private pendingTail: Uint8Array | undefined;
  /**
   * After a switch to Windows-1252, the first `utf8Chars` characters of the text being split were decoded
   * as UTF-8 and are counted as such.
   */
  private utf8Chars = 0;
  /** Bytes of the last line that its text does not show (an unfinished sequence at the end of the file). */
  private endAdjust = 0;
  /** UTF-16 bytes given to the decoder: odd means the file ends inside a code unit. */
  private utf16Bytes = 0;
  /** Byte offset of the first byte of `carry`. */
  private offset = 0;

  /**
   * `forced`: decode as this encoding without looking for a BOM — for re-reading a record's bytes from the
   * middle of a file whose encoding is already known.
   */
  constructor(
    private readonly sink: LineSink,
    private readonly forced?: TextEncoding,
  ) {}

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) {
      return;
    }
    if (!this.started) {
      // A BOM needs up to 3 bytes; wait for them unless the file is shorter.
      const head = this.pendingHead ? concat(this.pendingHead, chunk) : chunk;
      if (head.length < 3) {
        this.pendingHead = head;
        return;
      }
      this.pendingHead = undefined;
      chunk = this.start(head);
      if (chunk.length === 0) {
        return;
      }
    }
    if (this.splitsBytes(chunk)) {
      this.feedAscii(chunk);
      return;
    }
    this.feed(this.decode(chunk, true), this.chunkIsAscii(chunk));
  }

  end(): void {
    if (!this.started) {
      const head = this.pendingHead ?? new Uint8Array(0);
      this.pendingHead = undefined;
      const rest = this.start(head);
      if (rest.length > 0) {
        this.feed(this.decode(rest, true), this.chunkIsAscii(rest));
      }
    }
    const tail = this.decoder ? this.decodeEnd() : '';
    this.feed(tail, tail.length === 0 || isAsciiString(tail));
    if (this.carry.length > 0) {
      // A CR held back in case an LF followed ends the file's last line instead.
      const cr = this.carry.endsWith('\r') ? 1 : 0;
      const text = cr === 0 ? this.carry : this.carry.slice(0, -1);
      this.carry = '';
      this.emit(text, this.spanBytes(text, 0, text.length, this.carryAscii) + cr * this.unit() + this.endAdjust);
      this.utf8Chars = 0;
    }
  }

  private start(head: Uint8Array): Uint8Array {
    this.started = true;
    if (this.forced !== undefined) {
      this.encoding = this.forced === 'utf-8-bom' ? 'utf-8' : this.forced;
      this.decoder = this.makeDecoder();
      return head;
    }
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.encoding = 'utf-8-bom';
      this.bomBytes = 3;
    } else if (head[0] === 0xff && head[1] === 0xfe) {
      this.encoding = 'utf-16le';
      this.bomBytes = 2;
    } else if (head[0] === 0xfe && head[1] === 0xff) {
      this.encoding = 'utf-16be';
      this.bomBytes = 2;
    }
    this.offset = this.bomBytes;
    this.decoder = this.makeDecoder();
    return head.subarray(this.bomBytes);
  }

  private makeDecoder(): TextDecoder {
    switch (this.encoding) {
      case 'utf-16le':
        return new TextDecoder('utf-16le', { ignoreBOM: true });
      case 'utf-16be':
        return new TextDecoder('utf-16be', { ignoreBOM: true });
      case 'windows-1252':
        return new TextDecoder('windows-1252');
      default:
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    }
  }

  private chunkIsAscii(chunk: Uint8Array): boolean {
    return (this.encoding === 'utf-8' || this.encoding === 'utf-8-bom') && isAscii(chunk);
  }

  private decode(chunk: Uint8Array, stream: boolean): string {
    const decoder = this.decoder!;
    const utf8 = this.encoding === 'utf-8' || this.encoding === 'utf-8-bom';
    if ((utf8 || this.encoding === 'windows-1252') && this.pendingTail === undefined && isAscii(chunk)) {
      // ASCII is the common case and reads ~15x faster as latin1 than through TextDecoder.
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    }
    if (!utf8) {
      if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') {
        this.utf16Bytes += chunk.length;
      }
      return decoder.decode(chunk, { stream });
    }
    try {
      const text = decoder.decode(chunk, { stream });
      // A chunk that ends inside a multi-byte sequence leaves the decoder holding bytes (possibly from
      // earlier chunks too): the next chunk must go through it even when it looks like ASCII.
      const end = this.pendingTail ? concat(this.pendingTail, chunk.subarray(Math.max(0, chunk.length - 3))) : chunk;
      const tail = utf8Tail(end);
      this.pendingTail = tail > 0 ? end.slice(end.length - tail) : undefined;
      return text;
    } catch {
      // Not UTF-8 after all. Switch to Windows-1252 (every byte one character) at the first invalid byte, so
      // the switch happens at the same place however the file is cut into chunks; the bytes before it,
      // including any the decoder held, are still UTF-8.
      const bytes = this.pendingTail ? concat(this.pendingTail, chunk) : chunk;
      this.pendingTail = undefined;
      const bad = firstInvalidUtf8(bytes);
      const head = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
      this.notices.push({
        line: this.lines + 1 + countLineBreaks(this.carry + head),
        message: 'not valid UTF-8 from here on: read as Windows-1252',
      });
      this.encoding = 'windows-1252';
      this.decoder = this.makeDecoder();
      const rest = this.decoder.decode(bytes.subarray(bad), { stream });
      this.utf8Chars = this.carry.length + head.length;
      return head + rest;
    }
  }

  private decodeEnd(): string {
    if (this.utf16Bytes % 2 === 1) {
      // The decoder writes U+FFFD for the lone last byte: count that one byte, not a code unit's two.
      this.notices.push({ line: this.lines + 1, message: 'file ends inside a UTF-16 code unit (1 byte)' });
      this.endAdjust = -1;
      return this.decoder!.decode();
    }
    const held = this.pendingTail?.length ?? 0;
    this.pendingTail = undefined;
    try {
      return this.decoder!.decode();
    } catch {
      this.notices.push({
        line: this.lines + 1,
        message: `file ends inside a UTF-8 sequence (${held} byte${held === 1 ? '' : 's'})`,
      });
      // U+FFFD stands for the held bytes; count those bytes, not the character's three.
      this.endAdjust = held - 3;
      return '\ufffd';
    }
  }

  /** Bytes per code unit of the line terminators and NULs. */
  private unit(): number {
    return this.encoding === 'utf-16le' || this.encoding === 'utf-16be' ? 2 : 1;
  }

  private byteLength(text: string, ascii: boolean): number {
    if (ascii || this.encoding === 'windows-1252') {
      return text.length;
    }
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') {
      return text.length * 2;
    }
    return Buffer.byteLength(text, 'utf8');
  }

  /** Bytes of text[start, end): UTF-8 before the switch point, one per character after it. */
  private spanBytes(text: string, start: number, end: number, ascii: boolean): number {
    const boundary = this.utf8Chars;
    if (boundary <= start) {
      return this.byteLength(end - start === text.length ? text : text.slice(start, end), ascii);
    }
    if (boundary >= end) {
      return Buffer.byteLength(text.slice(start, end), 'utf8');
    }
    return Buffer.byteLength(text.slice(start, boundary), 'utf8') + (end - boundary);
  }

  /** An ASCII chunk of a UTF-8 or Windows-1252 file with nothing held back: one byte is one character. */
  private splitsBytes(chunk: Uint8Array): boolean {
    // In UTF-8 the carried text must be ASCII too; in Windows-1252 every character is one byte.
    const oneByte =
      this.encoding === 'windows-1252' ||
      ((this.encoding === 'utf-8' || this.encoding === 'utf-8-bom') && this.carryAscii);
    return oneByte && this.pendingTail === undefined && this.utf8Chars === 0 && isAscii(chunk);
  }

  /**
   * `feed` for an ASCII chunk, splitting the bytes rather than one string of the whole chunk: each line is a
   * string of its own, so a line kept (a memo key, a kept event's text) holds its own bytes and not the
   * chunk's, and lines die young with the records made from them instead of keeping a file-sized string
   * alive (in the 1 GB bundle that string was promoted, or made in the old generation, for every file).
   */
  private feedAscii(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let pos = 0;
    if (this.carry.endsWith('\r')) {
      // The last chunk ended on a CR: a CRLF split across chunks, or a bare CR ending the line.
      const text = this.carry.slice(0, -1);
      this.carry = '';
      pos = buf[0] === 10 ? 1 : 0;
      this.emit(text, text.length + 1 + pos);
    }
    const breaks = new LineBreaks(
      (from) => buf.indexOf(10, from),
      (from) => buf.indexOf(13, from),
      buf.length,
      pos,
    );
    for (let end = breaks.next(); end >= 0; end = breaks.next()) {
      let line = buf.toString('latin1', pos, end);
      if (this.carry.length > 0) {
        line = this.carry + line;
        this.carry = '';
      }
      this.emit(line, line.length + breaks.terminator);
      pos = end + breaks.terminator;
    }
    if (pos < buf.length) {
      const rest = buf.toString('latin1', pos, buf.length);
      this.carry = this.carry.length > 0 ? this.carry + rest : rest;
    }
    this.carryAscii = true;
  }

  private feed(decoded: string, chunkAscii: boolean): void {
    if (decoded.length === 0) {
      return;
    }
    const text = this.carry.length > 0 ? this.carry + decoded : decoded;
    // The first line may contain carried-over characters from a non-ASCII chunk.
    let lineAscii = chunkAscii && this.carryAscii;
    const unit = this.unit();
    let pos = 0;
    const breaks = new LineBreaks(
      (from) => text.indexOf('\n', from),
      (from) => text.indexOf('\r', from),
      text.length,
    );
    for (let end = breaks.next(); end >= 0; end = breaks.next()) {
      const line = text.slice(pos, end);
      const textBytes =
        this.utf8Chars === 0 ? this.byteLength(line, lineAscii) : this.spanBytes(text, pos, end, lineAscii);
      this.emit(line, textBytes + breaks.terminator * unit);
      pos = end + breaks.terminator;
      lineAscii = chunkAscii;
    }
    this.carry = pos === 0 ? text : text.slice(pos);
    this.carryAscii = pos === 0 ? lineAscii : chunkAscii;
    this.utf8Chars = Math.max(0, this.utf8Chars - pos);
  }

  private emit(line: string, bytes: number): void {
    this.lines += 1;
    let offset = this.offset;
    this.offset += bytes;
    if (line.length > 0 && line.charCodeAt(0) === 0) {
      // A writer that crashed leaves its preallocated tail as NULs, and may resume writing on the same line.
      // Report the NULs as bytes in no record and keep whatever text follows them.
      let nuls = 1;
      while (nuls < line.length && line.charCodeAt(nuls) === 0) {
        nuls += 1;
      }
      const unit = this.unit();
      const rest = line.slice(nuls);
      const junkBytes = rest.length === 0 ? bytes : nuls * unit;
      this.sink.junk(this.lines, offset, junkBytes, `${nuls} NUL bytes skipped`);
      if (rest.length === 0) {
        return;
      }
      offset += junkBytes;
      bytes -= junkBytes;
      line = rest;
    }
    this.sink.line(line, this.lines, offset, bytes);
  }
}

/**
 * The line breaks of a chunk, in order, the way VS Code counts them: LF, CRLF and a bare CR each end a line.
 * `findLf` and `findCr` find the next LF or CR at or after an index (of a string or of bytes). A CR at the end
 * is not a break yet: it may be the first half of a CRLF split across chunks.
 */
class LineBreaks {
  /** Length of the last break's terminator: 2 for CRLF, else 1. */
  terminator = 1;
  /** Next CR at or after `pos`: in a CRLF file always the character before the LF, else a bare CR. */
  private cr: number;

  constructor(
    private readonly findLf: (from: number) => number,
    private readonly findCr: (from: number) => number,
    private readonly limit: number,
    private pos = 0,
  ) {
    this.cr = findCr(pos);
  }

  /** Index where the next line ends (its terminator starts), or -1 when no break is left. */
  next(): number {
    const nl = this.findLf(this.pos);
    if (this.cr >= 0 && this.cr < this.pos) {
      this.cr = this.findCr(this.pos);
    }
    const cr = this.cr;
    if (cr >= 0 && (nl < 0 || cr < nl)) {
      if (cr === this.limit - 1) {
        return -1;
      }
      this.terminator = cr + 1 === nl ? 2 : 1;
      this.pos = cr + this.terminator;
      return cr;
    }
    if (nl < 0) {
      return -1;
    }
    this.terminator = 1;
    this.pos = nl + 1;
    return nl;
  }
}

/**
 * Index of the first byte that makes `bytes` invalid UTF-8 under the WHATWG decoder's rules (the ones
 * TextDecoder applies), or `bytes.length` if the only trouble is an unfinished sequence at the end.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      lo = b === 0xe0 ? 0xa0 : 0x80;
      hi = b === 0xed ? 0x9f : 0xbf;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      lo = b === 0xf0 ? 0x90 : 0x80;
      hi = b === 0xf4 ? 0x8f : 0xbf;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) {
        return n;
      }
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) {
        return i;
      }
    }
    i += need + 1;
  }
  return n;
}

/** Trailing bytes of `chunk` that start a UTF-8 sequence the chunk does not finish (0–3). */
function utf8Tail(chunk: Uint8Array): number {
  const n = chunk.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = chunk[n - back]!;
    if ((b & 0xc0) === 0x80) {
      continue;
    }
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

function countLineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) {
      n++;
    }
  }
  return n;
}

function isAsciiString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 127) {
      return false;
    }
  }
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
