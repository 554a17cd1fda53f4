// How a message reads in one line wherever one line is all there is: the CLI summary, the HTML report's
// chains and lists, the extension's trees, hovers and Problems.

import { describe, expect, it } from 'vitest';
import { headline } from '../../src/parsers/messages/values.ts';

describe('headline', () => {
  it('keeps a one-line message whole, and clips a long one with an ellipsis', () => {
    expect(headline('Scan failed with error = 0x80072ee2.', 160)).toBe('Scan failed with error = 0x80072ee2.');
    expect(headline('x'.repeat(10), 5)).toBe('xxxx…');
    expect(headline('x'.repeat(5), 5)).toBe('xxxxx');
  });

  it('says when lines after the first are left out', () => {
    expect(headline('Processing Location reply message\r\nsecond line', 160)).toBe(
      'Processing Location reply message …',
    );
    expect(headline('first\n\n  \n', 160)).toBe('first');
  });

  it('joins the body a header announces, as far as it fits', () => {
    const reply =
      'MP LM: Reply message body:\r\n<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/>' +
      '<LocationRecords/></Site></Sites></WSUSLocationReply>\r\n';
    expect(headline(reply, 160)).toBe(
      'MP LM: Reply message body: <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/>' +
        '<LocationRecords/></Site></Sites></WSUSLocationReply>',
    );
    expect(headline(reply, 40)).toBe('MP LM: Reply message body: <WSUSLocatio…');
    // A body of thousands of lines is read only as far as it shows.
    const huge = `Body:\n${'<Update/>\n'.repeat(100_000)}`;
    expect(headline(huge, 30)).toBe('Body: <Update/> <Update/> <Up…');
  });

  it('never cuts a surrogate pair in half', () => {
    const s = `${'a'.repeat(3)}😀${'b'.repeat(5)}`;
    const cut = headline(s, 5);
    expect(cut).toBe('aaa…');
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
