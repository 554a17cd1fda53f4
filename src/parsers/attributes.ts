// The CCM attribute element `<time="…" date="…" component="…" context="…" type="1" thread="12" file="x.cpp:9">`.
//
// Two readers, measured on the same 200,000 elements (see ARCHITECTURE.md; tested in attributes.test.ts):
// a hand scanner for the shape every ConfigMgr writer emits (`name="value"` pairs, any order, any subset),
// and a Chevrotain lexer + parser for everything else (single quotes, unquoted values, spaces around `=`,
// a missing `>`), which also says what was wrong. The scanner is several times faster, so it runs first;
// Chevrotain only sees elements the scanner rejects.

import { createToken, EmbeddedActionsParser, Lexer } from 'chevrotain';
import type { IToken } from 'chevrotain';

export interface CcmAttributes {
  time: string | undefined;
  date: string | undefined;
  component: string | undefined;
  context: string | undefined;
  type: string | undefined;
  thread: string | undefined;
  file: string | undefined;
  /** Index just past the closing `>` in the scanned string, or -1 when there was none. */
  end: number;
  /** What was wrong, when the element was not well formed. */
  error: string | undefined;
}

export function emptyAttributes(): CcmAttributes {
  return {
    time: undefined,
    date: undefined,
    component: undefined,
    context: undefined,
    type: undefined,
    thread: undefined,
    file: undefined,
    end: -1,
    error: undefined,
  };
}

function reset(a: CcmAttributes): void {
  a.time = a.date = a.component = a.context = a.type = a.thread = a.file = a.error = undefined;
  a.end = -1;
}

/** Attribute names the scanner knows, identified by length and two characters without slicing the name. */
function assignAt(a: CcmAttributes, s: string, nameStart: number, nameEnd: number, value: string): void {
  const c0 = s.charCodeAt(nameStart);
  switch (nameEnd - nameStart) {
    case 4:
      if (c0 === 116 /* t */) {
        if (s.charCodeAt(nameStart + 1) === 105 /* i */) {
          a.time = value;
        } else {
          a.type = value;
        }
        return;
      }
      if (c0 === 100 /* d */) {
        a.date = value;
      } else if (c0 === 102 /* f */) {
        a.file = value;
      }
      return;
    case 6:
      if (c0 === 116) {
        a.thread = value;
      }
      return;
    case 7:
      if (c0 === 99 /* c */) {
        a.context = value;
      }
      return;
    case 9:
      if (c0 === 99) {
        a.component = value;
      }
      return;
    default:
      return;
  }
}

/**
 * Reads the element starting at `start` (the `<` after `]LOG]!>`). Returns false when the element is not
 * in the canonical `name="value"` shape; `readAttributes` then falls back to the grammar.
 */
export function scanAttributes(s: string, start: number, out: CcmAttributes): boolean {
  reset(out);
  const n = s.length;
  let i = start + 1;
  for (;;) {
    while (i < n && s.charCodeAt(i) === 32) {
      i++;
    }
    if (i >= n) {
      return false;
    }
    if (s.charCodeAt(i) === 62) {
      out.end = i + 1;
      return true;
    }
    const eq = s.indexOf('="', i);
    if (eq < 0) {
      return false;
    }
    const close = s.indexOf('"', eq + 2);
    if (close < 0) {
      return false;
    }
    for (let k = i; k < eq; k++) {
      const c = s.charCodeAt(k);
      if (c === 32 || c === 34 || c === 62) {
        return false;
      }
    }
    assignAt(out, s, i, eq, s.slice(eq + 2, close));
    i = close + 1;
  }
}

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t]+/, group: Lexer.SKIPPED });
const Open = createToken({ name: 'Open', pattern: /</ });
const Close = createToken({ name: 'Close', pattern: />/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const DoubleQuoted = createToken({ name: 'DoubleQuoted', pattern: /"[^"]*"?/ });
const SingleQuoted = createToken({ name: 'SingleQuoted', pattern: /'[^']*'?/ });
const Word = createToken({ name: 'Word', pattern: /[^\s<>="']+/ });

const attributeTokens = [WhiteSpace, Open, Close, Equals, DoubleQuoted, SingleQuoted, Word];

class AttributeGrammar extends EmbeddedActionsParser {
  constructor(validate: boolean) {
    super(attributeTokens, { recoveryEnabled: true, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /**
   * Pairs read by `element`, kept here rather than returned: when the element breaks off where recovery
   * cannot resume (`<time=` at the end of a truncated file), the rule returns nothing, and the pairs read
   * before the break are still the record's.
   */
  pairs: Array<[string, string]> = [];

  /** element := '<'? attribute* '>'? */
  readonly element = this.RULE('element', (): void => {
    this.OPTION(() => this.CONSUME(Open));
    this.MANY(() => {
      const pair = this.SUBRULE(this.attribute);
      this.ACTION(() => {
        // A recovered attribute may come back without its parts.
        if (pair !== undefined && typeof pair[0] === 'string') {
          this.pairs.push([pair[0], typeof pair[1] === 'string' ? pair[1] : '']);
        }
      });
    });
    this.OPTION2(() => this.CONSUME(Close));
  });

  /** attribute := Word ('=' value)? */
  readonly attribute = this.RULE('attribute', (): [string, string] => {
    const name = this.CONSUME(Word);
    let value = '';
    this.OPTION(() => {
      this.CONSUME(Equals);
      value = this.SUBRULE(this.value);
    });
    return [name.image, value];
  });

  readonly value = this.RULE('value', (): string => {
    const tok: IToken = this.OR([
      { ALT: () => this.CONSUME(DoubleQuoted) },
      { ALT: () => this.CONSUME(SingleQuoted) },
      { ALT: () => this.CONSUME(Word) },
    ]);
    return this.ACTION(() => unquote(tok.image));
  });
}

function unquote(image: string): string {
  const q = image.charAt(0);
  if (q === '"' || q === "'") {
    return image.endsWith(q) && image.length > 1 ? image.slice(1, -1) : image.slice(1);
  }
  return image;
}

const attributeLexer = new Lexer(attributeTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
let grammar: AttributeGrammar | undefined;

/** For the grammar test: builds the parser with Chevrotain's validations on. */
export function validateAttributeGrammar(): void {
  new AttributeGrammar(true);
}

/** Reads the element, canonical or not; never throws. `out.error` says what was off. */
export function readAttributes(s: string, start: number, out: CcmAttributes): void {
  if (scanAttributes(s, start, out)) {
    return;
  }
  reset(out);
  // The element runs to the first `>` outside quotes, or to the end of the text.
  const end = elementEnd(s, start);
  const source = s.slice(start, end);
  const lexed = attributeLexer.tokenize(source);
  grammar ??= new AttributeGrammar(false);
  grammar.input = lexed.tokens;
  grammar.pairs = [];
  grammar.element();
  for (const [name, value] of grammar.pairs) {
    assignAt(out, name, 0, name.length, value);
  }
  const closed = source.endsWith('>');
  out.end = closed ? end : -1;
  const issues: string[] = [];
  if (lexed.errors.length > 0 || grammar.errors.length > 0) {
    issues.push('malformed attributes');
  }
  if (!closed) {
    issues.push('no closing ">"');
  }
  out.error = issues.length > 0 ? issues.join(', ') : 'attributes not in name="value" form';
}

function elementEnd(s: string, start: number): number {
  let quote = 0;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) {
        quote = 0;
      }
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 62) {
      return i + 1;
    }
  }
  return s.length;
}
