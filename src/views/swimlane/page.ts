// The swimlane's HTML page: the strict-CSP shell from shared/html.ts with the view's static markup. The
// extension calls `swimlanePage` with its webview's URIs; the browser tests call it with their own origin,
// so both load the very same page. No log text here: the script fills everything in as text.

import { webviewHtml } from '../shared/html.ts';

export interface SwimlanePageOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  readonly nonce: string;
  /** `dist/views/swimlane.js` as a webview URI. */
  readonly scriptUri: string;
  /** `dist/views/swimlane.css` as a webview URI. */
  readonly styleUris: readonly string[];
  readonly title?: string;
}

/** Files of the view under `dist/views/`, for `asWebviewUri` and `localResourceRoots`. */
export const SWIMLANE_SCRIPT = 'swimlane.js';
export const SWIMLANE_STYLE = 'swimlane.css';

const BODY = `<div id="app" data-state="loading">
      <div id="toolbar" role="toolbar" aria-label="Swimlane filters and actions"></div>
      <div id="overview" aria-label="Whole bundle: drag to choose the window">
        <canvas id="overview-canvas"></canvas>
        <svg id="overview-brush"></svg>
      </div>
      <div id="axis-row">
        <div id="zone"></div>
        <svg id="axis"></svg>
      </div>
      <div id="scroller">
        <div id="stage">
          <div id="labels" role="list" aria-label="Lanes: drag a label to reorder, click a host to collapse it"></div>
          <canvas id="plot" tabindex="0" aria-label="Timeline. Left and right: previous and next event in the lane. Up and down: lanes. N and P: next and previous failure. C: upstream cause. Enter: open the line. Plus and minus: zoom."></canvas>
        </div>
        <div id="spacer"></div>
      </div>
      <div id="status">
        <span id="legend"></span>
        <span id="status-text" aria-live="polite"></span>
      </div>
      <div id="card" role="tooltip" hidden></div>
    </div>`;

export function swimlanePage(options: SwimlanePageOptions): string {
  return webviewHtml({
    title: options.title ?? 'CMFlow swimlanes',
    cspSource: options.cspSource,
    nonce: options.nonce,
    scriptUri: options.scriptUri,
    styleUris: options.styleUris,
    body: BODY,
  });
}
