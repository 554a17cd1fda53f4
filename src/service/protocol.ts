// The analysis service's protocol: the extension host asks, the worker thread that owns the analysis
// answers. Requests and replies are matched by `id`; a long request reports progress under its own id and
// can be cancelled. Every method takes one params object and returns structured-clone-safe data.

import type { ExportFormat } from '../correlate/export.ts';
import type { SpyTabId, SpyTree } from '../spy/model.ts';
import type { HostToWebview } from '../views/swimlane/protocol.ts';
import type { ExportedImage, RevealTarget } from '../views/swimlane/host.ts';
import type {
  BundleSummary,
  EventRef,
  LineInfo,
  LineMark,
  OccurrenceResult,
  OpenOptions,
  Progress,
  TailResult,
} from './session.ts';

export const SERVICE_PROTOCOL_VERSION = 1;

export interface ServiceMethods {
  /** Opens and analyzes a folder, .zip or file; replaces any bundle already open. Reports progress. */
  open(params: { source: string; options: OpenOptions }): BundleSummary;
  /** Closes the open bundle. */
  close(params: Record<string, never>): null;
  /** A flow's events in time order. */
  flowEvents(params: { flowId: string }): EventRef[];
  /** Correlated events starting on a line. */
  eventsAt(params: { file: string; line: number }): EventRef[];
  /** Where a GUID (or any text) occurs in the bundle, and the occurrence that comes first in time. */
  occurrences(params: { needle: string }): OccurrenceResult;
  /** One log line read by the engine: times on each clock (as the analysis read them, given its 1-based line), fields. */
  describeLine(params: { file: string; text: string; line?: number }): LineInfo | null;
  /** Warning and error records of a file. */
  lineMarks(params: { file: string }): LineMark[];
  /** Records appended to a file since it was last read. */
  tail(params: { file: string }): TailResult;
  /** A file's decoded text (files inside a .zip). */
  readText(params: { file: string }): string;
  /** Lines `from`..`to` of a file (logs too large for the editor). */
  readLines(params: { file: string; from: number; to: number }): { text: string; lines: number };
  /** A Client Spy tab's tree, built on first request; `refresh` reads the logs again for this tab. */
  spyTab(params: { tab: SpyTabId; refresh: boolean }): SpyTree;
  /** Client Spy tab(s) as the text the save actions write. */
  spyText(params: { tab: SpyTabId | 'all' }): string;
  /** A message from the swimlane webview; its replies come back as `swimlane` events. */
  swimlane(params: { message: unknown }): null;
  /** Lights up a failure's chain, a flow or a record in the swimlane (queued until the webview is ready). */
  swimlaneFocus(params: { failure?: number; flow?: string; event?: { file: string; line: number } }): null;
  /** The swimlane webview went away; focus commands wait for the next one. */
  swimlaneDetach(params: Record<string, never>): null;
  /** Writes the correlated timeline. */
  exportTo(params: { format: ExportFormat; dest: string }): null;
}

export type MethodName = keyof ServiceMethods;
export type Params<M extends MethodName> = Parameters<ServiceMethods[M]>[0];
export type Result<M extends MethodName> = ReturnType<ServiceMethods[M]>;

/** What the worker says unasked: the swimlane's replies and its requests to the editor. */
export type ServiceEvent =
  | { readonly kind: 'swimlane'; readonly message: HostToWebview }
  | { readonly kind: 'swimlaneReveal'; readonly target: RevealTarget }
  | { readonly kind: 'swimlaneExport'; readonly image: ExportedImage };

export type ServiceRequest =
  | { [M in MethodName]: { readonly id: number; readonly method: M; readonly params: Params<M> } }[MethodName]
  /** Aborts request `target` (it then fails with `cancelled: true`). */
  | { readonly id: number; readonly method: 'cancel'; readonly params: { readonly target: number } };

export type ServiceMessage =
  /** The request `id` succeeded. */
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  /** The request `id` failed; `cancelled` when it was aborted on request. */
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly cancelled: boolean }
  /** Progress of the long request `id`. */
  | { readonly type: 'progress'; readonly id: number; readonly progress: Progress }
  /** Something the worker reports unasked. */
  | { readonly type: 'event'; readonly event: ServiceEvent };
