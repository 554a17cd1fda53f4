// Every command the extension contributes, in one typed table. `package.json` `contributes.commands` must
// list exactly these (a unit test checks), so a renamed command cannot leave a dead menu entry behind.
// No `vscode` import: the table is plain data.

export const Command = {
  openBundle: 'cmflow.openBundle',
  reanalyze: 'cmflow.reanalyze',
  goToUpstreamCause: 'cmflow.goToUpstreamCause',
  nextFailure: 'cmflow.nextFailure',
  previousFailure: 'cmflow.previousFailure',
  exportTimeline: 'cmflow.exportTimeline',
  revealEvent: 'cmflow.revealEvent',
  revealFile: 'cmflow.revealFile',
  copyEventReference: 'cmflow.copyEventReference',
  showSwimlane: 'cmflow.showSwimlane',
  openClientSpy: 'cmflow.openClientSpy',
  spyRefreshTab: 'cmflow.spy.refreshTab',
  spySaveTab: 'cmflow.spy.saveTab',
  spySaveAllTabs: 'cmflow.spy.saveAllTabs',
} as const;

export type CommandId = (typeof Command)[keyof typeof Command];

export interface CommandInfo {
  readonly title: string;
  /** Shown in the Command Palette (false: only reachable from views, links and CodeLens). */
  readonly palette: boolean;
  readonly icon?: string;
}

export const COMMANDS: Readonly<Record<CommandId, CommandInfo>> = {
  [Command.openBundle]: { title: 'Open Log Bundle…', palette: true, icon: '$(folder-opened)' },
  [Command.reanalyze]: { title: 'Re-analyze', palette: true, icon: '$(refresh)' },
  [Command.goToUpstreamCause]: { title: 'Go to Upstream Cause', palette: true, icon: '$(debug-step-back)' },
  [Command.nextFailure]: { title: 'Next Failure', palette: true, icon: '$(arrow-down)' },
  [Command.previousFailure]: { title: 'Previous Failure', palette: true, icon: '$(arrow-up)' },
  [Command.exportTimeline]: { title: 'Export Correlated Timeline…', palette: true, icon: '$(export)' },
  [Command.revealEvent]: { title: 'Reveal Record in Log', palette: false },
  [Command.revealFile]: { title: 'Open Log File', palette: false },
  [Command.copyEventReference]: { title: 'Copy file:line', palette: false },
  [Command.showSwimlane]: { title: 'Show Swimlane', palette: true, icon: '$(type-hierarchy-sub)' },
  [Command.openClientSpy]: { title: 'Open Client Spy', palette: true, icon: '$(preview)' },
  [Command.spyRefreshTab]: { title: 'Refresh Tab', palette: false, icon: '$(refresh)' },
  [Command.spySaveTab]: { title: 'Save Client Spy Tab to File…', palette: true, icon: '$(save)' },
  [Command.spySaveAllTabs]: { title: 'Save All Client Spy Tabs to File…', palette: true, icon: '$(save-all)' },
};

export const VIEW = {
  container: 'cmflow',
  failures: 'cmflow.failures',
  flows: 'cmflow.flows',
  hosts: 'cmflow.hosts',
  clientSpy: 'cmflow.clientSpy',
} as const;
