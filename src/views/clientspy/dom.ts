// Small DOM builders for the Client Spy webview. Text only ever goes in through `textContent` and attributes
// through setAttribute/properties: log text is hostile, and the page's CSP forbids inline styles and scripts,
// so nothing here parses markup.

import type { SpyState } from '../../spy/model.ts';

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined && className !== '') {
    e.className = className;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** A toolkit control (a custom element) with the properties the caller uses. */
export function control<Props extends object>(tag: string, className?: string): HTMLElement & Props {
  const e = document.createElement(tag) as HTMLElement & Props;
  if (className !== undefined) {
    e.className = className;
  }
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number>> = {},
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    e.setAttribute(name, String(value));
  }
  return e;
}

/** A 16×16 icon drawn with the current text colour, after the codicons VS Code uses. */
function icon(className: string, ...parts: SVGElement[]): SVGSVGElement {
  const s = svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' });
  s.classList.add('icon', className);
  s.append(...parts);
  return s;
}

const stroke = {
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 1.4,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
};

/** The marker in front of a node: pass, warning, error, or a dashed question for unknown. */
export function stateIcon(state: SpyState): SVGSVGElement {
  switch (state) {
    case 'ok':
      return icon(
        'icon-ok',
        svg('circle', { cx: 8, cy: 8, r: 6.2, ...stroke }),
        svg('path', { d: 'M5.2 8.3 7.1 10.2 10.9 6', ...stroke }),
      );
    case 'warning':
      return icon(
        'icon-warning',
        svg('path', { d: 'M8 2.3 14.2 13.2H1.8Z', ...stroke }),
        svg('path', { d: 'M8 6.4V9.3', ...stroke }),
        svg('circle', { cx: 8, cy: 11.3, r: 0.85, fill: 'currentColor' }),
      );
    case 'error':
      return icon(
        'icon-error',
        svg('circle', { cx: 8, cy: 8, r: 6.2, ...stroke }),
        svg('path', { d: 'M5.8 5.8 10.2 10.2M10.2 5.8 5.8 10.2', ...stroke }),
      );
    case 'unknown':
      return icon(
        'icon-unknown',
        svg('circle', { cx: 8, cy: 8, r: 6.2, ...stroke, 'stroke-dasharray': '2.2 1.7' }),
        svg('path', { d: 'M6.4 6.5A1.7 1.7 0 1 1 8.9 8C8.3 8.3 8 8.7 8 9.3', ...stroke }),
        svg('circle', { cx: 8, cy: 11.4, r: 0.85, fill: 'currentColor' }),
      );
  }
}

/** A client host (the roots of every tab). */
export function hostIcon(): SVGSVGElement {
  return icon(
    'icon-host',
    svg('rect', { x: 1.8, y: 2.5, width: 12.4, height: 8.5, rx: 1, ...stroke }),
    svg('path', { d: 'M5.5 13.5H10.5M8 11V13.5', ...stroke }),
  );
}

export function chevronIcon(): SVGSVGElement {
  return icon('icon-chevron', svg('path', { d: 'M6 3.5 10.5 8 6 12.5', ...stroke }));
}

/** Toolbar icons (the toolkit's icon buttons expect the codicon font, which the page does not load). */
export function toolbarIcon(name: 'refresh' | 'expand' | 'collapse' | 'save' | 'save-all'): SVGSVGElement {
  switch (name) {
    case 'refresh':
      return icon('icon-refresh', svg('path', { d: 'M13 8A5 5 0 1 1 11.5 4.4M12 1.8V4.8H9', ...stroke }));
    case 'expand':
      return icon('icon-expand', svg('path', { d: 'M4.5 4 8 7.5 11.5 4M4.5 8.5 8 12 11.5 8.5', ...stroke }));
    case 'collapse':
      return icon('icon-collapse', svg('path', { d: 'M4.5 7.5 8 4 11.5 7.5M4.5 12 8 8.5 11.5 12', ...stroke }));
    case 'save':
      return icon(
        'icon-save',
        svg('path', { d: 'M2.5 2.5H11L13.5 5V13.5H2.5Z', ...stroke }),
        svg('path', { d: 'M5 2.5V6H10V2.5M5 13.5V9.5H11V13.5', ...stroke }),
      );
    case 'save-all':
      return icon(
        'icon-save-all',
        svg('path', { d: 'M4.5 1.5H11.5L14.5 4.5V11.5H4.5Z', ...stroke }),
        svg('path', { d: 'M1.5 4.5V14.5H11.5M7 1.5V4H11V1.5', ...stroke }),
      );
  }
}

/** Appends `text` to `parent`, wrapping the ranges in `<mark>`; text nodes only. */
export function appendHighlighted(
  parent: HTMLElement,
  text: string,
  ranges: ReadonlyArray<readonly [number, number]>,
): void {
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) {
      parent.append(document.createTextNode(text.slice(at, start)));
    }
    parent.append(h('mark', undefined, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) {
    parent.append(document.createTextNode(text.slice(at)));
  }
}
