import { GraphSearch } from './graph/search';
import { GraphIndex, type IndexChange, type Touched } from './index-build';
import { bridging, type BridgingMethod } from './measures/bridging';
import { coParticipation } from './measures/co-participation';
import { firstClients, solutionNetworks, solutions, type Need } from './measures/matchmaking';
import { membersOf, overlap } from './measures/overlap';
import { pairs, type NetworkPair } from './measures/pairs';
import { report } from './measures/report';
import { search, type SearchQuery } from './measures/search';
import { sectorLinks, sectorProfile } from './measures/sectors';
import { crossTerritoryTies, type TieLevel } from './measures/ties';
import { resolveScope, View, type ResolvedScope, type Scope } from './scope';
import type { RegionSnapshot } from './snapshot';

/** Views kept: the scopes a dashboard asks about in turn (region, a département, a period). */
const VIEWS_KEPT = 8;

export interface EngineOptions {
  /** Leave out the members of networks whose member list is private (see `publicPart`). */
  publicOnly?: boolean;
  /**
   * When the search over names is built: `now` with the index, `background` by chunks right after
   * (`searchReady()` resolves when done), or the search of another engine over the same entities in
   * the same order (the public engine shares the full one's: names are public). @default 'now'
   */
  search?: 'now' | 'background' | GraphSearch;
}

/**
 * Every synergy measure over one snapshot, kept up to date change by change. Building it indexes
 * the snapshot once (and its search); `apply` then updates the index in place (`GraphIndex.apply`).
 * Each measure (one module each under `measures/`) reads a `View` (members per network for a
 * territory and period), cached here for the last few scopes, with what a measure derives from a
 * view (sector model, co-participation) cached on the view itself. A change drops only the views it
 * touches (`View.touchedBy`: its territory and period); they are built again on their next use, so
 * the expensive measures are recomputed when asked, not at every change.
 */
export class SynergyEngine {
  readonly ix: GraphIndex;
  readonly names: GraphSearch;
  private readonly views = new Map<string, View>();

  constructor(snapshot: RegionSnapshot, opts: EngineOptions = {}) {
    this.ix = new GraphIndex(snapshot, { publicOnly: opts.publicOnly });
    const mode = opts.search ?? 'now';
    this.names = typeof mode === 'object' ? mode : new GraphSearch(this.ix);
    this.ix.search = this.names;
    if (mode === 'now') this.names.build();
    else if (mode === 'background') void this.names.buildInBackground();
  }

  get takenAt(): string {
    return this.ix.takenAt;
  }

  /** Resolves once the search over names is built. */
  searchReady(): Promise<void> {
    return this.names.ready();
  }

  /** Applies one change of the feed to the index and drops the views it touches. */
  apply(change: IndexChange, at?: string): Touched {
    const touched = this.ix.apply(change);
    if (at) this.ix.takenAt = at;
    for (const [key, v] of this.views) if (v.touchedBy(touched)) this.views.delete(key);
    return touched;
  }

  scope(s?: Scope): ResolvedScope {
    return resolveScope(s);
  }

  view(s?: Scope): View {
    const scope = resolveScope(s);
    let v = this.views.get(scope.key);
    if (!v) {
      v = new View(this.ix, scope);
      if (this.views.size >= VIEWS_KEPT) this.views.delete(this.views.keys().next().value!);
      this.views.set(scope.key, v);
    }
    return v;
  }

  membersOf(n: number, scope: ResolvedScope) {
    return membersOf(this.ix, n, scope);
  }

  overlap(a: number, b: number, s?: Scope) {
    return overlap(this.ix, a, b, resolveScope(s));
  }

  sectorProfile(n: number, view: View) {
    return sectorProfile(view, n);
  }

  sectorLinks(a: number, b: number, view: View, limit?: number) {
    return sectorLinks(view, a, b, limit);
  }

  pairs(s?: Scope, keep?: (p: NetworkPair) => boolean) {
    return pairs(this.view(s), keep);
  }

  coParticipation(s?: Scope) {
    return coParticipation(this.view(s));
  }

  bridging(s?: Scope, force?: BridgingMethod) {
    return bridging(this.view(s), force);
  }

  crossTerritoryTies(level: TieLevel, s?: Scope) {
    return crossTerritoryTies(this.view(s), level);
  }

  report(s?: Scope, first?: number) {
    return report(this.view(s), first);
  }

  search(q: SearchQuery) {
    return search(this.ix, q);
  }

  /** Matchmaking reads today's memberships. */
  solutions(actor: number, need: Need) {
    return solutions(this.view(), actor, need);
  }

  solutionNetworks(actor: number, need: Need) {
    return solutionNetworks(this.view(), actor, need);
  }

  firstClients(actor: number, isBuyer: (a: number) => boolean) {
    return firstClients(this.view(), actor, isBuyer);
  }
}
