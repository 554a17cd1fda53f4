// Client Spy's Inventory and Software Metering tabs. Inventory comes from InventoryAgent.log: each action's
// cycle start, report, major and minor version (the DDR is the Discovery action); metering from mtrmgr.log
// (the rules the client received) and SWMTRReportGen.log (the usage report).

import type { SpyHost, SpyNode, SpyRecord } from './model.ts';
import { fact, group, last, missingFrom, unknown, utcText } from './model.ts';

interface InventoryCycle {
  start?: SpyRecord;
  version?: SpyRecord;
  report?: SpyRecord;
  readonly queries: SpyRecord[];
}

/** Client Spy's order and names; the value is InventoryAgent's action name. */
const KINDS: ReadonlyArray<readonly [string, string]> = [
  ['Software inventory', 'Software'],
  ['File collection', 'File Collection'],
  ['Hardware inventory', 'Hardware'],
  ['IDMIF collection', 'IDMIF Collection'],
  ['Discovery data record (DDR)', 'Discovery'],
];

function inventoryCycles(host: SpyHost): Map<string, InventoryCycle> {
  const latest = new Map<string, InventoryCycle>();
  // A cycle runs on one thread: its start says nothing of the action, `Opening store` does.
  const open = new Map<number | undefined, { action?: string; cycle: InventoryCycle }>();
  for (const r of host.records) {
    const f = r.fields;
    if (r.component.toLowerCase() !== 'inventoryagent') {
      continue;
    }
    if (f.event === 'Inventory.messageStart') {
      open.set(r.thread, { cycle: { start: r, queries: [] } });
      continue;
    }
    let cur = open.get(r.thread);
    if (cur === undefined && f.inventoryAction !== undefined) {
      cur = { cycle: { queries: [] } };
      open.set(r.thread, cur);
    }
    if (cur === undefined) {
      continue;
    }
    if (f.inventoryAction !== undefined && cur.action === undefined) {
      cur.action = f.inventoryAction;
      latest.set(f.inventoryAction, cur.cycle);
    }
    if (f.event === 'Inventory.openingStore') {
      cur.cycle.start ??= r;
    } else if (f.event === 'Inventory.action') {
      cur.cycle.version = r;
    } else if (f.event === 'Inventory.reportSent') {
      cur.cycle.report = r;
    } else if (f.event === 'Inventory.collectionQuery') {
      cur.cycle.queries.push(r);
    } else if (f.event === 'Inventory.messageEnd') {
      open.delete(r.thread);
    }
  }
  return latest;
}

export function inventoryTab(host: SpyHost): SpyNode[] {
  const cycles = inventoryCycles(host);
  return KINDS.map(([title, action]) => {
    const c = cycles.get(action);
    if (c === undefined) {
      return unknown(title, missingFrom(host, 'InventoryAgent.log', `a ${action} inventory cycle`));
    }
    const v = c.version?.fields;
    const children: SpyNode[] = [
      c.start === undefined
        ? unknown('Last cycle start', missingFrom(host, 'InventoryAgent.log', 'the start of this cycle'))
        : fact('Last cycle start (UTC)', utcText(c.start), [c.start]),
      c.report === undefined
        ? unknown('Last report date', 'InventoryAgent.log has no "Successfully sent report" for this cycle')
        : fact('Last report date (UTC)', utcText(c.report), [c.report]),
      v?.majorVersion === undefined
        ? unknown('Major version', missingFrom(host, 'InventoryAgent.log', 'the report version'))
        : fact('Major version', String(v.majorVersion), [c.version]),
      v?.minorVersion === undefined
        ? unknown('Minor version', missingFrom(host, 'InventoryAgent.log', 'the report version'))
        : fact('Minor version', String(v.minorVersion), [c.version]),
    ];
    if (action === 'Discovery') {
      children.push(
        group('DDR details', [
          fact('Report type', v?.reportType, [c.version]),
          fact('Sent to', c.report?.fields.endpoint, [c.report]),
          fact('Message ID', c.report?.fields.messageId, [c.report]),
          group(
            'Classes collected',
            c.queries.map((q) => fact(q.fields.operation ?? 'query', q.fields.path?.trim(), [q])),
          ),
          unknown(
            'Property values',
            'no client log writes the DDR’s values; the DDR itself goes to the MP (MP_DdrEndpoint) and the site’s ddm.log',
          ),
        ]),
      );
    }
    return fact(title, utcText(c.report ?? c.start), [c.report ?? c.start], {
      state: c.report === undefined ? 'warning' : 'ok',
      children,
    });
  });
}

const LANGUAGES: Readonly<Record<number, string>> = {
  65535: 'Any language',
  1033: 'English (United States)',
  1031: 'German (Germany)',
  1036: 'French (France)',
  2057: 'English (United Kingdom)',
};

export function meteringTab(host: SpyHost): SpyNode[] {
  const rules = new Map<string, SpyRecord>();
  const removed = new Set<string>();
  const matches = new Map<string, SpyRecord[]>();
  let report: SpyRecord | undefined;
  for (const r of host.records) {
    const f = r.fields;
    if (f.event === 'Metering.rule' && f.ruleId !== undefined) {
      rules.set(f.ruleId, r);
      removed.delete(f.ruleId);
    } else if (f.event === 'Metering.ruleRemoved' && f.ruleId !== undefined) {
      removed.add(f.ruleId);
    } else if (f.event === 'Metering.matched' && f.ruleId !== undefined) {
      matches.set(f.ruleId, [...(matches.get(f.ruleId) ?? []), r]);
    } else if (f.event === 'MeteringReport.generated') {
      report = r;
    }
  }
  const live = [...rules.entries()].filter(([id]) => !removed.has(id));
  if (live.length === 0) {
    return [unknown('Metering rules', missingFrom(host, 'mtrmgr.log', 'software metering rules'))];
  }
  const nodes = live.map(([id, r]) => {
    const f = r.fields;
    const lang = f.languageId;
    const used = matches.get(id) ?? [];
    return fact(`${f.fileName ?? '?'}  ${id}`, undefined, [r], {
      children: [
        fact('Explorer file name', f.fileName, [r]),
        fact('Original file name', f.originalFileName, [r]),
        fact('Rule ID', id, [r]),
        fact('File version', f.fileVersion, [r]),
        fact('Language', lang === undefined ? undefined : `${LANGUAGES[lang] ?? 'language'} (${lang})`, [r]),
        fact(
          'Seen running',
          used.length === 0 ? 'not in the logs at hand' : `${used.length} time(s)`,
          used.length === 0 ? [r] : used,
        ),
      ],
    });
  });
  return [
    ...nodes,
    report === undefined
      ? unknown('Last usage report', missingFrom(host, 'SWMTRReportGen.log', 'the metering usage report'))
      : fact('Last usage report (UTC)', utcText(report), [report], { description: report.fields.path ?? '' }),
  ];
}

/** Records of a kind, for builders that only need "the last one". */
export function lastOf(host: SpyHost, event: string): SpyRecord | undefined {
  return last(host.records.filter((r) => r.fields.event === event));
}
