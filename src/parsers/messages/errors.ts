// Error codes in message text. ConfigMgr, WUA and WinHTTP write the same HRESULT half a dozen ways
// (`0x80244022`, `Error = 0x…`, `hr = 80072ee2`, `[80244007]`, `-2145107934`); the correlator joins on one
// spelling, `0x` + 8 uppercase hex digits. Success codes are never reported: a line saying `hr=0x0` did not fail.
//
// A hex number is only taken as an error code when something says so — error/hr/code/result wording right
// before it, or the failure bit (0x8…–0xF…) of an 8-digit HRESULT — because messages are full of other hex
// (`Flags 0x200`, state message ids `0x40000950`, thread ids `(0x0DCC)`, signatures).

const UINT32 = 0x1_0000_0000;

const S_OK = /^s_ok$/i;
const PREFIXED_HEX = /^0x[0-9a-f]{1,8}$/i;
// Eight hex digits, or fewer with a hex letter among them.
const BARE_HEX = /^(?:[0-9a-f]{8}|(?=[0-9]*[a-f])[0-9a-f]{1,8})$/i;
const DECIMAL = /^[-+]?\d{1,10}$/;

/**
 * Normalise one written error code to `0x` + 8 uppercase hex digits. Accepts `0x…`/`0X…`, bare 8-digit hex
 * (WU brackets, `hr=8007000E`), anything containing a hex letter, optional `[…]`/`(…)` around it, and signed
 * decimals (`-2145107934`, `2149859362`). Returns undefined for anything that is not a 32-bit number.
 * A short all-digit string is read as decimal (`53` → `0x00000035`): bare hex is only ever written 8 wide.
 */
export function normalizeErrorCode(raw: string): string | undefined {
  let s = raw.trim();
  if (s.length >= 2 && ((s.startsWith('[') && s.endsWith(']')) || (s.startsWith('(') && s.endsWith(')')))) {
    s = s.slice(1, -1).trim();
  }
  if (S_OK.test(s)) {
    return '0x00000000';
  }
  let value: number;
  if (PREFIXED_HEX.test(s)) {
    value = Number.parseInt(s.slice(2), 16);
  } else if (BARE_HEX.test(s)) {
    value = Number.parseInt(s, 16);
  } else if (DECIMAL.test(s)) {
    value = Number.parseInt(s, 10);
    if (value < -0x8000_0000 || value >= UINT32) {
      return undefined;
    }
    if (value < 0) {
      value += UINT32;
    }
  } else {
    return undefined;
  }
  return '0x' + value.toString(16).toUpperCase().padStart(8, '0');
}

// One left-to-right scan with alternatives, so that a code is taken once, by the most specific form:
//  1 wording (error/hr/code/result, also inside `installerError`, `HRESULT`, `Exit code`) + `=`/`:` + value
//    1a 0x…   1b negative decimal (a positive one, `error = 5`, is some other counter)
//    1c bare 8-digit hex with the failure bit (`hr = 80072ee2`)
//  2 bare 0x… with the failure bit, 8 digits   3 WU `*FAILED* [80244007]` brackets
const ERROR_CODE =
  /(?:\bhr|error|code|result)\s*(?:=|:)?\s*\(?\s*(?:0x([0-9a-f]{1,8})|(-\d{1,10})|([89a-f][0-9a-f]{7}))(?![0-9a-z])|\b0x([89a-f][0-9a-f]{7})(?![0-9a-z])|\[([89a-f][0-9a-f]{7})\]/gi;

// Cheap screen: every form above contains one of these.
const ERROR_HINT = /0x|hr|rr|code|sult|\[[89a-f]/i;

/** Every failure code in `text`, normalised, in order of appearance, without duplicates. */
export function findErrorCodes(text: string): string[] {
  const found: string[] = [];
  if (!ERROR_HINT.test(text)) {
    return found;
  }
  ERROR_CODE.lastIndex = 0;
  for (let m = ERROR_CODE.exec(text); m !== null; m = ERROR_CODE.exec(text)) {
    const hex = m[1] ?? m[3] ?? m[4] ?? m[5];
    // The regex has already vetted the hex digits: format them directly (this runs on every failure line).
    const code =
      hex !== undefined
        ? '0x' + hex.toUpperCase().padStart(8, '0')
        : m[2] !== undefined
          ? normalizeErrorCode(m[2])
          : undefined;
    if (code === undefined || code === '0x00000000' || found.includes(code)) {
      continue;
    }
    if (m[1] !== undefined && m[0].slice(0, 2).toLowerCase() === 'hr' && !isFailure(code)) {
      // hr is an HRESULT by definition: S_FALSE and friends are successes.
      continue;
    }
    found.push(code);
  }
  return found;
}

// Win32 errors written as plain decimals in prose: `…, error 53`, `reported error 53: The network path…`.
// `error = 5` (with `=`) is a counter of some other kind (`soap client error = 5`) and is not taken.
const WIN32_ERROR = /\berror (\d{1,5})\b/i;

/** The first win32 error written as `error <decimal>`, as written. */
export function findWin32Error(text: string): number | undefined {
  if (!text.includes('rror ')) {
    return undefined;
  }
  const m = WIN32_ERROR.exec(text);
  return m?.[1] !== undefined ? Number.parseInt(m[1], 10) : undefined;
}

function isFailure(code: string): boolean {
  return code.charCodeAt(2) >= 0x38; // '8'..'F': the severity bit of an HRESULT
}
