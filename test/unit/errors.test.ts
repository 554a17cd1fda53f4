// Error-code recognition: every written form of reference §7 normalises to `0x` + 8 uppercase hex digits,
// success codes and the many non-error hex numbers of ConfigMgr messages are not taken.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findErrorCodes, findWin32Error, normalizeErrorCode } from '../../src/parsers/messages/errors.ts';

describe('normalizeErrorCode', () => {
  it.each([
    ['0x80244022', '0x80244022'],
    ['0X80244022', '0x80244022'],
    ['0x87d00692', '0x87D00692'],
    ['  0x80072ee2 ', '0x80072EE2'],
    ['80072ee2', '0x80072EE2'], // WU `hr = 80072ee2`
    ['8007000E', '0x8007000E'], // `hr=8007000E`
    ['[80244007]', '0x80244007'], // WU `*FAILED* [80244007]`
    ['(0x80070643)', '0x80070643'],
    ['-2145107934', '0x80244022'], // signed decimal (DB / console views)
    ['-2016409966', '0x87D00692'], // ConfigMgr decimal error code
    ['2149859362', '0x80244022'], // unsigned decimal
    ['0x5', '0x00000005'],
    ['53', '0x00000035'], // short all-digit strings are decimal
    ['0x0', '0x00000000'],
    ['S_OK', '0x00000000'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeErrorCode(raw)).toBe(expected);
  });

  it.each(['', 'hello', '0x', '0x123456789', '0xZZ', '-9999999999', '4294967296', '12.5', '[]', '8007000E5'])(
    'rejects %j',
    (raw) => {
      expect(normalizeErrorCode(raw)).toBeUndefined();
    },
  );
});

describe('findErrorCodes', () => {
  it.each<[string, string[]]>([
    // wording + value
    ['CScanJob::Execute- Failed at AddUpdateSource, Error = 0x87d00692', ['0x87D00692']],
    [
      'Failed to Add Update Source for WUAgent of type (2) and id ({891B2E1B-4873-4092-B1FD-7EAADE75A3D3}). Error = 0x87d00692.',
      ['0x87D00692'],
    ],
    ['Job error (0x87d00692) received for assignment ({8b5e0d02-d742-4fdc-b06e-d1e55d8c05da}) action', ['0x87D00692']],
    ['WARNING: ISusInternal::GetUpdateMetadata2 failed, hr=8007000E', ['0x8007000E']],
    ['WARNING: Send failed with hr = 80072ee2.', ['0x80072EE2']],
    ['WARNING: Unable to establish connection to the service. (hr=80070005)', ['0x80070005']],
    [
      'WARNING: SyncUpdates failure, error = 0x80072EE2, soap client error = 5, soap error code = 0, HTTP status code = 200',
      ['0x80072EE2'],
    ],
    ['WARNING: Exit code = 0x80072EE2', ['0x80072EE2']],
    ['Installation job encountered some failures. Job Result = 0x80240022.', ['0x80240022']],
    ['Unknown message with error = -2145107934', ['0x80244022']],
    ['installerError=0x80070005', ['0x80070005']],
    ['Error = 0x5', ['0x00000005']],
    // WU brackets, bare failure HRESULTs
    ['*FAILED* [80244007] SyncUpdates_WithRecovery failed', ['0x80244007']],
    ['*FAILED* [800703F0] Failed to get proxy settings token, not impersonating user', ['0x800703F0']],
    ['*FAILED* [8024400a] lower case', ['0x8024400A']],
    ['Update 1 (0a91b273-404a-475f-b065-b2f54b99c7b1) finished installing (0x80070643)', ['0x80070643']],
    ['Unexpected HRESULT for downloading complete: 0x80d02002', ['0x80D02002']],
    ['0x80072EFE - The connection with the server was terminated abnormally', ['0x80072EFE']],
    ['A 0X80244022 B', ['0x80244022']],
    // order of appearance, duplicates once
    [
      'OnSearchComplete - Failed to end search job. Error = 0x80244010. Scan failed with error = 0x80244010.',
      ['0x80244010'],
    ],
    ['Failed (0x80070005), then hr=80072EFD and [80244022]', ['0x80070005', '0x80072EFD', '0x80244022']],
    // success codes are not errors
    ['Completed install of CBS update with type=3, requiresReboot=1, installerError=0, hr=0x0', []],
    ['Update 1 (3cbcf577-5139-49b8-afe8-620af5c52f95) finished installing (0x00000000), Reboot Required? Yes', []],
    ['Error = 0x00000000', []],
    ['returned S_OK', []],
    ['hr=0x00000001', []], // S_FALSE
    // hex and numbers that are not error codes
    ["Sending outgoing message '{76453CC6-76BA-4B68-BE30-BA70754570BB}'. Flags 0x200, sender account empty", []],
    ['Report state message 0x40000950 to MP', []],
    ['Hash matches ContentAccess 3532 (0x0DCC)', []],
    ['TopicType = Compliance, Signature = 5e176837, IsCompliant = False', []],
    ["Task 'SUM Update Status Summarizer' completed successfully after running for 15 seconds, with status 8.", []],
    ['value -2145107934 without wording', []],
    ['Failed to move file a to b, error 53', []],
    ['Update {80244022-0000-4000-8000-000000000000} and 80244022-0000-4000-8000-000000000000', []],
    ['WS error: <detail><ErrorCode>InvalidParameters</ErrorCode>', []],
    ['', []],
  ])('%s', (text, codes) => {
    expect(findErrorCodes(text)).toEqual(codes);
  });

  it('only ever reports well-formed failure codes, and never throws', () => {
    const hexish = fc.constantFrom(
      '0x',
      '0X',
      'hr=',
      'hr = ',
      'Error = ',
      'error ',
      '[',
      ']',
      '(',
      ')',
      '-',
      '8',
      '0',
      'E',
      'f',
      ' ',
      '2145107934',
      '80244022',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(hexish, { maxLength: 20 }).map((p) => p.join('')),
        ),
        (text) => {
          for (const code of findErrorCodes(text)) {
            expect(code).toMatch(/^0x[0-9A-F]{8}$/);
            expect(code).not.toBe('0x00000000');
            expect(normalizeErrorCode(code)).toBe(code);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('findWin32Error', () => {
  it.each<[string, number | undefined]>([
    ['Failed to move file C:\\a.SMX to \\\\SITE\\SMS_PS1\\a.SMX, error 53', 53],
    ['The operating system reported error 53: The network path was not found.', 53],
    ['Failed to move file a to b, error 53.', 53],
    ['soap client error = 5', undefined],
    ['Error = 0x87d00692', undefined],
    ['no errors here', undefined],
  ])('%s', (text, expected) => {
    expect(findWin32Error(text)).toBe(expected);
  });
});
