// Many clients at a few management points (the generator's benchmark bundle, small): flows must be kept
// apart by identifiers and client addresses, never merged because they happened at the same time.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/correlate/analyze.ts';
import type { Timeline } from '../../src/correlate/model.ts';
import { openBundle } from '../../src/parsers/bundle.ts';
import { generateBundle } from '../gen/bundle-gen.ts';

let dir: string;
let t: Timeline;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmflow-many-'));
  await generateBundle({ outDir: dir, targetBytes: 32_000_000, seed: 7 });
  t = await analyzeBundle(await openBundle(dir));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('many clients at one MP', () => {
  it('has many clients and their flows', () => {
    const clients = new Set(t.flows.filter((f) => f.kind === 'scan').map((f) => f.host));
    expect(clients.size).toBeGreaterThanOrEqual(20);
  });

  it("joins each client's location request to the MP request from that client's address", () => {
    const byId = new Map(t.events.map((e) => [e.id, e]));
    const ipOf = new Map<string, string>();
    for (const e of t.events) {
      if (e.kind === 'LocationServices.wsusLocationRequest' && e.fields.clientIp !== undefined) {
        ipOf.set(e.host, e.fields.clientIp);
      }
    }
    let checked = 0;
    for (const f of t.flows.filter((x) => x.kind === 'scan')) {
      for (const id of f.events) {
        const e = byId.get(id)!;
        if (e.kind === 'MPLocation.requestBody') {
          expect(e.fields.clientIp, `${f.id} took ${id}`).toBe(ipOf.get(f.host));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it("joins each relay to the MP_Relay body of the same client, and no MP event to two clients' flows", () => {
    const byId = new Map(t.events.map((e) => [e.id, e]));
    const owner = new Map<string, string>();
    for (const f of t.flows.filter((x) => x.kind !== 'sync')) {
      for (const id of f.events) {
        const e = byId.get(id)!;
        if (e.host === f.host) {
          continue;
        }
        if (e.kind === 'MPRelay.messageBody') {
          expect(e.fields.clientId).toBe(f.keys.clientId);
        }
        if (
          e.kind === 'MPRelay.messageBody' ||
          e.kind === 'MPLocation.requestBody' ||
          e.kind === 'StateSys.processingFile'
        ) {
          expect(owner.get(id) ?? f.host, `${id} in flows of two clients`).toBe(f.host);
          owner.set(id, f.host);
        }
      }
    }
    expect(owner.size).toBeGreaterThan(20);
  });

  it('gives every SMX file to one relay at most', () => {
    const smx = t.flows.flatMap((f) => (typeof f.keys.smxFile === 'string' ? [f.keys.smxFile] : []));
    expect(new Set(smx).size).toBe(smx.length);
  });
});
