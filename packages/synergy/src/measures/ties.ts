import type { View } from '../scope';
import { initiativeInScope } from './co-participation';

export type TieLevel = 'DEPARTEMENT' | 'REGION';

export interface TieCount {
  territory: string;
  count: number;
}
export interface NetworkTies {
  network: number;
  seat: string | null;
  memberships: number;
  crossing: number;
  territories: TieCount[];
  /** Initiatives it organises or co-organises in the scope, and those spanning several territories. */
  initiatives: number;
  crossingInitiatives: number;
  /** Territories its initiatives touch (organisers' seats, parties, place), most first. */
  initiativeTerritories: TieCount[];
}
export interface TerritoryTies {
  territory: string;
  memberships: number;
  crossing: number;
  initiatives: number;
  crossingInitiatives: number;
}

const counts = (m: Map<string, number>): TieCount[] =>
  [...m].map(([territory, count]) => ({ territory, count })).sort((x, y) => y.count - x.count || x.territory.localeCompare(y.territory));

/**
 * Memberships whose member sits in another département (or région) than the network's seat, per
 * network and per territory of the members; initiatives whose organisers' seats, parties and place
 * span more than one, per organising network and per territory touched. Networks come most
 * crossing first: (crossing memberships + crossing initiatives) / (memberships + initiatives).
 */
export function crossTerritoryTies(view: View, level: TieLevel): { networks: NetworkTies[]; territories: TerritoryTies[] } {
  const { ix } = view;
  const at = (id: string | null) => ix.reach.at(id, level);
  const seatOf = (n: number) => at(ix.networkSeat[n]) ?? (ix.networks[n].scope.length ? at(ix.networks[n].scope[0]) : null);
  const perTerritory = new Map<string, TerritoryTies>();
  const territory = (t: string) => {
    let r = perTerritory.get(t);
    if (!r) perTerritory.set(t, (r = { territory: t, memberships: 0, crossing: 0, initiatives: 0, crossingInitiatives: 0 }));
    return r;
  };
  const perNetwork = new Map<number, NetworkTies>();
  const initiativeSpread = new Map<number, Map<string, number>>();
  const row = (n: number) => {
    let r = perNetwork.get(n);
    if (!r)
      perNetwork.set(
        n,
        (r = {
          network: n,
          seat: seatOf(n),
          memberships: 0,
          crossing: 0,
          territories: [],
          initiatives: 0,
          crossingInitiatives: 0,
          initiativeTerritories: [],
        }),
      );
    return r;
  };
  for (const n of view.networks) {
    const seat = seatOf(n);
    const spread = new Map<string, number>();
    let crossing = 0;
    let counted = 0;
    for (const a of view.members[n]) {
      const t = at(ix.actorCommune[a]);
      if (!t) continue;
      counted++;
      spread.set(t, (spread.get(t) ?? 0) + 1);
      const tr = territory(t);
      tr.memberships++;
      if (seat && t !== seat) {
        crossing++;
        tr.crossing++;
      }
    }
    if (!counted) continue;
    Object.assign(row(n), { memberships: counted, crossing: seat ? crossing : 0, territories: counts(spread) });
  }
  for (let i = 0; i < ix.iName.length; i++) {
    if (!initiativeInScope(view, i)) continue;
    const places = new Set<string>();
    for (const n of ix.iOrganisers[i]) {
      const t = seatOf(n);
      if (t) places.add(t);
    }
    for (const a of ix.iParties[i]) {
      const t = at(ix.actorCommune[a]);
      if (t) places.add(t);
    }
    const p = at(ix.iPlace[i]);
    if (p) places.add(p);
    for (const t of places) {
      const tr = territory(t);
      tr.initiatives++;
      if (places.size > 1) tr.crossingInitiatives++;
    }
    for (const n of ix.iOrganisers[i]) {
      const r = row(n);
      r.initiatives++;
      if (places.size > 1) r.crossingInitiatives++;
      let spread = initiativeSpread.get(n);
      if (!spread) initiativeSpread.set(n, (spread = new Map()));
      for (const t of places) spread.set(t, (spread.get(t) ?? 0) + 1);
    }
  }
  for (const [n, spread] of initiativeSpread) row(n).initiativeTerritories = counts(spread);
  const crossingShare = (t: NetworkTies) => (t.crossing + t.crossingInitiatives) / (t.memberships + t.initiatives || 1);
  const networks = [...perNetwork.values()].sort(
    (x, y) => crossingShare(y) - crossingShare(x) || y.memberships - x.memberships || x.network - y.network,
  );
  const { territoryId } = view.scope;
  const inScope = (t: string) => !territoryId || ix.reach.of(t).has(territoryId) || ix.reach.of(territoryId).has(t);
  const territories = [...perTerritory.values()]
    .filter((t) => inScope(t.territory))
    .sort((x, y) => y.memberships - x.memberships || x.territory.localeCompare(y.territory));
  return { networks, territories };
}
