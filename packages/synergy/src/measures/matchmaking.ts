import { nafDivision, normaliseText } from '@maillage/reference';
import { presentIn, type View } from '../scope';
import { round } from './memo';
import { searchKeys } from './search';

export interface Need {
  sector?: string | null;
  keyword?: string | null;
}

/** One step of a path through the networks: the network, and the actor reached through it. */
export interface PathStep {
  actor: number;
  network: number;
}

export type Reach = 'SAME_NETWORK' | 'ONE_NETWORK_AWAY' | 'SAME_TERRITORY';
export type NetworkNearness = 'MEMBER' | 'ONE_NETWORK_AWAY' | 'SAME_TERRITORY';

export interface Solution {
  actor: number;
  reach: Reach;
  path: PathStep[];
}
export interface SolutionNetwork {
  network: number;
  nearness: NetworkNearness;
  share: number | null;
}
export interface FirstClient {
  actor: number;
  hops: number;
  path: PathStep[];
}

/** Actors one membership away (same network) and two (a member of one of its networks in another). */
function neighbourhood(view: View, start: number) {
  // Breadth-first over the bipartite actor–network graph, keeping the first path to each actor.
  const viaNetwork = new Map<number, { network: number; from: number; hops: number }>();
  viaNetwork.set(start, { network: -1, from: -1, hops: 0 });
  let frontier = [start];
  const seenNetworks = new Set<number>();
  for (let hops = 1; hops <= 2 && frontier.length; hops++) {
    const next: number[] = [];
    for (const x of frontier)
      for (const n of view.actorNetworks.get(x) ?? []) {
        if (seenNetworks.has(n)) continue;
        seenNetworks.add(n);
        for (const y of view.members[n]) {
          if (viaNetwork.has(y)) continue;
          viaNetwork.set(y, { network: n, from: x, hops });
          next.push(y);
        }
      }
    frontier = next;
  }
  const path = (y: number) => {
    const steps: PathStep[] = [];
    for (let cur = y; cur !== start;) {
      const v = viaNetwork.get(cur)!;
      steps.unshift({ network: v.network, actor: cur });
      cur = v.from;
    }
    return steps;
  };
  return { viaNetwork, path };
}

const byName = (names: { name: string }[]) => (x: number, y: number) => names[x].name.localeCompare(names[y].name, 'fr');

/**
 * "Someone around us has the solution": actors matching a need (a NAF code or division prefix, or
 * a keyword found in the name or in the NAF label of the activity), nearest first: in one of the
 * actor's networks, then one network away, then in the same département.
 */
export function solutions(view: View, actor: number, need: Need): Solution[] {
  const { ix } = view;
  const sector = need.sector?.trim().toUpperCase() || null;
  const keyword = need.keyword ? normaliseText(need.keyword) : null;
  const keys = searchKeys(ix);
  const matches = (a: number) => {
    const naf = ix.actors[a].nafCode ?? '';
    if (sector && !naf.toUpperCase().startsWith(sector)) return false;
    if (keyword && !keys[a].includes(keyword) && !normaliseText(nafDivision(naf.slice(0, 2))?.label ?? '').includes(keyword)) return false;
    return ix.actors[a].kind !== 'PERSON';
  };
  const { viaNetwork, path } = neighbourhood(view, actor);
  const home = ix.reach.at(ix.actorCommune[actor], 'DEPARTEMENT');
  const out: Solution[] = [];
  for (const [a, v] of viaNetwork)
    if (a !== actor && matches(a)) out.push({ actor: a, reach: v.hops === 1 ? 'SAME_NETWORK' : 'ONE_NETWORK_AWAY', path: path(a) });
  if (home)
    for (let a = 0; a < ix.actors.length; a++)
      if (a !== actor && !viaNetwork.has(a) && matches(a) && ix.reach.at(ix.actorCommune[a], 'DEPARTEMENT') === home)
        out.push({ actor: a, reach: 'SAME_TERRITORY', path: [] });
  const rank = { SAME_NETWORK: 0, ONE_NETWORK_AWAY: 1, SAME_TERRITORY: 2 };
  const name = byName(ix.actors);
  return out.sort((x, y) => rank[x.reach] - rank[y.reach] || name(x.actor, y.actor));
}

/** Share of a network's members with a known sector whose NAF code starts with `sector`. */
function sectorShare(view: View, n: number, sector: string): number {
  let known = 0;
  let hits = 0;
  for (const a of view.members[n]) {
    const naf = view.ix.actors[a].nafCode;
    if (!naf) continue;
    known++;
    if (naf.toUpperCase().startsWith(sector)) hits++;
  }
  return known ? hits / known : 0;
}

/**
 * Networks in reach that match a need: its name holds the keyword, or at least 10% of its members
 * with a known sector are in the needed one. Nearest first: networks the actor is in, then those
 * sharing a member with one of its networks, then those present in its département.
 */
export function solutionNetworks(view: View, actor: number, need: Need): SolutionNetwork[] {
  const { ix } = view;
  const sector = need.sector?.trim().toUpperCase() || null;
  const keyword = need.keyword ? normaliseText(need.keyword) : null;
  const own = new Set(view.actorNetworks.get(actor) ?? []);
  const near = new Set<number>();
  for (const n of own) for (const m of view.members[n]) for (const o of view.actorNetworks.get(m) ?? []) if (!own.has(o)) near.add(o);
  const home = ix.reach.at(ix.actorCommune[actor], 'DEPARTEMENT');
  const out: SolutionNetwork[] = [];
  for (const n of view.networks) {
    const share = sector ? sectorShare(view, n, sector) : null;
    if (share !== null && share < 0.1) continue;
    if (keyword && !normaliseText(ix.networks[n].name).includes(keyword)) continue;
    const nearness = own.has(n) ? 'MEMBER' : near.has(n) ? 'ONE_NETWORK_AWAY' : home && presentIn(ix, n, home) ? 'SAME_TERRITORY' : null;
    if (nearness) out.push({ network: n, nearness, share: share === null ? null : round(share) });
  }
  const rank = { MEMBER: 0, ONE_NETWORK_AWAY: 1, SAME_TERRITORY: 2 };
  const name = byName(ix.networks);
  return out.sort((x, y) => rank[x.nearness] - rank[y.nearness] || (y.share ?? 0) - (x.share ?? 0) || name(x.network, y.network));
}

/** Large buyers a start-up reaches through its networks (one network, then two), with the path. */
export function firstClients(view: View, actor: number, isBuyer: (a: number) => boolean): FirstClient[] {
  const { ix } = view;
  const { viaNetwork, path } = neighbourhood(view, actor);
  const size = (a: number) => (ix.actors[a].category === 'GE' ? 0 : ix.actors[a].category === 'ETI' ? 1 : 2);
  const name = byName(ix.actors);
  return [...viaNetwork]
    .filter(([a]) => a !== actor && isBuyer(a))
    .map(([a, v]) => ({ actor: a, hops: v.hops, path: path(a) }))
    .sort((x, y) => x.hops - y.hops || size(x.actor) - size(y.actor) || name(x.actor, y.actor));
}
