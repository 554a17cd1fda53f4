// The XML-subset reader: grammar validation (done here, skipped in production), well-formed bodies, damage
// of every kind (truncation, garbage, placeholders, mis-nesting) and entities; plus the CST-vs-embedded
// actions measurement quoted in the header of src/parsers/messages/xml.ts (logs only, asserts nothing on time).

import { CstParser } from 'chevrotain';
import type { CstNode, IToken, TokenType } from 'chevrotain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attribute,
  createXmlLexer,
  decodeEntities,
  elementsNamed,
  firstElement,
  parseXml,
  parseXmlWithGrammar,
  scanWellFormedXml,
  XmlParser,
  XmlTreeBuilder,
  xmlTokens,
  xmlVocabulary,
} from '../../src/parsers/messages/xml.ts';
import type { XmlDocument } from '../../src/parsers/messages/xml.ts';

/** Reference §6.9 body (S1), one multi-line record. */
const REPORT = `<?xml version="1.0" encoding="UTF-16"?>
<Report><ReportHeader><Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType><ClientID>GUID: 00001111-aaaa-2222-bbbb-3333cccc4444</ClientID><ClientVersion>5.00.7958.1000</ClientVersion><NetBIOSName>PS1WIN7X64</NetBIOSName><CodePage>437</CodePage><SystemDefaultLCID>1033</SystemDefaultLCID><Priority>5</Priority></Machine></Identification><ReportDetails><ReportContent>State Message Data</ReportContent><ReportType>Full</ReportType><Date>20140120194656.903000+000</Date><Version>1.0</Version><Format>1.0</Format></ReportDetails></ReportHeader><ReportBody><StateMessage MessageTime="20140120171855.573000+000" SerialNumber="232"><Topic ID="11112222-bbbb-3333-cccc-4444dddd5555" Type="500" IDType="3" User="" UserSID=""/><State ID="2" Criticality="0"/><UserParameters Flags="0" Count="1"><Param>200</Param></UserParameters></StateMessage></ReportBody></Report>`;

const WSUS_REPLY = `<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords><LocationRecord WSUSURL="http://PS1SITE.CONTOSO.COM:8530" ServerName="PS1SITE.CONTOSO.COM" Version="38"/><LocationRecord WSUSURL="https://PS1SYS.CONTOSO.COM:8531" ServerName="PS1SYS.CONTOSO.COM" Version="38"/></LocationRecords></Site></Sites></WSUSLocationReply>`;

function shape(doc: XmlDocument): Array<[string, Record<string, string>, number, string]> {
  return doc.elements.map((e) => [e.name, Object.fromEntries(e.attributes), e.parent, e.text]);
}

describe('grammar', () => {
  it('passes Chevrotain grammar validation', () => {
    expect(() => new XmlParser(true)).not.toThrow();
  });

  it('passes Chevrotain lexer validation', () => {
    const lexer = createXmlLexer(true);
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });
});

describe('well-formed bodies', () => {
  it('reads a state-message Report', () => {
    const doc = parseXml(REPORT);
    expect(doc.malformed).toBe(false);
    expect(doc.elements[0]?.name).toBe('Report');
    expect(firstElement(doc, 'ClientID')?.text).toBe('GUID: 00001111-aaaa-2222-bbbb-3333cccc4444');
    expect(firstElement(doc, 'NetBIOSName')?.text).toBe('PS1WIN7X64');
    const message = firstElement(doc, 'StateMessage');
    expect(attribute(message, 'MessageTime')).toBe('20140120171855.573000+000');
    expect(attribute(message, 'SerialNumber')).toBe('232');
    const topic = firstElement(doc, 'Topic');
    expect(Object.fromEntries(topic?.attributes ?? [])).toEqual({
      ID: '11112222-bbbb-3333-cccc-4444dddd5555',
      Type: '500',
      IDType: '3',
      User: '',
      UserSID: '',
    });
    // Topic is a child of StateMessage, which is a child of ReportBody.
    const index = doc.elements.indexOf(message!);
    expect(topic?.parent).toBe(index);
    expect(doc.elements[message!.parent]?.name).toBe('ReportBody');
  });

  it('reads a WSUS location reply, self-closing elements included', () => {
    const doc = parseXml(WSUS_REPLY);
    expect(doc.malformed).toBe(false);
    expect(elementsNamed(doc, 'LocationRecord').map((r) => attribute(r, 'WSUSURL'))).toEqual([
      'http://PS1SITE.CONTOSO.COM:8530',
      'https://PS1SYS.CONTOSO.COM:8531',
    ]);
    expect(attribute(firstElement(doc, 'MPSite'), 'SiteCode')).toBe('PS1');
  });

  it('starts reading at an offset inside a log message', () => {
    const text = `WSUSLocationReply : ${WSUS_REPLY}`;
    const doc = parseXml(text, text.indexOf('<'));
    expect(doc.malformed).toBe(false);
    expect(doc.elements).toHaveLength(7);
  });

  it('keeps single-quoted values, whitespace around = and text around children', () => {
    const doc = parseXml(`<A x = 'one' y="two">head<B/>tail</A>`);
    expect(shape(doc)).toEqual([
      ['A', { x: 'one', y: 'two' }, -1, 'headtail'],
      ['B', {}, 0, ''],
    ]);
    expect(doc.malformed).toBe(false);
  });

  it('skips comments, doctype and processing instructions; keeps CDATA verbatim', () => {
    const doc = parseXml(`<!DOCTYPE r><?pi x?><r><!-- a <b> c --><![CDATA[1 &amp; <2>]]></r>`);
    expect(shape(doc)).toEqual([['r', {}, -1, '1 &amp; <2>']]);
    expect(doc.malformed).toBe(false);
  });
});

describe('entities', () => {
  it('decodes the five named entities and character references in text and attributes', () => {
    const doc = parseXml(
      `<A t="a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;">x &amp;&lt;&gt;&quot; y</A>`,
    );
    const a = doc.elements[0];
    expect(attribute(a, 't')).toBe(`a & b <c> "d" 'e' AB`);
    expect(a?.text).toBe('x &<>" y');
    // Attribute values are kept as written; decoding is on read.
    expect(a?.attributes.get('t')).toContain('&amp;');
  });

  it('leaves unknown or impossible references as written', () => {
    expect(decodeEntities('&nbsp; &#0; &#xD800; &#x110000; & &amp')).toBe('&nbsp; &#0; &#xD800; &#x110000; & &amp');
  });
});

describe('damaged input never throws and says it is damaged', () => {
  it('returns the elements of a truncated body', () => {
    const cut = REPORT.slice(0, REPORT.indexOf('<State ID') + 8);
    const doc = parseXml(cut);
    expect(doc.malformed).toBe(true);
    expect(attribute(firstElement(doc, 'Topic'), 'ID')).toBe('11112222-bbbb-3333-cccc-4444dddd5555');
    expect(firstElement(doc, 'State')).toBeDefined();
  });

  it('returns elements up to a value cut inside its quotes', () => {
    const doc = parseXml('<Report><StateMessage SerialNumber="23');
    expect(doc.malformed).toBe(true);
    expect(doc.elements.map((e) => e.name)).toEqual(['Report', 'StateMessage']);
  });

  it('treats a cut tag followed by a new tag as two tags', () => {
    const doc = parseXml('<A x="1" <B>q</B></A>');
    expect(doc.malformed).toBe(true);
    expect(shape(doc)).toEqual([
      ['A', { x: '1' }, -1, ''],
      ['B', {}, 0, 'q'],
    ]);
  });

  it('recovers from mis-nested and stray end tags', () => {
    const doc = parseXml('<A><B><C></B>after</Z></A>');
    expect(doc.malformed).toBe(true);
    expect(shape(doc)).toEqual([
      ['A', {}, -1, 'after'],
      ['B', {}, 0, ''],
      ['C', {}, 1, ''],
    ]);
  });

  it('marks garbage and empty input as malformed with no elements', () => {
    for (const text of ['', 'garbage', '<<<>>>"\'=/', '</>', '&&&;', '\u0000\uffff']) {
      const doc = parseXml(text);
      expect(doc.malformed).toBe(true);
      expect(doc.elements.filter((e) => e.name === 'Report')).toEqual([]);
    }
  });

  it('reads the logger placeholder as a (malformed) element, not as a body', () => {
    for (const text of ['<XML Body Truncated>', '<XML Report Body Truncated>']) {
      const doc = parseXml(text);
      expect(doc.elements.map((e) => e.name)).toEqual(['XML']);
      expect(doc.malformed).toBe(true); // never closed
    }
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fullUnicode, codeUnits, xmlish()), (text) => {
        const doc = parseXml(text);
        expect(typeof doc.malformed).toBe('boolean');
        for (const e of doc.elements) {
          expect(e.parent).toBeLessThan(doc.elements.indexOf(e));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on any cut of a real body', () => {
    for (let end = 0; end <= REPORT.length; end++) {
      const doc = parseXml(REPORT.slice(0, end));
      expect(doc.malformed).toBe(end < REPORT.length);
    }
  });
});

/** Any code point (fast-check 4's successor of fullUnicodeString) and any UTF-16 code unit, lone surrogates too. */
const fullUnicode = fc.string({ unit: 'binary' });
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

/** Strings built from XML-ish pieces, far likelier than fc.string() to reach the tag paths. */
function xmlish(): fc.Arbitrary<string> {
  const piece = fc.constantFrom(
    '<',
    '>',
    '</',
    '/>',
    '=',
    '"',
    "'",
    'A',
    'B',
    ' ',
    'x="1"',
    '&amp;',
    '<!--',
    '-->',
    '<![CDATA[',
    ']]>',
    '<?',
    '?>',
    '\n',
  );
  return fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
}

// ---- CST + visitor variant, for the measurement only ------------------------------------------------

const { Comment, CData, Markup, EndTagOpen, TagOpen, Text, EmptyTagClose, TagClose, Equals, AttrValue, Name } =
  xmlTokens;

class XmlCstParser extends CstParser {
  constructor() {
    super(xmlVocabulary as TokenType[], { skipValidations: true, maxLookahead: 1 });
    this.performSelfAnalysis();
  }
  readonly document = this.RULE('document', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });
  private readonly item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.startTag) },
      { ALT: () => this.SUBRULE(this.endTag) },
      { ALT: () => this.CONSUME(Text) },
      { ALT: () => this.CONSUME(CData) },
      { ALT: () => this.CONSUME(Comment) },
      { ALT: () => this.CONSUME(Markup) },
    ]);
  });
  private readonly startTag = this.RULE('startTag', () => {
    this.CONSUME(TagOpen);
    this.OPTION(() => this.CONSUME(Name));
    this.MANY(() => this.SUBRULE(this.attribute));
    this.OPTION2(() => this.OR([{ ALT: () => this.CONSUME(TagClose) }, { ALT: () => this.CONSUME(EmptyTagClose) }]));
  });
  private readonly attribute = this.RULE('attribute', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Name);
          this.OPTION(() => {
            this.CONSUME(Equals);
            this.OPTION2(() => this.CONSUME(AttrValue));
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
    this.CONSUME(EndTagOpen);
    this.OPTION(() => this.CONSUME(Name));
    this.MANY(() => this.SUBRULE(this.attribute));
    this.OPTION2(() => this.OR([{ ALT: () => this.CONSUME(TagClose) }, { ALT: () => this.CONSUME(EmptyTagClose) }]));
  });
}

const cstParser = new XmlCstParser();
type Children = Record<string, Array<CstNode | IToken> | undefined>;
const tokenAt = (ctx: Children, key: string): IToken | undefined => ctx[key]?.[0] as IToken | undefined;
const nodes = (ctx: Children, key: string): CstNode[] => (ctx[key] ?? []) as CstNode[];

class TreeVisitor extends cstParser.getBaseCstVisitorConstructorWithDefaults() {
  builder = new XmlTreeBuilder();
  constructor() {
    super();
    this.validateVisitor();
  }
  document(ctx: Children): void {
    for (const item of nodes(ctx, 'item')) {
      this.visit(item);
    }
  }
  item(ctx: Children): void {
    const start = nodes(ctx, 'startTag')[0];
    const end = nodes(ctx, 'endTag')[0];
    const text = tokenAt(ctx, 'Text');
    if (start !== undefined) {
      this.visit(start);
    } else if (end !== undefined) {
      this.visit(end);
    } else if (text !== undefined) {
      this.builder.text(text.image);
    }
  }
  startTag(ctx: Children): void {
    const attributes = new Map<string, string>();
    for (const a of nodes(ctx, 'attribute')) {
      const key = tokenAt(a.children, 'Name')?.image;
      const value = tokenAt(a.children, 'AttrValue')?.image;
      if (key !== undefined && !attributes.has(key)) {
        attributes.set(key, value === undefined ? '' : value.slice(1, -1));
      }
    }
    const closed = ctx['TagClose'] !== undefined || ctx['EmptyTagClose'] !== undefined;
    this.builder.startTag(tokenAt(ctx, 'Name')?.image, attributes, closed, ctx['EmptyTagClose'] !== undefined);
  }
  endTag(ctx: Children): void {
    this.builder.endTag(
      tokenAt(ctx, 'Name')?.image,
      ctx['TagClose'] !== undefined || ctx['EmptyTagClose'] !== undefined,
    );
  }
}

const visitor = new TreeVisitor();
const benchLexer = createXmlLexer(false);

function parseWithCst(text: string): XmlDocument {
  const lexed = benchLexer.tokenize(text);
  cstParser.input = lexed.tokens;
  const cst = cstParser.document();
  visitor.builder.reset();
  visitor.visit(cst);
  return visitor.builder.finish(lexed.errors.length + cstParser.errors.length);
}

/** A 2 KB Report: the reference body with more state messages appended. */
const REPORT_2K = ((): string => {
  const extra: string[] = [];
  let serial = 233;
  while (REPORT.length + extra.join('').length < 2048) {
    extra.push(
      `<StateMessage MessageTime="20140120171856.000000+000" SerialNumber="${serial++}"><Topic ID="{B040D195-8FA8-48D3-953F-17E878DAB23D}" Type="302" IDType="1" User="" UserSID=""/><State ID="2" Criticality="0"/></StateMessage>`,
    );
  }
  return REPORT.replace('</ReportBody>', extra.join('') + '</ReportBody>');
})();

describe('CST + visitor vs embedded actions (measurement, no assertion on time)', () => {
  it('both build the same elements', () => {
    expect(shape(parseWithCst(REPORT_2K))).toEqual(shape(parseXml(REPORT_2K)));
    expect(parseWithCst(REPORT_2K).malformed).toBe(false);
  });

  it('measures µs per 2 KB Report body', () => {
    // CPU time, interleaved short rounds and medians: the figures must survive a busy shared machine.
    const time = (parse: (text: string) => XmlDocument, runs: number): number => {
      const start = process.cpuUsage();
      for (let i = 0; i < runs; i++) {
        parse(REPORT_2K);
      }
      const used = process.cpuUsage(start);
      return (used.user + used.system) / runs;
    };
    const grammar = (text: string) => parseXmlWithGrammar(text);
    const scanner = (text: string) => scanWellFormedXml(text)!;
    time(grammar, 500);
    time(parseWithCst, 500);
    time(scanner, 500);
    const embedded: number[] = [];
    const cst: number[] = [];
    const fast: number[] = [];
    for (let round = 0; round < 9; round++) {
      embedded.push(time(grammar, 300));
      cst.push(time(parseWithCst, 300));
      fast.push(time(scanner, 300));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    const wins = embedded.filter((e, i) => e < (cst[i] ?? 0)).length;
    console.log(
      `XML ${REPORT_2K.length} chars, CPU µs per body, median of ${embedded.length} rounds: ` +
        `embedded actions ${median(embedded).toFixed(1)}, CST+visitor ${median(cst).toFixed(1)} ` +
        `(embedded faster in ${wins} of ${embedded.length} rounds); well-formed fast path ${median(fast).toFixed(1)}`,
    );
  });
});

describe('the fast path agrees with the grammar', () => {
  const name = fc.constantFrom('Report', 'StateMessage', 'Topic', 'State', 'a', 'B-1', 'x:y', 'LocationRecord');
  const value = fc.string({ maxLength: 12 }).map((s) => s.replace(/["<]/g, ''));
  const textPart = fc.constantFrom('', ' ', 'text', 'a &amp; b', '&#233;', '\r\n', '12');
  const element: fc.Memo<string> = fc.memo((depth) =>
    fc
      .tuple(
        name,
        fc.array(fc.tuple(name, value), { maxLength: 3 }),
        depth > 1 ? fc.array(fc.oneof(element(depth - 1), textPart), { maxLength: 3 }) : fc.constant([] as string[]),
        fc.boolean(),
      )
      .map(([tag, attrs, children, selfClose]) => {
        const a = attrs.map(([k, v]) => ` ${k}="${v}"`).join('');
        return selfClose && children.length === 0 ? `<${tag}${a}/>` : `<${tag}${a}>${children.join('')}</${tag}>`;
      }),
  );

  it('reads every well-formed body itself, to the same document', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '<?xml version="1.0" encoding="UTF-16"?>\r\n'), element(4), (prolog, body) => {
        const text = prolog + body;
        const fast = scanWellFormedXml(text);
        expect(fast).toBeDefined();
        expect(fast).toEqual(parseXmlWithGrammar(text));
      }),
      { numRuns: 500 },
    );
  });

  it('either declines or agrees on anything else', () => {
    const noisy = fc
      .array(
        fc.oneof(
          fc.constantFrom('<', '>', '</', '/>', '="', '"', "'", '<!--', '<?', '?>', '<A>', '</A>', '<B x="1">', ' '),
          fc.string({ maxLength: 4 }),
        ),
        { maxLength: 25 },
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(noisy, (text) => {
        const fast = scanWellFormedXml(text);
        if (fast !== undefined) {
          expect(fast).toEqual(parseXmlWithGrammar(text));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
