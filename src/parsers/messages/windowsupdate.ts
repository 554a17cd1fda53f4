// Message grammar of WindowsUpdate.log, both the legacy text log (`COMAPI -- START -- COMAPI: Search …`)
// and Windows 10+ Get-WindowsUpdateLog output (`* START *   Federated Search …`, `*FAILED* [hr] …`).
// The component column (Agent, AU, COMAPI, ComApi, PT, Misc …) does not decide the template: the same
// grammar serves every WU component, because Microsoft moved texts between components across versions.

import type { MessageFields } from './fields.ts';
import { G, re, rei, template } from './template.ts';
import type { Grammar } from './template.ts';

const phaseEvent =
  (prefix: string) =>
  (m: RegExpExecArray, f: MessageFields): void => {
    const phase = (m.groups?.['_phase'] ?? '').toLowerCase();
    f.event = `WindowsUpdate.${prefix}${phase.charAt(0).toUpperCase()}${phase.slice(1)}`;
  };

/** `WSUS server: (null)` means no WSUS server is configured: an explicit empty list. */
const serverOrNone = (_m: RegExpExecArray, f: MessageFields): void => {
  f.wsusUrls ??= [];
};

const UPDATES_FOUND = /Updates found = (\d+)/;

const federatedCall = (m: RegExpExecArray, f: MessageFields, text: string): void => {
  phaseEvent('call')(m, f);
  const found = UPDATES_FOUND.exec(text)?.[1];
  if (found !== undefined) {
    f.count = Number.parseInt(found, 10);
  }
};

export const windowsUpdate: Grammar = {
  templates: [
    template('WindowsUpdate.wsusServer', 'WSUS server:', re`WSUS server:\s*(?<wsusUrl>https?://\S+)?`, serverOrNone),
    template('WindowsUpdate.wsusStatusServer', 'WSUS status server:', re`WSUS status server:\s*(?<_url>https?://\S+)?`),
    template(
      'WindowsUpdate.serverChangedByPolicy',
      'server changed through policy',
      rei`Sus server changed through policy`,
    ),
    // Legacy COMAPI: `-- START --`, `<<-- SUBMITTED --`, `>>-- RESUMED --`, `-- END --`; the event says which.
    template(
      'WindowsUpdate.call',
      'COMAPI:',
      re`(?<_phase>START|SUBMITTED|RESUMED|END)\s*--\s*COMAPI:\s*(?<operation>[^\[]+?)\s*\[ClientId = (?<caller>[^\]]*)\]`,
      phaseEvent('call'),
    ),
    template(
      'WindowsUpdate.agent',
      'Agent:',
      re`\*\*\s*(?<_phase>START|END)\s*\*\*\s*Agent:\s*(?<operation>[^\[]+?)\s*\[CallerId = (?<caller>[^\]]*)\]`,
      phaseEvent('agent'),
    ),
    // Windows 10+: `* START *   Federated Search ClientId = Windows Defender (cV: …)`.
    template(
      'WindowsUpdate.call',
      'ClientId = ',
      re`^\s*\* (?<_phase>START|END) \*\s+(?<operation>.+?)\s+ClientId = (?<caller>[^(,]+?)\s*(?:\(cV|,|$)`,
      federatedCall,
    ),
    template(
      'WindowsUpdate.serviceEndpoint',
      'Server URL =',
      re`ServiceId = (?<serviceId>${G}), Server URL = (?<_url>\S+)`,
    ),
    template(
      'WindowsUpdate.includeSuperseded',
      'Include potentially superseded',
      re`Include potentially superseded updates`,
    ),
    template('WindowsUpdate.searchOptions', 'Online =', re`^\s*\*\s*Online = \w+`),
    template('WindowsUpdate.criteria', 'Criteria = "', re`Criteria = "(?<searchCriteria>.*)"\s*$`),
    template('WindowsUpdate.serviceId', 'ServiceID = ', re`ServiceID = (?<serviceId>${G})`),
    template('WindowsUpdate.searchScope', 'Search Scope = ', re`Search Scope = \{(?<_scope>\w+)\}`),
    // `tosearch` is a typo of the reference (§6.7), tolerated for free by the optional space.
    template(
      'WindowsUpdate.updateAdded',
      'Added update',
      re`Added update (?<updateId>${G})\.(?<revision>\d+) to ?search result`,
    ),
    template(
      'WindowsUpdate.searchFound',
      'categories in search',
      re`Found (?<count>\d+) updates and \d+ categories in search`,
    ),
    template('WindowsUpdate.updatesFound', 'Updates found =', re`^\s*-\s*Updates found = (?<count>\d+)`),
    template(
      'WindowsUpdate.installStarting',
      'Starting install of',
      re`Starting install of \w+ update (?<updateId>${G})`,
    ),
    template(
      'WindowsUpdate.installCompleted',
      'Completed install of',
      re`Completed install of \w+ update with type=\d+, requiresReboot=(?<rebootRequired>\d)`,
    ),
    template('WindowsUpdate.rebootRequired', 'Reboot required =', re`Reboot required = (?<rebootRequired>\w+)`),
    template('WindowsUpdate.failed', '*FAILED*', re`\*FAILED\*\s*(?:\[[0-9a-fA-F]{8}\]\s*)?(?<operation>.*?)\s*$`),
    template('WindowsUpdate.queued', '*QUEUED*', re`\*QUEUED\*\s*(?<operation>.+?)\s*$`),
    template('WindowsUpdate.sendFailed', 'Send failed with hr', rei`WARNING: Send failed with hr\s*=`),
    template(
      'WindowsUpdate.syncUpdatesFailed',
      'SyncUpdates failure',
      re`SyncUpdates failure, error = \S+?,\s*soap client error = (?<soapClientError>\d+)(?:,\s*soap error code = \d+)?(?:,\s*HTTP status code = (?<httpStatus>\d+))?`,
    ),
    template('WindowsUpdate.exitCode', 'Exit code', re`Exit code = `),
    template('WindowsUpdate.wsError', 'WS error:', re`^\s*(?:Failed )?WS error:\s*(?<reason>.*?)\s*$`),
    template('WindowsUpdate.warning', 'WARNING:', re`WARNING:\s*(?<reason>.*?)\s*$`),
    template('WindowsUpdate.fatal', 'FATAL:', re`FATAL:\s*(?<reason>.*?)\s*$`),
  ],
};
