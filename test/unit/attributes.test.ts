// The CCM attribute element's two readers: the hand scanner for the canonical shape and the Chevrotain
// grammar for the rest. Whatever the element, reading it never throws and keeps what it could read.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAttributes, readAttributes, validateAttributeGrammar } from '../../src/parsers/attributes.ts';

function read(element: string) {
  const out = emptyAttributes();
  readAttributes(element, 0, out);
  return out;
}

describe('the attribute element', () => {
  it('has a grammar Chevrotain validates', () => {
    expect(() => validateAttributeGrammar()).not.toThrow();
  });

  it('reads the canonical element with the scanner, and says nothing is wrong', () => {
    const element =
      '<time="12:18:42.694+300" date="01-20-2014" component="ScanAgent" context="" type="1" thread="5316" file="a.cpp:1">';
    const out = read(element + ' tail');
    expect(out).toMatchObject({ time: '12:18:42.694+300', component: 'ScanAgent', type: '1', end: element.length });
    expect(out.error).toBeUndefined();
  });

  it.each([
    ['<time=', {}],
    ['<time="10:00:01.000+000" date=', { time: '10:00:01.000+000' }],
    ['<time="10:00:01.000+000" date="01-20-2014" component="X" type=', { date: '01-20-2014', component: 'X' }],
    ['<time==" date=', {}],
    ['<=', {}],
  ])('keeps the attributes read before an element cut short: %s', (element, expected) => {
    const out = read(element);
    expect(out).toMatchObject({ ...expected, end: -1, error: 'malformed attributes, no closing ">"' });
  });

  it('never throws on any element, and ends it inside the text or says it has no end', () => {
    const piece = fc.constantFrom('<', '>', '=', '"', "'", ' ', '\t', 'time', 'date', 'component', 'a', '1', '"x"');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
        const element = '<' + pieces.join('');
        const out = read(element);
        expect(out.end === -1 || (out.end > 0 && out.end <= element.length)).toBe(true);
        expect(out.end === -1 ? out.error : 'closed').toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });
});
