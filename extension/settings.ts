// The `cmflow.*` settings, read in one place with their defaults. Host overrides come from the workspace
// only when it is trusted (they are declared restricted in package.json).

import * as vscode from 'vscode';
import type { TimeoutWindows } from '../src/correlate/failures.ts';
import type { HostOverride } from '../src/parsers/bundle.ts';
import type { TimeDisplay } from './format.ts';

export interface Settings {
  readonly timeDisplay: TimeDisplay;
  readonly timeouts: TimeoutWindows;
  readonly hosts: Readonly<Record<string, HostOverride>>;
  readonly analyzeOnOpen: boolean;
  readonly decorateSeverity: boolean;
  readonly tail: boolean;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('cmflow');
  return {
    timeDisplay: c.get<TimeDisplay>('timeDisplay', 'utc'),
    timeouts: {
      scanStartMinutes: c.get('timeouts.scanStartMinutes', 10),
      locationReplyMinutes: c.get('timeouts.locationReplyMinutes', 10),
      wuaSearchMinutes: c.get('timeouts.wuaSearchMinutes', 30),
      stateSysMinutes: c.get('timeouts.stateSysMinutes', 30),
      relayMinutes: c.get('timeouts.relayMinutes', 10),
      installMinutes: c.get('timeouts.installMinutes', 120),
    },
    // Configuration values are proxies that cannot cross to the worker thread: copy them as plain data.
    hosts: JSON.parse(JSON.stringify(c.get<Record<string, HostOverride>>('hosts', {}))) as Record<string, HostOverride>,
    analyzeOnOpen: c.get('analyzeOnOpen', true),
    decorateSeverity: c.get('decorateSeverity', true),
    tail: c.get('tail', true),
  };
}
