import type { View } from '../scope';
import { memoOn, round } from './memo';

/** NAF divisions are two digits: a profile is a dense vector over 100 of them. */
export const DIVISIONS = 100;

export interface SectorProfile {
  network: number;
  memberCount: number;
  /** Members with a known NAF code. */
  withSector: number;
  /** [division, count], most members first. */
  divisions: [number, number][];
}

export interface DivisionLink {
  a: number;
  b: number;
  /** Share of the pair's complementarity this couple of divisions accounts for. */
  weight: number;
}

/** A network's share vector: its non-zero divisions, the shares and the vector's norm. */
export interface Share {
  nz: Int16Array;
  p: Float64Array;
  norm: number;
}

export interface SectorModel {
  shares: (Share | undefined)[];
  /** Division × division, row-major: normalised PMI of co-presence, clipped at 0. */
  affinity: Float64Array;
  /** q_A = affinity · p_A per network, so complementarity(A, B) is one sparse dot product with p_B. */
  projected: (Float64Array | undefined)[];
}

export function sectorProfile(view: View, n: number): SectorProfile {
  const counts = new Map<number, number>();
  let withSector = 0;
  for (const a of view.members[n]) {
    const d = view.ix.actorDivision[a];
    if (d < 0) continue;
    withSector++;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const divisions = [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  return { network: n, memberCount: view.members[n].length, withSector, divisions };
}

/**
 * Share vectors of every network in the view and the affinity of divisions: how much more often
 * two different divisions are both present in the same network than chance, over the networks of
 * the view (normalised PMI of presence, clipped at 0). Complementary sectors are those the
 * region's own networks show working together; a generalist network (a CCI with every division)
 * raises both the joint and the marginal counts, so it carries little weight. Built once per view.
 */
export const sectorModel = memoOn((view: View): SectorModel => {
  const size = view.ix.networks.length;
  const shares: (Share | undefined)[] = new Array(size);
  const marginal = new Float64Array(DIVISIONS);
  const joint = new Float64Array(DIVISIONS * DIVISIONS);
  let total = 0;
  for (const n of view.networks) {
    const prof = sectorProfile(view, n);
    if (!prof.withSector) continue;
    total++;
    const p = new Float64Array(DIVISIONS);
    for (const [d, c] of prof.divisions) p[d] = c / prof.withSector;
    const nz = Int16Array.from(prof.divisions, ([d]) => d);
    let norm = 0;
    for (const d of nz) norm += p[d] * p[d];
    shares[n] = { nz, p, norm: Math.sqrt(norm) };
    // Presence, not shares: a division present in a network counts once, however many members.
    for (const d of nz) marginal[d] += 1;
    for (const d1 of nz) for (const d2 of nz) if (d1 !== d2) joint[d1 * DIVISIONS + d2] += 1;
  }
  total ||= 1;
  const affinity = new Float64Array(DIVISIONS * DIVISIONS);
  for (let d1 = 0; d1 < DIVISIONS; d1++)
    for (let d2 = 0; d2 < DIVISIONS; d2++) {
      const j = joint[d1 * DIVISIONS + d2] / total;
      const p1 = marginal[d1] / total;
      const p2 = marginal[d2] / total;
      if (j <= 0 || p1 <= 0 || p2 <= 0) continue;
      // npmi = log(j / p1 p2) / -log j, in [-1, 1]; 1 when the two only ever appear together.
      const npmi = j >= 1 ? 1 : Math.log(j / (p1 * p2)) / -Math.log(j);
      if (npmi > 0) affinity[d1 * DIVISIONS + d2] = npmi;
    }
  const projected: (Float64Array | undefined)[] = new Array(size);
  shares.forEach((sh, n) => {
    if (!sh) return;
    const q = new Float64Array(DIVISIONS);
    for (const d1 of sh.nz) {
      const w = sh.p[d1];
      const row = d1 * DIVISIONS;
      for (let d2 = 0; d2 < DIVISIONS; d2++) q[d2] += w * affinity[row + d2];
    }
    projected[n] = q;
  });
  return { shares, affinity, projected };
});

/** The couples of divisions behind a pair's complementarity, strongest first. */
export function sectorLinks(view: View, a: number, b: number, limit = 3): DivisionLink[] {
  const { shares, affinity } = sectorModel(view);
  const sa = shares[a];
  const sb = shares[b];
  if (!sa || !sb) return [];
  const links: DivisionLink[] = [];
  let total = 0;
  for (const d1 of sa.nz)
    for (const d2 of sb.nz) {
      const w = sa.p[d1] * sb.p[d2] * affinity[d1 * DIVISIONS + d2];
      if (w > 0) {
        links.push({ a: d1, b: d2, weight: w });
        total += w;
      }
    }
  return links
    .sort((x, y) => y.weight - x.weight)
    .slice(0, limit)
    .map((l) => ({ ...l, weight: round(l.weight / total) }));
}
