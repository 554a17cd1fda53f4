// Clock skew per host, from causal pairs: a message cannot be received before it was sent. For a send on A
// and its receipt on B, with latency L in [min, max], skew(B) - skew(A) = (logged receipt - logged send) - L.
// Pairs in both directions between two hosts pin the difference from both sides (as NTP does with a round
// trip): the estimate is the middle of what remains, the uncertainty half its width. Pairs in one
// direction only bound it from one side; the estimate then assumes the quickest hop took the hop's usual
// latency, and says so. Differences are chained from a reference host (the site server when there is one).

import type { HostRole } from '../parsers/bundle.ts';
import type { CausalPair } from './workspace.ts';

export interface SkewEstimate {
  readonly skewMs: number;
  readonly uncertaintyMs: number | undefined;
  readonly basis: string;
}

export interface SkewResult {
  readonly reference: string | undefined;
  readonly hosts: ReadonlyMap<string, SkewEstimate>;
}

interface Edge {
  /** Estimate of skew(to) - skew(from). */
  readonly d: number;
  readonly uncertainty: number;
  readonly basis: string;
}

export function estimateSkew(
  pairs: readonly CausalPair[],
  hosts: ReadonlyArray<{ name: string; roles: readonly HostRole[] }>,
): SkewResult {
  const model = new SkewModel(hosts);
  model.addPairs(pairs);
  return model.result();
}

/**
 * Skews settled as evidence arrives: the management points' and site servers' pairs first, then each
 * client's. A host's estimate, once settled, does not move; later pairs only settle new hosts. That is what
 * lets the correlator finish one client before reading the next.
 */
export class SkewModel {
  private readonly edges = new Map<string, Map<string, Edge>>();
  private readonly settled = new Map<string, { skew: number; uncertainty: number; basis: string }>();
  private reference: string | undefined;

  constructor(private readonly hosts: ReadonlyArray<{ name: string; roles: readonly HostRole[] }>) {}

  addPairs(pairs: readonly CausalPair[]): void {
    const grouped = new Map<string, CausalPair[]>();
    for (const p of pairs) {
      const [a, b] = [p.send.host, p.receive.host].sort() as [string, string];
      const key = `${a}\u0000${b}`;
      const list = grouped.get(key) ?? [];
      list.push(p);
      grouped.set(key, list);
    }
    for (const [key, list] of grouped) {
      const [a, b] = key.split('\u0000') as [string, string];
      const edge = estimatePair(a, list);
      setEdge(this.edges, a, b, edge);
      setEdge(this.edges, b, a, { d: -edge.d, uncertainty: edge.uncertainty, basis: edge.basis });
    }
    this.settle();
  }

  /** Host → ms its clock is ahead of the reference; only settled hosts. */
  offsets(): Map<string, number> {
    return new Map([...this.settled].map(([h, s]) => [h, Math.round(s.skew)]));
  }

  result(): SkewResult {
    const out = new Map<string, SkewEstimate>();
    for (const h of this.hosts) {
      const s = this.settled.get(h.name);
      out.set(
        h.name,
        s
          ? { skewMs: Math.round(s.skew), uncertaintyMs: Math.round(s.uncertainty), basis: s.basis }
          : {
              skewMs: 0,
              uncertaintyMs: undefined,
              basis: 'no message is seen crossing between this host and the others: its clock is not corrected',
            },
      );
    }
    return { reference: this.reference, hosts: out };
  }

  private settle(): void {
    if (this.reference === undefined) {
      const connected = (role: HostRole): string | undefined =>
        this.hosts.find((h) => h.roles[0] === role && this.edges.has(h.name))?.name;
      this.reference =
        connected('site-server') ??
        connected('management-point') ??
        [...this.edges.keys()].sort((x, y) => (this.edges.get(y)?.size ?? 0) - (this.edges.get(x)?.size ?? 0))[0];
      if (this.reference === undefined) {
        return;
      }
      this.settled.set(this.reference, {
        skew: 0,
        uncertainty: 0,
        basis: 'reference clock: the other hosts are corrected to it',
      });
    }
    // Grow the settled set by the most certain edge out of it, one host at a time.
    for (;;) {
      let best: { from: string; to: string; edge: Edge } | undefined;
      let bestUncertainty = Number.POSITIVE_INFINITY;
      for (const [from, at] of this.settled) {
        for (const [to, edge] of this.edges.get(from) ?? []) {
          if (!this.settled.has(to) && at.uncertainty + edge.uncertainty < bestUncertainty) {
            best = { from, to, edge };
            bestUncertainty = at.uncertainty + edge.uncertainty;
          }
        }
      }
      if (!best) {
        return;
      }
      const base = this.settled.get(best.from)!;
      this.settled.set(best.to, {
        skew: base.skew + best.edge.d,
        uncertainty: base.uncertainty + best.edge.uncertainty,
        basis: best.from === this.reference ? best.edge.basis : `${best.edge.basis}; chained through ${best.from}`,
      });
    }
  }
}

/** skew(b) - skew(a) from every pair between host a and the other host, b. */
function estimatePair(a: string, list: readonly CausalPair[]): Edge {
  // Each pair bounds d = skew(b) - skew(a) to [lo, hi].
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let forward = 0;
  let backward = 0;
  // The informative sides: the latest a→b send bounds d from above, the latest b→a send from below.
  let upper = Number.POSITIVE_INFINITY;
  let lower = Number.NEGATIVE_INFINITY;
  let upperTypical = 0;
  let lowerTypical = 0;
  const hops = new Set<string>();
  for (const p of list) {
    hops.add(p.hop);
    const diff = p.receive.utc - p.send.utc;
    if (p.send.host === a) {
      forward += 1;
      lo = Math.max(lo, diff - p.maxMs);
      hi = Math.min(hi, diff - p.minMs);
      if (diff - p.minMs < upper) {
        upper = diff - p.minMs;
        upperTypical = p.typicalMs;
      }
    } else {
      backward += 1;
      lo = Math.max(lo, p.minMs - diff);
      hi = Math.min(hi, p.maxMs - diff);
      if (p.minMs - diff > lower) {
        lower = p.minMs - diff;
        lowerTypical = p.typicalMs;
      }
    }
  }
  const what = `${list.length} message${list.length === 1 ? '' : 's'} (${[...hops].join('; ')})`;
  if (lo > hi) {
    // The bounds contradict each other: a wrong link or a clock that jumped. Fall back to the typical hops.
    const guesses = list
      .map((p) => (p.send.host === a ? 1 : -1) * (p.receive.utc - p.send.utc - p.typicalMs))
      .sort((x, y) => x - y);
    const mid = guesses[Math.floor(guesses.length / 2)]!;
    return {
      d: mid,
      uncertainty: (guesses[guesses.length - 1]! - guesses[0]!) / 2,
      basis: `${what} with contradictory timing: median of the messages' offsets`,
    };
  }
  if (forward > 0 && backward > 0) {
    const top = Math.min(upper, hi);
    const bottom = Math.max(lower, lo);
    return { d: (top + bottom) / 2, uncertainty: (top - bottom) / 2, basis: `${what} in both directions` };
  }
  if (forward > 0) {
    const d = upper - upperTypical;
    return {
      d,
      uncertainty: Math.max(upperTypical, upper - d),
      basis: `${what}, one direction only: assumes the quickest took ${upperTypical} ms`,
    };
  }
  const d = lower + lowerTypical;
  return {
    d,
    uncertainty: Math.max(lowerTypical, d - lower),
    basis: `${what}, one direction only: assumes the quickest took ${lowerTypical} ms`,
  };
}

function setEdge(edges: Map<string, Map<string, Edge>>, from: string, to: string, edge: Edge): void {
  const out = edges.get(from) ?? new Map<string, Edge>();
  out.set(to, edge);
  edges.set(from, out);
}
