// The Client Spy webview's protocol with the extension host. The host owns the bundle and builds each tab
// when the webview first asks for it (Refresh builds it again); the webview draws trees and never sees
// anything but the tab it asked for. Requests carry an `id` the reply repeats.
//
// Glue contract (extension/clientspy.ts): the page comes from `clientSpyPage()` (page.ts); the host posts
// `init` when the webview says `ready`, answers `tab`/`refreshTab` with `tree` (or `error`), opens the editor
// on `reveal`, and writes files on `saveTab`/`saveAll`. It may push `showTab` at any time.

import type { SpyTabId, SpyTree } from '../../spy/model.ts';

export const CLIENT_SPY_PROTOCOL_VERSION = 1;

export type ToHost =
  /** The page has loaded and listens; the host answers with `init`. */
  | { readonly type: 'ready' }
  /** Wants a tab's tree (built on first request, cached after). */
  | { readonly type: 'tab'; readonly id: number; readonly tab: SpyTabId }
  /** Wants the tab rebuilt from the logs (Client Spy's Refresh). */
  | { readonly type: 'refreshTab'; readonly id: number; readonly tab: SpyTabId }
  /** Open the log at this record. */
  | { readonly type: 'reveal'; readonly file: string; readonly line: number }
  /** Save this tab as text (the host asks where). */
  | { readonly type: 'saveTab'; readonly tab: SpyTabId }
  /** Save every tab as text into one file. */
  | { readonly type: 'saveAll' }
  /** Navigation state changed (the active tab), for the host to restore the panel. */
  | { readonly type: 'activeTab'; readonly tab: SpyTabId };

export type ToWebview =
  /** Tabs in Client Spy's order and the one to show first. */
  | {
      readonly type: 'init';
      readonly version: typeof CLIENT_SPY_PROTOCOL_VERSION;
      readonly bundle: string;
      readonly tabs: ReadonlyArray<{ readonly id: SpyTabId; readonly title: string }>;
      readonly activeTab: SpyTabId;
    }
  /** Reply to `tab`/`refreshTab`. */
  | { readonly type: 'tree'; readonly id: number; readonly tree: SpyTree }
  /** A request failed; `message` is one line for a person. */
  | { readonly type: 'error'; readonly id: number; readonly message: string }
  /** Show this tab (the host's command or tree view asked for it). */
  | { readonly type: 'showTab'; readonly tab: SpyTabId }
  /** A save finished (or was cancelled: `path` undefined). */
  | { readonly type: 'saved'; readonly path: string | undefined };
