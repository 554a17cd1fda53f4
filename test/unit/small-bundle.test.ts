// Which bundles `cmflow` analyzes on its own thread: under SMALL_BUNDLE_BYTES of files, a .zip counted at
// what it would hold, and anything unreadable taken as large so that the command runs as it always did.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSmallBundle, SMALL_BUNDLE_BYTES, ZIP_RATIO } from '../../src/cli/small-bundle.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cmflow-small-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `bytes` that takes no disk (sparse). */
function file(path: string, bytes: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

describe('isSmallBundle', () => {
  it('counts every file under the folder, in every subfolder', () => {
    file(join(dir, 'CLIENT1/Windows/CCM/Logs/ScanAgent.log'), SMALL_BUNDLE_BYTES / 2);
    expect(isSmallBundle(dir)).toBe(true);
    file(join(dir, 'MP01/SMS_CCM/Logs/MP_Location.log'), SMALL_BUNDLE_BYTES / 2);
    expect(isSmallBundle(dir)).toBe(false);
  });

  it('does not follow a link to a folder, as the bundle listing does not', () => {
    const outside = mkdtempSync(join(tmpdir(), 'cmflow-outside-'));
    try {
      file(join(outside, 'big.log'), 2 * SMALL_BUNDLE_BYTES);
      symlinkSync(outside, join(dir, 'linked'), 'dir');
      expect(isSmallBundle(dir)).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('counts a .zip at what it would hold, and a single log at its size', () => {
    const zip = file(join(dir, 'bundle.ZIP'), Math.ceil(SMALL_BUNDLE_BYTES / ZIP_RATIO));
    expect(isSmallBundle(zip)).toBe(false);
    expect(isSmallBundle(file(join(dir, 'small.zip'), 1024 * 1024))).toBe(true);
    expect(isSmallBundle(file(join(dir, 'ScanAgent.log'), SMALL_BUNDLE_BYTES - 1))).toBe(true);
  });

  it('takes a path it cannot read as large', () => {
    expect(isSmallBundle(join(dir, 'no-such-bundle'))).toBe(false);
  });
});
