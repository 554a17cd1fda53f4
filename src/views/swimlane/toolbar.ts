// The toolbar: filters (flow, host, component, severity, text), the failure and time-zone pickers, and the
// actions (fit, zoom to flow, upstream cause, export). Controls come only through shared/toolkit.ts, so
// replacing the archived toolkit touches that module alone. Option labels are names from the logs: they
// are set as text, never as markup.

import { Tag, registerToolkit } from '../shared/toolkit.ts';

export interface ToolbarActions {
  flow(index: number): void;
  onlyFlow(on: boolean): void;
  failure(index: number): void;
  host(index: number): void;
  component(name: string): void;
  severity(min: 0 | 1 | 2): void;
  text(text: string): void;
  zone(value: string): void;
  fit(): void;
  zoomToFlow(): void;
  cause(): void;
  export(format: 'png' | 'svg'): void;
}

export interface Choice {
  readonly value: string;
  readonly label: string;
}

type ValueElement = HTMLElement & { value: string; checked?: boolean; disabled?: boolean };

function element(tag: string, attrs: Record<string, string> = {}): ValueElement {
  const el = document.createElement(tag) as ValueElement;
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, v);
  }
  return el;
}

function fillDropdown(dropdown: ValueElement, choices: readonly Choice[], value: string): void {
  dropdown.replaceChildren(
    ...choices.map((c) => {
      const option = element(Tag.option, { value: c.value });
      option.textContent = c.label;
      return option;
    }),
  );
  dropdown.value = value;
}

export class Toolbar {
  readonly flow: ValueElement;
  readonly onlyFlow: ValueElement;
  readonly failure: ValueElement;
  readonly host: ValueElement;
  readonly component: ValueElement;
  readonly severity: ValueElement;
  readonly text: ValueElement;
  readonly zone: ValueElement;
  readonly zoomFlow: ValueElement;
  readonly cause: ValueElement;
  private textTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: HTMLElement, actions: ToolbarActions) {
    registerToolkit();
    const group = (...children: HTMLElement[]): HTMLElement => {
      const g = document.createElement('div');
      g.className = 'group';
      g.append(...children);
      return g;
    };
    const button = (label: string, title: string, onClick: () => void, appearance = 'secondary'): ValueElement => {
      const b = element(Tag.button, { appearance, title, 'aria-label': title });
      b.textContent = label;
      b.addEventListener('click', onClick);
      return b;
    };
    const dropdown = (name: string, onChange: (value: string) => void): ValueElement => {
      const d = element(Tag.dropdown, { 'aria-label': name, title: name, 'data-control': name });
      d.addEventListener('change', () => onChange(d.value));
      return d;
    };

    this.flow = dropdown('flow', (v) => actions.flow(Number(v)));
    this.onlyFlow = element(Tag.checkbox, { title: 'Show only the records of the selected flow' });
    this.onlyFlow.textContent = 'only';
    this.onlyFlow.addEventListener('change', () => actions.onlyFlow(Boolean(this.onlyFlow.checked)));
    this.zoomFlow = button('Zoom to flow', 'Zoom to the selected flow (Z)', () => actions.zoomToFlow());
    this.failure = dropdown('failure', (v) => actions.failure(Number(v)));
    this.cause = button('Upstream cause', 'Show the upstream cause of the selected failure (C)', () => actions.cause());
    this.host = dropdown('host', (v) => actions.host(Number(v)));
    this.component = dropdown('component', (v) => actions.component(v));
    this.severity = dropdown('severity', (v) => actions.severity(Number(v) as 0 | 1 | 2));
    fillDropdown(
      this.severity,
      [
        { value: '0', label: 'All severities' },
        { value: '1', label: 'Warnings and errors' },
        { value: '2', label: 'Errors' },
      ],
      '0',
    );
    this.text = element(Tag.textField, { placeholder: 'Filter message text', 'aria-label': 'filter text' });
    this.text.addEventListener('input', () => {
      clearTimeout(this.textTimer);
      // Text filters read message text on the host: wait for a pause in typing.
      this.textTimer = setTimeout(() => actions.text(this.text.value), 350);
    });
    this.zone = dropdown('time zone', (v) => actions.zone(v));
    root.append(
      group(this.flow, this.onlyFlow, this.zoomFlow),
      group(this.failure, this.cause),
      group(this.host, this.component, this.severity, this.text),
      group(
        this.zone,
        button('Fit', 'Show the whole bundle (0)', () => actions.fit()),
        button('PNG', 'Export the current view as PNG', () => actions.export('png')),
        button('SVG', 'Export the current view as SVG', () => actions.export('svg')),
      ),
    );
  }

  setChoices(
    control: 'flow' | 'failure' | 'host' | 'component' | 'zone',
    choices: readonly Choice[],
    value: string,
  ): void {
    fillDropdown(this[control], choices, value);
  }

  setValue(control: 'flow' | 'failure' | 'host' | 'component' | 'zone' | 'severity', value: string): void {
    this[control].value = value;
  }

  setText(value: string): void {
    this.text.value = value;
  }

  setOnlyFlow(on: boolean): void {
    this.onlyFlow.checked = on;
  }

  enable(control: 'zoomFlow' | 'cause' | 'onlyFlow', on: boolean): void {
    this[control].disabled = !on;
  }
}
