// The page every webview starts from: a strict Content-Security-Policy (nothing remote, no inline code, no
// eval; scripts and styles only from the extension's own files, scripts only with this page's nonce) and
// the bundled script and stylesheet. Pure string building, so the extension and the browser tests use the
// same page. Log text never goes through here: views put it into the DOM as text. The nonce is also
// published as `<meta property="csp-nonce">`, where FAST (under the webview toolkit) looks for it before
// inserting a probe `<style>`; without it that insertion is a CSP violation.

export interface WebviewPage {
  /** Page title (plain text). */
  readonly title: string;
  /** `webview.cspSource`, or the origin the test harness serves the files from. */
  readonly cspSource: string;
  /** Fresh per page load: `newNonce()`. */
  readonly nonce: string;
  /** URI of the view's bundled script (`webview.asWebviewUri`). */
  readonly scriptUri: string;
  /** URIs of its stylesheets. */
  readonly styleUris: readonly string[];
  /** Static markup the script fills in; must not contain log text. */
  readonly body: string;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** 32 random alphanumerics from the platform's CSPRNG (Node's and the browser's `crypto`). */
export function newNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewHtml(page: WebviewPage): string {
  const csp = contentSecurityPolicy(page.cspSource, page.nonce);
  const styles = page.styleUris
    .map((u) => `<link rel="stylesheet" nonce="${page.nonce}" href="${escapeHtml(u)}">`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta property="csp-nonce" content="${page.nonce}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(page.title)}</title>
    ${styles}
  </head>
  <body>
    ${page.body}
    <script nonce="${page.nonce}" src="${escapeHtml(page.scriptUri)}"></script>
  </body>
</html>
`;
}
