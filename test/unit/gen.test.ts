// The scenario generator (test/gen) is the source of the sample bundles and of the ground truth later tests
// assert against, so its output must be reproducible, in the exact raw formats, and its truth must point at
// the lines it claims.

import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RenderedSample, Truth } from '../gen/bundles.ts';
import { generateBundle } from '../gen/bundle-gen.ts';
import { renderAllSamples } from '../gen/write-samples.ts';

const ROOT = process.cwd();
const samples = renderAllSamples();

/** One CCM record: message (may span lines), then the seven attributes in ConfigMgr's order, then CRLF. */
const CCM_RECORD =
  /<!\[LOG\[([\s\S]*?)\]LOG\]!><time="(\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-]\d{1,4})" date="(\d{2})-(\d{2})-(\d{4})" component="([A-Za-z_]+)" context="" type="([123])" thread="(\d+)" file="([a-z]+\.cpp):(\d+)">\r\n/y;
const SMS_LINE =
  /^~?[^\r\n]*?~? {2}\$\$<([A-Z_]+)><(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-]\d{1,4})><thread=(\d+) \(0x([0-9A-F]+)\)>$/;
const WU_LINE = /^(\d{4})-(\d{2})-(\d{2})\t(\d{2}):(\d{2}):(\d{2}):(\d{3})\t[ 0-9a-f]{4}\t[0-9a-f]+\t[A-Za-z]+\t.*$/;
/** Get-WindowsUpdateLog output: 7 fractional digits, decimal pid and tid, the component padded to 16 characters. */
const WU_ETL_LINE =
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{7} \d+ {2}\d+ {2}(?=[A-Za-z]+ +\S)(?:[A-Za-z ]{16})\S.*$/;
const IIS_FIELDS =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
const IIS_ROW = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (\S+ ){12}\d+$/;

function kindOf(path: string): 'ccm' | 'sms' | 'wu' | 'iis' {
  if (path.endsWith('WindowsUpdate.log')) {
    return 'wu';
  }
  if (path.includes('/inetpub/')) {
    return 'iis';
  }
  if (path.includes('/SMS/Logs/') || path.includes('/Microsoft Configuration Manager/Logs/')) {
    return 'sms';
  }
  return 'ccm';
}

/** The biases a host's logs print, in order: one, or the one before its zone's change and the one after. */
function biasesOf(truth: Truth, path: string): number[] {
  const host = truth.hosts.find((h) => path.startsWith(`${h.folder}/`));
  if (host === undefined) {
    throw new Error(`no host for ${path}`);
  }
  return host.biasStep === undefined ? [host.biasMinutes] : [host.biasMinutes, host.biasStep.toMinutes];
}

function physicalLines(content: string): string[] {
  return content.replace(/^\uFEFF/, '').split('\r\n');
}

describe('sample generator', () => {
  it('is byte-identical across runs', () => {
    const again = renderAllSamples();
    expect(again.map((s) => s.name)).toEqual(samples.map((s) => s.name));
    for (const [i, s] of samples.entries()) {
      const other = again[i] as RenderedSample;
      expect([...other.files.keys()]).toEqual([...s.files.keys()]);
      for (const [path, content] of s.files) {
        expect(other.files.get(path) === content, `${s.name}/${path}`).toBe(true);
      }
      expect(JSON.stringify(other.truth)).toBe(JSON.stringify(s.truth));
    }
  });

  it('matches the committed samples/logs and truth files (run `npm run samples` after changing test/gen)', async () => {
    for (const s of samples) {
      for (const [path, content] of s.files) {
        const disk = await readFile(join(ROOT, 'samples', 'logs', s.name, path));
        expect(disk.equals(Buffer.from(content, 'utf8')), `${s.name}/${path}`).toBe(true);
      }
      const truth = await readFile(join(ROOT, 'test', 'gen', 'truth', `${s.name}.json`), 'utf8');
      expect(JSON.parse(truth)).toEqual(JSON.parse(JSON.stringify(s.truth)));
    }
  });

  it('writes every CCM record in the raw CMTrace grammar with the host bias', () => {
    let records = 0;
    for (const s of samples) {
      for (const [path, content] of s.files) {
        if (kindOf(path) !== 'ccm') {
          continue;
        }
        expect(content.startsWith('\uFEFF'), `${path} has a BOM`).toBe(true);
        const body = content.slice(1);
        const biases = biasesOf(s.truth, path);
        // Summer time ending moves a file's bias on once, never back.
        let stretch = 0;
        CCM_RECORD.lastIndex = 0;
        while (CCM_RECORD.lastIndex < body.length) {
          const at = CCM_RECORD.lastIndex;
          const m = CCM_RECORD.exec(body);
          if (m === null) {
            throw new Error(`${s.name}/${path}: no CCM record at offset ${at}: ${body.slice(at, at + 120)}`);
          }
          const [, message, hh, mi, ss, , biasText, mm, dd] = m;
          expect(Number(hh)).toBeLessThan(24);
          expect(Number(mi)).toBeLessThan(60);
          expect(Number(ss)).toBeLessThan(60);
          expect(Number(mm)).toBeGreaterThanOrEqual(1);
          expect(Number(mm)).toBeLessThanOrEqual(12);
          expect(Number(dd)).toBeGreaterThanOrEqual(1);
          expect(Number(dd)).toBeLessThanOrEqual(31);
          const bias = Number(biasText);
          stretch = Math.max(stretch, biases.indexOf(bias, stretch));
          expect(biases[stretch], `${path}: bias ${biasText} of ${biases.join(', ')}`).toBe(bias);
          expect(biasText).toBe(bias === 0 ? '+000' : `${bias > 0 ? '+' : '-'}${Math.abs(bias)}`);
          // Line breaks inside a message are CRLF, never bare.
          expect(message?.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
          records++;
        }
      }
    }
    expect(records).toBeGreaterThan(1000);
  });

  it('writes SMS trace, WindowsUpdate.log and IIS lines in their raw formats', () => {
    for (const s of samples) {
      for (const [path, content] of s.files) {
        const kind = kindOf(path);
        if (kind === 'ccm') {
          continue;
        }
        expect(content.startsWith('\uFEFF'), `${path} has no BOM`).toBe(false);
        expect(content.endsWith('\r\n')).toBe(true);
        const lines = physicalLines(content).slice(0, -1);
        for (const line of lines) {
          expect(line).not.toMatch(/[\r\n]/);
          if (kind === 'sms') {
            const m = SMS_LINE.exec(line);
            expect(m, `${s.name}/${path}: ${line}`).not.toBeNull();
            expect(biasesOf(s.truth, path)).toContain(Number(m?.[9]));
            expect(Number.parseInt(m?.[11] ?? '', 16)).toBe(Number(m?.[10]));
          } else if (kind === 'wu') {
            const decoded = s.truth.hosts.some((h) => h.windowsUpdateLog?.file === path);
            expect(line, `${s.name}/${path}`).toMatch(decoded ? WU_ETL_LINE : WU_LINE);
          } else if (line.startsWith('#')) {
            expect(line).toMatch(
              /^#(Software: Microsoft Internet Information Services 10\.0|Version: 1\.0|Date: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|Fields: .*)$/,
            );
            if (line.startsWith('#Fields')) {
              expect(line).toBe(IIS_FIELDS);
            }
          } else {
            expect(line, `${s.name}/${path}`).toMatch(IIS_ROW);
          }
        }
        if (kind === 'iis') {
          expect(lines[0]).toBe('#Software: Microsoft Internet Information Services 10.0');
        }
      }
    }
  });

  it('points every truth location at a line that says what the truth claims', async () => {
    let checked = 0;
    for (const s of samples) {
      const truth = JSON.parse(await readFile(join(ROOT, 'test', 'gen', 'truth', `${s.name}.json`), 'utf8')) as Truth;
      for (const f of truth.failures) {
        for (const loc of [f.symptom, f.upstreamCause, ...f.chain]) {
          const content = (await readFile(join(ROOT, 'samples', 'logs', truth.bundle, loc.file))).toString('utf8');
          const lines = physicalLines(content);
          const line = lines[loc.line - 1] ?? '';
          expect(line, `${truth.bundle} ${loc.file}:${loc.line}`).toContain(loc.phrase);
          if (loc.recordContains !== undefined) {
            expect(lines.slice(loc.line - 1, loc.endLine).join('\r\n')).toContain(loc.recordContains);
          }
          checked++;
        }
        if (f.errorText !== undefined) {
          const content = (await readFile(join(ROOT, 'samples', 'logs', truth.bundle, f.symptom.file))).toString(
            'utf8',
          );
          expect(physicalLines(content)[f.symptom.line - 1]).toContain(f.errorText);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('has the upstream cause named by the brief in each failure bundle', () => {
    const cause = (bundle: string): string => {
      const t = samples.find((s) => s.name === bundle)?.truth;
      const f = t?.failures[0];
      return f === undefined ? '' : `${f.upstreamCause.file} ${f.upstreamCause.phrase}`;
    };
    expect(cause('wsus-unreachable-2ee2')).toMatch(/WindowsUpdate\.log .*80072ee2/i);
    expect(cause('wulog-decoded-elsewhere')).toMatch(/WindowsUpdate\.log \*FAILED\* \[80072EE2\] Send request/);
    expect(cause('empty-wsus-location')).toMatch(/MP_Location\.log MP LM: Reply message body:/);
    expect(cause('gpo-conflict-87d00692')).toMatch(/WUAHandler\.log Group policy settings were overwritten/);
    expect(cause('statemsg-stuck-mpfdm')).toMatch(/MPFDM\.log .*error 53/);
  });

  it('keeps type="3" for injected failures only', () => {
    for (const s of samples) {
      // A failed client deployment the Client Spy truth names is an injected failure of its own.
      const failedSetups = new Set(
        (s.truth.clientSpy?.deployments ?? [])
          .filter((d) => d.state === 'failed')
          .map((d) => `${d.host}/Windows/ccmsetup/Logs/ccmsetup.log`),
      );
      const errors = [...s.files.entries()].filter(([p, c]) => c.includes('type="3"') && !failedSetups.has(p));
      if (s.truth.failures.length === 0) {
        expect(
          errors.map(([p]) => p),
          s.name,
        ).toEqual([]);
      }
    }
  });

  it('spreads hosts over zones and skews as the ground truth says', () => {
    const skew = samples.find((s) => s.name === 'skew-midnight')?.truth;
    expect(skew?.hosts.map((h) => h.biasMinutes).sort()).toEqual([-540, 480, 480].sort());
    expect(skew?.hosts.some((h) => h.skewMs === 180_000)).toBe(true);
    const interleaved = samples.find((s) => s.name === 'interleaved-scans')?.truth;
    expect(interleaved?.hosts.filter((h) => h.role === 'client').length).toBeGreaterThanOrEqual(3);
    expect(interleaved?.flows[0]?.scanJobs.length).toBe(2);
    const rotated = samples.find((s) => s.name === 'rotated-history');
    const names = [...(rotated?.files.keys() ?? [])].map((p) => p.split('/').pop());
    expect(names).toEqual(
      expect.arrayContaining(['CcmMessaging.lo_', 'CcmMessaging.log', 'LocationServices.Log', 'LocationServices.lo_']),
    );
    expect(names.some((n) => n !== undefined && /^CcmMessaging-\d{8}-\d{6}\.log$/.test(n))).toBe(true);
  });
});

describe('generateBundle', () => {
  it('writes within 10 % of the requested size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmflow-gen-'));
    try {
      const target = 5 * 1024 * 1024;
      const result = await generateBundle({ outDir: dir, targetBytes: target, seed: 7 });
      let onDisk = 0;
      let files = 0;
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      for (const e of entries) {
        if (e.isFile()) {
          onDisk += (await stat(join(e.parentPath, e.name))).size;
          files++;
        }
      }
      expect(onDisk).toBe(result.bytes);
      expect(files).toBe(result.files);
      expect(Math.abs(onDisk - target) / target).toBeLessThan(0.1);
      const kinds = new Set(
        entries.filter((e) => e.isFile()).map((e) => kindOf(join(e.parentPath, e.name).slice(dir.length + 1))),
      );
      expect([...kinds].sort()).toEqual(['ccm', 'iis', 'sms', 'wu']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
