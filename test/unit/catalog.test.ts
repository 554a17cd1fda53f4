// The error-code catalogue: every code the reference names is there with all fields filled, any written form of
// a code finds the same entry, Win32 numbers meet their HRESULTs, and unknown codes are described from their
// HRESULT fields instead of being guessed at. Decimal forms and facilities are recomputed here, not trusted.

import { describe, expect, it } from 'vitest';
import {
  describeErrorCode,
  ERROR_CODES,
  hresultFromWin32,
  hresultParts,
  lookupErrorCode,
  win32Error,
} from '../../src/correlate/catalog.ts';
import type { ErrorCodeInfo } from '../../src/correlate/catalog.ts';

// Reference §7.2, one element per code of every row (the multi-code rows split).
const REFERENCE_7_2 = [
  '0x80072EE2',
  '0x80072EFD',
  '0x80072EFE',
  '0x80072F0C',
  '0x8024401C',
  '0x80244010',
  '0x80244017',
  '0x80244018',
  '0x80244021',
  '0x8024401B',
  '0x8024402C',
  '0x80240030',
  '0x80244022',
  '0x80244023',
  '0x80240438',
  '0x80240440',
  '0x87D00692',
  '0x8024000E',
  '0x80070005',
  '0x80244007',
  '0x8007000E',
  '0x8024402F',
  '0x80245003',
  '0x80070514',
  '0x8DDD0018',
  '0x80246008',
  '0x80200013',
  '0x80004015',
  '0x800A0046',
  '0x800A01AD',
  '0x80070424',
  '0x800B0100',
  '0x80248011',
  '0x800B0101',
  '0x800B0109',
  '0x8024B303',
  '0x80240022',
  '0x80246002',
  '0x80D02002',
];

// Codes in the §6 / §7.1 failure lines, and the families the correlator meets.
const OTHER_REQUIRED = [
  '0x80070643',
  '0x8024002D',
  '0x800B0004',
  '0x800703F0',
  // WinHTTP family
  '0x80072EE7',
  '0x80072F8F',
  '0x80072F78',
  // ConfigMgr client codes and friends in these flows
  '0x87D00215',
  '0x80004005',
  '0x87D00607',
  '0x87D00606',
  '0x80070035',
  // WSUS HTTP status family
  '0x80244019',
  '0x8024401F',
];

const REQUIRED_WIN32 = [53, 5, 2, 3, 64, 67, 1326, 12002, 12007, 12029];

// Recomputed from the hex digits, independently of the module.
function signedFromHex(code: string): number {
  const unsigned = Number.parseInt(code.slice(2), 16);
  return unsigned >= 2 ** 31 ? unsigned - 2 ** 32 : unsigned;
}

// The facility an entry must carry, from winerror.h's facility numbers.
function expectedFacility(code: string): ErrorCodeInfo['facility'] {
  const value = Number.parseInt(code.slice(2), 16);
  const facility = Math.floor(value / 0x10000) % 0x2000;
  const low = value % 0x10000;
  const winHttp = low >= 12001 && low <= 12192;
  if (value <= 0xffff || facility === 7) {
    return winHttp ? 'WinHTTP' : 'Win32';
  }
  if (facility === 11) {
    return 'Certificate';
  }
  if (facility === 36) {
    return 'Windows Update';
  }
  if (facility === 208) {
    return 'Delivery Optimization';
  }
  if (facility >= 0x7d0 && facility <= 0x7d2) {
    return 'ConfigMgr';
  }
  return 'COM';
}

/** The project reference's source tags (S2, W11, P3 …) a text cites. */
function referenceTags(text: string): string[] {
  return text.match(/(?<![0-9A-Za-z])[SWPT]\d{1,2}(?![0-9A-Za-z])/g) ?? [];
}

describe('catalogue contents', () => {
  it.each([...REFERENCE_7_2, ...OTHER_REQUIRED])('%s is catalogued with every field filled', (code) => {
    const entry = lookupErrorCode(code);
    expect(entry, code).toBeDefined();
    if (entry === undefined) {
      return;
    }
    expect(entry.code).toBe(code);
    for (const field of ['name', 'meaning', 'usualCause', 'nextCheck', 'source'] as const) {
      expect(entry[field].trim().length, `${code} ${field}`).toBeGreaterThan(0);
    }
  });

  it('every entry has a normalised code, non-empty texts and a facility matching its HRESULT fields', () => {
    for (const entry of ERROR_CODES) {
      expect(entry.code).toMatch(/^0x[0-9A-F]{8}$/);
      for (const field of ['name', 'meaning', 'usualCause', 'nextCheck', 'source'] as const) {
        expect(entry[field].trim(), `${entry.code} ${field}`).not.toBe('');
      }
      expect(entry.facility, entry.code).toBe(expectedFacility(entry.code));
    }
  });

  it('codes are unique', () => {
    const codes = ERROR_CODES.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('decimal is the signed 32-bit value of code for every entry', () => {
    for (const entry of ERROR_CODES) {
      expect(entry.decimal, entry.code).toBe(signedFromHex(entry.code));
    }
  });

  it('every reference tag the cause and check cite is named in source, where the reader looks it up', () => {
    for (const entry of ERROR_CODES) {
      for (const tag of referenceTags(`${entry.usualCause} ${entry.nextCheck}`)) {
        expect(referenceTags(entry.source), `${entry.code} cites ${tag}`).toContain(tag);
      }
    }
    expect(referenceTags('S2/S3: x (S9); [U: P3] W11, not XS2 or S2x')).toEqual(['S2', 'S3', 'S9', 'P3', 'W11']);
  });

  it('meanings the reference only has from third parties say so in source', () => {
    for (const code of ['0x87D00692', '0x800B0101', '0x800B0109', '0x8024B303', '0x87D00606']) {
      expect(lookupErrorCode(code)?.source, code).toMatch(/third-party/);
    }
  });

  it('a code the reference lists without a meaning is decomposed, not explained', () => {
    const entry = lookupErrorCode('0x8DDD0018');
    expect(entry?.meaning).toMatch(/not documented/i);
    expect(entry?.meaning).toContain('facility 3549');
    expect(entry?.meaning).toContain('code 24');
  });
});

describe('lookupErrorCode', () => {
  it('finds 0x80072EE2 from every written form', () => {
    const expected = lookupErrorCode('0x80072EE2');
    expect(expected?.name).toBe('ERROR_WINHTTP_TIMEOUT');
    for (const form of [
      '0x80072ee2',
      '0X80072EE2',
      '80072EE2',
      '80072ee2',
      '-2147012894',
      '2147954402',
      '[80072EE2]',
    ]) {
      expect(lookupErrorCode(form), form).toBe(expected);
    }
    expect(lookupErrorCode(-2147012894)).toBe(expected);
    expect(lookupErrorCode(2147954402)).toBe(expected);
  });

  it('finds every entry from its hex, bare hex, signed and unsigned decimal forms', () => {
    for (const entry of ERROR_CODES) {
      const hex = entry.code.slice(2);
      const unsigned = Number.parseInt(hex, 16);
      const forms: (string | number)[] = [
        entry.code.toLowerCase(),
        hex,
        hex.toLowerCase(),
        String(entry.decimal),
        String(unsigned),
        entry.decimal,
        unsigned,
      ];
      for (const form of forms) {
        expect(lookupErrorCode(form), `${entry.code} as ${form}`).toBe(entry);
      }
    }
  });

  it('returns undefined for codes not catalogued and for text that is no code', () => {
    expect(lookupErrorCode('0x80071234')).toBeUndefined();
    expect(lookupErrorCode('hello')).toBeUndefined();
    expect(lookupErrorCode(1.5)).toBeUndefined();
    expect(lookupErrorCode(2 ** 40)).toBeUndefined();
  });
});

describe('Win32 errors', () => {
  it('53 meets 0x80070035', () => {
    const bare = win32Error(53);
    const hresult = lookupErrorCode('0x80070035');
    expect(bare?.code).toBe('0x00000035');
    expect(bare?.decimal).toBe(53);
    expect(bare?.name).toBe('ERROR_BAD_NETPATH');
    expect(hresult?.name).toBe('ERROR_BAD_NETPATH');
    expect(bare?.meaning).toContain('The network path was not found.');
    expect(hresult?.meaning).toContain('The network path was not found.');
    expect(bare?.nextCheck).toBe(hresult?.nextCheck);
    expect(hresultFromWin32(53)).toBe('0x80070035');
    expect(lookupErrorCode(53)).toBe(bare);
    expect(lookupErrorCode('53')).toBe(bare);
  });

  it.each(REQUIRED_WIN32)('win32 %i is catalogued and its HRESULT too', (n) => {
    const bare = win32Error(n);
    expect(bare, String(n)).toBeDefined();
    expect(bare?.decimal).toBe(n);
    const hresult = lookupErrorCode(hresultFromWin32(n));
    expect(hresult, hresultFromWin32(n)).toBeDefined();
    expect(bare?.usualCause).toBe(hresult?.usualCause);
    expect(bare?.facility).toBe(hresult?.facility);
  });

  it('WinHTTP numbers map to the 0x80072… HRESULTs', () => {
    expect(hresultFromWin32(12002)).toBe('0x80072EE2');
    expect(hresultFromWin32(12029)).toBe('0x80072EFD');
    expect(win32Error(12002)?.facility).toBe('WinHTTP');
    expect(hresultFromWin32(0)).toBe('0x00000000');
  });

  it('every FACILITY_WIN32 HRESULT has its bare twin and every bare entry its HRESULT', () => {
    for (const entry of ERROR_CODES) {
      const parts = hresultParts(entry.code);
      if (parts.severity === 1 && parts.facility === 7) {
        expect(win32Error(parts.code), entry.code).toBeDefined();
      }
      if (entry.decimal >= 0) {
        expect(lookupErrorCode(hresultFromWin32(entry.decimal)), entry.code).toBeDefined();
      }
    }
  });

  it('rejects what is no Win32 error number', () => {
    expect(win32Error(-1)).toBeUndefined();
    expect(win32Error(0x10000)).toBeUndefined();
    expect(win32Error(2.5)).toBeUndefined();
    expect(win32Error(9999)).toBeUndefined();
  });
});

describe('hresultParts', () => {
  it.each([
    ['0x80072EE2', { severity: 1, facility: 7, code: 12002 }],
    ['0x87D00692', { severity: 1, facility: 0x7d0, code: 0x692 }],
    ['0x80244022', { severity: 1, facility: 36, code: 0x4022 }],
    ['-2145107934', { severity: 1, facility: 36, code: 0x4022 }],
    ['0x00240006', { severity: 0, facility: 36, code: 6 }],
  ])('%s', (code, parts) => {
    expect(hresultParts(code)).toEqual(parts);
  });

  it('throws on text that is no code', () => {
    expect(() => hresultParts('hello')).toThrow(RangeError);
  });
});

describe('describeErrorCode', () => {
  it('returns the catalogue entry for known codes', () => {
    expect(describeErrorCode('80244022')).toBe(lookupErrorCode('0x80244022'));
  });

  it('describes an unknown HRESULT by its fields and says it is not catalogued', () => {
    const entry = describeErrorCode('0x80071234');
    expect(entry.code).toBe('0x80071234');
    expect(entry.meaning).toMatch(/not in the CMFlow error catalogue/);
    expect(entry.meaning).toContain('facility 7 (FACILITY_WIN32)');
    expect(entry.meaning).toContain('code 0x1234 (4660)');
    expect(entry.meaning).toContain('severity 1 (failure)');
    expect(entry.facility).toBe('Win32');
    expect(entry.decimal).toBe(signedFromHex('0x80071234'));
    expect(entry.nextCheck).toContain('certutil -error 0x80071234');
  });

  it('names the facility of unknown Windows Update, ConfigMgr and unnamed-facility codes', () => {
    const wu = describeErrorCode('0x8024FFFE');
    expect(wu.facility).toBe('Windows Update');
    expect(wu.meaning).toContain('facility 36 (FACILITY_WINDOWSUPDATE)');
    const cm = describeErrorCode('-2016409999');
    expect(cm.code).toBe('0x87D00671');
    expect(cm.facility).toBe('ConfigMgr');
    expect(cm.meaning).toContain('facility 2000');
    expect(cm.nextCheck).toMatch(/CMTrace/);
    const odd = describeErrorCode('0xC1230001');
    expect(odd.facility).toBe('COM');
    expect(odd.meaning).toContain('no FACILITY_ name');
  });

  it('describes an unknown bare Win32 number as such', () => {
    const entry = describeErrorCode('1234');
    expect(entry.code).toBe('0x000004D2');
    expect(entry.facility).toBe('Win32');
    expect(entry.meaning).toContain('Win32 error 1234');
    expect(entry.meaning).toMatch(/not in the CMFlow error catalogue/);
    expect(entry.nextCheck).toContain('net helpmsg 1234');
  });

  it('says a success code is no failure', () => {
    expect(describeErrorCode('0x0').name).toBe('S_OK');
    expect(describeErrorCode('0x00000000').meaning).toMatch(/not a failure/);
  });

  it('never fails, even on text that is no code', () => {
    const entry = describeErrorCode('  not-a-code ');
    expect(entry.code).toBe('not-a-code');
    expect(entry.meaning).toMatch(/not a 32-bit error code/);
  });
});
