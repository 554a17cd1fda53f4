// The Client Spy tree model: what every tab builder returns and every view (native tree, webview, text file,
// CLI) draws. A node states one fact and cites the records it came from; a fact the logs at hand cannot tell is
// an `unknown` node that says so and names the log that would. Plain data, JSON-ready.

import type { HostRole } from '../parsers/bundle.ts';
import type { MessageFields } from '../parsers/messages/fields.ts';
import type { Severity } from '../parsers/record.ts';
import type { UtcInstant } from '../parsers/time.ts';
import { formatUtc } from '../parsers/time.ts';

export const SPY_SCHEMA = 'cmflow.spy/1';

/** A record a node stands on: file relative to the bundle root, 1-based line. */
export interface SpyEvidence {
  readonly file: string;
  readonly line: number;
}

export type SpyState = 'ok' | 'warning' | 'error' | 'unknown';

export interface SpyNode {
  readonly label: string;
  readonly value?: string;
  /** A short explanation: what a value means, or why it is unknown and which log would tell. */
  readonly description?: string;
  readonly state?: SpyState;
  readonly evidence: readonly SpyEvidence[];
  readonly children: readonly SpyNode[];
}

/** One ccmsetup outcome on the Client Deployment chart. */
export interface DeploymentPoint {
  readonly host: string;
  /** ISO 8601 UTC of the record that settled the outcome. */
  readonly utc: string;
  readonly state: 'installed' | 'failed';
  readonly errorCode?: string;
  readonly evidence: SpyEvidence;
}

/** Client Deployment's chart: every outcome, and per UTC day how many failed and how many installed. */
export interface DeploymentChart {
  readonly title: string;
  readonly points: readonly DeploymentPoint[];
  readonly days: ReadonlyArray<{ readonly day: string; readonly failed: number; readonly installed: number }>;
}

export interface SpyTree {
  readonly schema: typeof SPY_SCHEMA;
  readonly tab: SpyTabId;
  readonly title: string;
  readonly bundle: string;
  /** One root per client host (a bundle may hold several). */
  readonly roots: readonly SpyNode[];
  readonly chart?: DeploymentChart;
}

export const SPY_TABS = [
  { id: 'execution-requests', title: 'Software Distribution Execution Requests' },
  { id: 'history', title: 'Software Distribution History' },
  { id: 'cache', title: 'Software Distribution Cache Information' },
  { id: 'pending', title: 'Software Distribution Pending Executions' },
  { id: 'inventory', title: 'Inventory' },
  { id: 'metering', title: 'Software Metering' },
  { id: 'software-updates', title: 'Software Updates' },
  { id: 'client-deployment', title: 'Client Deployment' },
] as const;

export type SpyTabId = (typeof SPY_TABS)[number]['id'];

export function isSpyTabId(id: string): id is SpyTabId {
  return SPY_TABS.some((t) => t.id === id);
}

export function tabTitle(id: SpyTabId): string {
  return SPY_TABS.find((t) => t.id === id)?.title ?? id;
}

/** A record as the tabs read it: where it is, when, and what its message said. */
export interface SpyRecord {
  readonly file: string;
  readonly line: number;
  readonly utc: UtcInstant | undefined;
  /** Bias the record was written with (UTC = local + bias); what turns a local time it names into UTC. */
  readonly biasMinutes: number | undefined;
  readonly component: string;
  readonly severity: Severity;
  readonly thread: number | undefined;
  readonly text: string;
  readonly fields: MessageFields;
}

export interface SpyHost {
  readonly name: string;
  readonly roles: readonly HostRole[];
  /** Every log file of the host, bundle paths. */
  readonly files: readonly string[];
  /** The host's records the tabs read, in time order (records without a time keep file order at the end). */
  readonly records: readonly SpyRecord[];
}

// --- node helpers -----------------------------------------------------------------------------------------

export function cite(...records: ReadonlyArray<Pick<SpyRecord, 'file' | 'line'> | undefined>): SpyEvidence[] {
  const out: SpyEvidence[] = [];
  for (const r of records) {
    if (r !== undefined && !out.some((e) => e.file === r.file && e.line === r.line)) {
      out.push({ file: r.file, line: r.line });
    }
  }
  return out;
}

interface NodeExtras {
  readonly description?: string;
  readonly state?: SpyState;
  readonly children?: readonly SpyNode[];
}

/** A node stating `value`, standing on `records`. */
export function fact(
  label: string,
  value: string | undefined,
  records: ReadonlyArray<Pick<SpyRecord, 'file' | 'line'> | undefined>,
  extras: NodeExtras = {},
): SpyNode {
  return {
    label,
    ...(value === undefined ? {} : { value }),
    ...(extras.description === undefined ? {} : { description: extras.description }),
    ...(extras.state === undefined ? {} : { state: extras.state }),
    evidence: cite(...records),
    children: extras.children ?? [],
  };
}

/** A grouping node: its children carry the evidence. */
export function group(label: string, children: readonly SpyNode[], extras: Omit<NodeExtras, 'children'> = {}): SpyNode {
  return fact(label, undefined, [], { ...extras, children });
}

/** A field the logs at hand cannot tell: says why, and which log would. */
export function unknown(label: string, why: string): SpyNode {
  return { label, value: 'unknown', description: why, state: 'unknown', evidence: [], children: [] };
}

/** `why` for a field whose log is absent or silent: the log is named either way. */
export function missingFrom(host: SpyHost, log: string, what: string): string {
  const present = host.files.some((f) =>
    baseName(f)
      .toLowerCase()
      .startsWith(log.toLowerCase().replace(/\.log$/, '')),
  );
  return present ? `${log} does not record ${what}` : `${log} is not in the bundle; it records ${what}`;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function utcText(r: SpyRecord | undefined): string | undefined {
  return r?.utc === undefined ? undefined : formatUtc(r.utc);
}

/** The last record of a list (records are in time order). */
export function last<T>(list: readonly T[]): T | undefined {
  return list[list.length - 1];
}
