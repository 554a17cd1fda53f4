// The store's paged columns: rows across page boundaries, the joined array the views read, and rows
// added after it was joined.

import { describe, expect, it } from 'vitest';
import { PagedColumn } from '../../src/correlate/store.ts';

const PAGE = 1 << 16;

describe('PagedColumn', () => {
  it('keeps every row across pages and joins them in order', () => {
    const c = new PagedColumn((n) => new Int32Array(n));
    const n = 2 * PAGE + 17;
    for (let i = 0; i < n; i++) {
      c.set(i, i * 3);
    }
    expect([c.get(0), c.get(PAGE - 1), c.get(PAGE), c.get(n - 1)]).toEqual([0, (PAGE - 1) * 3, PAGE * 3, (n - 1) * 3]);
    const data = c.data;
    expect(data.length).toBe(n);
    expect(data.every((v, i) => v === i * 3)).toBe(true);
    expect(c.data).toBe(data);
  });

  it('goes on growing after the rows were joined, and joins again', () => {
    const c = new PagedColumn((n) => new Float64Array(n));
    for (let i = 0; i < PAGE + 5; i++) {
      c.set(i, i + 0.5);
    }
    const before = c.data;
    expect(before.length).toBe(PAGE + 5);
    for (let i = PAGE + 5; i < 2 * PAGE + 3; i++) {
      c.set(i, i + 0.5);
    }
    const after = c.data;
    expect(after).not.toBe(before);
    expect(after.length).toBe(2 * PAGE + 3);
    expect(after.every((v, i) => v === i + 0.5)).toBe(true);
    expect(c.get(PAGE + 4)).toBe(PAGE + 4.5);
  });

  it('joins an empty column and a small one without a page of slack', () => {
    const c = new PagedColumn((n) => new Uint8Array(n));
    expect(c.data.length).toBe(0);
    c.set(0, 7);
    c.set(1, 9);
    expect([...c.data]).toEqual([7, 9]);
  });
});
