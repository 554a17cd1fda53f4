// The heap bound an analysis runs under: below the 2 GB at which V8 lets a heap grow to four times its live
// set, unless the heap is already that small or the user chose its size.

import { describe, expect, it } from 'vitest';
import { analysisHeapMB, outgrewHeap } from '../../src/service/heap-bound.ts';

const GB = 1024 ** 3;

describe('analysisHeapMB', () => {
  it('bounds a larger heap at 1536 MB, and leaves one of that size or less alone', () => {
    expect(analysisHeapMB({}, [], 4 * GB)).toBe(1536);
    expect(analysisHeapMB({}, [], 1.5 * GB + 1)).toBe(1536);
    expect(analysisHeapMB({}, [], 1.5 * GB)).toBeUndefined();
  });

  it('leaves a size the user set alone, on the command line or in NODE_OPTIONS', () => {
    expect(analysisHeapMB({}, ['--max-old-space-size=8192'], 8 * GB)).toBeUndefined();
    expect(analysisHeapMB({ NODE_OPTIONS: '--max-old-space-size=3072' }, [], 3 * GB)).toBeUndefined();
  });

  it('takes CMFLOW_HEAP_MB, where 0 (or anything but a whole number) means no bound', () => {
    expect(analysisHeapMB({ CMFLOW_HEAP_MB: '512' }, ['--max-old-space-size=8192'], 8 * GB)).toBe(512);
    expect(analysisHeapMB({ CMFLOW_HEAP_MB: '0' }, [], 4 * GB)).toBeUndefined();
    expect(analysisHeapMB({ CMFLOW_HEAP_MB: 'lots' }, [], 4 * GB)).toBeUndefined();
    expect(analysisHeapMB({ CMFLOW_HEAP_MB: '' }, [], 4 * GB)).toBe(1536);
  });
});

describe('outgrewHeap', () => {
  it('tells a worker stopped at its heap bound from other failures', () => {
    expect(outgrewHeap(Object.assign(new Error('JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }))).toBe(
      true,
    );
    expect(outgrewHeap(new Error('the analysis worker stopped (exit code 1)'))).toBe(false);
    expect(outgrewHeap(undefined)).toBe(false);
  });
});
