// The three exports of a timeline: the published cmflow.timeline/1 key order, CSV that round-trips through an
// RFC 4180 reader with formulas neutralised, and an HTML report where hostile log text stays text.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  exportChunks,
  exportTimeline,
  formatForPath,
  timelineToCsv,
  timelineToHtml,
  timelineSource,
  timelineToJson,
  writeTimeline,
} from '../../src/correlate/export.ts';
import type { Timeline, TimelineEvent, TimelineFailure } from '../../src/correlate/model.ts';
import type { Severity } from '../../src/parsers/record.ts';
import { formatUtc, utcInstant, zoneFromBias } from '../../src/parsers/time.ts';

const SCAN = 'scan:5d8c0e3a-7f3e-4c5b-9b1a-2f9d6c1e0a11';
const STATE = 'state-message:9a3f2b1c-0d4e-4f5a-8b6c-7d8e9f0a1b2c';
const T0 = Date.UTC(2024, 2, 14, 17, 18, 42, 694);

const SCRIPT_TEXT = '<script>alert(1)</script>';
const IMG_TEXT = '<img src=x onerror=alert(1)>';
const FORMULA_TEXT = '=HYPERLINK("http://evil")';
const CSV_HOSTILE_TEXT = 'Reply "no", retrying\r\nsecond line, with comma';

function event(
  file: string,
  line: number,
  host: string,
  component: string,
  severity: Severity,
  text: string,
  offsetMs: number,
  kind?: string,
): TimelineEvent {
  return {
    id: `${file}:${line}`,
    file,
    line,
    endLine: line + (text.includes('\n') ? 1 : 0),
    time: utcInstant(T0 + offsetMs),
    loggedTime: utcInstant(T0 + offsetMs + 1500),
    host,
    component,
    severity,
    text,
    kind,
    // Deliberately not in alphabetical order: the JSON must sort them.
    fields: kind === undefined ? {} : { scanJob: SCAN.slice(5), event: kind },
    thread: kind === undefined ? undefined : 4242,
  };
}

const CLIENT = 'PS1WIN10X64';
const MP = 'PS1MP01';
const SITE = 'PS1SITE';
const SCAN_LOG = 'PS1WIN10X64/Windows/CCM/Logs/ScanAgent.log';
const LOC_LOG = 'PS1WIN10X64/Windows/CCM/Logs/LocationServices.log';
const WUA_LOG = 'PS1WIN10X64/Windows/CCM/Logs/WUAHandler.log';
const MPLOC_LOG = 'PS1MP01/SMS_CCM/Logs/MP_Location.log';
const MPSTAT_LOG = 'PS1MP01/SMS_CCM/Logs/MP_Status.log';
const STAT_LOG = 'PS1SITE/Microsoft Configuration Manager/Logs/statmgr.log';

const events: TimelineEvent[] = [
  event(SCAN_LOG, 10, CLIENT, 'ScanAgent', 'info', 'Scan job started', 0, 'ScanAgent.scanJobStarted'),
  event(SCAN_LOG, 11, CLIENT, 'ScanAgent', 'warning', SCRIPT_TEXT, 100),
  event(LOC_LOG, 40, CLIENT, 'LocationServices', 'info', IMG_TEXT, 200),
  event(MPLOC_LOG, 5, MP, 'MP_LocationManager', 'info', FORMULA_TEXT, 300),
  event(MPSTAT_LOG, 7, MP, 'MP_StatusManager', 'error', CSV_HOSTILE_TEXT, 400),
  event(STAT_LOG, 100, SITE, 'SMS_STATE_SYSTEM', 'info', "Processed 1 message, 0 'invalid'", 500),
  event(WUA_LOG, 20, CLIENT, 'WUAHandler', 'error', 'Failed to end search job. Error = 0x80240438.', 600),
  event(SCAN_LOG, 30, CLIENT, 'ScanAgent', 'error', 'Scan failed with error = 0x80240438.', 700),
];
const [e1, e2, e3, e4, e5, e6, e7, e8] = events.map((e) => e.id) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

const failure: TimelineFailure = {
  event: e8,
  code: '0x80240438',
  meaning: 'WU_E_PT_ENDPOINT_UNREACHABLE: there is no route or network connectivity to the endpoint.',
  upstreamCause: e3,
  chain: [e3, e7, e8],
  hint: 'Check the WSUS URL the MP handed out and the proxy the client uses (S2 <proxy>).',
  source: 'W2 Windows Update error codes by component; S2 Troubleshoot software update scan failures & <scan>',
  flow: SCAN,
  type: 'record',
  occurrences: 2,
  recovered: false,
};

const timeline: Timeline = {
  schema: 'cmflow.timeline/1',
  bundle: 'contoso <lab> & "gpo"',
  referenceHost: SITE,
  hosts: [
    {
      dir: 'clients/PS1WIN10X64',
      name: CLIENT,
      role: 'client',
      roles: ['client'],
      biasMinutes: 300,
      clockSkewMs: 1500,
      skewUncertaintyMs: 40,
      skewBasis: 'MP_Location request/reply pairs (12)',
      clockBefore: { untilMs: T0 - 3_600_000, skewMs: 251_500, uncertaintyMs: 60, byOrder: true },
      files: [SCAN_LOG, LOC_LOG, WUA_LOG],
      fileClocks: [],
    },
    {
      dir: 'PS1MP01',
      name: MP,
      role: 'management-point',
      roles: ['management-point', 'wsus'],
      biasMinutes: -60,
      clockSkewMs: -250,
      skewUncertaintyMs: undefined,
      skewBasis: 'no pairs found',
      files: [MPLOC_LOG, MPSTAT_LOG],
      fileClocks: [],
    },
    {
      dir: 'PS1SITE',
      name: SITE,
      role: 'site-server',
      roles: ['site-server'],
      biasMinutes: undefined,
      clockSkewMs: 0,
      skewUncertaintyMs: 0,
      skewBasis: 'reference host',
      files: [STAT_LOG],
      fileClocks: [],
    },
  ],
  events,
  flows: [
    {
      id: SCAN,
      kind: 'scan',
      keys: { scanJob: SCAN.slice(5), locationRequest: 'abc' },
      status: 'failed',
      recovered: false,
      summary: 'Scan failed: 0x80240438 <no WSUS>',
      host: CLIENT,
      events: [e1, e2, e3, e5, e7, e8],
    },
    {
      id: STATE,
      kind: 'state-message',
      keys: { messageId: STATE.slice(14) },
      status: 'ok',
      recovered: false,
      summary: 'State message delivered',
      host: CLIENT,
      events: [e4, e5, e6],
    },
  ],
  links: [
    { from: e1, to: e3, evidence: 'id', key: `scanJob=${SCAN.slice(5)}` },
    { from: e4, to: e5, evidence: 'derived', key: 'contentId+version+clientIp' },
    { from: e5, to: e6, evidence: 'time', key: 'within 5 s', windowMs: 5000 },
  ],
  failures: [failure],
};

// --- JSON -------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function expectKeysFirst(obj: Obj, required: readonly string[], extra: readonly string[]) {
  expect(Object.keys(obj)).toEqual([...required, ...extra]);
}

describe('timelineToJson', () => {
  const text = timelineToJson(timeline);
  const doc = JSON.parse(text) as Obj & { hosts: Obj[]; events: Obj[]; flows: Obj[]; links: Obj[]; failures: Obj[] };

  it('writes the cmflow.timeline/1 keys first in every object, extras after them', () => {
    expectKeysFirst(doc, ['schema', 'hosts', 'events', 'flows', 'links', 'failures'], ['bundle', 'referenceHost']);
    expect(doc.schema).toBe('cmflow.timeline/1');
    for (const h of doc.hosts) {
      expectKeysFirst(
        h,
        ['dir', 'name', 'role', 'biasMinutes', 'clockSkewMs'],
        ['roles', 'skewUncertaintyMs', 'skewBasis', 'clockBefore', 'files', 'fileClocks'],
      );
    }
    for (const e of doc.events) {
      expectKeysFirst(
        e,
        ['id', 'file', 'line', 'time', 'host', 'component', 'severity', 'text'],
        ['endLine', 'loggedTime', 'kind', 'fields', 'thread'],
      );
    }
    for (const f of doc.flows) {
      expectKeysFirst(f, ['id', 'kind', 'keys', 'status', 'events'], ['summary', 'host']);
    }
    for (const l of doc.links) {
      expectKeysFirst(l, ['from', 'to', 'evidence', 'key'], ['windowMs']);
    }
    for (const f of doc.failures) {
      expectKeysFirst(
        f,
        ['event', 'code', 'meaning', 'upstreamCause', 'chain', 'hint'],
        ['source', 'flow', 'type', 'occurrences', 'recovered'],
      );
    }
  });

  it('writes times as ISO 8601 UTC with milliseconds and unknowns as null', () => {
    expect(doc.events[0]?.['time']).toBe('2024-03-14T17:18:42.694Z');
    expect(doc.events[0]?.['loggedTime']).toBe('2024-03-14T17:18:44.194Z');
    for (const e of doc.events) {
      expect(e['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(doc.hosts[2]?.['biasMinutes']).toBeNull();
    expect(doc.hosts[1]?.['skewUncertaintyMs']).toBeNull();
    expect(doc.events[1]?.['kind']).toBeNull();
    expect(doc.events[1]?.['thread']).toBeNull();
    expect(doc.links[0]?.['windowMs']).toBeNull();
    expect(doc.links[2]?.['windowMs']).toBe(5000);
    const noCode = JSON.parse(timelineToJson({ ...timeline, failures: [{ ...failure, code: undefined }] })) as {
      failures: Obj[];
    };
    expect(noCode.failures[0]?.['code']).toBeNull();
  });

  it('keeps the data and is byte-stable, field keys sorted', () => {
    expect(doc.events.map((e) => e['text'])).toEqual(events.map((e) => e.text));
    expect(doc.failures[0]?.['chain']).toEqual([e3, e7, e8]);
    expect(Object.keys(doc.events[0]?.['fields'] as Obj)).toEqual(['event', 'scanJob']);
    expect(Object.keys(doc.flows[0]?.['keys'] as Obj)).toEqual(['locationRequest', 'scanJob']);
    expect(timelineToJson(timeline)).toBe(text);
    expect(text.startsWith('{\n  "schema": "cmflow.timeline/1",\n')).toBe(true);
  });
});

// --- CSV --------------------------------------------------------------------------------------------------

/** A strict little RFC 4180 reader: quoted fields with doubled quotes, CRLF between records. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        cell += c;
        i += 1;
      }
    } else if (c === '"') {
      if (cell !== '') {
        throw new Error(`quote inside an unquoted field at ${i}`);
      }
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      cell += c;
      i += 1;
    }
  }
  if (quoted) {
    throw new Error('unterminated quoted field');
  }
  if (cell !== '' || row.length > 0) {
    throw new Error('last record does not end with CRLF');
  }
  return rows;
}

describe('timelineToCsv', () => {
  const csv = timelineToCsv(timeline);

  it('starts with a UTF-8 BOM and the header', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')[0]).toBe('time,host,role,component,severity,file,line,flows,kind,text,event_id');
  });

  it('reads back to the same cells, one row per event', () => {
    const rows = readCsv(csv.slice(1));
    expect(rows).toHaveLength(events.length + 1);
    const role = new Map(timeline.hosts.map((h) => [h.name, h.role]));
    const flowsOf = (id: string) =>
      timeline.flows
        .filter((f) => f.events.includes(id))
        .map((f) => f.id)
        .join(';');
    const expected = events.map((e) => [
      formatUtc(e.time),
      e.host,
      role.get(e.host) ?? '',
      e.component,
      e.severity,
      e.file,
      String(e.line),
      flowsOf(e.id),
      e.kind ?? '',
      e.text === FORMULA_TEXT ? `'${e.text}` : e.text,
      e.id,
    ]);
    expect(rows.slice(1)).toEqual(expected);
    expect(rows[5]?.[7]).toBe(`${SCAN};${STATE}`);
    expect(rows[5]?.[9]).toBe(CSV_HOSTILE_TEXT);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const rows = readCsv(csv.slice(1));
    expect(rows[4]?.[9]).toBe(`'${FORMULA_TEXT}`);
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      const t = { ...timeline, events: [{ ...events[0]!, text: `${start}cmd|' /C calc'!A0` }] };
      const cell = readCsv(timelineToCsv(t).slice(1))[1]?.[9];
      expect(cell?.startsWith(`'${start}`)).toBe(true);
    }
    for (const row of rows) {
      for (const c of row) {
        expect(c).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
  });
});

// --- HTML -------------------------------------------------------------------------------------------------

const ALLOWED_TAGS = new Set(
  'html head meta title style body header nav section article h1 h2 h3 p span div a code time table thead tbody tr th td details summary ol ul li dl dt dd br label input select option button script'.split(
    ' ',
  ),
);

/** Every tag in the document. Escaped data never contains `<` or `>`, so a simple scan finds them all. */
function tags(doc: string): string[] {
  return [...doc.matchAll(/<\/?[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

/** An attribute value as the browser reads it (the report escapes attributes, quotes in the CSP included). */
function attributeValue(escaped: string): string {
  return escaped
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function nonceOf(doc: string): { csp: string; nonce: string } {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(doc);
  expect(meta).not.toBeNull();
  const csp = attributeValue(meta![1]!);
  const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce).toBeDefined();
  return { csp, nonce: nonce! };
}

describe('timelineToHtml', () => {
  const doc = timelineToHtml(timeline);

  it('runs under a strict CSP whose nonce is on the only style and script', () => {
    const { csp, nonce } = nonceOf(doc);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain(`script-src 'nonce-${nonce}'`);
    expect(csp).toContain('img-src data:');
    expect(nonce.length).toBeGreaterThanOrEqual(16);
    // The CSP has to come before anything it governs.
    expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<style'));
    expect([...doc.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])).toEqual([`<script nonce="${nonce}">`]);
    expect([...doc.matchAll(/<style\b[^>]*>/gi)].map((m) => m[0])).toEqual([`<style nonce="${nonce}">`]);
    expect(nonceOf(timelineToHtml(timeline)).nonce).not.toBe(nonce);
  });

  it('keeps hostile text as text: no injected tags, handlers or network references', () => {
    for (const tag of tags(doc)) {
      const name = /^<\/?([a-zA-Z0-9]+)/.exec(tag)?.[1]?.toLowerCase() ?? '';
      expect(ALLOWED_TAGS.has(name), tag).toBe(true);
      expect(tag, tag).not.toMatch(/\son[a-z]+\s*=/i);
      expect(tag, tag).not.toMatch(/\ssrc\s*=/i);
      const href = /\shref="([^"]*)"/.exec(tag)?.[1];
      if (href !== undefined) {
        expect(href.startsWith('#'), tag).toBe(true);
      }
    }
    // `onerror=` only ever appears inside the escaped log line.
    const at = [...doc.matchAll(/onerror=/g)].map((m) => m.index);
    expect(at.length).toBeGreaterThan(0);
    const prefix = '&lt;img src=x ';
    for (const i of at) {
      expect(doc.slice(i - prefix.length, i)).toBe(prefix);
    }
    expect(doc).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(doc).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(doc).toContain('=HYPERLINK(&quot;http://evil&quot;)');
    expect(doc).toContain('Processed 1 message, 0 &#39;invalid&#39;');
    expect(doc).toContain('<title>CMFlow — contoso &lt;lab&gt; &amp; &quot;gpo&quot;</title>');
    expect(doc).toContain('Scan failed: 0x80240438 &lt;no WSUS&gt;');
    expect(doc).not.toContain(SCRIPT_TEXT);
    expect(doc).not.toContain(IMG_TEXT);
  });

  it('script only filters and toggles: no eval, no innerHTML', () => {
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(doc)?.[1] ?? '';
    expect(script.length).toBeGreaterThan(0);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('lists failures first, cited as file:line with the chain and hint', () => {
    const failures = doc.slice(doc.indexOf('<section id="failures">'), doc.indexOf('</section>'));
    expect(doc.indexOf('<section id="failures">')).toBeLessThan(doc.indexOf('<section id="flows">'));
    expect(doc.indexOf('<section id="flows">')).toBeLessThan(doc.indexOf('<section id="timeline">'));
    expect(failures).toContain('0x80240438');
    expect(failures).toContain('WU_E_PT_ENDPOINT_UNREACHABLE');
    expect(failures).toContain(`<dt>failing event</dt><dd><a class="mono" href="#e7">${SCAN_LOG}:30</a>`);
    expect(failures).toContain(`<dt>upstream cause</dt><dd><a class="mono" href="#e2">${LOC_LOG}:40</a>`);
    expect(failures).toContain(`<a class="mono" href="#e2">${LOC_LOG}:40</a> — <span class="text">&lt;img`);
    expect(failures).toContain(`<a class="mono" href="#e6">${WUA_LOG}:20</a> — <span class="text">Failed to end`);
    expect(failures).toContain(`<a class="mono" href="#e7">${SCAN_LOG}:30</a> — <span class="text">Scan failed`);
    expect(failures).toContain(escapeHtml(failure.hint));
    // The hint cites sources by tag; the report says which titles the tags stand for, escaped.
    expect(failures).toContain(`<dt>source</dt><dd>${escapeHtml(failure.source!)}</dd>`);
    expect(failures).toContain('&amp; &lt;scan&gt;');
    expect(failures).toContain('seen 2 times');
    expect(failures).toContain('chain (3 events, upstream cause first)');
    // Every anchor a citation points at exists.
    for (const m of doc.matchAll(/href="#([^"]+)"/g)) {
      expect(doc).toContain(`id="${m[1]}"`);
    }
  });

  it('sums up failures that repeat in a table, one row per story, linked to its first failure', () => {
    expect(doc).not.toContain('class="glance"');
    // The same failure from a second, alike cause (an IMG_TEXT record on another line), and one alone.
    const again: TimelineFailure = { ...failure, event: e5, upstreamCause: e3, occurrences: 1 };
    const other: TimelineFailure = { ...failure, code: '0x80244022', upstreamCause: e6, flow: undefined };
    const page = timelineToHtml({ ...timeline, failures: [failure, again, other] });
    const glance = page.slice(page.indexOf('<table class="glance">'), page.indexOf('</table>', page.indexOf('glance')));
    expect(page).toContain('<p>The 3 failures come to 2, grouped by what failed');
    const rows = glance.match(/<tr><td class="num">.*?<\/tr>/gs) ?? [];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('<td class="num">3</td><td>2 hosts</td>');
    expect(rows[0]).toContain('<td>in flows</td><td><code>LocationServices.log</code> <span class="text">&lt;img');
    expect(rows[0]).toContain('<a href="#failure-0">first</a>');
    expect(rows[1]).toContain('<td>outside flows</td>');
    expect(rows[1]).toContain('<a href="#failure-2">first</a>');
    for (const m of page.matchAll(/href="#([^"]+)"/g)) {
      expect(page).toContain(`id="${m[1]}"`);
    }
  });

  it('shows a failure its flow went on past as a warning, and says so', () => {
    expect(doc).not.toContain('failure recovered');
    const recovered: TimelineFailure = { ...failure, recovered: true };
    const again: TimelineFailure = { ...recovered, event: e5, occurrences: 1 };
    const stopped: TimelineFailure = { ...failure, event: e6, occurrences: 1 };
    const flows = timeline.flows.map((f) => (f.id === failure.flow ? { ...f, recovered: true } : f));
    const page = timelineToHtml({ ...timeline, flows, failures: [recovered, again, stopped] });
    const cards = page.match(/<article class="[^"]*" id="failure-\d">/g);
    expect(cards).toEqual([
      '<article class="failure recovered" id="failure-0">',
      '<article class="failure recovered" id="failure-1">',
      '<article class="failure" id="failure-2">',
    ]);
    expect(page).toContain('<dt>outcome</dt><dd>its flow went on to complete afterwards');
    // Its flow reads ok, after failures, in the flows table; no flow says so in the report without them.
    expect(page).toContain(`<span class="status status-${timeline.flows.find((f) => f.id === failure.flow)!.status}">`);
    expect(page).toContain('<br><span class="muted">after failures</span>');
    expect(doc).not.toContain('after failures');
    expect(page).toContain('<h3><span class="sev sev-warning">0x80240438</span>');
    // Recovered and not are two stories in the glance table, the one that stopped its flow first.
    const rows = page.match(/<tr><td class="num">.*?<\/tr>/gs) ?? [];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('<td class="num">1</td>');
    expect(rows[0]).toContain('<td>in flows</td>');
    expect(rows[1]).toContain('<td>in flows, which completed</td>');
  });

  it('shows hosts with zones, skews and flows with their events', () => {
    expect(doc).toContain('UTC-05:00');
    expect(doc).toContain('UTC+01:00');
    expect(doc).toContain('unknown');
    expect(doc).toContain('+1.500 s ± 40 ms');
    expect(doc).toContain(
      '<span class="muted">earlier clock +4 min 11.500 s ± 60 ms until 2024-03-14 16:18:42 UTC by its own clock, ' +
        'each record by its place in its log</span>',
    );
    expect(doc).toContain('−250 ms');
    expect(doc).toContain('reference clock');
    expect(doc).toContain('management-point, wsus');
    const flows = doc.slice(doc.indexOf('<section id="flows">'), doc.indexOf('<section id="timeline">'));
    expect(flows).toContain('<span class="status status-failed">failed</span>');
    expect(flows).toContain('<td class="num">6</td>');
    expect((flows.match(/<details>/g) ?? []).length).toBe(2);
    expect(flows).toContain('2024-03-14T17:18:42.694Z');
    expect(flows).toContain('2024-03-14T17:18:43.394Z');
    const timelineRows = doc.slice(doc.indexOf('<section id="timeline">')).match(/<tr id="e\d+"/g) ?? [];
    expect(timelineRows).toHaveLength(events.length);
  });
});

describe('escapeHtml and zones', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href='x' title="y">&</a>`)).toBe(
      '&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('plain')).toBe('plain');
  });

  it('turns a Windows bias into UTC±hh:mm (UTC = local + bias)', () => {
    expect(zoneFromBias(300)).toBe('UTC-05:00');
    expect(zoneFromBias(-330)).toBe('UTC+05:30');
    expect(zoneFromBias(0)).toBe('UTC+00:00');
    expect(zoneFromBias(undefined)).toBe('unknown');
  });
});

describe('exportTimeline and formatForPath', () => {
  it('picks the writer by format', () => {
    expect(exportTimeline(timeline, 'json')).toBe(timelineToJson(timeline));
    expect(exportTimeline(timeline, 'csv')).toBe(timelineToCsv(timeline));
    expect(exportTimeline(timeline, 'html').startsWith('<!doctype html>')).toBe(true);
  });

  it('reads the format from the extension, case-insensitively', () => {
    expect(formatForPath('x.HTML')).toBe('html');
    expect(formatForPath('report.htm')).toBe('html');
    expect(formatForPath('out/timeline.json')).toBe('json');
    expect(formatForPath('C:\\Temp\\Timeline.Csv')).toBe('csv');
    expect(formatForPath('timeline.txt')).toBeUndefined();
    expect(formatForPath('json')).toBeUndefined();
    expect(formatForPath('dir.csv/file')).toBeUndefined();
  });
});

// --- Large exports ----------------------------------------------------------------------------------------

/** A timeline of `n` events whose text alone is several megabytes: more than one chunk in every format. */
function bigTimeline(n: number): Timeline {
  const many = Array.from({ length: n }, (_, i) =>
    event(
      SCAN_LOG,
      1000 + i,
      CLIENT,
      'ScanAgent',
      i % 7 === 0 ? 'error' : 'info',
      `${FORMULA_TEXT} ${'x'.repeat(900)} #${i}`,
      i,
    ),
  );
  return {
    ...timeline,
    events: [...events, ...many],
    flows: [...timeline.flows, { ...timeline.flows[0]!, id: 'scan:big', events: many.map((e) => e.id) }],
    links: [
      ...timeline.links,
      ...many.slice(1).map((e, i) => ({ from: many[i]!.id, to: e.id, evidence: 'time' as const, key: 'next' })),
    ],
  };
}

/** Where two texts first differ (-1: nowhere). Megabytes of text compared with toBe would print a diff for minutes. */
function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      return i;
    }
  }
  return a.length === b.length ? -1 : n;
}

describe('exports of large timelines', () => {
  const big = bigTimeline(6_000);

  it('lay the JSON out exactly as JSON.stringify with two spaces would', () => {
    const text = timelineToJson(big);
    expect(firstDifference(text, JSON.stringify(JSON.parse(text), null, 2) + '\n')).toBe(-1);
    expect(timelineToJson(timeline)).toBe(JSON.stringify(JSON.parse(timelineToJson(timeline)), null, 2) + '\n');
    expect(timelineToJson({ ...timeline, events: [], links: [], flows: [], failures: [] })).toBe(
      JSON.stringify(
        JSON.parse(timelineToJson({ ...timeline, events: [], links: [], flows: [], failures: [] })),
        null,
        2,
      ) + '\n',
    );
  });

  it('come in chunks of about a megabyte that join to the whole export', () => {
    for (const format of ['json', 'csv', 'html'] as const) {
      const chunks = [...exportChunks(timelineSource(big), format)];
      expect(chunks.length).toBeGreaterThan(4);
      // Pieces are gathered until a chunk reaches a megabyte; only the last may be shorter.
      expect(chunks.slice(0, -1).every((c) => c.length >= 1 << 20)).toBe(true);
      if (format !== 'html') {
        expect(firstDifference(chunks.join(''), exportTimeline(big, format))).toBe(-1);
      }
    }
  });

  it('are written to the file piece by piece, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmflow-export-'));
    try {
      for (const format of ['json', 'csv'] as const) {
        const path = join(dir, `timeline.${format}`);
        await writeTimeline(path, timelineSource(big), format);
        expect(firstDifference(readFileSync(path, 'utf8'), exportTimeline(big, format))).toBe(-1);
      }
      const html = join(dir, 'timeline.html');
      await writeTimeline(html, timelineSource(big), 'html');
      const page = readFileSync(html, 'utf8');
      expect(page.startsWith('<!doctype html>')).toBe(true);
      expect(page.endsWith('</html>\n')).toBe(true);
      expect(page.match(/<tr id="e\d+"/g)).toHaveLength(big.events.length);
      await expect(writeTimeline(join(dir, 'missing', 'x.json'), timelineSource(big), 'json')).rejects.toThrow(
        /ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
