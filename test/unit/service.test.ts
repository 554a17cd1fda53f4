// The analysis service the extension talks to: the session's answers on a sample bundle (summary, GUID
// occurrences, line times, severities, tail, .zip text), and the same through the real worker thread,
// cancellation included.

import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetAtLine } from '../../src/correlate/file-clocks.ts';
import { CancelledError, ServiceClient } from '../../src/service/client.ts';
import { AnalysisSession } from '../../src/service/session.ts';
import { makeZip } from '../helpers/zip.ts';

const ROOT = resolve(__dirname, '../..');
const SAMPLE = join(ROOT, 'samples/logs/wsus-unreachable-2ee2');
const SCAN_AGENT = 'PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log';
const WUAHANDLER = 'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log';
let dir = '';
let session: AnalysisSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmflow-service-'));
  cpSync(SAMPLE, join(dir, 'bundle'), { recursive: true });
  session = await AnalysisSession.open(join(dir, 'bundle'));
});

afterAll(() => {
  session.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AnalysisSession', () => {
  it('summarizes hosts, files, flows and failures with their chains as readable events', () => {
    const s = session.summary;
    expect(s.hosts.map((h) => h.name).sort()).toEqual(['PS1MP01', 'PS1SITE', 'PS1WIN10X64']);
    expect(s.files.every((f) => f.diskPath?.startsWith(dir))).toBe(true);
    const f = s.failures.find((x) => x.code === '0x80072EE2')!;
    expect(`${f.upstreamCause.file}:${f.upstreamCause.line}`).toBe('PS1WIN10X64/Windows/WindowsUpdate.log:34');
    expect(f.upstreamCause.text).toContain('Send failed with hr = 80072ee2');
    expect(f.chain[0]).toEqual(f.upstreamCause);
    expect(f.chain.at(-1)).toEqual(f.event);
    const scan = s.flows.find((x) => x.kind === 'scan')!;
    expect(scan.status).toBe('failed');
    expect(session.flowEvents(scan.id)).toHaveLength(scan.eventCount);
  });

  it('finds a GUID everywhere it occurs, braces and case aside, and the occurrence first in time', async () => {
    const text = readFileSync(join(dir, 'bundle', SCAN_AGENT), 'utf8');
    const guid = /Location Request ID = \{([0-9A-F-]{36})\}/.exec(text)![1]!;
    const found = await session.occurrences(guid.toLowerCase());
    const files = new Set(found.occurrences.map((o) => o.file));
    expect(files).toContain(SCAN_AGENT);
    expect(files).toContain('PS1WIN10X64/Windows/CCM/Logs/LocationServices.log');
    for (const o of found.occurrences) {
      const line = readFileSync(join(dir, 'bundle', o.file), 'utf8').split(/\r\n|\r|\n/)[o.line - 1]!;
      expect(line.slice(o.column, o.column + o.length).toLowerCase()).toBe(guid.toLowerCase());
    }
    expect(found.definition).toBeDefined();
    expect(found.flows.some((f) => f.startsWith('scan:'))).toBe(true);
  });

  it("reads a line's time as logged, in UTC and on the corrected clock", () => {
    const line = readFileSync(join(dir, 'bundle', SCAN_AGENT), 'utf8').split(/\r?\n/)[0]!;
    const info = session.describeLine(SCAN_AGENT, line)!;
    const client = session.summary.hosts.find((h) => h.name === 'PS1WIN10X64')!;
    expect(info.biasMinutes).toBe(300);
    expect(info.utc! - info.local!).toBe(300 * 60_000);
    expect(info.corrected).toBe(info.utc! - client.clockSkewMs);
    expect(session.describeLine('not/in/bundle.log', line)).toBeUndefined();
  });

  it('reads each line of a WindowsUpdate.log decoded six hours away as the timeline does, given its number', async () => {
    // Get-WindowsUpdateLog run in Central Europe on a US Central client's traces: the file states no zone, and
    // its times read six hours ahead of the client's. Read alone, a line took the client's usual bias.
    const decoded = await AnalysisSession.open(join(ROOT, 'samples/logs/wulog-decoded-elsewhere'));
    try {
      const file = 'PS1WIN11X64/Windows/WindowsUpdate.log';
      const lines = readFileSync(join(ROOT, 'samples/logs/wulog-decoded-elsewhere', file), 'utf8').split(/\r?\n/);
      const events = lines.flatMap((_, i) => decoded.eventsAt(file, i + 1));
      expect(events.length).toBeGreaterThan(5);
      for (const e of events) {
        const info = decoded.describeLine(file, lines[e.line - 1]!, e.line)!;
        expect([e.line, info.utc, info.corrected]).toEqual([e.line, e.loggedTime, e.time]);
      }
      // A line no flow keeps: on the same clock as the records around it.
      const kept = new Set(events.map((e) => e.line));
      const other = lines.findIndex((l, i) => l.trim() !== '' && !kept.has(i + 1) && i > events[0]!.line) + 1;
      const near = events.reduce((a, b) => (Math.abs(b.line - other) < Math.abs(a.line - other) ? b : a));
      const mine = decoded.describeLine(file, lines[other - 1]!, other)!;
      const theirs = decoded.describeLine(file, lines[near.line - 1]!, near.line)!;
      expect(mine.corrected! - theirs.corrected!).toBe(mine.local! - theirs.local!);
      expect(mine.biasMinutes).toBe(theirs.biasMinutes);
      expect(decoded.describeLine(file, lines[near.line - 1]!)!.corrected).not.toBe(near.time);
    } finally {
      decoded.close();
    }
  });

  it('reads each line of a WindowsUpdate.log decoded in one zone across summer time ending on its side', async () => {
    // Decoded in EST throughout on a client whose logs went from EDT to EST: its lines before the change read an
    // hour behind the client's clock, those after on it. A line no flow keeps takes its own side's offset.
    const dir = join(ROOT, 'samples/logs/wulog-decoded-summer-time-end');
    const decoded = await AnalysisSession.open(dir);
    try {
      const file = 'PS1WIN11EDT/Windows/WindowsUpdate.log';
      const lines = readFileSync(join(dir, file), 'utf8').split(/\r?\n/);
      const events = lines.flatMap((_, i) => decoded.eventsAt(file, i + 1));
      const offsets = new Set(events.map((e) => e.loggedTime - e.time));
      expect(offsets.size).toBe(2);
      for (const e of events) {
        const info = decoded.describeLine(file, lines[e.line - 1]!, e.line)!;
        expect([e.line, info.utc, info.corrected]).toEqual([e.line, e.loggedTime, e.time]);
      }
      // Every line, kept by a flow or not, reads its own side's offset besides the client's skew: the first
      // line after the change included, whose nearest kept record lies before it.
      const client = decoded.summary.hosts.find((h) => h.name === 'PS1WIN11EDT')!;
      const clock = client.fileClocks.find((c) => c.file === file)!;
      expect(clock.changes).toHaveLength(1);
      let read = 0;
      for (const [i, text] of lines.entries()) {
        const info = text.trim() === '' ? undefined : decoded.describeLine(file, text, i + 1);
        if (info?.utc !== undefined) {
          expect(info.utc - info.corrected!, `line ${i + 1}`).toBe(
            client.clockSkewMs + offsetAtLine(clock, i + 1) * 60_000,
          );
          read++;
        }
      }
      expect(read).toBeGreaterThan(events.length);
    } finally {
      decoded.close();
    }
  });

  it("marks a file's warning and error records by line", async () => {
    const marks = await session.lineMarks(WUAHANDLER);
    expect(marks).toContainEqual({ line: 8, endLine: 8, severity: 'error' });
    expect(marks.every((m) => m.severity !== 'info')).toBe(true);
  });

  it('tails only what was appended, up to the last complete line, numbering lines as the editor does', async () => {
    const path = join(dir, 'bundle', WUAHANDLER);
    const before = readFileSync(path, 'utf8').split(/\r\n|\r|\n/).length - 1;
    expect(await session.tail(WUAHANDLER)).toMatchObject({ records: [] });
    const attributes = (type: number): string =>
      `]LOG]!><time="10:15:00.000+300" date="01-21-2025" component="WUAHandler" context="" type="${type}" thread="1" file="x.cpp:1">`;
    // The second record arrives in two writes: it is read once its line is complete.
    appendFileSync(
      path,
      `<![LOG[Async searching of updates using WUAgent started.${attributes(1)}\r\n<![LOG[Scan failed`,
    );
    const first = await session.tail(WUAHANDLER);
    expect(first.records.map((r) => [r.line, r.severity])).toEqual([[before + 1, 'info']]);
    appendFileSync(path, ` with error = 0x80244022.${attributes(3)}\r\n`);
    const second = await session.tail(WUAHANDLER);
    expect(second.records.map((r) => [r.line, r.severity, r.codes])).toEqual([[before + 2, 'error', ['0x80244022']]]);
  });

  it('counts an LF appended to a file that ended in CR as the end of that CRLF, not as a new line', async () => {
    const bundle = join(dir, 'cr-bundle');
    cpSync(SAMPLE, bundle, { recursive: true });
    const path = join(bundle, WUAHANDLER);
    // Analyzed while the writer had put down the CR of its last CRLF and not yet the LF.
    writeFileSync(path, readFileSync(path, 'latin1').replace(/\r?\n$/, '\r'), 'latin1');
    const lines = readFileSync(path, 'latin1').split(/\r\n|\r|\n/).length - 1;
    const cr = await AnalysisSession.open(bundle);
    try {
      appendFileSync(
        path,
        `\n<![LOG[Scan failed with error = 0x80244022.]LOG]!><time="10:15:00.000+300" date="01-21-2025" component="WUAHandler" context="" type="3" thread="1" file="x.cpp:1">\r\n`,
      );
      const tail = await cr.tail(WUAHANDLER);
      expect(tail.records.map((r) => [r.line, r.severity])).toEqual([[lines + 1, 'error']]);
      const editorLine = readFileSync(path, 'latin1')
        .split(/\r\n|\r|\n/)
        .findIndex((l) => l.includes('0x80244022'));
      expect(tail.records[0]!.line).toBe(editorLine + 1);
    } finally {
      cr.close();
    }
  });

  it('reads a range of lines by streaming, whatever the line ends', async () => {
    const path = join(dir, 'bundle', SCAN_AGENT);
    const original = readFileSync(path);
    try {
      writeFileSync(path, 'one\r\ntwo\nthree\rfour\r\nfive');
      expect(await session.readLines(SCAN_AGENT, 2, 4)).toEqual({ text: 'two\nthree\nfour', lines: 5 });
      expect((await session.readLines(SCAN_AGENT, 1, 1)).text).toBe('one');
      expect((await session.readLines(SCAN_AGENT, 5, 9)).text).toBe('five');
    } finally {
      writeFileSync(path, original);
    }
  });

  it('serves the text of files inside a .zip', async () => {
    const zip = join(dir, 'bundle.zip');
    const text = readFileSync(join(SAMPLE, SCAN_AGENT));
    writeFileSync(zip, makeZip({ [SCAN_AGENT]: text }));
    const zipped = await AnalysisSession.open(zip);
    try {
      expect(zipped.summary.isZip).toBe(true);
      expect(zipped.summary.files[0]!.diskPath).toBeUndefined();
      // Decoded as the editor shows it: without the byte-order mark.
      expect(await zipped.readText(SCAN_AGENT)).toBe(text.toString('utf8').replace(/^\uFEFF/, ''));
    } finally {
      zipped.close();
    }
  });
});

describe('the analysis worker', () => {
  const start = (): { client: ServiceClient; worker: Worker } => {
    const worker = new Worker(join(ROOT, 'dist/worker.js'));
    return { client: new ServiceClient(worker), worker };
  };

  it('analyzes with progress and answers questions about the bundle', async () => {
    const { client, worker } = start();
    try {
      const progress: string[] = [];
      const summary = await client.request(
        'open',
        { source: SAMPLE, options: {} },
        { onProgress: (p) => progress.push(p.phase) },
      );
      expect(summary.failures.length).toBeGreaterThan(0);
      expect(progress[0]).toBe('reading');
      expect(progress.at(-1)).toBe('done');
      const marks = await client.request('lineMarks', { file: WUAHANDLER });
      expect(marks.length).toBeGreaterThan(0);
      await expect(client.request('readText', { file: 'nope.log' })).rejects.toThrow(/not in the bundle: nope\.log/);
    } finally {
      await worker.terminate();
    }
  });

  it('cancels an analysis, keeps the bundle it had, and says why a bad path fails', async () => {
    const { client, worker } = start();
    try {
      await client.request('open', { source: SAMPLE, options: {} });
      const abort = new AbortController();
      const pending = client.request('open', { source: SAMPLE, options: {} }, { signal: abort.signal });
      abort.abort();
      await expect(pending).rejects.toBeInstanceOf(CancelledError);
      await expect(client.request('open', { source: join(dir, 'missing'), options: {} })).rejects.toThrow(
        /no such file or folder/,
      );
      expect((await client.request('lineMarks', { file: WUAHANDLER })).length).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });
});
