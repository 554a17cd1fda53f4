// The one protocol between the swimlane webview and whoever holds the timeline (the extension host, or the
// browser tests' bridge). The webview never receives the bundle: it asks for a time window at its pixel
// resolution and gets compact parallel arrays back. Requests carry an `id`; the reply to one carries the
// same `id`. Messages the host pushes unasked (`focus*`) carry none.
//
// Glue contract for the extension (everything else lives in src/; imports from src/views/swimlane/host.ts,
// page.ts and src/views/shared/html.ts):
//
//   const panel = vscode.window.createWebviewPanel('cmflow.swimlane', title, column, {
//     enableScripts: true, localResourceRoots: [Uri.joinPath(extensionUri, 'dist/views')] });
//   const asUri = (f: string) => panel.webview.asWebviewUri(Uri.joinPath(extensionUri, 'dist/views', f)).toString();
//   // html first: the page loads while the lane index below is built (about a second per million records)
//   panel.webview.html = swimlanePage({ cspSource: panel.webview.cspSource, nonce: newNonce(),
//     scriptUri: asUri(SWIMLANE_SCRIPT), styleUris: [asUri(SWIMLANE_STYLE)] });
//   const data = new SwimlaneData(analyzed.timeline, {
//     files: bundle.files,                        // optional: `reveal` then gives the path on disk
//     post: (m) => void panel.webview.postMessage(m),
//     onReveal: (t) => { /* open t.diskPath (or t.file inside a .zip) at line t.line (1-based) */ },
//     onExport: (img) => { /* save dialog for img.suggestedName; png: img.data is a data: URL, svg: text */ },
//     timeZone: { kind: 'utc' },                  // or { kind: 'host', host: name } from a setting
//   });
//   panel.webview.onDidReceiveMessage((m) => data.receive(m));   // answers and posts the reply
//   panel.onDidDispose(() => data.detach());
//   data.focusFailure(i) / data.focusFlow(flowId) / data.focusEvent(diskPathOrBundlePath, line)
//
// For a .zip bundle call `analyzed.prefetch()` before opening the view (hover cards read record text).
// Focus commands sent before the webview is ready are kept and delivered after its `ready`; a reloaded
// webview says `ready` again and gets `init` again, then restores its own navigation state
// (`vscode.setState`: window, lanes, filters, selection, highlight; never log data).

import type {
  FailureInfo,
  Highlight,
  HostInfo,
  LaneInfo,
  OverviewBins,
  SeverityLevel,
  WindowFilter,
  WindowResult,
} from '../../correlate/lanes.ts';

// The data shapes are the lane index's own (src/correlate/lanes.ts); the protocol only carries them.
export type {
  ArrowBatch,
  EvidenceLevel,
  FailureInfo,
  FlowInfo,
  Highlight,
  HighlightLink,
  HostInfo,
  LaneInfo,
  MarkBatch,
  OverviewBins,
  SeverityLevel,
  WindowFilter,
} from '../../correlate/lanes.ts';
export { MarkFlag } from '../../correlate/lanes.ts';

/** Bumped on any incompatible change; the webview shows an error instead of guessing. */
export const PROTOCOL_VERSION = 1;

/** Failures the failure picker lists one by one; past that it lists them in groups (`failureGroups`). */
export const FAILURE_CHOICES = 100;

/**
 * Failures that tell one story, as the Failures tree and the CLI group them (correlate/failure-groups.ts):
 * what failed, whether its flow recovered, and the file and wording of its upstream cause (of its own
 * record outside flows). The picker lists these when the failures are too many to list.
 */
export interface FailureGroupInfo {
  /** Index into the failures of the group's first failure, which the picker shows. */
  readonly first: number;
  /** Failures in the group, counting folded repeats. */
  readonly count: number;
  readonly hosts: number;
  /** What failed: the code, or the start of the meaning when there is none. */
  readonly name: string;
  readonly recovered: boolean;
  readonly inFlow: boolean;
  /** File name of the upstream cause (in flows) or of the failure's own record (outside them). */
  readonly file: string;
}

export const EVIDENCE_NAMES = ['id', 'derived', 'time'] as const;
export const SEVERITY_NAMES = ['info', 'warning', 'error'] as const;

/** How times are shown: UTC, or the local clock of one host (its usual bias). */
export type TimeZoneMode = { readonly kind: 'utc' } | { readonly kind: 'host'; readonly host: number };

/**
 * The flows as parallel arrays, one entry per flow (index = flow number in every message). Summaries are
 * long and a 1 GB bundle has tens of thousands of flows: they come on request (`flowSummaries`).
 */
export interface FlowTable {
  readonly start: number[];
  readonly end: number[];
  /** 0 ok, 1 failed, 2 incomplete. */
  readonly status: Array<0 | 1 | 2>;
}

export const FLOW_STATUS = ['ok', 'failed', 'incomplete'] as const;

export interface RecordDetail {
  readonly row: number;
  /** Corrected UTC ms. */
  readonly time: number;
  /** UTC as logged, before skew correction. */
  readonly loggedTime: number;
  readonly host: string;
  readonly component: string;
  readonly severity: SeverityLevel;
  readonly file: string;
  readonly line: number;
  readonly kind: string | undefined;
  readonly thread: number | undefined;
  /** The message as logged. Hostile: the webview only ever sets it as text. */
  readonly text: string;
  readonly lane: number;
  /** The first flow (index) the record belongs to, or -1, and its summary. */
  readonly flow: number;
  readonly flowSummary: string;
  /** The failure (index) whose failing record this is, or -1. */
  readonly failure: number;
}

// ---------------------------------------------------------------- webview → host

/** The page has loaded and wants `init` (again, after a reload). */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly version: number;
}

/** Marks and arrows of lane groups between two instants at a pixel width. */
export interface WindowRequest {
  readonly type: 'window';
  readonly id: number;
  readonly start: number;
  readonly end: number;
  /** Pixels the window spans: the resolution marks are decimated to. */
  readonly width: number;
  /** Each displayed row is a group of lanes (one lane, or all lanes of a collapsed host). */
  readonly groups: number[][];
  readonly filter: WindowFilter;
}

/** One record's details, for the hover card. */
export interface RecordRequest {
  readonly type: 'record';
  readonly id: number;
  readonly row: number;
}

/** Open the record's line in the editor. */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly row: number;
}

/** Save the current view as an image. */
export interface ExportImageMessage {
  readonly type: 'exportImage';
  readonly format: 'png' | 'svg';
  /** `data:image/png;base64,…` for png, the document for svg. */
  readonly data: string;
  readonly suggestedName: string;
}

/** The records and links of a flow, to light up. */
export interface FlowRequest {
  readonly type: 'flow';
  readonly id: number;
  readonly flow: number;
}

/** A failure's chain from its upstream cause to the failing record, to light up. */
export interface ChainRequest {
  readonly type: 'chain';
  readonly id: number;
  readonly failure: number;
}

/** The summaries of some flows (at most 500), for the flow picker. */
export interface FlowSummariesRequest {
  readonly type: 'flowSummaries';
  readonly id: number;
  readonly flows: number[];
}

/** The next or previous record after `row` in time, among the given lanes (keyboard navigation). */
export interface StepRequest {
  readonly type: 'step';
  readonly id: number;
  readonly row: number;
  readonly direction: 1 | -1;
  readonly lanes: number[];
  readonly filter: WindowFilter;
}

/** The record at (or the nearest before) a file's line: how `focusEvent` becomes a row. */
export interface LocateRequest {
  readonly type: 'locate';
  readonly id: number;
  readonly file: string;
  readonly line: number;
}

export type WebviewToHost =
  | ReadyMessage
  | WindowRequest
  | RecordRequest
  | RevealMessage
  | ExportImageMessage
  | FlowRequest
  | ChainRequest
  | StepRequest
  | LocateRequest
  | FlowSummariesRequest;

// ---------------------------------------------------------------- host → webview

/** Everything small about the bundle: hosts, lanes, extent, flows, failures, overview, display options. */
export interface InitMessage {
  readonly type: 'init';
  readonly version: number;
  readonly bundle: string;
  readonly hosts: HostInfo[];
  readonly lanes: LaneInfo[];
  readonly start: number;
  readonly end: number;
  readonly flows: FlowTable;
  readonly failures: FailureInfo[];
  /** Only when there are more failures than FAILURE_CHOICES; largest groups first. */
  readonly failureGroups?: FailureGroupInfo[];
  readonly overview: OverviewBins;
  readonly timeZone: TimeZoneMode;
  readonly eventCount: number;
}

/** Reply to `window`: the lane index's answer. `partial`: a text filter is still being searched; ask again. */
export interface WindowReply extends WindowResult {
  readonly type: 'window';
  readonly id: number;
}

/** Reply to `record`. */
export interface RecordReply {
  readonly type: 'record';
  readonly id: number;
  readonly record: RecordDetail;
}

/** Reply to `flow` and `chain`. */
export interface HighlightReply {
  readonly type: 'highlight';
  readonly id: number;
  readonly highlight: Highlight;
}

/** Reply to `flowSummaries`, in the order asked. */
export interface FlowSummariesReply {
  readonly type: 'flowSummaries';
  readonly id: number;
  readonly summaries: string[];
}

/** Reply to `step` and `locate`: a row to move to, or none. */
export interface RowReply {
  readonly type: 'row';
  readonly id: number;
  readonly row: number | undefined;
  readonly time: number;
  readonly lane: number;
}

/** A request the host could not answer. */
export interface ErrorReply {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
}

/** Light up a flow and zoom to it: `flow` is its index, `flowId` its id (`scan:…`). */
export interface FocusFlowMessage {
  readonly type: 'focusFlow';
  readonly flowId: string;
  readonly flow: number;
}

/** Show a failure's upstream cause and the chain from it, lit up. */
export interface FocusFailureMessage {
  readonly type: 'focusFailure';
  readonly failureIndex: number;
}

/** Select and centre the record at a file's line (`file` as in the bundle: host folder/…/name.log). */
export interface FocusEventMessage {
  readonly type: 'focusEvent';
  readonly file: string;
  readonly line: number;
}

export type HostToWebview =
  | InitMessage
  | WindowReply
  | RecordReply
  | HighlightReply
  | RowReply
  | FlowSummariesReply
  | ErrorReply
  | FocusFlowMessage
  | FocusFailureMessage
  | FocusEventMessage;

export type ReplyMessage = WindowReply | RecordReply | HighlightReply | RowReply | FlowSummariesReply | ErrorReply;
export type RequestMessage =
  WindowRequest | RecordRequest | FlowRequest | ChainRequest | StepRequest | LocateRequest | FlowSummariesRequest;

// ---------------------------------------------------------------- checking what arrives

// A webview is the extension's own code, but its messages still cross a process boundary: the host checks
// shape and bounds before it indexes arrays with them, so a bad message is an error reply, not a crash.
const MAX_GROUPS = 4096;
const MAX_WIDTH = 16384;
const MAX_TEXT = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIntArray = (v: unknown, max: number): v is number[] =>
  Array.isArray(v) && v.length <= max && v.every((x) => isInt(x) && x >= 0);

function isFilter(v: unknown): v is WindowFilter {
  return (
    isObject(v) &&
    (v.minSeverity === 0 || v.minSeverity === 1 || v.minSeverity === 2) &&
    typeof v.text === 'string' &&
    v.text.length <= MAX_TEXT &&
    isInt(v.flow) &&
    v.flow >= -1
  );
}

/** The message if it is one the webview may send, well formed; otherwise undefined. */
export function parseWebviewMessage(m: unknown): WebviewToHost | undefined {
  if (!isObject(m) || typeof m.type !== 'string') {
    return undefined;
  }
  const id = m.id;
  switch (m.type) {
    case 'ready':
      return isInt(m.version) ? (m as unknown as ReadyMessage) : undefined;
    case 'window':
      return isInt(id) &&
        isTime(m.start) &&
        isTime(m.end) &&
        m.end >= m.start &&
        isInt(m.width) &&
        m.width > 0 &&
        m.width <= MAX_WIDTH &&
        Array.isArray(m.groups) &&
        m.groups.length <= MAX_GROUPS &&
        m.groups.every((g) => isIntArray(g, MAX_GROUPS)) &&
        isFilter(m.filter)
        ? (m as unknown as WindowRequest)
        : undefined;
    case 'record':
      return isInt(id) && isInt(m.row) && m.row >= 0 ? (m as unknown as RecordRequest) : undefined;
    case 'reveal':
      return isInt(m.row) && m.row >= 0 ? (m as unknown as RevealMessage) : undefined;
    case 'exportImage':
      return (m.format === 'png' || m.format === 'svg') &&
        typeof m.data === 'string' &&
        typeof m.suggestedName === 'string'
        ? (m as unknown as ExportImageMessage)
        : undefined;
    case 'flow':
      return isInt(id) && isInt(m.flow) && m.flow >= 0 ? (m as unknown as FlowRequest) : undefined;
    case 'chain':
      return isInt(id) && isInt(m.failure) && m.failure >= 0 ? (m as unknown as ChainRequest) : undefined;
    case 'step':
      return isInt(id) &&
        isInt(m.row) &&
        m.row >= 0 &&
        (m.direction === 1 || m.direction === -1) &&
        isIntArray(m.lanes, 1 << 20) &&
        isFilter(m.filter)
        ? (m as unknown as StepRequest)
        : undefined;
    case 'flowSummaries':
      return isInt(id) && isIntArray(m.flows, 500) ? (m as unknown as FlowSummariesRequest) : undefined;
    case 'locate':
      return isInt(id) && typeof m.file === 'string' && isInt(m.line) ? (m as unknown as LocateRequest) : undefined;
    default:
      return undefined;
  }
}

/** The request id of a message that had one, so that even a malformed request gets its error reply. */
export function requestId(m: unknown): number | undefined {
  return isObject(m) && isInt(m.id) ? m.id : undefined;
}
