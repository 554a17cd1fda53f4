// Where generated records go. Scenarios emit records in whatever order is convenient (a flow jumps between
// client, MP and site server), each stamped with the TRUE instant it happened; a sink puts every file back in
// time order before it is written, as the host would have written it. Records can carry a mark so that the
// generator can later say "the upstream cause is file F, line N" without anyone counting lines by hand.

/** One physical log file. */
export interface LogFileSpec {
  /** Path inside the bundle, forward slashes: `PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log`. */
  readonly path: string;
  /** Start the file with a UTF-8 byte order mark. */
  readonly bom: boolean;
  /** Text written before the first record (the IIS header block), given that record's true instant. */
  readonly prologue?: (firstTrueUtc: number) => string;
}

export interface LogSink {
  /** `text` is the complete raw record, line terminators included. */
  add(file: LogFileSpec, trueUtc: number, text: string, mark?: string): void;
}

/** Where a marked record ended up: 1-based lines, the way src/parsers counts them. */
export interface MarkedRecord {
  readonly path: string;
  readonly line: number;
  readonly endLine: number;
  /** The raw record text, for tests that want to check what the mark points at. */
  readonly text: string;
}

interface Entry {
  readonly t: number;
  readonly seq: number;
  readonly text: string;
  readonly mark: string | undefined;
}

interface FileBuffer {
  readonly spec: LogFileSpec;
  readonly entries: Entry[];
}

export interface RenderedBundle {
  /** path → complete file content (BOM included as U+FEFF). Sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly marks: ReadonlyMap<string, MarkedRecord>;
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    n++;
  }
  return n;
}

/** Byte order of entries within a file: true time, then emission order (stable for equal instants). */
function byTime(a: Entry, b: Entry): number {
  return a.t - b.t || a.seq - b.seq;
}

/** Keeps everything in memory: for the small sample bundles, where line numbers must be known exactly. */
export class MemorySink implements LogSink {
  private readonly buffers = new Map<string, FileBuffer>();
  private seq = 0;

  add(file: LogFileSpec, trueUtc: number, text: string, mark?: string): void {
    let buf = this.buffers.get(file.path);
    if (buf === undefined) {
      buf = { spec: file, entries: [] };
      this.buffers.set(file.path, buf);
    }
    buf.entries.push({ t: trueUtc, seq: this.seq++, text, mark });
  }

  /** The true instant of a marked record (to place rotation points or later steps relative to it). */
  timeOf(mark: string): number {
    for (const buf of this.buffers.values()) {
      const e = buf.entries.find((x) => x.mark === mark);
      if (e !== undefined) {
        return e.t;
      }
    }
    throw new Error(`no record marked ${mark}`);
  }

  /**
   * Roll a log over the way ConfigMgr does (reference §5.1): records before each segment's `until` (true UTC)
   * move to that segment's file (`CcmMessaging-20241020-062929.log`, `CcmMessaging.lo_`), the rest to
   * `currentPath` (which may differ from the original path only in spelling, e.g. `.Log`).
   */
  rotate(path: string, segments: ReadonlyArray<{ until: number; path: string }>, currentPath: string): void {
    const buf = this.buffers.get(path);
    if (buf === undefined) {
      throw new Error(`no file ${path} to rotate`);
    }
    this.buffers.delete(path);
    const ordered = segments.slice().sort((a, b) => a.until - b.until);
    const target = (t: number): string => ordered.find((s) => t < s.until)?.path ?? currentPath;
    for (const e of buf.entries) {
      const p = target(e.t);
      let dest = this.buffers.get(p);
      if (dest === undefined) {
        dest = { spec: { ...buf.spec, path: p }, entries: [] };
        this.buffers.set(p, dest);
      }
      dest.entries.push(e);
    }
  }

  render(): RenderedBundle {
    const files = new Map<string, string>();
    const marks = new Map<string, MarkedRecord>();
    const paths = [...this.buffers.keys()].sort();
    for (const path of paths) {
      const buf = this.buffers.get(path);
      if (buf === undefined || buf.entries.length === 0) {
        continue;
      }
      const entries = buf.entries.slice().sort(byTime);
      const parts: string[] = [];
      const first = entries[0];
      let line = 1;
      if (buf.spec.bom) {
        parts.push('\uFEFF');
      }
      if (buf.spec.prologue !== undefined && first !== undefined) {
        const prologue = buf.spec.prologue(first.t);
        parts.push(prologue);
        line += countLineBreaks(prologue);
      }
      for (const e of entries) {
        const breaks = countLineBreaks(e.text);
        if (e.mark !== undefined) {
          if (marks.has(e.mark)) {
            throw new Error(`mark ${e.mark} used twice`);
          }
          marks.set(e.mark, { path, line, endLine: line + Math.max(0, breaks - 1), text: e.text });
        }
        parts.push(e.text);
        line += breaks;
      }
      files.set(path, parts.join(''));
    }
    return { files, marks };
  }
}
