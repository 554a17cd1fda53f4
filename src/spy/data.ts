// Reads a bundle once for Client Spy: every record of the components the tabs read, per host, in time order,
// plus each host's file list (so that a tab can say "execmgr.log is not in the bundle"). Management-point and
// site-server logs are read too but only the client components are kept; the Software Updates tab gets the
// correlated timeline (which does read MP and site logs) lazily, through `timeline()`.

import type { Timeline } from '../correlate/model.ts';
import { analyzeBundle } from '../correlate/analyze.ts';
import type { Bundle, OpenOptions } from '../parsers/bundle.ts';
import { openBundle } from '../parsers/bundle.ts';
import { RepeatClassifier } from '../parsers/classify.ts';
import { parseBundle } from '../parsers/parse-bundle.ts';
import type { LogRecord } from '../parsers/record.ts';
import type { SpyHost, SpyRecord } from './model.ts';

/** Components whose records some tab reads (lower case). */
const SPY_COMPONENTS = new Set([
  'execmgr',
  'contentaccess',
  'contenttransfermanager',
  'datatransferservice',
  'scheduler',
  'inventoryagent',
  'mtrmgr',
  'swmtrreportgen',
  'ccmsetup',
  'scanagent',
  'wuahandler',
  'updatesstore',
  'statemessage',
  'updatesdeploymentagent',
  'updateshandler',
]);

export interface SpyData {
  /** The bundle's name (folder or .zip base name). */
  readonly bundle: string;
  /** Hosts with a client role, in name order. */
  readonly clients: readonly SpyHost[];
  /** The correlated timeline of the whole bundle, computed on first use (the Software Updates tab). */
  timeline(): Promise<Timeline>;
}

export interface LoadOptions extends OpenOptions {
  readonly signal?: AbortSignal;
  /** The bundle's correlated timeline when the caller has it already (the extension's analysis). */
  readonly timeline?: () => Promise<Timeline>;
}

/**
 * Read a bundle (a folder or .zip path, or a Bundle the caller opened and will close) for Client Spy.
 * Throws BundleError with a one-line reason when the path cannot be read.
 */
export async function loadSpyData(source: string | Bundle, options: LoadOptions = {}): Promise<SpyData> {
  const owned = typeof source === 'string';
  const bundle = owned ? await openBundle(source, options) : source;
  const byHost = new Map<string, SpyRecord[]>();
  const hostOf = new Map(bundle.files.map((f) => [f.path, f.host]));
  // Only the records kept are classified: Client Spy's components are a small part of a bundle.
  const classifier = new RepeatClassifier();
  try {
    const parsed = await parseBundle(bundle, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      sink: {
        record(r: LogRecord) {
          if (!SPY_COMPONENTS.has(r.component.toLowerCase())) {
            return;
          }
          const host = hostOf.get(r.file) ?? '';
          let list = byHost.get(host);
          if (list === undefined) {
            list = [];
            byHost.set(host, list);
          }
          list.push({
            file: r.file,
            line: r.line,
            utc: r.utc,
            biasMinutes: r.biasMinutes,
            component: r.component,
            severity: r.severity,
            thread: r.thread,
            text: r.text,
            fields: classifier.classify(r),
          });
        },
        problem() {},
      },
    });
    const clients = parsed.hosts
      .filter((h) => h.roles.includes('client'))
      .map((h): SpyHost => ({
        name: h.name,
        roles: h.roles,
        files: h.files,
        records: timeOrder(byHost.get(h.name) ?? []),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let timeline: Promise<Timeline> | undefined;
    return {
      bundle: bundle.name,
      clients,
      timeline() {
        timeline ??= (async () => {
          if (options.timeline) {
            return options.timeline();
          }
          if (!owned) {
            return analyzeBundle(bundle);
          }
          const again = await openBundle(source, options);
          try {
            return await analyzeBundle(again);
          } finally {
            again.close();
          }
        })();
        return timeline;
      },
    };
  } finally {
    if (owned) {
      bundle.close();
    }
  }
}

/** Stable: records of one instant keep file order; records with no time go last. */
function timeOrder(records: SpyRecord[]): SpyRecord[] {
  return records
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => (a.utc ?? Infinity) - (b.utc ?? Infinity) || i - j)
    .map(([r]) => r);
}
