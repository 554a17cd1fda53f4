// The MPs' IIS requests as the correlator finds them: by MP and client address, nearest in time within a
// window on the MP's corrected clock, the same event each time it is asked (or, once written to the timeline,
// one with the same row), and the same after the index crossed from a collecting worker (a structured clone)
// and was merged with others.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IisIndex } from '../../src/correlate/iis-index.ts';
import { parseBytes } from '../../src/parsers/file-parser.ts';
import type { UtcInstant } from '../../src/parsers/time.ts';

const CRLF = '\r\n';
const HEADER = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2025-02-11 10:00:00',
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
];

function request(time: string, clientIp: string, status = 200): string {
  return `2025-02-11 ${time} 10.1.0.20 CCM_POST /ccm_system/request - 80 - ${clientIp} ccmhttp - ${status} 0 0 46`;
}

/** An index of one IIS log's requests, as collect builds it (seq counts records from 1). */
function indexOf(file: string, host: string, lines: string[]): IisIndex {
  const out = parseBytes(Buffer.from([...HEADER, ...lines].join(CRLF) + CRLF), { file });
  const index = new IisIndex();
  out.records.forEach((r, i) => index.add(r, host, i + 1));
  return index;
}

const at = (time: string): number => Date.parse(`2025-02-11T${time}Z`);

describe('IisIndex', () => {
  const file = 'PS1MP01/inetpub/logs/LogFiles/W3SVC1/u_ex250211.log';
  const lines = [
    request('10:00:01', '10.1.5.21'),
    request('10:00:03', '10.1.5.22'),
    request('10:00:04', '10.1.5.21', 500),
    request('10:00:09', '10.1.5.21'),
  ];

  it('finds the request from the address nearest in time, within the window, on the corrected clock', () => {
    const index = indexOf(file, 'PS1MP01', lines);
    const found = index.nearest('PS1MP01', '10.1.5.21', at('10:00:03.800'), 5000, () => 0);
    expect(found).toMatchObject({
      file,
      line: 7,
      endLine: 7,
      host: 'PS1MP01',
      utc: at('10:00:04'),
      component: 'IIS',
      kind: 'IIS.request',
      seq: 7,
      fields: { httpMethod: 'CCM_POST', uriStem: '/ccm_system/request', clientIp: '10.1.5.21', httpStatus: 500 },
    });
    // The MP's clock reads 6 s ahead: its 10:00:09 is 10:00:03 corrected.
    expect(index.nearest('PS1MP01', '10.1.5.21', at('10:00:03'), 1000, () => 6000)?.line).toBe(8);
    expect(index.nearest('PS1MP01', '10.1.5.21', at('10:00:30'), 5000, () => 0)).toBeUndefined();
    expect(index.nearest('PS1MP01', '10.1.5.99', at('10:00:03'), 5000, () => 0)).toBeUndefined();
    expect(index.nearest('PS1MP02', '10.1.5.21', at('10:00:03'), 5000, () => 0)).toBeUndefined();
  });

  it('takes the earlier of two requests equally near, and hands out one event per request', () => {
    const index = indexOf(file, 'PS1MP01', lines);
    const first = index.nearest('PS1MP01', '10.1.5.21', at('10:00:02.500'), 5000, () => 0);
    expect(first?.line).toBe(5);
    expect(index.nearest('PS1MP01', '10.1.5.21', at('10:00:02.500'), 5000, () => 0)).toBe(first);
  });

  it('lets go of events once written, and hands a later layer the row they were written to', () => {
    const index = indexOf(file, 'PS1MP01', lines);
    const written = index.nearest('PS1MP01', '10.1.5.21', at('10:00:02.500'), 5000, () => 0)!;
    const unwritten = index.nearest('PS1MP01', '10.1.5.21', at('10:00:09'), 1000, () => 0)!;
    written.row = 41;
    index.settle();
    const again = index.nearest('PS1MP01', '10.1.5.21', at('10:00:02.500'), 5000, () => 0);
    expect(again).not.toBe(written);
    expect(again).toEqual(written);
    // An event not yet in the timeline stays the one every flow shares.
    expect(index.nearest('PS1MP01', '10.1.5.21', at('10:00:09'), 1000, () => 0)).toBe(unwritten);
    expect(unwritten.row).toBe(-1);
  });

  it('answers the same after crossing threads and merging with other layers', () => {
    const whole = indexOf(file, 'PS1MP01', lines);
    const other = 'PS1MP02/inetpub/logs/LogFiles/W3SVC1/u_ex250211.log';
    const merged = IisIndex.fromColumns(
      structuredClone(indexOf(file, 'PS1MP01', lines.slice(0, 2)).columnsForTransfer()),
    );
    merged.merge(indexOf(other, 'PS1MP02', [request('10:00:05', '10.1.5.21')]));
    merged.merge(IisIndex.fromColumns(structuredClone(indexOf(file, 'PS1MP01', lines).columnsForTransfer())));
    expect(merged.size).toBe(2 + 1 + 4);
    for (const t of ['10:00:00', '10:00:02.500', '10:00:04.200', '10:00:08']) {
      const want = whole.nearest('PS1MP01', '10.1.5.21', at(t), 5000, () => 0);
      const got = merged.nearest('PS1MP01', '10.1.5.21', at(t), 5000, () => 0);
      expect([got?.file, got?.line, got?.utc, got?.fields]).toEqual([want?.file, want?.line, want?.utc, want?.fields]);
    }
    expect(merged.nearest('PS1MP02', '10.1.5.21', at('10:00:05'), 1000, () => 0)).toMatchObject({
      file: other,
      line: 5,
    });
  });

  it('gives back times months apart and byte offsets past 2 GiB, also after crossing threads', () => {
    const index = new IisIndex();
    const r = parseBytes(Buffer.from([...HEADER, request('10:00:01', '10.1.5.21')].join(CRLF) + CRLF), {
      file,
    }).records.at(-1);
    const DAY = 86_400_000;
    const times = [at('10:00:01'), at('10:00:01') + 90 * DAY, at('10:00:01') - 40 * DAY];
    const offsets = [5, 2 ** 31 + 17, 2 ** 40];
    // The request as the framer gives it, moved in time and in its file.
    times.forEach((utc, i) => index.add({ ...r!, utc: utc as UtcInstant, offset: offsets[i]! }, 'PS1MP01', i + 1));
    const crossed = IisIndex.fromColumns(structuredClone(index.columnsForTransfer()));
    for (const ix of [index, crossed]) {
      const found = times.map((t) => ix.nearest('PS1MP01', '10.1.5.21', t, 1000, () => 0));
      expect(found.map((e) => [e?.utc, e?.offset])).toEqual(times.map((t, i) => [t, offsets[i]]));
    }
  });

  it('says who posted to an MP around a time, each address once, also after merging other layers', () => {
    const index = indexOf(file, 'PS1MP01', lines);
    expect(index.addressesNear('PS1MP01', at('10:00:03.500'), 3000, 1000)).toEqual(['10.1.5.21', '10.1.5.22']);
    expect(index.addressesNear('PS1MP01', at('10:00:08.500'), 3000, 1000)).toEqual(['10.1.5.21']);
    expect(index.addressesNear('PS1MP01', at('10:00:06'), 1000, 1000)).toEqual([]);
    expect(index.addressesNear('PS1MP02', at('10:00:03'), 3000, 3000)).toEqual([]);
    // Rows that come after it was first asked are in the next answer, in time order whatever order they came in.
    index.merge(indexOf(file, 'PS1MP01', [request('10:00:06', '10.1.5.30'), request('10:00:02', '10.1.5.31')]));
    expect(index.addressesNear('PS1MP01', at('10:00:04'), 2000, 2000)).toEqual([
      '10.1.5.31',
      '10.1.5.22',
      '10.1.5.21',
      '10.1.5.30',
    ]);
  });

  it('finds what a scan of every request finds, whether the requests came in time order or not', () => {
    const r = parseBytes(Buffer.from([...HEADER, request('10:00:00', '10.1.5.21')].join(CRLF) + CRLF), {
      file,
    }).records.at(-1)!;
    const base = at('10:00:00');
    // Seconds with ties, so the rule for two requests equally near is tested too.
    const second = fc.integer({ min: 0, max: 60 }).map((s) => base + s * 500);
    fc.assert(
      fc.property(
        fc.array(second, { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.array(
          fc.tuple(
            fc.integer({ min: -5, max: 70 }),
            fc.integer({ min: 0, max: 8000 }),
            fc.integer({ min: -3000, max: 3000 }),
          ),
        ),
        (times, inOrder, asks) => {
          const logged = inOrder ? [...times].sort((a, b) => a - b) : times;
          const index = new IisIndex();
          logged.forEach((utc, i) => index.add({ ...r, utc: utc as UtcInstant, line: i + 1 }, 'PS1MP01', i + 1));
          for (const [s, window, skew] of asks) {
            const t = base + s * 500;
            let want: number | undefined;
            let wantDistance = Infinity;
            logged.forEach((utc, i) => {
              const d = utc - skew - t;
              if (Math.abs(d) <= window && Math.abs(d) < wantDistance) {
                want = i + 1;
                wantDistance = Math.abs(d);
              }
            });
            expect(index.nearest('PS1MP01', '10.1.5.21', t, window, () => skew)?.line).toBe(want);
          }
        },
      ),
    );
  });
});
