// Exports of a correlated `Timeline`: the published `cmflow.timeline/1` JSON, a CSV for spreadsheets and a
// standalone HTML report that opens offline. Log text is hostile (anyone who can make a client log a string
// can put it here), so the CSV neutralises spreadsheet formulas and the HTML escapes every piece of data
// through one function and runs under a strict Content-Security-Policy.

import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Timeline, TimelineEvent, TimelineFailure, TimelineFlow, TimelineHost, TimelineLink } from './model.ts';
import { zoneChangeText } from './model.ts';
import { groupFailures, hostCount, occurrences } from './failure-groups.ts';
import { headline } from '../parsers/messages/values.ts';
import { formatUtc, formatUtcSeconds, isValidTime, minutesAndSeconds, zoneFromBias } from '../parsers/time.ts';
import type { UtcInstant } from '../parsers/time.ts';

export type ExportFormat = 'json' | 'csv' | 'html';

export function exportTimeline(t: Timeline, format: ExportFormat): string {
  return [...exportChunks(timelineSource(t), format)].join('');
}

/**
 * What the exports read: the short lists as they are, the long ones (events, flows, links) walked once in
 * order, so that a source may make each item as it is reached instead of holding them all (the store's
 * events carry their text, read again from the log: all at once, a GB bundle's would not fit in memory).
 */
export interface ExportSource {
  readonly bundle: string;
  readonly referenceHost: string | undefined;
  readonly hosts: readonly TimelineHost[];
  readonly failures: readonly TimelineFailure[];
  /**
   * The events in timeline order; with `flows`, each with the ids of the flows it is in, in flow order.
   * Without `fields` a source may leave each event's message fields out (the CSV shows none).
   */
  events(flows: boolean, fields: boolean): Iterable<ExportEvent>;
  flows(): Iterable<TimelineFlow>;
  links(): Iterable<TimelineLink>;
  /**
   * Everything at once, for the HTML report, whose sections look events up by id. A large timeline may give
   * only some of its events (`eventsInBundle` says how many there are): see TimelineStore.reportTimeline.
   */
  timeline(): ReportTimeline;
}

export type ReportTimeline = Timeline & { readonly eventsInBundle?: number };

export interface ExportEvent {
  readonly event: TimelineEvent;
  readonly flows: readonly string[];
}

/** A timeline already in memory as an export source. */
export function timelineSource(t: Timeline): ExportSource {
  return {
    bundle: t.bundle,
    referenceHost: t.referenceHost,
    hosts: t.hosts,
    failures: t.failures,
    *events(withFlows: boolean) {
      const flows = withFlows ? flowsByEvent(t) : undefined;
      for (const event of t.events) {
        yield { event, flows: flows?.get(event.id) ?? [] };
      }
    },
    flows: () => t.flows,
    links: () => t.links,
    timeline: () => t,
  };
}

/**
 * The export in pieces of about a megabyte, in order. A large bundle's export does not fit in one string
 * (V8 caps a string at about 512 MB, and the JSON of a 300 MB bundle is larger): files are written from
 * these pieces, never from the whole text.
 */
export function exportChunks(source: ExportSource, format: ExportFormat): Iterable<string> {
  switch (format) {
    case 'json':
      return batched(jsonChunks(source));
    case 'csv':
      return batched(csvChunks(source));
    case 'html':
      return batched(htmlChunks(source.timeline()));
  }
}

/** Writes the export to `path` piece by piece (UTF-8), replacing the file. */
export async function writeTimeline(path: string, source: ExportSource, format: ExportFormat): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const chunk of exportChunks(source, format)) {
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
}

const CHUNK_CHARS = 1 << 20;

/** Joins small pieces into chunks of about CHUNK_CHARS, so that writing one costs one call. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') {
    yield chunk;
  }
}

/** The export format a file name asks for, by its extension (case-insensitive); undefined for any other. */
export function formatForPath(path: string): ExportFormat | undefined {
  // Split on both separators: the path may come from Windows whatever platform we run on.
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) {
    return undefined;
  }
  switch (name.slice(dot + 1).toLowerCase()) {
    case 'json':
      return 'json';
    case 'csv':
      return 'csv';
    case 'html':
    case 'htm':
      return 'html';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shared lookups

/** ISO 8601 UTC, or null for an instant `formatUtc` cannot write (it would throw on an invalid Date). */
function isoOrNull(t: UtcInstant): string | null {
  return isValidTime(t) ? formatUtc(t) : null;
}

/** The model does not say whether `TimelineEvent.host` is a host's name or its folder (the collector writes the
 * name): look up either, the name winning when a name equals another host's folder. */
function hostIndex(hosts: readonly TimelineHost[]): Map<string, TimelineHost> {
  const byKey = new Map<string, TimelineHost>();
  for (const h of hosts) {
    byKey.set(h.dir, h);
  }
  for (const h of hosts) {
    byKey.set(h.name, h);
  }
  return byKey;
}

/** Flow ids per event id, in the order the flows are listed. */
function flowsByEvent(t: Timeline): Map<string, string[]> {
  const byEvent = new Map<string, string[]>();
  for (const f of t.flows) {
    for (const id of f.events) {
      const list = byEvent.get(id);
      if (list === undefined) {
        byEvent.set(id, [f.id]);
      } else if (!list.includes(f.id)) {
        list.push(f.id);
      }
    }
  }
  return byEvent;
}

// ---------------------------------------------------------------------------------------------------------
// JSON: cmflow.timeline/1

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * Copy of a field bag with keys sorted at every level and undefined left out, so that two exports of the
 * same data are byte-identical whatever order the producer inserted keys in.
 */
function canonical(value: unknown): Json {
  if (value === null || value === undefined) {
    return null;
  }
  if (Array.isArray(value)) {
    return value.map((v: unknown) => canonical(v));
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; JSON.stringify would write null anyway, say so explicitly.
      return Number.isFinite(value) ? value : null;
    case 'object': {
      const out: Record<string, Json> = {};
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) {
        if (obj[key] !== undefined) {
          out[key] = canonical(obj[key]);
        }
      }
      return out;
    }
    default:
      return null;
  }
}

// Each object is written by hand, key by key: the schema's required keys come first in the published order
// and the extra keys after them, and `undefined` becomes `null` so every object of a kind has the same keys.

function hostJson(h: TimelineHost): Json {
  return {
    dir: h.dir,
    name: h.name,
    role: h.role,
    biasMinutes: h.biasMinutes ?? null,
    clockSkewMs: h.clockSkewMs,
    roles: [...h.roles],
    skewUncertaintyMs: h.skewUncertaintyMs ?? null,
    skewBasis: h.skewBasis,
    clockBefore:
      h.clockBefore === undefined
        ? null
        : {
            untilMs: h.clockBefore.untilMs,
            skewMs: h.clockBefore.skewMs,
            uncertaintyMs: h.clockBefore.uncertaintyMs,
          },
    files: [...h.files],
    fileClocks: h.fileClocks.map((c) => ({
      file: c.file,
      finding: c.finding,
      offsetMinutes: c.offsetMinutes,
      ...(c.changes !== undefined && {
        changes: c.changes.map(({ fromLine, offsetMinutes }) => ({ fromLine, offsetMinutes })),
      }),
      basis: c.basis,
    })),
    ...(h.zoneChanges !== undefined && {
      zoneChanges: h.zoneChanges.map(({ atMs, biasBefore, biasAfter }) => ({ atMs, biasBefore, biasAfter })),
    }),
  };
}

function eventJson(e: TimelineEvent): Json {
  return {
    id: e.id,
    file: e.file,
    line: e.line,
    time: isoOrNull(e.time),
    host: e.host,
    component: e.component,
    severity: e.severity,
    text: e.text,
    endLine: e.endLine,
    loggedTime: isoOrNull(e.loggedTime),
    kind: e.kind ?? null,
    fields: canonical(e.fields),
    thread: e.thread ?? null,
  };
}

function flowJson(f: TimelineFlow): Json {
  return {
    id: f.id,
    kind: f.kind,
    keys: canonical(f.keys),
    status: f.status,
    events: [...f.events],
    summary: f.summary,
    host: f.host,
  };
}

function failureJson(f: TimelineFailure): Json {
  return {
    event: f.event,
    code: f.code ?? null,
    meaning: f.meaning,
    upstreamCause: f.upstreamCause,
    chain: [...f.chain],
    hint: f.hint,
    source: f.source ?? null,
    flow: f.flow ?? null,
    type: f.type,
    occurrences: f.occurrences,
    recovered: f.recovered,
  };
}

/** The timeline as `cmflow.timeline/1`: pretty-printed, keys in a fixed order, a trailing newline. */
export function timelineToJson(t: Timeline): string {
  return exportTimeline(t, 'json');
}

/**
 * The same bytes as `JSON.stringify(doc, null, 2) + '\n'` of the whole document, written one array element
 * at a time: an element's own pretty-print, indented to its depth (JSON strings hold no raw line breaks,
 * so every line break in it is one of the layout's).
 */
function* jsonChunks(t: ExportSource): Generator<string> {
  yield '{\n  "schema": "cmflow.timeline/1",\n  "hosts": ';
  yield* jsonArray(t.hosts, hostJson);
  yield ',\n  "events": ';
  yield* jsonArray(t.events(false, true), (e) => eventJson(e.event));
  yield ',\n  "flows": ';
  yield* jsonArray(t.flows(), flowJson);
  yield ',\n  "links": ';
  yield* jsonArray(t.links(), (l) => ({
    from: l.from,
    to: l.to,
    evidence: l.evidence,
    key: l.key,
    windowMs: l.windowMs ?? null,
  }));
  yield ',\n  "failures": ';
  yield* jsonArray(t.failures, failureJson);
  yield `,\n  "bundle": ${JSON.stringify(t.bundle)},\n  "referenceHost": ${JSON.stringify(t.referenceHost ?? null)}\n}\n`;
}

/** A top-level array of the document, as JSON.stringify(…, null, 2) writes it at depth one. */
function* jsonArray<T>(items: Iterable<T>, toJson: (item: T) => Json): Generator<string> {
  let first = true;
  for (const item of items) {
    yield (first ? '[\n    ' : ',\n    ') + JSON.stringify(toJson(item), null, 2).replaceAll('\n', '\n    ');
    first = false;
  }
  yield first ? '[]' : '\n  ]';
}

// ---------------------------------------------------------------------------------------------------------
// CSV (RFC 4180)

const CSV_HEADER = [
  'time',
  'host',
  'role',
  'component',
  'severity',
  'file',
  'line',
  'flows',
  'kind',
  'text',
  'event_id',
] as const;

/**
 * One CSV cell. A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or TAB/CR before one
 * of those) gets a leading `'` so it stays text: `=HYPERLINK(...)` in a log line must not become a live link
 * in the engineer's Excel. Then RFC 4180 quoting for quotes, commas and line breaks.
 */
function csvCell(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) {
    s = "'" + s;
  }
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

/** One row per event, in timeline order; UTF-8 BOM first because Excel guesses a legacy code page without it. */
export function timelineToCsv(t: Timeline): string {
  return exportTimeline(t, 'csv');
}

function* csvChunks(t: ExportSource): Generator<string> {
  const hosts = hostIndex(t.hosts);
  // RFC 4180 ends every record, the last included, with CRLF.
  yield '\uFEFF' + CSV_HEADER.join(',') + '\r\n';
  for (const { event: e, flows } of t.events(true, false)) {
    yield (
      [
        isoOrNull(e.time) ?? '',
        e.host,
        hosts.get(e.host)?.role ?? '',
        e.component,
        e.severity,
        e.file,
        e.line,
        flows.join(';'),
        e.kind ?? '',
        e.text,
        e.id,
      ]
        .map(csvCell)
        .join(',') + '\r\n'
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// HTML

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The one escaping of data into HTML, safe in text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A fragment of markup that is safe by construction: made by the `markup` tag below, or from a constant. */
class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type HtmlValue = SafeHtml | string | number | readonly SafeHtml[];

/**
 * Template tag for markup: every interpolated string or number goes through `escapeHtml`, fragments made by
 * this tag go in as they are. Building the report only with it means no data can reach the page unescaped.
 * (Not named `html`: Prettier would reformat the templates as HTML and add whitespace into `pre-wrap` cells.)
 */
function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    if (v instanceof SafeHtml) {
      out += v.markup;
    } else if (Array.isArray(v)) {
      out += (v as readonly SafeHtml[]).map((f) => f.markup).join('');
    } else {
      out += escapeHtml(String(v));
    }
    out += strings[i + 1] ?? '';
  });
  return new SafeHtml(out);
}

/** A duration a person reads at a glance: ms below a second, seconds below a minute, then h/min/s. */
function formatDuration(ms: number, signed: boolean): string {
  const sign = signed ? (ms < 0 ? '−' : ms > 0 ? '+' : '±') : ms < 0 ? '−' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${sign}${Math.round(abs)} ms`;
  }
  if (abs < 60_000) {
    return `${sign}${(abs / 1000).toFixed(3)} s`;
  }
  return sign + minutesAndSeconds(abs, 3);
}

/** Characters of a message in chains and flow lists, which link to the timeline row that has it whole. */
const EXCERPT = 240;

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1b1f; --muted: #5f6368; --line: #d8dadf; --head: #f1f3f6;
  --link: #0b57d0; --err-fg: #a50e0e; --err-bg: #fde8e7; --warn-fg: #7a4b00; --warn-bg: #fff4d6;
  --info-fg: #1b1b1f; --ok-fg: #146c2e; --ok-bg: #e3f4e7; --inc-fg: #5f4b00; --inc-bg: #f6efcf; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16171a; --fg: #e6e6e9; --muted: #a0a4ab; --line: #34363c; --head: #222429; --link: #8ab4f8;
    --err-fg: #ffb4ab; --err-bg: #3b1614; --warn-fg: #ffd88a; --warn-bg: #35290c; --info-fg: #e6e6e9;
    --ok-fg: #9be0ad; --ok-bg: #11301b; --inc-fg: #f0dc8a; --inc-bg: #312b10; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 110rem; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.4rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
h3 { font-size: 1rem; margin: 0 0 0.4rem; }
a { color: var(--link); }
nav a { margin-right: 1rem; }
.muted { color: var(--muted); }
code, .mono, td.time, td.cite { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: var(--head); position: sticky; top: 0; }
/* A row a link lands on stops below the sticky header instead of under it. */
tbody tr { scroll-margin-top: 2.5rem; }
td.text, .text { white-space: pre-wrap; overflow-wrap: anywhere; }
td.time { white-space: nowrap; }
/* A path has no break opportunity of its own: without one it took the width the message needed. */
td.cite { overflow-wrap: anywhere; min-width: 12rem; }
td.text { min-width: 20rem; width: 100%; }
td.num { text-align: right; }
tr.sev-error td { background: var(--err-bg); }
tr.sev-warning td { background: var(--warn-bg); }
.sev-error .sev, .sev.sev-error { color: var(--err-fg); font-weight: 600; }
.sev-warning .sev, .sev.sev-warning { color: var(--warn-fg); font-weight: 600; }
.sev-info .sev { color: var(--info-fg); }
.status { font-weight: 600; padding: 0 0.35rem; border-radius: 0.25rem; }
.status-ok { color: var(--ok-fg); background: var(--ok-bg); }
.status-failed { color: var(--err-fg); background: var(--err-bg); }
.status-incomplete { color: var(--inc-fg); background: var(--inc-bg); }
.failure { border: 1px solid var(--line); border-left: 4px solid var(--err-fg); border-radius: 0.25rem;
  padding: 0.6rem 0.9rem; margin: 0.75rem 0; }
.failure.recovered { border-left-color: var(--warn-fg); }
.failure dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.9rem; margin: 0.4rem 0; }
.failure dt { color: var(--muted); }
.failure dd { margin: 0; }
ol.chain, ol.events { margin: 0.25rem 0; padding-left: 1.6rem; }
ol.chain li, ol.events li { overflow-wrap: anywhere; }
details summary { cursor: pointer; }
#filters { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; margin: 0.5rem 0; }
#filters[hidden] { display: none; }
input, select, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line);
  border-radius: 0.25rem; padding: 0.15rem 0.4rem; }
:target td { outline: 2px solid var(--link); outline-offset: -2px; }
`;

// Only filters rows and opens/closes <details>: it reads attributes and textContent, writes `hidden`,
// `open` and one count via textContent. No data is interpolated into it, no eval, no innerHTML.
const SCRIPT = `
(() => {
  'use strict';
  const rank = new Map([['info', 0], ['warning', 1], ['error', 2]]);
  const byId = (id) => document.getElementById(id);
  const rows = Array.from(document.querySelectorAll('#timeline tbody tr'));
  const text = byId('f-text'), host = byId('f-host'), sev = byId('f-sev'), count = byId('f-count');
  if (!text || !host || !sev || !count) { return; }
  let timer;
  const apply = () => {
    const q = text.value.trim().toLowerCase();
    const h = host.value;
    const min = rank.get(sev.value) ?? 0;
    let shown = 0;
    for (const row of rows) {
      const ok = (h === '' || row.dataset.host === h) && (rank.get(row.dataset.sev) ?? 0) >= min &&
        (q === '' || row.textContent.toLowerCase().includes(q));
      row.hidden = !ok;
      if (ok) { shown += 1; }
    }
    count.textContent = shown + ' of ' + rows.length + ' events';
  };
  const reset = () => { text.value = ''; host.value = ''; sev.value = ''; apply(); };
  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(apply, 150); });
  host.addEventListener('change', apply);
  sev.addEventListener('change', apply);
  byId('f-reset')?.addEventListener('click', reset);
  // A citation that jumps to a row the filters hide would land nowhere: show everything first.
  window.addEventListener('hashchange', () => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.hidden) { reset(); target.scrollIntoView(); }
  });
  const setFlows = (open) => { for (const d of document.querySelectorAll('#flows details')) { d.open = open; } };
  byId('flows-open')?.addEventListener('click', () => setFlows(true));
  byId('flows-close')?.addEventListener('click', () => setFlows(false));
  for (const el of document.querySelectorAll('[data-needs-script]')) { el.hidden = false; }
  apply();
})();
`;

/** The report's view of the timeline: events by id, and the row anchor each id links to. */
interface Report {
  readonly t: Timeline;
  readonly anchor: Map<string, string>;
  readonly events: Map<string, TimelineEvent>;
  /** Row of each flow in the flows table. */
  readonly flowIndex: Map<string, number>;
  /** Events of the whole timeline; more than `t.events` when the report holds only some. */
  readonly eventsInBundle: number;
}

function cite(r: Report, id: string): SafeHtml {
  const e = r.events.get(id);
  const label = e === undefined ? id : `${e.file}:${e.line}`;
  const a = r.anchor.get(id);
  // An id the timeline does not hold is still shown, as plain text, so nothing the correlator said is hidden.
  return a === undefined ? markup`<code>${label}</code>` : markup`<a class="mono" href="#${a}">${label}</a>`;
}

/** Earliest and latest valid instant; a loop, since spreading millions of events into Math.min overflows. */
function timeRange(times: readonly (UtcInstant | undefined)[]): [UtcInstant | undefined, UtcInstant | undefined] {
  let first: UtcInstant | undefined;
  let last: UtcInstant | undefined;
  for (const x of times) {
    if (x !== undefined && isValidTime(x)) {
      if (first === undefined || x < first) {
        first = x;
      }
      if (last === undefined || x > last) {
        last = x;
      }
    }
  }
  return [first, last];
}

function timeCell(t: UtcInstant | undefined): SafeHtml {
  const iso = t === undefined ? null : isoOrNull(t);
  return iso === null ? markup`<span class="muted">—</span>` : markup`<time datetime="${iso}">${iso}</time>`;
}

/** Host, component, time and full text of an event the failure names. */
function eventDetail(r: Report, id: string): SafeHtml {
  const e = r.events.get(id);
  if (e === undefined) {
    return cite(r, id);
  }
  const where = markup`<span class="muted">${e.host} · ${e.component} · </span>${timeCell(e.time)}`;
  return markup`${cite(r, id)} ${where}<div class="text">${e.text}</div>`;
}

function hostsSection(r: Report): SafeHtml {
  const rows = r.t.hosts.map((h) => {
    const reference = h.name === r.t.referenceHost || h.dir === r.t.referenceHost;
    const skew = formatDuration(h.clockSkewMs, true);
    const skewCell = reference
      ? markup`reference clock`
      : h.skewUncertaintyMs === undefined
        ? markup`${skew} <span class="muted">(not estimated)</span>`
        : markup`${skew} ± ${formatDuration(h.skewUncertaintyMs, false)}`;
    // A clock set within the bundle: what it read before, beside what it reads at the end.
    const before = h.clockBefore;
    const until = before === undefined ? '' : formatUtcSeconds(before.untilMs);
    const how = before?.byOrder === true ? ', each record by its place in its log' : '';
    const earlier =
      before === undefined
        ? markup``
        : markup`<br><span class="muted">earlier clock ${formatDuration(before.skewMs, true)} ± \
${formatDuration(before.uncertaintyMs, false)} until ${until} UTC by its own clock${how}</span>`;
    const fileItems = h.files.map((f) => markup`<li><code>${f}</code></li>`);
    const files = markup`<details><summary>${h.files.length} files</summary><ul>${fileItems}</ul></details>`;
    const roles = h.roles.length > 0 ? h.roles.join(', ') : h.role;
    const clocks = h.fileClocks.map((c) => markup`<br><code>${c.file}</code>: ${c.basis}`);
    const zones = (h.zoneChanges ?? []).map((c) => markup`<br><span class="muted">${zoneChangeText(c)}</span>`);
    return markup`<tr><td>${h.name}<br><span class="muted mono">${h.dir}</span></td><td>${roles}</td>\
<td><span class="mono">${zoneFromBias(h.biasMinutes)}</span>${zones}</td><td>${skewCell}${earlier}</td><td>${h.skewBasis}${clocks}</td><td>${files}</td></tr>
`;
  });
  return markup`<section id="hosts"><h2>Hosts</h2>
<table><thead><tr><th>host</th><th>role</th><th>zone</th><th>clock skew</th><th>skew basis</th><th>files</th></tr>\
</thead>
<tbody>
${rows}</tbody></table></section>
`;
}

/** A failure's heading label: its code, or what kind of failure it is. */
function codeLabel(f: TimelineFailure): string {
  return f.code ?? (f.type === 'timeout' ? 'timeout' : 'error');
}

/** A failure its flow went on past reads as a warning. */
function sevClass(f: TimelineFailure): string {
  return f.recovered ? 'sev sev-warning' : 'sev sev-error';
}

const RECOVERED = 'its flow went on to complete afterwards: this delayed it, it did not stop it';

function failureBlock(r: Report, f: TimelineFailure, index: number): SafeHtml {
  const flowIndex = f.flow === undefined ? -1 : (r.flowIndex.get(f.flow) ?? -1);
  const chain = f.chain.map((id) => {
    const e = r.events.get(id);
    return markup`<li>${cite(r, id)} — <span class="text">${e === undefined ? '' : headline(e.text, EXCERPT)}</span></li>`;
  });
  const title = codeLabel(f);
  const flow =
    f.flow === undefined
      ? ''
      : flowIndex < 0
        ? markup`<dt>flow</dt><dd><code>${f.flow}</code></dd>`
        : markup`<dt>flow</dt><dd><a class="mono" href="#flow-${flowIndex}">${f.flow}</a></dd>`;
  const kind = f.type === 'timeout' ? 'a step that never happened within its window' : 'an error the logs state';
  const seen = f.occurrences > 1 ? markup` · seen ${f.occurrences} times` : '';
  return markup`<article class="${f.recovered ? 'failure recovered' : 'failure'}" id="failure-${index}">
<h3><span class="${sevClass(f)}">${title}</span> ${f.meaning}</h3>
<dl>
<dt>failing event</dt><dd>${eventDetail(r, f.event)}</dd>
<dt>upstream cause</dt><dd>${eventDetail(r, f.upstreamCause)}</dd>
<dt>hint</dt><dd>${f.hint}</dd>
${f.source === undefined ? '' : markup`<dt>source</dt><dd>${f.source}</dd>`}
${flow}
${f.recovered ? markup`<dt>outcome</dt><dd>${RECOVERED}</dd>` : ''}
<dt>kind</dt><dd>${kind}${seen}</dd>
</dl>
<details open><summary>chain (${f.chain.length} ${f.chain.length === 1 ? 'event' : 'events'}, upstream cause first)</summary>\
<ol class="chain">${chain}</ol></details>
</article>
`;
}

function failuresSection(r: Report): SafeHtml {
  const body =
    r.t.failures.length === 0
      ? markup`<p class="muted">No failures found.</p>`
      : r.t.failures.map((f, i) => failureBlock(r, f, i));
  return markup`<section id="failures"><h2>Failures (${r.t.failures.length})</h2>
${failureGlance(r)}${body}</section>
`;
}

/**
 * When failures repeat (one story on many hosts), a table of them grouped by what failed and the wording of
 * their upstream cause (of their own record, outside flows), each row linking to its group's first card.
 */
function failureGlance(r: Report): SafeHtml | '' {
  const { inFlows, others } = groupFailures(
    r.t.failures,
    (f) => r.events.get(f.upstreamCause),
    (f) => r.events.get(f.event),
  );
  const groups = [...inFlows, ...others];
  if (groups.length === r.t.failures.length) {
    return '';
  }
  const indexOf = new Map(r.t.failures.map((f, i) => [f, i]));
  const rows = groups.map((group) => {
    const f = group[0]!;
    const record = r.events.get(f.flow === undefined ? f.event : f.upstreamCause);
    const hosts = group.map((g) => r.events.get(g.event)?.host ?? '?');
    const cause =
      record === undefined
        ? markup`<span class="muted">—</span>`
        : markup`<code>${record.file.slice(record.file.lastIndexOf('/') + 1)}</code> <span class="text">${headline(record.text, 160)}</span>`;
    return markup`<tr><td class="num">${occurrences(group)}</td><td>${hostCount(hosts)}</td>\
<td><span class="${sevClass(f)}">${codeLabel(f)}</span> ${f.meaning}</td>\
<td>${f.flow === undefined ? 'outside flows' : f.recovered ? 'in flows, which completed' : 'in flows'}</td><td>${cause}</td>\
<td><a href="#failure-${indexOf.get(f)!}">first</a></td></tr>
`;
  });
  return markup`<p>The ${r.t.failures.length} failures come to ${groups.length}, grouped by what failed and the \
wording of the upstream cause (ids and numbers aside), the largest first; each links to its first failure below.</p>
<table class="glance"><thead><tr><th>times</th><th>on</th><th>failure</th><th>where</th>\
<th>upstream cause (outside flows: the record)</th><th></th></tr></thead>
<tbody>
${rows}</tbody></table>
`;
}

/** The flows table, a row (and its events) at a time. */
function* flowsSection(r: Report): Generator<SafeHtml> {
  yield markup`<section id="flows"><h2>Flows (${r.t.flows.length})</h2>
<p data-needs-script hidden><button type="button" id="flows-open">expand all</button> \
<button type="button" id="flows-close">collapse all</button></p>
<table><thead><tr><th>kind</th><th>status</th><th>summary</th><th>host</th><th>first</th><th>last</th>\
<th>events</th></tr></thead>
<tbody>
`;
  const partial = r.eventsInBundle > r.t.events.length;
  for (const [i, f] of r.t.flows.entries()) {
    // A report that holds only some events lists a flow's events only when it holds all of them.
    const listed = !partial || f.events.every((id) => r.events.has(id));
    const [first, last] = listed ? timeRange(f.events.map((id) => r.events.get(id)?.time)) : [undefined, undefined];
    const items = listed
      ? markup`<ol class="events">${f.events.map((id) => {
          const e = r.events.get(id);
          return e === undefined
            ? markup`<li>${cite(r, id)}</li>`
            : markup`<li>${timeCell(e.time)} <span class="muted">${e.host}</span> ${cite(r, id)} — \
<span class="text">${headline(e.text, EXCERPT)}</span></li>`;
        })}</ol>`
      : markup`<p class="muted">Not listed in this report, which holds ${r.t.events.length} of the \
${r.eventsInBundle} events; the JSON and CSV exports hold every event.</p>`;
    yield markup`<tr id="flow-${i}"><td>${f.kind}<br><span class="muted mono">${f.id}</span></td>\
<td><span class="status status-${f.status}">${f.status}</span>\
${f.recovered ? markup`<br><span class="muted">after failures</span>` : ''}</td><td>${f.summary}</td><td>${f.host}</td>\
<td class="time">${timeCell(first)}</td><td class="time">${timeCell(last)}</td><td class="num">${f.events.length}</td></tr>
<tr class="flow-events"><td colspan="7"><details><summary>events of ${f.id}</summary>\
${items}</details></td></tr>
`;
  }
  yield markup`</tbody></table></section>
`;
}

/** The timeline table, a row at a time. */
function* timelineSection(r: Report): Generator<SafeHtml> {
  const hostNames = [...new Set(r.t.events.map((e) => e.host))].sort();
  const options = hostNames.map((h) => markup`<option value="${h}">${h}</option>`);
  const shown =
    r.eventsInBundle > r.t.events.length
      ? `${r.t.events.length} of ${r.eventsInBundle} events: the failures' and those of the flows listed in full`
      : `${r.t.events.length} events`;
  yield markup`<section id="timeline"><h2>Timeline (${shown}, UTC, skew-corrected)</h2>
<div id="filters" data-needs-script hidden>
<label>text <input type="search" id="f-text" placeholder="filter"></label>
<label>host <select id="f-host"><option value="">all</option>${options}</select></label>
<label>severity <select id="f-sev"><option value="">all</option><option value="warning">warning and error</option>\
<option value="error">error</option></select></label>
<button type="button" id="f-reset">reset</button> <span id="f-count" class="muted"></span>
</div>
<table><thead><tr><th>time (UTC)</th><th>host</th><th>component</th><th>severity</th><th>text</th>\
<th>file:line</th></tr></thead>
<tbody>
`;
  for (const [i, e] of r.t.events.entries()) {
    yield markup`<tr id="e${i}" class="sev-${e.severity}" data-host="${e.host}" data-sev="${e.severity}">\
<td class="time">${timeCell(e.time)}</td><td>${e.host}</td><td>${e.component}</td><td class="sev">${e.severity}</td>\
<td class="text">${e.text}</td><td class="cite">${e.file}:${e.line}</td></tr>
`;
  }
  yield markup`</tbody></table></section>
`;
}

/**
 * One self-contained page: inline CSS and script under a CSP that allows nothing else (no network, no inline
 * handlers, no injected `<style>`/`<script>` since they lack the per-report nonce). Without script the page
 * is complete; the script only adds filters and expand/collapse-all.
 */
export function timelineToHtml(t: Timeline): string {
  return exportTimeline(t, 'html');
}

function* htmlChunks(t: ReportTimeline): Generator<string> {
  const nonce = randomBytes(18).toString('base64');
  const anchor = new Map<string, string>();
  const events = new Map<string, TimelineEvent>();
  t.events.forEach((e, i) => {
    // Anchors are made from the row number, never from the id: ids are log file names, i.e. data.
    anchor.set(e.id, `e${i}`);
    events.set(e.id, e);
  });
  const flowIndex = new Map<string, number>();
  t.flows.forEach((f, i) => {
    if (!flowIndex.has(f.id)) {
      flowIndex.set(f.id, i);
    }
  });
  const eventsInBundle = Math.max(t.eventsInBundle ?? 0, t.events.length);
  const r: Report = { t, anchor, events, flowIndex, eventsInBundle };
  const [first, last] = timeRange(t.events.map((e) => e.time));
  const failed = t.flows.filter((f) => f.status === 'failed').length;
  // base-uri and form-action are not covered by default-src; closing them too costs nothing.
  const csp =
    `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:; ` +
    `base-uri 'none'; form-action 'none'`;
  const counts =
    `${t.hosts.length} hosts · ${eventsInBundle > t.events.length ? `${t.events.length} of ${eventsInBundle}` : t.events.length} events · ` +
    `${t.flows.length} flows (${failed} failed) · ` +
    `${t.failures.length} failures · `;

  yield markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="CMFlow (cmflow.timeline/1)">
<title>CMFlow — ${t.bundle}</title>
<style nonce="${nonce}">${new SafeHtml(STYLE)}</style>
</head>
<body>
<header>
<h1>CMFlow — ${t.bundle}</h1>
<p class="muted">${counts}${timeCell(first)} to ${timeCell(last)} UTC · \
clocks corrected to ${t.referenceHost ?? 'no reference host'}</p>
<nav><a href="#failures">failures</a><a href="#hosts">hosts</a><a href="#flows">flows</a>\
<a href="#timeline">timeline</a></nav>
</header>
`.markup;
  yield failuresSection(r).markup;
  yield hostsSection(r).markup;
  for (const part of flowsSection(r)) {
    yield part.markup;
  }
  for (const part of timelineSection(r)) {
    yield part.markup;
  }
  yield markup`<script nonce="${nonce}">${new SafeHtml(SCRIPT)}</script>
</body>
</html>
`.markup;
}
