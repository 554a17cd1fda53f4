// Reads one record again from its byte span, for consumers that kept only where a record is (file, offset,
// length) and not its text: the correlated timeline of a multi-GB bundle cannot hold every message. Plain
// files are read in place (positioned reads, a few open descriptors kept); files inside a .zip cannot be
// sought, so the spans wanted are fetched in one pass over each such file first.

import { closeSync, openSync, readSync } from 'node:fs';
import type { BundleFile } from './bundle.ts';
import { bundleChunks } from './bundle.ts';
import { classifyRecord } from './classify.ts';
import type { FramerKind } from './detect.ts';
import { parseBytes } from './file-parser.ts';
import type { MessageFields } from './messages/fields.ts';
import type { TextEncoding } from './record.ts';
import type { LocalReading } from './time.ts';

export interface RecordSpan {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

export interface RereadRecord {
  readonly text: string;
  readonly fields: MessageFields;
}

interface FileInfo {
  readonly bundleFile: BundleFile;
  readonly kind: FramerKind;
  readonly encoding: TextEncoding;
}

const MAX_OPEN = 32;

/**
 * Bytes read at once from a file on disk, kept for the records after the one asked for. Exports and views
 * read records in time order, which in each file is mostly byte order: one read serves the next dozens of
 * records (the 100 MB bench bundle's JSON export made 237,000 positioned reads of a few hundred bytes, two
 * seconds of system calls).
 */
const BLOCK_BYTES = 16 * 1024;

interface Block {
  readonly start: number;
  /** BLOCK_BYTES long; the first `length` bytes were read. */
  readonly buffer: Buffer;
  readonly length: number;
}

export class RecordReader {
  private readonly files = new Map<string, FileInfo>();
  private readonly open = new Map<string, number>();
  /** The last block read from each open file. */
  private readonly blocks = new Map<string, Block>();
  /** Block buffers of closed files, to be read into again. */
  private readonly spare: Buffer[] = [];
  /** Spans of files inside a .zip, fetched ahead by `prefetch`. */
  private readonly fetched = new Map<string, Map<number, Uint8Array>>();

  add(bundleFile: BundleFile, kind: FramerKind, encoding: TextEncoding): void {
    this.files.set(bundleFile.path, { bundleFile, kind, encoding });
  }

  /** The framer and encoding a file was read with, for readers that parse more of it. */
  describe(file: string): { readonly kind: FramerKind; readonly encoding: TextEncoding } | undefined {
    const info = this.files.get(file);
    return info && { kind: info.kind, encoding: info.encoding };
  }

  /** Fetches the spans of files that cannot be read in place. Call before `read` for .zip bundles. */
  async prefetch(spans: Iterable<RecordSpan>): Promise<void> {
    const wanted = new Map<string, RecordSpan[]>();
    for (const s of spans) {
      const info = this.files.get(s.file);
      if (info && info.bundleFile.diskPath === undefined) {
        const list = wanted.get(s.file) ?? [];
        list.push(s);
        wanted.set(s.file, list);
      }
    }
    for (const [file, list] of wanted) {
      const sorted = list.sort((a, b) => a.offset - b.offset);
      const got = new Map<number, Uint8Array>();
      let at = 0;
      let i = 0;
      for await (const { chunk } of bundleChunks([this.files.get(file)!.bundleFile])) {
        if (!chunk) {
          continue;
        }
        while (i < sorted.length && sorted[i]!.offset < at + chunk.length) {
          const s = sorted[i]!;
          // Spans may cross chunk edges: keep what this chunk holds and complete it from the next.
          const have = got.get(s.offset);
          const from = Math.max(0, s.offset - at);
          const piece = chunk.subarray(from, Math.min(chunk.length, s.offset + s.length - at));
          got.set(s.offset, have ? Buffer.concat([have, piece]) : Buffer.from(piece));
          if (s.offset + s.length <= at + chunk.length) {
            i++;
          } else {
            break;
          }
        }
        at += chunk.length;
      }
      this.fetched.set(file, got);
    }
  }

  read(span: RecordSpan): RereadRecord {
    const info = this.files.get(span.file);
    if (!info) {
      return { text: '', fields: {} };
    }
    const bytes = this.bytes(info, span);
    const out = parseBytes(bytes, {
      file: span.file,
      kind: info.kind,
      encoding: info.encoding,
      classify: classifyRecord,
    });
    const r = out.records[0];
    return { text: r?.text ?? '', fields: r?.fields ?? {} };
  }

  /** The record's local reading, as its framer reads it (no message fields). */
  readLocal(span: RecordSpan): LocalReading | undefined {
    const info = this.files.get(span.file);
    if (!info) {
      return undefined;
    }
    return parseBytes(this.bytes(info, span), { file: span.file, kind: info.kind, encoding: info.encoding }).records[0]
      ?.local;
  }

  /** The record's message only: no message fields, so about a third of the work of `read`. */
  readText(span: RecordSpan): string {
    const info = this.files.get(span.file);
    if (!info) {
      return '';
    }
    const out = parseBytes(this.bytes(info, span), { file: span.file, kind: info.kind, encoding: info.encoding });
    return out.records[0]?.text ?? '';
  }

  close(): void {
    for (const fd of this.open.values()) {
      closeSync(fd);
    }
    this.open.clear();
    this.blocks.clear();
    this.spare.length = 0;
  }

  private bytes(info: FileInfo, span: RecordSpan): Uint8Array {
    const path = info.bundleFile.diskPath;
    if (path === undefined) {
      return this.fetched.get(span.file)?.get(span.offset) ?? new Uint8Array(0);
    }
    const block = this.blocks.get(path);
    if (block !== undefined && span.offset >= block.start && span.offset + span.length <= block.start + block.length) {
      return block.buffer.subarray(span.offset - block.start, span.offset - block.start + span.length);
    }
    let fd = this.open.get(path);
    if (fd === undefined) {
      if (this.open.size >= MAX_OPEN) {
        const [oldPath, oldFd] = this.open.entries().next().value as [string, number];
        closeSync(oldFd);
        this.open.delete(oldPath);
        const freed = this.retire(oldPath);
        if (freed) {
          this.spare.push(freed);
        }
      }
      fd = openSync(path, 'r');
      this.open.set(path, fd);
    }
    if (span.length > BLOCK_BYTES / 2) {
      const buf = Buffer.allocUnsafe(span.length);
      const n = readSync(fd, buf, 0, span.length, span.offset);
      return buf.subarray(0, n);
    }
    // From the record on: the records after it in the file are the ones likely asked for next. The file's
    // last block is read over: what it held was parsed when it was asked for, and nothing keeps its bytes.
    const buf = this.retire(path) ?? this.spare.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
    const n = readSync(fd, buf, 0, BLOCK_BYTES, span.offset);
    this.blocks.set(path, { start: span.offset, buffer: buf, length: n });
    return buf.subarray(0, Math.min(n, span.length));
  }

  /**
   * Forgets a file's block and hands back its buffer. A new buffer per read made the records failures cite,
   * scattered over thousands of files, cost 16 KB of external memory each, and V8 collects for external
   * memory every 64 MB: at 1 GB, reading 27,000 of them took 2.4 s, a fifth of it in allocating buffers.
   */
  private retire(path: string): Buffer | undefined {
    const block = this.blocks.get(path);
    this.blocks.delete(path);
    return block?.buffer;
  }
}
