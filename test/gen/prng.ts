// Seeded randomness for the scenario generator. Samples and golden files are only useful if every run writes the
// same bytes, so nothing here may touch Math.random or the clock: every id, jitter and noise choice comes from
// a PRNG seeded by the caller. `fork` derives an independent stream from a label, so adding a noise line in one
// log does not shift every GUID that is drawn after it in another.

/** sfc32: small, fast, good enough statistically, and identical on every JS engine (32-bit integer ops only). */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The seed text, kept so that `fork` depends on the seed and label only, not on how much was drawn. */
  private readonly origin: string;

  constructor(seed: number | string) {
    this.origin = typeof seed === 'number' ? `n:${seed}` : seed;
    const h = hashString(this.origin);
    this.a = h[0];
    this.b = h[1];
    this.c = h[2];
    this.d = h[3];
    // Discard the first outputs: sfc32 needs a few rounds to mix a weak seed.
    for (let i = 0; i < 15; i++) {
      this.next32();
    }
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  next32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  float(): number {
    return this.next32() / 0x1_0000_0000;
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  bool(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) {
      throw new Error('pick from an empty list');
    }
    return item;
  }

  /** Fisher-Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** A version-4 GUID, uppercase, without braces (callers add braces/case as the writing component does). */
  guid(): string {
    const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
    const w0 = this.next32();
    const w1 = this.next32();
    const w2 = this.next32();
    const w3 = this.next32();
    const s =
      hex(w0, 8) +
      '-' +
      hex(w1 >>> 16, 4) +
      '-' +
      hex(0x4000 | (w1 & 0x0fff), 4) +
      '-' +
      hex(0x8000 | ((w2 >>> 16) & 0x3fff), 4) +
      '-' +
      hex(w2 & 0xffff, 4) +
      hex(w3, 8);
    return s.toUpperCase();
  }

  /** `n` characters from `alphabet` (SMX file names, hashes). */
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      s += alphabet.charAt(Math.floor(this.float() * alphabet.length));
    }
    return s;
  }

  /** An independent stream whose sequence depends only on this stream's seed and the label. */
  fork(label: string): Prng {
    return new Prng(`${this.origin}/${label}`);
  }
}

/** cyrb128: four 32-bit words from a string; a cheap way to turn labels into well-mixed seeds. */
function hashString(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
