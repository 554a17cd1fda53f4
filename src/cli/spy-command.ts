// `cmflow spy`: Client Spy's tabs rebuilt from a bundle, as indented text (what "Save tab to file" writes) or
// as JSON (schema cmflow.spy/1: one tree, or every tree under `tabs`).

import type { Writable } from 'node:stream';
import type { HostOverride } from '../parsers/bundle.ts';
import { loadSpyData } from '../spy/data.ts';
import { SPY_SCHEMA } from '../spy/model.ts';
import type { SpyTabId } from '../spy/model.ts';
import { renderAllTabsText, renderTabText } from '../spy/render.ts';
import { buildAllTabs, buildTab } from '../spy/spy.ts';

export interface SpyCommandOptions {
  /** One tab, or every tab when undefined. */
  readonly tab: SpyTabId | undefined;
  readonly json: boolean;
  readonly hosts: Readonly<Record<string, HostOverride>>;
}

export async function runSpy(source: string, options: SpyCommandOptions, out: Writable): Promise<number> {
  const data = await loadSpyData(source, { hosts: options.hosts });
  if (options.tab !== undefined) {
    const tree = await buildTab(data, options.tab);
    out.write(options.json ? JSON.stringify(tree, null, 2) + '\n' : renderTabText(tree));
    return 0;
  }
  const trees = await buildAllTabs(data);
  out.write(
    options.json
      ? JSON.stringify({ schema: SPY_SCHEMA, bundle: data.bundle, tabs: trees }, null, 2) + '\n'
      : renderAllTabsText(trees),
  );
  return 0;
}
