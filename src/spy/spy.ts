// Client Spy rebuilt from logs: the entry point the CLI, the extension's native tree views and the Client Spy
// webview call. Client Spy (CliSpy.exe) read a client's state live from WMI; here every tab is rebuilt from a
// log bundle alone, every node cites the records it came from, and what the logs cannot tell is an `unknown`
// node naming the log that would.
//
// The contract (all plain data, no `vscode`):
//
//   SPY_TABS: ReadonlyArray<{ id: SpyTabId; title: string }>      the tabs, in Client Spy's order
//   loadSpyData(source: string | Bundle, options?): Promise<SpyData>
//       parse the bundle once (throws BundleError with a one-line reason for a bad path)
//   buildTab(data: SpyData, tab: SpyTabId): Promise<SpyTree>
//       one tab, built on demand and independently of the others (Refresh = call it again); only
//       'software-updates' awaits the correlated timeline, computed once per SpyData
//   buildAllTabs(data): Promise<SpyTree[]>                        every tab (Save all tabs)
//   renderTabText(tree): string / renderAllTabsText(trees): string    what the save actions write
//   SpyTree { schema: 'cmflow.spy/1', tab, title, bundle, roots: SpyNode[] (one per client host), chart? }
//   SpyNode { label, value?, description?, state?: 'ok'|'warning'|'error'|'unknown', evidence: {file,line}[],
//             children }   evidence paths are relative to the bundle root; times are UTC ISO 8601.
//
// Which log each tab reads: execmgr.log (requests, history, pending), CAS.log, ContentTransferManager.log and
// DataTransferService.log (cache, downloads), Scheduler.log (schedules), InventoryAgent.log, mtrmgr.log and
// SWMTRReportGen.log, ScanAgent/WUAHandler/StateMessage.log plus the MP and site logs (software updates),
// ccmsetup.log (client deployment).

import { inventoryTab, meteringTab } from './agents.ts';
import type { SpyData } from './data.ts';
import { deploymentChart, deploymentTab } from './deployment.ts';
import type { SpyHost, SpyNode, SpyTabId, SpyTree } from './model.ts';
import { SPY_SCHEMA, SPY_TABS, group, tabTitle } from './model.ts';
import type { SoftDistModel } from './softdist.ts';
import { buildSoftDistModel, cacheTab, executionRequestsTab, historyTab, pendingTab } from './softdist.ts';
import { softwareUpdatesTab } from './updates.ts';

export { SPY_TABS };
export type { SpyTabId };

function perClient(data: SpyData, build: (host: SpyHost) => SpyNode[]): SpyNode[] {
  return data.clients.map((host) => group(host.name, build(host), { description: 'client' }));
}

const softDist = (build: (m: SoftDistModel) => SpyNode[]) => (host: SpyHost) => build(buildSoftDistModel(host));

export async function buildTab(data: SpyData, tab: SpyTabId): Promise<SpyTree> {
  const head = { schema: SPY_SCHEMA, tab, title: tabTitle(tab), bundle: data.bundle } as const;
  switch (tab) {
    case 'execution-requests':
      return { ...head, roots: perClient(data, softDist(executionRequestsTab)) };
    case 'history':
      return { ...head, roots: perClient(data, softDist(historyTab)) };
    case 'cache':
      return { ...head, roots: perClient(data, softDist(cacheTab)) };
    case 'pending':
      return { ...head, roots: perClient(data, softDist(pendingTab)) };
    case 'inventory':
      return { ...head, roots: perClient(data, inventoryTab) };
    case 'metering':
      return { ...head, roots: perClient(data, meteringTab) };
    case 'software-updates': {
      const timeline = await data.timeline();
      return { ...head, roots: perClient(data, (host) => softwareUpdatesTab(host, timeline)) };
    }
    case 'client-deployment':
      return { ...head, roots: perClient(data, deploymentTab), chart: deploymentChart(data.clients) };
  }
}

export async function buildAllTabs(data: SpyData): Promise<SpyTree[]> {
  const trees: SpyTree[] = [];
  for (const t of SPY_TABS) {
    trees.push(await buildTab(data, t.id));
  }
  return trees;
}

/** A tab named by id (`cache`), title (`Software Distribution Cache Information`) or an unambiguous id prefix. */
export function findTab(name: string): SpyTabId | undefined {
  const key = name.trim().toLowerCase();
  const exact = SPY_TABS.find((t) => t.id === key || t.title.toLowerCase() === key);
  if (exact !== undefined) {
    return exact.id;
  }
  const prefixed = SPY_TABS.filter((t) => t.id.startsWith(key));
  return prefixed.length === 1 ? prefixed[0]!.id : undefined;
}
