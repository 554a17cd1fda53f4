// Temp folders for tests that leave nothing behind.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh folder under the system's temp folder, removed with its contents when the running test ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cmflow-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  return dir;
}

/**
 * A copy of a sample bundle (`samples/logs/<name>`) with the first lines of some of its files left out, as
 * a log that rolled over since loses them: `cut` maps a file's path in the bundle to how many lines go.
 * Removed when the running test ends.
 */
export function sampleWithout(name: string, cut: Readonly<Record<string, number>>): string {
  const dir = tempDir(name);
  cpSync(join(__dirname, '../../samples/logs', name), dir, { recursive: true });
  for (const [path, lines] of Object.entries(cut)) {
    const file = join(dir, path);
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(lines).join('\n'));
  }
  return dir;
}
