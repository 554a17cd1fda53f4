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
  const edges = new Map<string, Map<string, Edge>>();
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
    setEdge(edges, a, b, edge);
    setEdge(edges, b, a, { d: -edge.d, uncertainty: edge.uncertainty, basis: edge.basis });
  }
  const names = hosts.map((h) => h.name);
  const reference =
    hosts.find((h) => h.roles[0] === 'site-server' && edges.has(h.name))?.name ??
    hosts.find((h) => h.roles[0] === 'management-point' && edges.has(h.name))?.name ??
    [...edges.keys()].sort((x, y) => (edges.get(y)?.size ?? 0) - (edges.get(x)?.size ?? 0))[0];
  const result = new Map<string, SkewEstimate>();
  if (reference !== undefined) {
    result.set(reference, {
      skewMs: 0,
      uncertaintyMs: 0,
      basis: 'reference clock: the other hosts are corrected to it',
    });
    // Widest-first would be fancier; the narrowest known edge out of the settled set is good enough here.
    const settled = new Map<string, { skew: number; uncertainty: number }>([[reference, { skew: 0, uncertainty: 0 }]]);
    for (;;) {
      let best: { from: string; to: string; edge: Edge } | undefined;
      for (const [from, at] of settled) {
        for (const [to, edge] of edges.get(from) ?? []) {
          if (
            !settled.has(to) &&
            (best === undefined ||
              at.uncertainty + edge.uncertainty < settled.get(best.from)!.uncertainty + best.edge.uncertainty)
          ) {
            best = { from, to, edge };
          }
        }
      }
      if (!best) {
        break;
      }
      const base = settled.get(best.from)!;
      const skew = base.skew + best.edge.d;
      const uncertainty = base.uncertainty + best.edge.uncertainty;
      settled.set(best.to, { skew, uncertainty });
      result.set(best.to, {
        skewMs: Math.round(skew),
        uncertaintyMs: Math.round(uncertainty),
        basis: best.from === reference ? best.edge.basis : `${best.edge.basis}; chained through ${best.from}`,
      });
    }
  }
  for (const name of names) {
    if (!result.has(name)) {
      result.set(name, {
        skewMs: 0,
        uncertaintyMs: undefined,
        basis: 'no message is seen crossing between this host and the others: its clock is not corrected',
      });
    }
  }
  return { reference, hosts: result };
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
