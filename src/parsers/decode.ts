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
  private midSequence = false;
  private bytesIn = 0;
  /** Byte offset of the first byte of `carry`. */
  private offset = 0;

  constructor(private readonly sink: LineSink) {}

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
    this.bytesIn += chunk.length;
    this.feed(this.decode(chunk, true), this.chunkIsAscii(chunk));
  }

  end(): void {
    if (!this.started) {
      const head = this.pendingHead ?? new Uint8Array(0);
      this.pendingHead = undefined;
      const rest = this.start(head);
      this.bytesIn += rest.length;
      if (rest.length > 0) {
        this.feed(this.decode(rest, true), this.chunkIsAscii(rest));
      }
    }
    const tail = this.decoder ? this.decodeEnd() : '';
    this.feed(tail, tail.length === 0 || isAsciiString(tail));
    if (this.carry.length > 0) {
      const text = this.carry;
      this.carry = '';
      this.emit(text, this.byteLength(text, this.carryAscii));
    }
  }

  private start(head: Uint8Array): Uint8Array {
    this.started = true;
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
    this.bytesIn = this.bomBytes;
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
    if ((utf8 || this.encoding === 'windows-1252') && !this.midSequence && isAscii(chunk)) {
      // ASCII is the common case and reads ~15x faster as latin1 than through TextDecoder.
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    }
    if (!utf8) {
      return decoder.decode(chunk, { stream });
    }
    // A chunk that ends inside a multi-byte sequence leaves the decoder holding bytes: the next chunk must
    // go through it even when it looks like ASCII.
    this.midSequence = chunk.length > 0 && chunk[chunk.length - 1]! >= 0x80;
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      // Point at the line of the first invalid byte: count line breaks before the first replacement character.
      const lossy = new TextDecoder('utf-8').decode(chunk);
      const bad = lossy.indexOf('\ufffd');
      const before = this.carry + lossy.slice(0, Math.max(0, bad));
      this.notices.push({
        line: this.lines + 1 + countLineBreaks(before),
        message: 'not valid UTF-8 from here on: read as Windows-1252',
      });
      this.encoding = 'windows-1252';
      this.midSequence = false;
      this.decoder = this.makeDecoder();
      return this.decoder.decode(chunk, { stream });
    }
  }

  private decodeEnd(): string {
    try {
      return this.decoder!.decode();
    } catch {
      this.notices.push({ line: this.lines + 1, message: 'file ends inside a UTF-8 sequence' });
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

  private feed(decoded: string, chunkAscii: boolean): void {
    if (decoded.length === 0) {
      return;
    }
    const text = this.carry.length > 0 ? this.carry + decoded : decoded;
    // The first line may contain carried-over characters from a non-ASCII chunk.
    let lineAscii = chunkAscii && this.carryAscii;
    const limit = text.length;
    const unit = this.unit();
    let pos = 0;
    // Next CR at or after `pos`, maintained alongside the LF search: in a CRLF file it is always the
    // character before the LF; anywhere else it is a bare CR, which VS Code counts as a line break.
    let cr = text.indexOf('\r');
    for (;;) {
      let nl = text.indexOf('\n', pos);
      if (cr >= 0 && cr < pos) {
        cr = text.indexOf('\r', pos);
      }
      let end: number;
      let termLen = 1;
      if (cr >= 0 && (nl < 0 || cr < nl)) {
        if (cr === limit - 1) {
          // A CR at the very end: it may be the first half of a CRLF split across chunks.
          break;
        }
        end = cr;
        if (cr + 1 === nl) {
          termLen = 2;
        } else {
          nl = cr;
        }
      } else if (nl < 0) {
        break;
      } else {
        end = nl;
      }
      const line = text.slice(pos, end);
      this.emit(line, this.byteLength(line, lineAscii) + termLen * unit);
      pos = end + termLen;
      lineAscii = chunkAscii;
    }
    this.carry = pos === 0 ? text : text.slice(pos);
    this.carryAscii = pos === 0 ? lineAscii : chunkAscii;
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
