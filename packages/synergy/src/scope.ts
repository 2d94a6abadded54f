import { dayOf } from './index-build';
import type { GraphIndex, Touched } from './index-build';

/** Which part of the graph a measure looks at. */
export interface Scope {
  /** Any territory id (`REG-76`, `DEP-34`, `EPCI-…`, `COM-…`): members located in it, networks present in it. */
  territoryId?: string | null;
  /** ISO dates. Memberships count when active at some point of [from, to]; `from` defaults to `to`, `to` to today. */
  from?: string | null;
  to?: string | null;
}

export interface ResolvedScope {
  territoryId: string | null;
  /** First day of the period for memberships. */
  from: number;
  to: number;
  /** First day for initiatives: −∞ unless `from` was given (all initiatives up to `to`). */
  initiativesFrom: number;
  key: string;
}

export function resolveScope(s: Scope = {}, today = dayOf(new Date().toISOString().slice(0, 10))!): ResolvedScope {
  const to = dayOf(s.to) ?? today;
  const from = dayOf(s.from) ?? to;
  const territoryId = s.territoryId || null;
  return {
    territoryId,
    from,
    to,
    initiativesFrom: s.from ? from : -Infinity,
    key: `${territoryId ?? '*'}|${from}|${to}|${s.from ? 1 : 0}`,
  };
}

/**
 * The graph as a scope sees it: for each network, its distinct members active in the period and
 * located in the territory (sorted actor indices), and for each actor the networks it is in.
 * Built in one pass over the memberships; the engine caches a few by scope.
 */
export class View {
  readonly members: Int32Array[];
  readonly actorNetworks = new Map<number, number[]>();
  /** Networks present in the territory: seat or declared scope in it, scope covering it, or a member in it. */
  readonly networks: number[];
  private shared?: Map<number, number>;

  constructor(
    readonly ix: GraphIndex,
    readonly scope: ResolvedScope,
  ) {
    const perNetwork: number[][] = ix.networks.map(() => []);
    // 0 not yet known, 1 in the territory, 2 outside.
    const inTerritory = new Uint8Array(ix.actors.length);
    const located = (a: number) => {
      if (!scope.territoryId) return true;
      if (!inTerritory[a]) inTerritory[a] = ix.reach.of(ix.actorCommune[a]).has(scope.territoryId) ? 1 : 2;
      return inTerritory[a] === 1;
    };
    for (let m = 0; m < ix.mNetwork.length; m++) {
      // A row whose membership went (network -1) is a tombstone.
      if (ix.mNetwork[m] < 0 || ix.mStart[m] > scope.to || ix.mEnd[m] < scope.from) continue;
      const a = ix.mActor[m];
      if (!located(a)) continue;
      perNetwork[ix.mNetwork[m]].push(a);
    }
    this.members = perNetwork.map((list) => Int32Array.from(new Set(list)).sort());
    this.members.forEach((list, n) => {
      for (const a of list) {
        const nets = this.actorNetworks.get(a);
        if (nets) nets.push(n);
        else this.actorNetworks.set(a, [n]);
      }
    });
    this.networks = [];
    for (let n = 0; n < ix.networks.length; n++)
      if (ix.networkLive[n] && (this.members[n].length > 0 || this.declaredIn(n))) this.networks.push(n);
  }

  /**
   * Whether a change (`GraphIndex.apply`) may alter what this view holds: one reaching every scope,
   * or a membership (an actor) located in the view's territory and active in its period, before or
   * after the change. The engine drops the views it touches and builds them again on their next use.
   */
  touchedBy(t: Touched): boolean {
    if (t.all) return true;
    const { territoryId, from, to } = this.scope;
    if (!t.periods.some(([start, end]) => start <= to && end >= from)) return false;
    return !territoryId || t.communes.some((c) => this.ix.reach.of(c).has(territoryId));
  }

  /** True when the network's seat or declared scope lies in the territory, or its scope covers it. */
  declaredIn(n: number): boolean {
    return !this.scope.territoryId || presentIn(this.ix, n, this.scope.territoryId);
  }

  /** Pair key of two network indices, order-free. */
  pairKey(a: number, b: number): number {
    const n = this.ix.networks.length;
    return a < b ? a * n + b : b * n + a;
  }

  /** Shared member counts of every pair of networks that share at least one, from each actor's networks. */
  sharedCounts(): Map<number, number> {
    if (this.shared) return this.shared;
    const counts = new Map<number, number>();
    for (const nets of this.actorNetworks.values()) {
      for (let i = 0; i < nets.length; i++)
        for (let j = i + 1; j < nets.length; j++) {
          const k = this.pairKey(nets[i], nets[j]);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
    }
    return (this.shared = counts);
  }
}

/** A network's seat or declared scope lies in the territory, or its scope covers it. */
export function presentIn(ix: GraphIndex, n: number, territoryId: string): boolean {
  const seat = ix.networkSeat[n];
  if (seat && ix.reach.of(seat).has(territoryId)) return true;
  return ix.networks[n].scope.some((t) => ix.reach.of(t).has(territoryId) || ix.reach.of(territoryId).has(t));
}

/** Sorted-array intersection. */
export function intersect(a: Int32Array, b: Int32Array): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}
