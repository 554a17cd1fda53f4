// The one door to the webview component library. @vscode/webview-ui-toolkit is archived upstream (January
// 2025); every view imports its controls from here, so swapping it for @vscode-elements/elements means
// changing this file and the tag names below, nothing else.
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

/** Custom-element tag names, for views that build controls in code. */
export const Tag = {
  badge: 'vscode-badge',
  button: 'vscode-button',
  checkbox: 'vscode-checkbox',
  divider: 'vscode-divider',
  dropdown: 'vscode-dropdown',
  option: 'vscode-option',
  panels: 'vscode-panels',
  panelTab: 'vscode-panel-tab',
  panelView: 'vscode-panel-view',
  progressRing: 'vscode-progress-ring',
  textField: 'vscode-text-field',
} as const;

let registered = false;

/** Registers the controls the views use; safe to call more than once. */
export function registerToolkit(): void {
  if (registered) {
    return;
  }
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeTextField(),
  );
}
