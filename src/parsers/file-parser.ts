// One file, bytes in, records out. Holds back the first 64 KiB to choose a framer (name first, then
// content), then streams: push chunks of any size at any boundary, call `end()` once. Never throws on
// input; whatever cannot be read becomes a problem with its line.

import { createReadStream } from 'node:fs';
import { ClipboardFramer } from './clipboard.ts';
import { ConfigMgrFramer } from './configmgr.ts';
import { LineDecoder } from './decode.ts';
import type { FramerKind } from './detect.ts';
import { detectByContent, detectByName } from './detect.ts';
import type { BiasHint, Framer, FramerContext, MutableRecord } from './framer.ts';
import { IisFramer } from './iis.ts';
import { PlainTextFramer } from './plaintext.ts';
import type { FileSummary, LogRecord, ParseProblem, ParseSink, TextEncoding } from './record.ts';
import type { LocalReading } from './time.ts';
import { WindowsUpdateFramer } from './windowsupdate.ts';

/** Enough for the first lines of any format (a CCM record with an XML body is a few KiB at most). */
const SNIFF_BYTES = 16 * 1024;
const SNIFF_LINES = 100;

export interface FileParseOptions {
  /** The path records name (relative to the bundle, forward slashes). */
  readonly file: string;
  /** Force a framer instead of detecting one. */
  readonly kind?: FramerKind;
  /** The host's bias at a local time, for files whose records carry none. */
  readonly hostBias?: (local: LocalReading, previous?: BiasHint) => number | undefined;
  /** Fills `record.fields`; omit for framing only. */
  readonly classify?: (record: MutableRecord) => void;
  /** Decode as this encoding, no BOM expected (re-reading a span of a file whose encoding is known). */
  readonly encoding?: TextEncoding;
}

export class FileParser {
  private head: Uint8Array[] | undefined = [];
  private headBytes = 0;
  private decoder: LineDecoder | undefined;
  private framer: Framer | undefined;
  private bytes = 0;
  private extraProblems = 0;
  kind: FramerKind | undefined;

  constructor(
    private readonly options: FileParseOptions,
    private readonly sink: ParseSink,
  ) {}

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.head !== undefined) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < SNIFF_BYTES) {
        return;
      }
      this.begin();
      return;
    }
    this.decoder!.push(chunk);
  }

  /** A problem found outside the bytes (the file could not be read to the end). */
  problem(line: number, message: string): void {
    this.sink.problem({ file: this.options.file, line, message, offset: 0, length: 0 });
    this.extraProblems += 1;
  }

  end(): FileSummary {
    if (this.head !== undefined) {
      this.begin();
    }
    const decoder = this.decoder!;
    const framer = this.framer!;
    decoder.end();
    framer.end();
    for (const n of decoder.notices) {
      framer.junk(n.line, 0, 0, n.message);
    }
    const formats = [...framer.formats];
    return {
      file: this.options.file,
      kind: this.kind!,
      format: formats.length === 0 ? 'empty' : formats.length === 1 ? formats[0]! : 'mixed',
      formats,
      encoding: decoder.encoding,
      bytes: this.bytes,
      lines: decoder.lines,
      records: framer.records,
      problems: framer.problems + this.extraProblems,
      skippedBytes: framer.skippedBytes + decoder.bomBytes,
      firstUtc: framer.firstUtc,
      lastUtc: framer.lastUtc,
    };
  }

  private begin(): void {
    const head = this.head!;
    this.head = undefined;
    const name = this.options.file.slice(this.options.file.lastIndexOf('/') + 1);
    this.kind = this.options.kind ?? detectByName(name) ?? sniff(head);
    const ctx: FramerContext = {
      file: this.options.file,
      baseName: name.replace(/(-\d{8}-\d{6})?\.[^.]*$/, ''),
      sink: this.sink,
      hostBias: this.options.hostBias ?? (() => undefined),
      bytesOf: (s) => {
        const enc = this.decoder?.encoding;
        return enc === 'utf-16le' || enc === 'utf-16be'
          ? s.length * 2
          : enc === 'windows-1252'
            ? s.length
            : Buffer.byteLength(s, 'utf8');
      },
      classify: this.options.classify,
    };
    this.framer = makeFramer(this.kind, ctx);
    const decoder = new LineDecoder(this.framer, this.options.encoding);
    this.decoder = decoder;
    for (const chunk of head) {
      decoder.push(chunk);
    }
  }
}

function makeFramer(kind: FramerKind, ctx: FramerContext): Framer {
  switch (kind) {
    case 'configmgr':
      return new ConfigMgrFramer(ctx);
    case 'windowsupdate':
      return new WindowsUpdateFramer(ctx);
    case 'iis':
      return new IisFramer(ctx);
    case 'clipboard':
      return new ClipboardFramer(ctx);
    case 'text':
      return new PlainTextFramer(ctx);
  }
}

function sniff(head: Uint8Array[]): FramerKind {
  const lines: string[] = [];
  const probe = new LineDecoder({
    line(text) {
      if (lines.length < SNIFF_LINES) {
        lines.push(text);
      }
    },
    junk() {},
  });
  let taken = 0;
  for (const chunk of head) {
    probe.push(chunk.subarray(0, Math.max(0, SNIFF_BYTES - taken)));
    taken += chunk.length;
    if (taken >= SNIFF_BYTES) {
      break;
    }
  }
  probe.end();
  return detectByContent(lines);
}

export interface ParsedFile {
  readonly records: LogRecord[];
  readonly problems: ParseProblem[];
  readonly summary: FileSummary;
}

/** Parses bytes held in memory, collecting everything (tests, small files, pasted text). */
export function parseBytes(bytes: Uint8Array, options: FileParseOptions, chunkSize = 1 << 20): ParsedFile {
  const records: LogRecord[] = [];
  const problems: ParseProblem[] = [];
  const parser = new FileParser(options, {
    record: (r) => records.push(r),
    problem: (p) => problems.push(p),
  });
  for (let i = 0; i < bytes.length; i += chunkSize) {
    parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
  }
  return { records, problems, summary: parser.end() };
}

/** Streams a file from disk in 1 MiB chunks; memory stays flat whatever the file's size. */
export async function parseFile(path: string, options: FileParseOptions, sink: ParseSink): Promise<FileSummary> {
  const parser = new FileParser(options, sink);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    parser.push(chunk as Buffer);
  }
  return parser.end();
}
