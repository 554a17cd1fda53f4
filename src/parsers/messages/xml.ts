// A small XML-subset reader for the bodies ConfigMgr logs inside messages: state-message `<Report>`s
// (StateMessage.log, MP_Relay.log), `<WSUSLocationRequest>`/`<WSUSLocationReply>` (LocationServices.log,
// MP_Location.log) and `<ContentLocationReply>`. Those bodies are often cut short by the logger or by log
// rotation, so the reader never throws: it returns every element it could read plus a `malformed` flag.
//
// Shape: a two-mode Chevrotain lexer (text between tags / attributes inside a tag) and a deliberately flat
// grammar — a document is a run of start tags, end tags and text — with nesting rebuilt by a stack as the
// tags arrive. Matching end-tag names is not something a context-free grammar can check anyway, and the
// stack is what lets a truncated or mis-nested body still yield its elements (like an HTML tree builder).
//
// Embedded actions, not a CST + visitor: on a 2.2 KB state-message Report (the reference body with more
// <StateMessage>s appended; lex + parse + element list, CPU time, median of 9 interleaved rounds, three
// runs) embedded actions took 106/160/164 µs per body and the CstParser with a visitor building the same
// elements 159/255/274 µs — about 1.6× as long, and slower in 25 of the 27 rounds. (Absolute values come
// from a loaded, shared 2-core machine; the ratio is the finding.) The CST variant allocates a node and a
// children dictionary per rule call and then walks them all again. The measurement is kept, runnable, in
// test/unit/xml.test.ts.
//
// One lexer and one parser instance serve every input; both are built on first use, with Chevrotain's
// grammar and lexer validations skipped (the unit test builds them with validations on).

import { createToken, EmbeddedActionsParser, Lexer } from 'chevrotain';
import type { IToken, TokenType } from 'chevrotain';

export interface XmlElement {
  readonly name: string;
  /** Attribute values as written, entities not decoded (see `attribute` for the decoded value). */
  readonly attributes: ReadonlyMap<string, string>;
  /** Index of the parent in `XmlDocument.elements`, -1 for a top-level element. */
  readonly parent: number;
  /** Character data directly inside the element, entities decoded. */
  text: string;
}

export interface XmlDocument {
  /** Elements in document order. */
  readonly elements: readonly XmlElement[];
  /** Cut off, mis-nested, not XML at all, or characters the lexer had to drop. */
  readonly malformed: boolean;
}

// ---- vocabulary -------------------------------------------------------------------------------------

/**
 * First characters of a pattern that starts with "anything but …". Chevrotain cannot analyse complement
 * sets and would fall back to trying every pattern at every position; a hint keeps its first-char
 * dispatch. Chevrotain buckets codes above 255 by 255s, so one code per bucket stands for its bucket.
 */
function anyCharExcept(excluded: string): number[] {
  const codes: number[] = [];
  for (let c = 0; c < 256; c++) {
    if (!excluded.includes(String.fromCharCode(c))) {
      codes.push(c);
    }
  }
  for (let c = 256; c < 0x10000; c += 255) {
    codes.push(c);
  }
  codes.push(0xffff);
  return codes;
}

const Comment = createToken({ name: 'Comment', pattern: /<!--(?:[^-]|-(?!->))*(?:-->)?/ });
const CData = createToken({ name: 'CData', pattern: /<!\[CDATA\[(?:[^\]]|\](?!\]>))*(?:\]\]>)?/ });
/** `<?xml …?>` prologs and `<!DOCTYPE …>`: read past, never interpreted. */
const Markup = createToken({ name: 'Markup', pattern: /<\?(?:[^?]|\?(?!>))*(?:\?>)?|<![^>]*>?/ });
const EndTagOpen = createToken({ name: 'EndTagOpen', pattern: /<\//, push_mode: 'tag' });
const TagOpen = createToken({ name: 'TagOpen', pattern: /</, push_mode: 'tag' });
const Text = createToken({ name: 'Text', pattern: /[^<]+/, start_chars_hint: anyCharExcept('<'), line_breaks: true });

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
const EmptyTagClose = createToken({ name: 'EmptyTagClose', pattern: /\/>/, pop_mode: true });
const TagClose = createToken({ name: 'TagClose', pattern: />/, pop_mode: true });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const AttrValue = createToken({ name: 'AttrValue', pattern: /"[^"<]*"|'[^'<]*'/ });
const Name = createToken({
  name: 'Name',
  pattern: /[^\s=/>"'<]+/,
  // A hint may over-approximate (the regex decides), never under-approximate: only ASCII exclusions.
  start_chars_hint: anyCharExcept('=/>"\'< \t\n\r\v\f'),
});
// A `<` inside a tag means the tag was cut off and a new one begins: leave the broken tag, enter the new one.
const StrayEndTagOpen = createToken({
  name: 'StrayEndTagOpen',
  pattern: /<\//,
  pop_mode: true,
  push_mode: 'tag',
  categories: [EndTagOpen],
});
const StrayTagOpen = createToken({
  name: 'StrayTagOpen',
  pattern: /</,
  pop_mode: true,
  push_mode: 'tag',
  categories: [TagOpen],
});

const contentMode: TokenType[] = [Comment, CData, Markup, EndTagOpen, TagOpen, Text];
const tagMode: TokenType[] = [
  WhiteSpace,
  EmptyTagClose,
  TagClose,
  Equals,
  AttrValue,
  Name,
  StrayEndTagOpen,
  StrayTagOpen,
];

/** Every token type, for parsers built over the same lexer (the unit test's CST variant). */
export const xmlVocabulary: readonly TokenType[] = [...contentMode, ...tagMode];
export const xmlTokens = {
  Comment,
  CData,
  Markup,
  EndTagOpen,
  TagOpen,
  Text,
  EmptyTagClose,
  TagClose,
  Equals,
  AttrValue,
  Name,
};

/** The lexer; `validate` runs Chevrotain's definition checks (tests only). */
export function createXmlLexer(validate: boolean): Lexer {
  return new Lexer(
    { modes: { content: contentMode, tag: tagMode }, defaultMode: 'content' },
    // ensureOptimizations in the validating build makes a lost first-char optimisation a test failure.
    { positionTracking: 'onlyOffset', skipValidations: !validate, ensureOptimizations: validate },
  );
}

// ---- tree building ----------------------------------------------------------------------------------

/** Receives tags in document order and rebuilds the nesting; tolerant of anything. */
export class XmlTreeBuilder {
  elements: XmlElement[] = [];
  malformed = false;
  private open: number[] = [];

  reset(): void {
    this.elements = [];
    this.malformed = false;
    this.open = [];
  }

  startTag(name: string | undefined, attributes: Map<string, string>, closed: boolean, selfClosing: boolean): void {
    if (name === undefined || !closed) {
      this.malformed = true;
    }
    if (name === undefined) {
      return;
    }
    const index = this.elements.length;
    this.elements.push({ name, attributes, parent: this.open.at(-1) ?? -1, text: '' });
    if (!selfClosing) {
      this.open.push(index);
    }
  }

  endTag(name: string | undefined, closed: boolean): void {
    if (!closed) {
      this.malformed = true;
    }
    for (let i = this.open.length - 1; i >= 0; i--) {
      const element = this.elements[this.open[i] ?? -1];
      if (element !== undefined && element.name === name) {
        if (i !== this.open.length - 1) {
          this.malformed = true;
        }
        this.open.length = i;
        return;
      }
    }
    this.malformed = true;
  }

  /** Character data; `verbatim` for CDATA, whose `&` is not an entity. */
  text(raw: string, verbatim = false): void {
    const top = this.elements[this.open.at(-1) ?? -1];
    if (top !== undefined) {
      top.text += verbatim ? raw : decodeEntities(raw);
    }
  }

  finish(lexerErrors: number): XmlDocument {
    const malformed = this.malformed || lexerErrors > 0 || this.open.length > 0 || this.elements.length === 0;
    return { elements: this.elements, malformed };
  }
}

// ---- the parser -------------------------------------------------------------------------------------

/** Flat XML grammar with embedded actions feeding an `XmlTreeBuilder`. */
export class XmlParser extends EmbeddedActionsParser {
  builder = new XmlTreeBuilder();

  constructor(validate: boolean) {
    super(xmlVocabulary as TokenType[], { skipValidations: !validate, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  readonly document = this.RULE('document', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  private readonly item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.startTag) },
      { ALT: () => this.SUBRULE(this.endTag) },
      {
        ALT: () => {
          const text = this.CONSUME(Text);
          this.ACTION(() => this.builder.text(text.image));
        },
      },
      {
        ALT: () => {
          const cdata = this.CONSUME(CData);
          this.ACTION(() => this.builder.text(cdataText(cdata.image), true));
        },
      },
      { ALT: () => this.CONSUME(Comment) },
      { ALT: () => this.CONSUME(Markup) },
    ]);
  });

  private readonly startTag = this.RULE('startTag', () => {
    let name: string | undefined;
    const attributes = new Map<string, string>();
    let closer: IToken | undefined;
    this.CONSUME(TagOpen);
    this.OPTION(() => {
      name = this.CONSUME(Name).image;
    });
    this.MANY(() => this.SUBRULE(this.attribute, { ARGS: [attributes] }));
    this.OPTION2(() => {
      closer = this.OR([{ ALT: () => this.CONSUME(TagClose) }, { ALT: () => this.CONSUME(EmptyTagClose) }]);
    });
    this.ACTION(() =>
      this.builder.startTag(name, attributes, closer !== undefined, closer?.tokenType === EmptyTagClose),
    );
  });

  // Also accepts the pieces of a broken attribute (`="x"`, a lone value) so that no token sequence the
  // lexer can produce is a syntax error: brokenness is judged by the tree builder, not by exceptions.
  // Also accepts the pieces of a broken attribute (`="x"`, a lone value) so that no token sequence the
  // lexer can produce is a syntax error: brokenness is judged by the tree builder, not by exceptions.
  // The first of repeated attributes wins.
  private readonly attribute = this.RULE('attribute', (into?: Map<string, string>) => {
    this.OR([
      {
        ALT: () => {
          const key = this.CONSUME(Name);
          let value: IToken | undefined;
          this.OPTION(() => {
            this.CONSUME(Equals);
            this.OPTION2(() => {
              value = this.CONSUME(AttrValue);
            });
          });
          this.ACTION(() => {
            if (into !== undefined && !into.has(key.image)) {
              into.set(key.image, value === undefined ? '' : value.image.slice(1, -1));
            }
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(Equals);
          this.OPTION3(() => this.CONSUME2(AttrValue));
        },
      },
      { ALT: () => this.CONSUME3(AttrValue) },
    ]);
  });

  private readonly endTag = this.RULE('endTag', () => {
    let name: string | undefined;
    let closed = false;
    this.CONSUME(EndTagOpen);
    this.OPTION(() => {
      name = this.CONSUME(Name).image;
    });
    this.MANY(() => this.SUBRULE(this.attribute));
    this.OPTION2(() => {
      this.OR([{ ALT: () => this.CONSUME(TagClose) }, { ALT: () => this.CONSUME(EmptyTagClose) }]);
      closed = true;
    });
    this.ACTION(() => this.builder.endTag(name, closed));
  });
}

let lexer: Lexer | undefined;
let parser: XmlParser | undefined;

/**
 * Read the XML body that starts at `from` in `text`. Never throws. Well-formed bodies — nearly all of them,
 * since ConfigMgr writes them — take the hand scanner (`scanWellFormedXml`: 18.8 against 110 CPU µs for a
 * 2.2 KB Report, see xml.test.ts); anything it declines goes through the Chevrotain reader, which copes with
 * damage. A property test checks the two give the same document whenever the scanner accepts.
 */
export function parseXml(text: string, from = 0): XmlDocument {
  return scanWellFormedXml(text, from) ?? parseXmlWithGrammar(text, from);
}

/** The Chevrotain reader: any input, damaged or not. */
export function parseXmlWithGrammar(text: string, from = 0): XmlDocument {
  lexer ??= createXmlLexer(false);
  parser ??= new XmlParser(false);
  const lexed = lexer.tokenize(from === 0 ? text : text.slice(from));
  parser.builder.reset();
  parser.input = lexed.tokens;
  parser.document();
  // The grammar accepts every token sequence, so parser errors would mean a bug; count them as damage.
  return parser.builder.finish(lexed.errors.length + parser.errors.length);
}

// ---- the fast path ---------------------------------------------------------------------------------

function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** A name character as the lexer's `Name` token reads it, ASCII only (other characters decline). */
function isNameChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 61 && c !== 47 && c !== 62 && c !== 34 && c !== 39 && c !== 60;
}

/**
 * The attributes of every element written without any: most of a ConfigMgr body's elements
 * (`<ClientInstalled>1</ClientInstalled>`). A new map for each element was half of what the scanner allocated.
 */
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

/**
 * The same document as `parseXmlWithGrammar` for well-formed input, without a lexer: start and end tags that
 * match, quoted attribute values, `<?…?>` prologs and text. Returns undefined for anything else (comments,
 * CDATA, `<!…>`, unclosed or mis-nested tags, non-ASCII inside a tag), which the grammar then reads.
 */
export function scanWellFormedXml(text: string, from = 0): XmlDocument | undefined {
  const n = text.length;
  const elements: XmlElement[] = [];
  const open: number[] = [];
  let i = from;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i && open.length > 0) {
      const top = elements[open[open.length - 1]!]!;
      top.text += decodeEntities(text.slice(i, textEnd));
    }
    if (lt < 0) {
      break;
    }
    const next = text.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) {
        return undefined;
      }
      i = end + 2;
      continue;
    }
    if (next === 33 /* ! */) {
      return undefined;
    }
    const closing = next === 47; /* / */
    let j = closing ? lt + 2 : lt + 1;
    const nameStart = j;
    while (j < n && isNameChar(text.charCodeAt(j))) {
      j++;
    }
    if (j === nameStart) {
      return undefined;
    }
    const name = text.slice(nameStart, j);
    if (closing) {
      while (j < n && isXmlSpace(text.charCodeAt(j))) {
        j++;
      }
      const top = open.pop();
      if (text.charCodeAt(j) !== 62 || top === undefined || elements[top]!.name !== name) {
        return undefined;
      }
      i = j + 1;
      continue;
    }
    let attributes: Map<string, string> | undefined;
    let selfClosing = false;
    for (;;) {
      while (j < n && isXmlSpace(text.charCodeAt(j))) {
        j++;
      }
      const c = text.charCodeAt(j);
      if (c === 62 /* > */) {
        j += 1;
        break;
      }
      if (c === 47 /* / */ && text.charCodeAt(j + 1) === 62) {
        selfClosing = true;
        j += 2;
        break;
      }
      const keyStart = j;
      while (j < n && isNameChar(text.charCodeAt(j))) {
        j++;
      }
      if (j === keyStart || text.charCodeAt(j) !== 61 /* = */) {
        return undefined;
      }
      const quote = text.charCodeAt(j + 1);
      if (quote !== 34 && quote !== 39) {
        return undefined;
      }
      const valueEnd = text.indexOf(quote === 34 ? '"' : "'", j + 2);
      if (valueEnd < 0) {
        return undefined;
      }
      const value = text.slice(j + 2, valueEnd);
      if (value.includes('<')) {
        return undefined;
      }
      const key = text.slice(keyStart, j);
      attributes ??= new Map();
      if (!attributes.has(key)) {
        attributes.set(key, value);
      }
      j = valueEnd + 1;
    }
    const index = elements.length;
    elements.push({
      name,
      attributes: attributes ?? NO_ATTRIBUTES,
      parent: open.length > 0 ? open[open.length - 1]! : -1,
      text: '',
    });
    if (!selfClosing) {
      open.push(index);
    }
    i = j;
  }
  return open.length === 0 && elements.length > 0 ? { elements, malformed: false } : undefined;
}

// ---- reading elements -------------------------------------------------------------------------------

/** First element named `name` (case-sensitive, as XML is). */
export function firstElement(doc: XmlDocument, name: string): XmlElement | undefined {
  return doc.elements.find((element) => element.name === name);
}

export function elementsNamed(doc: XmlDocument, name: string): XmlElement[] {
  return doc.elements.filter((element) => element.name === name);
}

/** Attribute value with entities decoded. */
export function attribute(element: XmlElement | undefined, name: string): string | undefined {
  const raw = element?.attributes.get(name);
  return raw === undefined ? undefined : decodeEntities(raw);
}

const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the five XML entities and numeric character references; anything else is left as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) {
    return s;
  }
  return s.replace(ENTITY, (whole, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named !== undefined) {
      return NAMED[named] ?? whole;
    }
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

function cdataText(image: string): string {
  const body = image.slice('<![CDATA['.length);
  return body.endsWith(']]>') ? body.slice(0, -3) : body;
}
