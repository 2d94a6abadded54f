import type { GraphIndex } from '../index-build';
import { intersect, type ResolvedScope } from '../scope';
import { round } from './memo';

export interface Overlap {
  networkA: number;
  networkB: number;
  membersA: number;
  membersB: number;
  shared: number[];
  jaccard: number;
}

/** Members of one network active in the scope, sorted; reads only that network's rows. */
export function membersOf(ix: GraphIndex, n: number, scope: ResolvedScope): Int32Array {
  const out = new Set<number>();
  for (const m of ix.byNetwork[n]) {
    if (ix.mStart[m] > scope.to || ix.mEnd[m] < scope.from) continue;
    const a = ix.mActor[m];
    if (scope.territoryId && !ix.reach.of(ix.actorCommune[a]).has(scope.territoryId)) continue;
    out.add(a);
  }
  return Int32Array.from(out).sort();
}

/** Distinct active members of each network, their intersection and Jaccard = |A∩B| / |A∪B|. */
export function overlap(ix: GraphIndex, a: number, b: number, scope: ResolvedScope): Overlap {
  const ma = membersOf(ix, a, scope);
  const mb = membersOf(ix, b, scope);
  const shared = intersect(ma, mb);
  const union = ma.length + mb.length - shared.length;
  return { networkA: a, networkB: b, membersA: ma.length, membersB: mb.length, shared, jaccard: union ? round(shared.length / union) : 0 };
}
