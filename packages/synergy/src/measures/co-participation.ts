import type { View } from '../scope';
import { memoOn, round } from './memo';

/** Half-life of a joint initiative's weight, in years. */
export const RECENCY_HALF_LIFE_YEARS = 2;

export interface CoParticipation {
  a: number;
  b: number;
  count: number;
  weight: number;
  /** Initiative indices, latest first. */
  initiatives: number[];
}

/** Dated within the scope's period (undated ones count), and placed in or organised from its territory. */
export function initiativeInScope(view: View, i: number): boolean {
  const { ix, scope } = view;
  if (!Number.isNaN(ix.iStart[i]) && (ix.iStart[i] > scope.to || ix.iEnd[i] < scope.initiativesFrom)) return false;
  if (!scope.territoryId) return true;
  const place = ix.iPlace[i];
  if (place && ix.reach.of(place).has(scope.territoryId)) return true;
  return ix.iOrganisers[i].some((n) => view.declaredIn(n));
}

/** Joint initiatives per pair of organising networks in the view (by pair key), weighted by recency; built once per view. */
export const coParticipationMap = memoOn((view: View): Map<number, CoParticipation> => {
  const { ix, scope } = view;
  const map = new Map<number, CoParticipation>();
  const order = ix.iName.map((_, i) => i).sort((x, y) => (ix.iStart[y] || 0) - (ix.iStart[x] || 0));
  for (const i of order) {
    const orgs = ix.iOrganisers[i];
    if (orgs.length < 2 || !initiativeInScope(view, i)) continue;
    const when = Number.isNaN(ix.iStart[i]) ? scope.to : Math.min(ix.iStart[i], scope.to);
    const weight = 0.5 ** ((scope.to - when) / 365.25 / RECENCY_HALF_LIFE_YEARS);
    for (let x = 0; x < orgs.length; x++)
      for (let y = x + 1; y < orgs.length; y++) {
        if (orgs[x] === orgs[y]) continue;
        const key = view.pairKey(orgs[x], orgs[y]);
        let c = map.get(key);
        if (!c) map.set(key, (c = { a: Math.min(orgs[x], orgs[y]), b: Math.max(orgs[x], orgs[y]), count: 0, weight: 0, initiatives: [] }));
        c.count++;
        c.weight += weight;
        c.initiatives.push(i);
      }
  }
  return map;
});

/** Every pair of networks that organised initiatives together, heaviest first. */
export function coParticipation(view: View): CoParticipation[] {
  return [...coParticipationMap(view).values()]
    .map((c) => ({ ...c, weight: round(c.weight) }))
    .sort((x, y) => y.weight - x.weight || y.count - x.count);
}
