import type { View } from '../scope';
import { coParticipationMap, type CoParticipation } from './co-participation';
import { round } from './memo';
import { sectorModel } from './sectors';

export interface NetworkPair {
  a: number;
  b: number;
  similarity: number;
  complementarity: number;
  shared: number;
  jointInitiatives: number;
  /** Recency-weighted joint initiatives. */
  coParticipation: number;
  whiteSpace: boolean;
}

export type RankedPair = NetworkPair & { score: number };

/**
 * Walks every pair of networks of the view once and keeps the `k` best by `rank` (a score > 0;
 * 0 or less drops the pair). Allocation-free per pair: on a région (2,000 networks, two million
 * pairs) objects are made only for the pairs that enter the top.
 */
export function scanPairs(view: View, rank: (p: NetworkPair, jaccard: number) => number, k: number): RankedPair[] {
  const co = coParticipationMap(view);
  const { shares, projected } = sectorModel(view);
  const nets = view.networks;
  const size = view.ix.networks.length;
  // Per network A, dense rows over B: members shared (counted from A's members' networks, which
  // costs what the pair map would but with array writes) and joint initiatives.
  const sharedRow = new Int32Array(size);
  const coRow: (CoParticipation | undefined)[] = new Array(size);
  const coOf: [number, CoParticipation][][] = Array.from({ length: size }, () => []);
  for (const c of co.values()) {
    coOf[c.a].push([c.b, c]);
    coOf[c.b].push([c.a, c]);
  }
  const top: RankedPair[] = [];
  const p: NetworkPair = {
    a: 0,
    b: 0,
    similarity: 0,
    complementarity: 0,
    shared: 0,
    jointInitiatives: 0,
    coParticipation: 0,
    whiteSpace: false,
  };
  for (let i = 0; i < nets.length; i++) {
    const a = nets[i];
    const sa = shares[a];
    const qa = projected[a];
    const la = view.members[a].length;
    sharedRow.fill(0);
    for (const m of view.members[a]) for (const n of view.actorNetworks.get(m)!) sharedRow[n]++;
    for (const [b, c] of coOf[a]) coRow[b] = c;
    for (let j = i + 1; j < nets.length; j++) {
      const b = nets[j];
      const sb = shares[b];
      const sh = sharedRow[b];
      const c = coRow[b];
      if (!sh && !c && !(sa && sb)) continue;
      let dot = 0;
      let comp = 0;
      if (sa && sb) {
        // complementarity = p_Aᵀ M p_B = q_A · p_B = q_B · p_A (M is symmetric): walk the shorter profile.
        const [small, big, q] = sb.nz.length <= sa.nz.length ? [sb, sa, qa!] : [sa, sb, projected[b]!];
        const nz = small.nz;
        for (let x = 0; x < nz.length; x++) {
          const d = nz[x];
          dot += small.p[d] * big.p[d];
          comp += q[d] * small.p[d];
        }
        dot /= sa.norm * sb.norm;
      }
      p.a = a;
      p.b = b;
      p.similarity = dot;
      p.complementarity = comp;
      p.shared = sh;
      p.jointInitiatives = c?.count ?? 0;
      p.coParticipation = c?.weight ?? 0;
      p.whiteSpace = comp > 0 && sh === 0 && !c;
      const union = la + view.members[b].length - sh;
      const score = rank(p, union ? sh / union : 0);
      if (score <= 0 || (top.length >= k && score <= top[top.length - 1].score)) continue;
      top.push({ ...p, score });
      if (top.length > k || (top.length > 1 && score > top[top.length - 2].score)) {
        top.sort((x, y) => y.score - x.score);
        if (top.length > k) top.pop();
      }
    }
    for (const [b] of coOf[a]) coRow[b] = undefined;
  }
  return top.map((t) => ({
    ...t,
    similarity: round(t.similarity),
    complementarity: round(t.complementarity),
    coParticipation: round(t.coParticipation),
  }));
}

/** Every pair of networks in the view with its profile, overlap and co-participation figures, that `keep` keeps. */
export function pairs(view: View, keep: (p: NetworkPair) => boolean = () => true): NetworkPair[] {
  return scanPairs(view, (p) => (keep(p) ? 1 : 0), Infinity).map(({ score: _score, ...p }) => p);
}
