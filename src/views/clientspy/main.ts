// The Client Spy webview: Client Spy's tabs as toolkit panels, each tab asked of the host the first time it
// is shown and kept after (Refresh asks again with `refreshTab`), trees drawn by SpyTreeView, the Client
// Deployment chart by DeploymentChartView, and the save actions handed to the host. Persists only the active
// tab (`setState`), never log data. Protocol: protocol.ts.

import type { SpyEvidence, SpyTabId, SpyTree } from '../../spy/model.ts';
import { registerToolkit, Tag } from '../shared/toolkit.ts';
import { DeploymentChartView } from './chart-view.ts';
import { control, h, toolbarIcon } from './dom.ts';
import type { ToHost, ToWebview } from './protocol.ts';
import { CLIENT_SPY_PROTOCOL_VERSION } from './protocol.ts';
import { shortTabTitle } from './tree-model.ts';
import { SpyTreeView } from './tree-view.ts';

interface VsCodeApi {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The only thing the webview keeps across reloads (VS Code also hands it to the panel serializer). */
export interface PersistedState {
  readonly activeTab: SpyTabId;
}

type LoadState = 'idle' | 'loading' | 'ready' | 'error';

const vscode = acquireVsCodeApi();
const post = (message: ToHost): void => vscode.postMessage(message);

/** One of Client Spy's tabs: its panel, toolbar, tree and (Client Deployment) chart. */
class TabView {
  readonly tabElement: HTMLElement;
  readonly viewElement: HTMLElement;
  private readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private readonly matchCount: HTMLElement;
  private readonly refreshButton: HTMLElement & { disabled: boolean };
  private readonly filterField: HTMLElement & { value: string };
  private readonly tree: SpyTreeView;
  private readonly chart: DeploymentChartView;
  state: LoadState = 'idle';
  /** The request whose reply this tab is waiting for; older replies are dropped. */
  pending: number | undefined;

  constructor(
    readonly id: SpyTabId,
    readonly title: string,
    private readonly app: ClientSpyApp,
  ) {
    this.tabElement = control(Tag.panelTab);
    this.tabElement.id = `tab-${id}`;
    this.tabElement.textContent = shortTabTitle(title);
    this.tabElement.title = title;
    this.viewElement = control(Tag.panelView);
    this.viewElement.id = `view-${id}`;

    this.body = h('div', 'tab-body');
    const head = h('div', 'tab-head');
    head.append(h('h2', 'tab-title', title));
    this.status = h('span', 'tab-status');
    this.status.setAttribute('role', 'status');
    head.append(this.status);

    const toolbar = h('div', 'toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', `${title} actions`);
    this.refreshButton = button('Refresh', 'refresh', `Rebuild ${title} from the logs`, () => this.refresh());
    const expand = button('Expand all', 'expand', 'Expand every node', () => this.tree.expandAll());
    const collapse = button('Collapse all', 'collapse', 'Collapse every node', () => this.tree.collapseAll());
    this.filterField = control<{ value: string }>(Tag.textField, 'filter');
    this.filterField.setAttribute('placeholder', 'Filter this tab');
    this.filterField.setAttribute('aria-label', `Filter ${title}`);
    this.filterField.addEventListener('input', () => this.applyFilter());
    this.filterField.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.filterField.value !== '') {
        this.filterField.value = '';
        this.applyFilter();
        e.stopPropagation();
      } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
        this.tree.focus();
        e.preventDefault();
      }
    });
    this.matchCount = h('span', 'match-count');
    this.matchCount.setAttribute('aria-live', 'polite');
    const save = button('Save tab…', 'save', `Save ${title} to a text file`, () => this.app.save(id));
    const spacer = h('span', 'spacer');
    toolbar.append(this.refreshButton, expand, collapse, this.filterField, this.matchCount, spacer, save);

    this.tree = new SpyTreeView(title, (ev) => this.app.reveal(ev));
    this.chart = new DeploymentChartView((ev) => this.app.reveal(ev));
    this.chart.element.hidden = true;
    this.body.append(head, toolbar, this.chart.element, this.tree.element);
    this.viewElement.append(this.body);
  }

  /** The tab is on screen: asks for its tree the first time (a tab never shown is never built). */
  shown(): void {
    if (this.state === 'idle') {
      this.request('tab');
    }
  }

  refresh(): void {
    if (this.pending === undefined) {
      this.request(this.state === 'ready' ? 'refreshTab' : 'tab');
    }
  }

  private request(type: 'tab' | 'refreshTab'): void {
    const id = this.app.nextRequestId(this);
    this.pending = id;
    this.refreshButton.disabled = true;
    this.body.classList.add('busy');
    if (this.state !== 'ready') {
      this.state = 'loading';
      this.showMessage('loading', `Reading ${this.title} from the logs…`);
    } else {
      this.setStatus(`Rebuilding from the logs…`, true);
    }
    post({ type, id, tab: this.id });
  }

  receive(tree: SpyTree): void {
    const refreshed = this.state === 'ready';
    this.pending = undefined;
    this.state = 'ready';
    this.refreshButton.disabled = false;
    this.body.classList.remove('busy', 'failed');
    this.tree.element.hidden = false;
    this.body.querySelector('.tab-message')?.remove();
    this.chart.show(tree.chart);
    this.tree.setTree(tree.roots, refreshed);
    this.updateMatchCount();
    this.setStatus(summary(tree), false);
  }

  fail(message: string): void {
    this.pending = undefined;
    this.refreshButton.disabled = false;
    this.body.classList.remove('busy');
    if (this.state === 'ready') {
      this.setStatus(`Refresh failed: ${message}`, false, true);
      return;
    }
    this.state = 'error';
    this.body.classList.add('failed');
    this.showMessage('error', message);
  }

  private showMessage(kind: 'loading' | 'error', text: string): void {
    this.body.querySelector('.tab-message')?.remove();
    this.tree.element.hidden = true;
    this.chart.element.hidden = true;
    const box = h('div', `tab-message tab-message-${kind}`);
    box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    if (kind === 'loading') {
      box.append(control(Tag.progressRing));
    }
    box.append(h('span', 'tab-message-text', text));
    if (kind === 'error') {
      box.append(button('Try again', 'refresh', `Build ${this.title} again`, () => this.refresh()));
    }
    this.body.append(box);
  }

  private setStatus(text: string, busy: boolean, error = false): void {
    this.status.replaceChildren();
    if (busy) {
      this.status.append(control(Tag.progressRing, 'small-ring'));
    }
    this.status.append(document.createTextNode(text));
    this.status.classList.toggle('status-error', error);
  }

  private applyFilter(): void {
    this.tree.setFilter(this.filterField.value);
    this.updateMatchCount();
  }

  private updateMatchCount(): void {
    const n = this.tree.matchCount;
    this.matchCount.textContent = n === undefined ? '' : n === 1 ? '1 match' : `${n} matches`;
  }
}

function button(
  text: string,
  iconName: Parameters<typeof toolbarIcon>[0],
  tooltip: string,
  onClick: () => void,
): HTMLElement & { disabled: boolean } {
  const b = control<{ disabled: boolean }>(Tag.button);
  b.setAttribute('appearance', 'secondary');
  b.title = tooltip;
  // Named for assistive technology even when a narrow panel shows the icon alone.
  b.setAttribute('aria-label', text.replace(/…$/, ''));
  const icon = toolbarIcon(iconName);
  icon.setAttribute('slot', 'start');
  // A div, not a span: the toolkit sizes slotted spans as 16px icons.
  b.append(icon, h('div', 'button-text', text));
  b.addEventListener('click', onClick);
  return b;
}

/** The line under a tab's title: hosts and what needs a look. */
function summary(tree: SpyTree): string {
  let errors = 0;
  let warnings = 0;
  let unknowns = 0;
  const stack = [...tree.roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.state === 'error') {
      errors++;
    } else if (n.state === 'warning') {
      warnings++;
    } else if (n.state === 'unknown') {
      unknowns++;
    }
    stack.push(...n.children);
  }
  const clients = tree.roots.length === 1 ? '1 client' : `${tree.roots.length} clients`;
  const parts = [clients];
  if (errors > 0) {
    parts.push(errors === 1 ? '1 error' : `${errors} errors`);
  }
  if (warnings > 0) {
    parts.push(warnings === 1 ? '1 warning' : `${warnings} warnings`);
  }
  if (unknowns > 0) {
    parts.push(`${unknowns} not in the logs at hand`);
  }
  return parts.join(' · ');
}

class ClientSpyApp {
  private readonly root: HTMLElement;
  private readonly bundleName: HTMLElement;
  private readonly saveStatus: HTMLElement;
  private panels: (HTMLElement & { activeid: string }) | undefined;
  private tabs: TabView[] = [];
  private active: TabView | undefined;
  private requestSeq = 0;
  private readonly requests = new Map<number, TabView>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: HTMLElement) {
    this.root = root;
    const header = h('header', 'spy-header');
    const title = h('div', 'spy-heading');
    title.append(h('span', 'spy-app', 'Client Spy'));
    this.bundleName = h('span', 'spy-bundle');
    title.append(this.bundleName);
    this.saveStatus = h('span', 'save-status');
    this.saveStatus.setAttribute('role', 'status');
    const saveAll = button('Save all tabs…', 'save-all', 'Save every tab to one text file', () => this.save(undefined));
    header.append(title, this.saveStatus, saveAll);
    const waiting = h('div', 'tab-message');
    waiting.append(control(Tag.progressRing), h('span', 'tab-message-text', 'Waiting for the log bundle…'));
    root.replaceChildren(header, waiting);
    window.addEventListener('message', (e: MessageEvent<unknown>) => this.onMessage(e.data));
  }

  nextRequestId(tab: TabView): number {
    const id = ++this.requestSeq;
    this.requests.set(id, tab);
    return id;
  }

  /** Save one tab (or every tab) as text; the host asks where and answers `saved`. */
  save(tab: SpyTabId | undefined): void {
    this.setSaveStatus(tab === undefined ? 'Saving every tab…' : 'Saving the tab…');
    post(tab === undefined ? { type: 'saveAll' } : { type: 'saveTab', tab });
  }

  reveal(evidence: SpyEvidence): void {
    post({ type: 'reveal', file: evidence.file, line: evidence.line });
  }

  private onMessage(data: unknown): void {
    if (!isToWebview(data)) {
      return;
    }
    switch (data.type) {
      case 'init':
        this.init(data);
        break;
      case 'tree': {
        const tab = this.takeRequest(data.id);
        if (tab !== undefined && isTree(data.tree) && data.tree.tab === tab.id) {
          tab.receive(data.tree);
        }
        break;
      }
      case 'error': {
        const tab = this.takeRequest(data.id);
        tab?.fail(typeof data.message === 'string' ? data.message : 'The tab could not be built.');
        break;
      }
      case 'showTab':
        this.show(data.tab, true);
        break;
      case 'saved':
        this.setSaveStatus(data.path === undefined ? 'Save cancelled.' : `Saved to ${data.path}`, true);
        break;
    }
  }

  /** The tab a reply is for, if that tab still waits for exactly this request. */
  private takeRequest(id: number): TabView | undefined {
    const tab = this.requests.get(id);
    this.requests.delete(id);
    return tab !== undefined && tab.pending === id && this.tabs.includes(tab) ? tab : undefined;
  }

  private init(message: Extract<ToWebview, { type: 'init' }>): void {
    // A host of another protocol version still gets a best effort; the console says why things may be off.
    const hostVersion: number = message.version;
    if (hostVersion !== CLIENT_SPY_PROTOCOL_VERSION) {
      console.warn(`Client Spy: host speaks protocol ${hostVersion}, this webview ${CLIENT_SPY_PROTOCOL_VERSION}`);
    }
    this.bundleName.textContent = message.bundle;
    this.bundleName.title = message.bundle;
    this.requests.clear();
    this.tabs = message.tabs.map((t) => new TabView(t.id, t.title, this));
    const saved = vscode.getState() as Partial<PersistedState> | undefined;
    const first =
      this.tabs.find((t) => t.id === message.activeTab) ??
      this.tabs.find((t) => t.id === saved?.activeTab) ??
      this.tabs[0];

    const panels = control<{ activeid: string }>(Tag.panels, 'spy-panels');
    panels.setAttribute('aria-label', 'Client Spy tabs');
    if (first !== undefined) {
      panels.setAttribute('activeid', first.tabElement.id);
    }
    panels.append(...this.tabs.map((t) => t.tabElement), ...this.tabs.map((t) => t.viewElement));
    panels.addEventListener('change', (e) => {
      if (e.target === panels) {
        const tab = this.tabs.find((t) => t.tabElement.id === panels.activeid);
        if (tab !== undefined) {
          this.show(tab.id, false);
        }
      }
    });
    this.panels = panels;
    this.root.querySelector('.tab-message, .spy-panels')?.remove();
    this.root.append(panels);
    this.active = undefined;
    if (first !== undefined) {
      this.show(first.id, false);
    }
  }

  /** Makes `id` the shown tab (`select`: also switch the panels, when the host asked) and loads it once. */
  private show(id: SpyTabId, select: boolean): void {
    const tab = this.tabs.find((t) => t.id === id);
    if (tab === undefined || this.panels === undefined) {
      return;
    }
    if (select && this.panels.activeid !== tab.tabElement.id) {
      this.panels.activeid = tab.tabElement.id;
    }
    if (this.active !== tab) {
      const first = this.active === undefined;
      this.active = tab;
      vscode.setState({ activeTab: id });
      if (!first) {
        post({ type: 'activeTab', tab: id });
      }
    }
    tab.shown();
  }

  private setSaveStatus(text: string, fade = false): void {
    this.saveStatus.textContent = text;
    this.saveStatus.classList.add('visible');
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer);
    }
    if (fade) {
      this.saveTimer = setTimeout(() => this.saveStatus.classList.remove('visible'), 8000);
    }
  }
}

function isToWebview(data: unknown): data is ToWebview {
  return typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string';
}

function isTree(tree: unknown): tree is SpyTree {
  return typeof tree === 'object' && tree !== null && Array.isArray((tree as { roots?: unknown }).roots);
}

registerToolkit();
const app = document.getElementById('client-spy');
if (app !== null) {
  new ClientSpyApp(app);
  post({ type: 'ready' });
}
