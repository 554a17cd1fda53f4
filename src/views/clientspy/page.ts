// The Client Spy webview's page: `webviewHtml()`'s strict CSP around one empty mount point that main.ts
// fills. No `vscode` import: the extension calls this with its webview's URIs, the browser test with its own.

import { webviewHtml } from '../shared/html.ts';

export interface ClientSpyPageOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  /** Fresh per load: `newNonce()` from shared/html.ts. */
  readonly nonce: string;
  /** `dist/views/clientspy.js` as a webview URI. */
  readonly scriptUri: string;
  /** `dist/views/clientspy.css` as a webview URI (the test harness adds a theme sheet after it). */
  readonly styleUris: readonly string[];
}

/** Script and stylesheet the page loads, relative to the extension root. */
export const CLIENT_SPY_ASSETS = {
  script: 'dist/views/clientspy.js',
  style: 'dist/views/clientspy.css',
} as const;

export function clientSpyPage(options: ClientSpyPageOptions): string {
  return webviewHtml({
    title: 'Client Spy',
    cspSource: options.cspSource,
    nonce: options.nonce,
    scriptUri: options.scriptUri,
    styleUris: options.styleUris,
    body: '<main id="client-spy" class="client-spy"></main>',
  });
}
