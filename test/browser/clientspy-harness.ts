// The Client Spy webview outside VS Code: a local HTTP server gives the page from `clientSpyPage()` (same CSP,
// same bundled script and stylesheet from dist/views) plus a theme sheet with VS Code's CSS variables, and a
// stub `acquireVsCodeApi` bridges the page's messages to a host played in Node by the real engine
// (`loadSpyData` + `buildTab`). Every message the page posts is recorded for the tests to count.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SpyData } from '../../src/spy/data.ts';
import type { SpyTabId, SpyTree } from '../../src/spy/model.ts';
import { SPY_TABS } from '../../src/spy/model.ts';
import { buildTab } from '../../src/spy/spy.ts';
import { newNonce } from '../../src/views/shared/html.ts';
import { clientSpyPage } from '../../src/views/clientspy/page.ts';
import type { ToHost, ToWebview } from '../../src/views/clientspy/protocol.ts';
import { CLIENT_SPY_PROTOCOL_VERSION } from '../../src/views/clientspy/protocol.ts';

const ROOT = resolve(__dirname, '../..');
const VIEWS = join(ROOT, 'dist/views');

export type Theme = 'dark' | 'light';

// VS Code's Dark Modern and Light Modern, the variables the page and the toolkit read (what VS Code puts on
// a webview's <html> style).
const THEMES: Record<Theme, Record<string, string>> = {
  dark: {
    'font-family': "-apple-system, BlinkMacSystemFont, 'Segoe WPC', 'Segoe UI', 'Ubuntu', 'Droid Sans', sans-serif",
    'font-size': '13px',
    'font-weight': 'normal',
    'editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
    foreground: '#cccccc',
    'editor-background': '#1f1f1f',
    descriptionForeground: '#9d9d9d',
    disabledForeground: '#cccccc80',
    errorForeground: '#f85149',
    focusBorder: '#0078d4',
    'panel-border': '#2b2b2b',
    'widget-border': '#313131',
    'list-hoverBackground': '#2a2d2e',
    'list-inactiveSelectionBackground': '#37373d',
    'list-focusOutline': '#0078d4',
    'textLink-foreground': '#4daafc',
    'textLink-activeForeground': '#4daafc',
    'editorWarning-foreground': '#cca700',
    'testing-iconPassed': '#73c991',
    'tree-indentGuidesStroke': '#585858',
    'editor-findMatchHighlightBackground': '#9e6a03',
    'charts-red': '#f14c4c',
    'charts-green': '#89d185',
    'charts-lines': '#cccccc80',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'button-border': '#ffffff12',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-placeholderForeground': '#989898',
    'settings-textInputBorder': '#3c3c3c',
    'panelTitle-activeBorder': '#0078d4',
    'panelTitle-activeForeground': '#cccccc',
    'panelTitle-inactiveForeground': '#9d9d9d',
    'panel-background': '#181818',
    'progressBar-background': '#0078d4',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'scrollbarSlider-background': '#79797966',
    'scrollbarSlider-hoverBackground': '#646464b3',
    'scrollbarSlider-activeBackground': '#bfbfbf66',
  },
  light: {
    'font-family': "-apple-system, BlinkMacSystemFont, 'Segoe WPC', 'Segoe UI', 'Ubuntu', 'Droid Sans', sans-serif",
    'font-size': '13px',
    'font-weight': 'normal',
    'editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
    foreground: '#3b3b3b',
    'editor-background': '#ffffff',
    // Light Modern really gives descriptions the foreground colour: dimming must not rest on it alone.
    descriptionForeground: '#3b3b3b',
    disabledForeground: '#61616180',
    errorForeground: '#f85149',
    focusBorder: '#005fb8',
    'panel-border': '#e5e5e5',
    'widget-border': '#e5e5e5',
    'list-hoverBackground': '#f2f2f2',
    'list-inactiveSelectionBackground': '#e4e6f1',
    'list-focusOutline': '#005fb8',
    'textLink-foreground': '#005fb8',
    'textLink-activeForeground': '#005fb8',
    'editorWarning-foreground': '#bf8803',
    'testing-iconPassed': '#388a34',
    'tree-indentGuidesStroke': '#a9a9a9',
    'editor-findMatchHighlightBackground': '#ea5c0055',
    'charts-red': '#e51400',
    'charts-green': '#388a34',
    'charts-lines': '#61616180',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'button-border': '#0000001a',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-placeholderForeground': '#767676',
    'settings-textInputBorder': '#cecece',
    'panelTitle-activeBorder': '#005fb8',
    'panelTitle-activeForeground': '#3b3b3b',
    'panelTitle-inactiveForeground': '#3b3b3b',
    'panel-background': '#f8f8f8',
    'progressBar-background': '#005fb8',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'scrollbarSlider-background': '#64646466',
    'scrollbarSlider-hoverBackground': '#646464b3',
    'scrollbarSlider-activeBackground': '#00000099',
  },
};

function themeCss(theme: Theme): string {
  const vars = Object.entries(THEMES[theme])
    .map(([name, value]) => `  --vscode-${name}: ${value};`)
    .join('\n');
  return `:root {\n${vars}\n}\n`;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export interface PageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `/clientspy.html?theme=dark|light`, `/views/*` (dist/views) and `/theme/*.css` on 127.0.0.1. */
export async function startPageServer(): Promise<PageServer> {
  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/clientspy.html') {
        const theme: Theme = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
        const html = clientSpyPage({
          cspSource: origin,
          nonce: newNonce(),
          scriptUri: `${origin}/views/clientspy.js`,
          styleUris: [`${origin}/views/clientspy.css`, `${origin}/theme/${theme}.css`],
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const theme = /^\/theme\/(dark|light)\.css$/.exec(url.pathname);
      if (theme !== null) {
        res.writeHead(200, { 'content-type': TYPES['.css']! }).end(themeCss(theme[1] as Theme));
        return;
      }
      if (url.pathname.startsWith('/views/')) {
        const file = normalize(join(VIEWS, url.pathname.slice('/views/'.length)));
        if (file.startsWith(VIEWS)) {
          try {
            const body = await readFile(file);
            res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
            return;
          } catch {
            // falls through to 404
          }
        }
      }
      // Chromium asks for a favicon on its own; a webview has none.
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export interface HostOptions {
  /** The engine's data for the bundle; trees come from `buildTab`. */
  readonly data?: SpyData;
  /** Trees to answer with instead of (or before) the engine's. */
  readonly trees?: Partial<Record<SpyTabId, SpyTree>>;
  readonly bundle?: string;
  readonly activeTab?: SpyTabId;
  readonly theme?: Theme;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Hold tree replies until `release()` (to see the loading state and stale replies). */
  readonly holdReplies?: boolean;
}

export interface HostedPage {
  readonly page: Page;
  /** Every message the page posted, in order. */
  readonly posted: ToHost[];
  /** Content-Security-Policy violations the page reported. */
  violations(): Promise<string[]>;
  /** Uncaught page errors and console errors. */
  readonly errors: string[];
  send(message: ToWebview): Promise<void>;
  /** Tab requests (`tab` or `refreshTab`) so far, for `tab`. */
  requests(tab: SpyTabId, type?: 'tab' | 'refreshTab'): number;
  /** Answers every held request (holdReplies). */
  release(): Promise<void>;
  /** Resolves once every request so far has its reply posted. */
  settled(): Promise<void>;
  /** The `state` the page last persisted with setState. */
  state(): Promise<unknown>;
  close(): Promise<void>;
}

export async function openClientSpy(browser: Browser, server: PageServer, options: HostOptions): Promise<HostedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    colorScheme: options.theme === 'light' ? 'light' : 'dark',
  });
  const page = await context.newPage();
  const posted: ToHost[] = [];
  const errors: string[] = [];
  const held: Array<() => Promise<void>> = [];
  const inFlight = new Set<Promise<void>>();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') {
      errors.push(`console: ${m.text()}`);
    }
  });

  const send = async (message: ToWebview): Promise<void> => {
    await page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  };

  const answer = async (message: Extract<ToHost, { type: 'tab' | 'refreshTab' }>): Promise<void> => {
    try {
      const tree =
        options.trees?.[message.tab] ??
        (options.data === undefined ? undefined : await buildTab(options.data, message.tab));
      if (tree === undefined) {
        await send({ type: 'error', id: message.id, message: `No data for ${message.tab}` });
      } else {
        await send({ type: 'tree', id: message.id, tree });
      }
    } catch (e) {
      await send({ type: 'error', id: message.id, message: e instanceof Error ? e.message : String(e) });
    }
  };

  const onMessage = async (message: ToHost): Promise<void> => {
    posted.push(message);
    switch (message.type) {
      case 'ready':
        await send({
          type: 'init',
          version: CLIENT_SPY_PROTOCOL_VERSION,
          bundle: options.bundle ?? options.data?.bundle ?? 'bundle',
          tabs: SPY_TABS.map((t) => ({ id: t.id, title: t.title })),
          activeTab: options.activeTab ?? 'execution-requests',
        });
        break;
      case 'tab':
      case 'refreshTab':
        if (options.holdReplies === true) {
          held.push(() => answer(message));
        } else {
          await answer(message);
        }
        break;
      case 'saveTab':
      case 'saveAll':
        await send({
          type: 'saved',
          path: message.type === 'saveAll' ? '/tmp/client-spy-all.txt' : `/tmp/${message.tab}.txt`,
        });
        break;
      default:
        break;
    }
  };

  await page.exposeFunction('__cmflowHostPost', (message: ToHost) => {
    const p = onMessage(message).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const violations: string[] = [];
    w['__cspViolations'] = violations;
    document.addEventListener('securitypolicyviolation', (e) => {
      violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
    let state: unknown;
    w['acquireVsCodeApi'] = () => ({
      postMessage: (m: unknown) => (w['__cmflowHostPost'] as (m: unknown) => void)(m),
      getState: () => state,
      setState: (s: unknown) => {
        state = s;
        w['__cmflowState'] = s;
      },
    });
  });
  await page.goto(`${server.origin}/clientspy.html?theme=${options.theme ?? 'dark'}`);

  const settled = async (): Promise<void> => {
    while (inFlight.size > 0) {
      await Promise.all([...inFlight]);
    }
  };
  return {
    page,
    posted,
    errors,
    send,
    violations: () =>
      page.evaluate(() => [...((window as unknown as Record<string, string[]>)['__cspViolations'] ?? [])]),
    requests: (tab, type) =>
      posted.filter(
        (m) =>
          (m.type === 'tab' || m.type === 'refreshTab') && m.tab === tab && (type === undefined || m.type === type),
      ).length,
    release: async () => {
      const pending = held.splice(0);
      for (const reply of pending) {
        await reply();
      }
    },
    settled,
    state: () => page.evaluate(() => (window as unknown as Record<string, unknown>)['__cmflowState']),
    close: () => context.close(),
  };
}
