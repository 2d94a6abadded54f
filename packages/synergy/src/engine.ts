import { UndirectedGraph } from 'graphology';
import betweenness from 'graphology-metrics/centrality/betweenness';
import { nafDivision, normaliseText } from '@maillage/reference';
import { GraphIndex, isoOfDay } from './index-build';
import { intersect, presentIn, resolveScope, View, type ResolvedScope, type Scope } from './scope';
import type { RegionSnapshot } from './snapshot';

/** Above this many nodes, bridging uses the local measure: exact betweenness is O(nodes × edges). */
export const EXACT_BETWEENNESS_MAX_NODES = 5_000;
/** Half-life of a joint initiative's weight, in years. */
export const RECENCY_HALF_LIFE_YEARS = 2;
const DIVISIONS = 100;

export interface Overlap {
  networkA: number;
  networkB: number;
  membersA: number;
  membersB: number;
  shared: number[];
  jaccard: number;
}

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

export interface CoParticipation {
  a: number;
  b: number;
  count: number;
  weight: number;
  /** Initiative indices, latest first. */
  initiatives: number[];
}

export interface Bridge {
  actor: number;
  score: number;
  networks: number;
  /** Pairs of the actor's networks, fewest other shared members first: the ties it alone carries. */
  pairs: { a: number; b: number; shared: number }[];
}

export type BridgingMethod = 'BETWEENNESS' | 'LOCAL_BRIDGING';

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

export interface ReportPair extends NetworkPair {
  score: number;
  sharedMembers: number[];
  sectorLinks: DivisionLink[];
  initiatives: number[];
  /** Members of both, or members of one who share a third network with a member of the other. */
  introducers: number[];
  reasons: string[];
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Every synergy measure over one snapshot. Building it indexes the snapshot once; each measure then
 * reads a `View` (members per network for a territory and period), cached for the last few scopes.
 */
export class SynergyEngine {
  readonly ix: GraphIndex;
  private readonly views = new Map<string, View>();
  private searchKeys?: string[];

  constructor(snapshot: RegionSnapshot) {
    this.ix = new GraphIndex(snapshot);
  }

  get takenAt(): string {
    return this.ix.takenAt;
  }

  scope(s?: Scope): ResolvedScope {
    return resolveScope(s);
  }

  view(s?: Scope): View {
    const scope = resolveScope(s);
    let v = this.views.get(scope.key);
    if (!v) {
      v = new View(this.ix, scope);
      if (this.views.size >= 8) this.views.delete(this.views.keys().next().value!);
      this.views.set(scope.key, v);
    }
    return v;
  }

  // 1. Membership overlap ---------------------------------------------------------------------

  /** Members of one network active in the scope, sorted; reads only that network's rows. */
  membersOf(n: number, scope: ResolvedScope): Int32Array {
    const { ix } = this;
    const out = new Set<number>();
    for (const m of ix.byNetwork[n]) {
      if (ix.mStart[m] > scope.to || ix.mEnd[m] < scope.from) continue;
      const a = ix.mActor[m];
      if (scope.territoryId && !ix.reach.of(ix.actorCommune[a]).has(scope.territoryId)) continue;
      out.add(a);
    }
    return Int32Array.from(out).sort();
  }

  overlap(a: number, b: number, s?: Scope): Overlap {
    const scope = resolveScope(s);
    const ma = this.membersOf(a, scope);
    const mb = this.membersOf(b, scope);
    const shared = intersect(ma, mb);
    const union = ma.length + mb.length - shared.length;
    return { networkA: a, networkB: b, membersA: ma.length, membersB: mb.length, shared, jaccard: union ? round(shared.length / union) : 0 };
  }

  // 2. Sector complementarity -------------------------------------------------------------------

  sectorProfile(n: number, view: View): SectorProfile {
    const counts = new Map<number, number>();
    let withSector = 0;
    for (const a of view.members[n]) {
      const d = this.ix.actorDivision[a];
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
   * raises both the joint and the marginal counts, so it carries little weight.
   */
  private sectorModel(view: View) {
    const cached = (view as View & { sectorModel?: ReturnType<SynergyEngine['buildSectorModel']> }).sectorModel;
    if (cached) return cached;
    const model = this.buildSectorModel(view);
    (view as View & { sectorModel?: typeof model }).sectorModel = model;
    return model;
  }

  private buildSectorModel(view: View) {
    type Share = { nz: Int16Array; p: Float64Array; norm: number };
    const shares: (Share | undefined)[] = new Array(this.ix.networks.length);
    const marginal = new Float64Array(DIVISIONS);
    const joint = new Float64Array(DIVISIONS * DIVISIONS);
    let total = 0;
    for (const n of view.networks) {
      const prof = this.sectorProfile(n, view);
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
    // q_A = affinity · p_A: complementarity(A, B) is then one sparse dot product with p_B.
    const projected: (Float64Array | undefined)[] = new Array(this.ix.networks.length);
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
  }

  /** The couples of divisions behind a pair's complementarity, strongest first. */
  sectorLinks(a: number, b: number, view: View, limit = 3): DivisionLink[] {
    const { shares, affinity } = this.sectorModel(view);
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

  /** Every pair of networks in the view with its profile, overlap and co-participation figures, that `keep` keeps. */
  pairs(s?: Scope, keep: (p: NetworkPair) => boolean = () => true): NetworkPair[] {
    return this.scanPairs(this.view(s), (p) => (keep(p) ? 1 : 0), Infinity).map(({ score: _score, ...p }) => p);
  }

  // 3. Co-participation ------------------------------------------------------------------------

  /** Joint initiatives per pair of organising networks in the scope, weighted by recency. */
  private coParticipationMap(view: View): Map<number, CoParticipation> {
    const cached = (view as View & { co?: Map<number, CoParticipation> }).co;
    if (cached) return cached;
    const { ix } = this;
    const { scope } = view;
    const map = new Map<number, CoParticipation>();
    const order = ix.iName.map((_, i) => i).sort((x, y) => (ix.iStart[y] || 0) - (ix.iStart[x] || 0));
    for (const i of order) {
      const orgs = ix.iOrganisers[i];
      if (orgs.length < 2 || !this.initiativeInScope(i, view)) continue;
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
    (view as View & { co?: typeof map }).co = map;
    return map;
  }

  /** Dated within the scope's period (undated ones count), and placed in or organised from its territory. */
  private initiativeInScope(i: number, view: View): boolean {
    const { ix } = this;
    const { scope } = view;
    if (!Number.isNaN(ix.iStart[i]) && (ix.iStart[i] > scope.to || ix.iEnd[i] < scope.initiativesFrom)) return false;
    if (!scope.territoryId) return true;
    const place = ix.iPlace[i];
    if (place && ix.reach.of(place).has(scope.territoryId)) return true;
    return ix.iOrganisers[i].some((n) => view.declaredIn(n));
  }

  coParticipation(s?: Scope): CoParticipation[] {
    const view = this.view(s);
    return [...this.coParticipationMap(view).values()].map((c) => ({ ...c, weight: round(c.weight) })).sort((x, y) => y.weight - x.weight || y.count - x.count);
  }

  // 4. Bridging actors ---------------------------------------------------------------------------

  /**
   * Actors that connect networks. On a graph small enough, betweenness centrality of actors on the
   * actor–network graph (graphology-metrics, Brandes, normalised). Above that, the exact share of
   * the shortest network-to-network paths of length two that pass through each actor: for networks
   * A and B sharing s members, each of them carries 1/s of the A–B paths; an actor's score is the
   * sum over the pairs of its networks. Sole links between networks weigh 1, shared ones less.
   */
  bridging(s?: Scope, force?: BridgingMethod): { method: BridgingMethod; actors: Bridge[] } {
    const view = this.view(s);
    const shared = view.sharedCounts();
    const nodeCount = view.actorNetworks.size + view.networks.length;
    const method: BridgingMethod = force ?? (nodeCount <= EXACT_BETWEENNESS_MAX_NODES ? 'BETWEENNESS' : 'LOCAL_BRIDGING');
    let scoreOf: (a: number) => number;
    if (method === 'BETWEENNESS') {
      const g = new UndirectedGraph();
      for (const [a, nets] of view.actorNetworks) {
        g.mergeNode(`a${a}`);
        for (const n of nets) {
          g.mergeNode(`n${n}`);
          g.mergeEdge(`a${a}`, `n${n}`);
        }
      }
      const scores = betweenness(g, { normalized: true });
      scoreOf = (a) => scores[`a${a}`] ?? 0;
    } else {
      scoreOf = (a) => {
        const nets = view.actorNetworks.get(a)!;
        let sum = 0;
        for (let i = 0; i < nets.length; i++) for (let j = i + 1; j < nets.length; j++) sum += 1 / shared.get(view.pairKey(nets[i], nets[j]))!;
        return sum;
      };
    }
    const actors: Bridge[] = [];
    for (const [a, nets] of view.actorNetworks) {
      if (nets.length < 2) continue;
      const score = scoreOf(a);
      if (score <= 0) continue;
      const pairs: Bridge['pairs'] = [];
      for (let i = 0; i < nets.length; i++)
        for (let j = i + 1; j < nets.length; j++) pairs.push({ a: nets[i], b: nets[j], shared: shared.get(view.pairKey(nets[i], nets[j]))! });
      pairs.sort((x, y) => x.shared - y.shared || x.a - y.a || x.b - y.b);
      actors.push({ actor: a, score: round(score, 6), networks: nets.length, pairs });
    }
    actors.sort((x, y) => y.score - x.score || this.ix.actors[x.actor].name.localeCompare(this.ix.actors[y.actor].name));
    return { method, actors };
  }

  // 5. Cross-territory ties ------------------------------------------------------------------------

  /**
   * Memberships whose member sits in another département (or région) than the network's seat, per
   * network and per territory of the members; initiatives whose organisers' seats, parties and place
   * span more than one, per organising network and per territory touched. Networks come most
   * crossing first: (crossing memberships + crossing initiatives) / (memberships + initiatives).
   */
  crossTerritoryTies(level: 'DEPARTEMENT' | 'REGION', s?: Scope): { networks: NetworkTies[]; territories: TerritoryTies[] } {
    const view = this.view(s);
    const { ix } = this;
    const at = (id: string | null) => ix.reach.at(id, level);
    const seatOf = (n: number) => at(ix.networkSeat[n]) ?? (ix.networks[n].scope.length ? at(ix.networks[n].scope[0]) : null);
    const perTerritory = new Map<string, TerritoryTies>();
    const territory = (t: string) => {
      let r = perTerritory.get(t);
      if (!r) perTerritory.set(t, (r = { territory: t, memberships: 0, crossing: 0, initiatives: 0, crossingInitiatives: 0 }));
      return r;
    };
    const perNetwork = new Map<number, NetworkTies>();
    const counts = (m: Map<string, number>) => [...m].map(([territory, count]) => ({ territory, count })).sort((x, y) => y.count - x.count || x.territory.localeCompare(y.territory));
    const initiativeSpread = new Map<number, Map<string, number>>();
    const row = (n: number) => {
      let r = perNetwork.get(n);
      if (!r) perNetwork.set(n, (r = { network: n, seat: seatOf(n), memberships: 0, crossing: 0, territories: [], initiatives: 0, crossingInitiatives: 0, initiativeTerritories: [] }));
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
      if (!this.initiativeInScope(i, view)) continue;
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
    const networks = [...perNetwork.values()].sort((x, y) => crossingShare(y) - crossingShare(x) || y.memberships - x.memberships || x.network - y.network);
    const inScope = (t: string) => !view.scope.territoryId || ix.reach.of(t).has(view.scope.territoryId) || ix.reach.of(view.scope.territoryId).has(t);
    const territories = [...perTerritory.values()].filter((t) => inScope(t.territory)).sort((x, y) => y.memberships - x.memberships || x.territory.localeCompare(y.territory));
    return { networks, territories };
  }

  /**
   * Walks every pair of networks of the view once and keeps the `k` best by `rank` (a score > 0;
   * 0 or less drops the pair). Allocation-free per pair: on a région (2,000 networks, two million
   * pairs) objects are made only for the pairs that enter the top.
   */
  private scanPairs(view: View, rank: (p: NetworkPair, jaccard: number) => number, k: number): (NetworkPair & { score: number })[] {
    const co = this.coParticipationMap(view);
    const { shares, projected } = this.sectorModel(view);
    const nets = view.networks;
    const size = this.ix.networks.length;
    // Per network A, dense rows over B: members shared (counted from A's members' networks, which
    // costs what the pair map would but with array writes) and joint initiatives.
    const sharedRow = new Int32Array(size);
    const coRow: (CoParticipation | undefined)[] = new Array(size);
    const coOf: [number, CoParticipation][][] = Array.from({ length: size }, () => []);
    for (const c of co.values()) {
      coOf[c.a].push([c.b, c]);
      coOf[c.b].push([c.a, c]);
    }
    const top: (NetworkPair & { score: number })[] = [];
    const p: NetworkPair = { a: 0, b: 0, similarity: 0, complementarity: 0, shared: 0, jointInitiatives: 0, coParticipation: 0, whiteSpace: false };
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
    return top.map((t) => ({ ...t, similarity: round(t.similarity), complementarity: round(t.complementarity), coParticipation: round(t.coParticipation) }));
  }

  // 6. Synergy report ------------------------------------------------------------------------------

  /**
   * The pairs of networks most worth bringing together in a scope. A pair's potential is what its
   * sector profiles promise (complementarity, similarity at half weight) and how close its members
   * already are (Jaccard index at half weight); shared members make the introduction easy and raise
   * it; joint initiatives already held lower it (they work together already).
   * score = (complementarity + (similarity + jaccard) / 2) × (1 + ln(1 + shared)) / (1 + coParticipation)
   */
  report(s?: Scope, first = 10): { networks: number; members: number; pairs: ReportPair[] } {
    const view = this.view(s);
    const top = this.scanPairs(view, (p, jaccard) => ((p.complementarity + (p.similarity + jaccard) / 2) * (1 + Math.log1p(p.shared))) / (1 + p.coParticipation), Math.max(1, first));
    const co = this.coParticipationMap(view);
    const pairs = top.map((p) => this.explain(p, view, co.get(view.pairKey(p.a, p.b))?.initiatives ?? []));
    return { networks: view.networks.length, members: view.actorNetworks.size, pairs };
  }

  private explain(p: NetworkPair & { score: number }, view: View, initiatives: number[]): ReportPair {
    const { ix } = this;
    const sharedMembers = intersect(view.members[p.a], view.members[p.b]).sort((x, y) => (view.actorNetworks.get(y)?.length ?? 0) - (view.actorNetworks.get(x)?.length ?? 0));
    const introducers = sharedMembers.length ? sharedMembers.slice(0, 5) : this.introducers(p.a, p.b, view);
    const sectorLinks = this.sectorLinks(p.a, p.b, view);
    const name = (a: number) => ix.actors[a].name;
    const label = (d: number) => `${String(d).padStart(2, '0')} ${nafDivision(String(d).padStart(2, '0'))?.label ?? ''}`.trim();
    const reasons: string[] = [];
    if (sharedMembers.length) reasons.push(`${sharedMembers.length} shared member${sharedMembers.length > 1 ? 's' : ''}: ${sharedMembers.slice(0, 5).map(name).join(', ')}`);
    if (sectorLinks.length) reasons.push(`complementary sectors: ${sectorLinks.map((l) => `${label(l.a)} ↔ ${label(l.b)}`).join('; ')}`);
    else if (p.similarity > 0) reasons.push(`similar sector profiles (cosine ${p.similarity.toFixed(2)})`);
    if (initiatives.length) reasons.push(`${initiatives.length} joint initiative${initiatives.length > 1 ? 's' : ''} already: ${initiatives.slice(0, 3).map((i) => ix.iName[i]).join(', ')}`);
    else reasons.push('no joint initiative yet');
    if (!sharedMembers.length && introducers.length) reasons.push(`could be introduced by ${introducers.slice(0, 3).map(name).join(', ')}, who share a network with members of both`);
    return { ...p, score: round(p.score), sharedMembers, sectorLinks, initiatives, introducers, reasons };
  }

  /** Members of A in a third network with a member of B, and members of B in a third with one of A. */
  private introducers(a: number, b: number, view: View, limit = 5): number[] {
    const shared = view.sharedCounts();
    const out: number[] = [];
    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      for (const x of view.members[from]) {
        if (out.length >= limit) return out;
        const nets = view.actorNetworks.get(x) ?? [];
        if (nets.some((c) => c !== from && c !== to && (shared.get(view.pairKey(c, to)) ?? 0) > 0) && !out.includes(x)) out.push(x);
      }
    }
    return out;
  }

  // Search and matchmaking -------------------------------------------------------------------------

  private keys(): string[] {
    return (this.searchKeys ??= this.ix.actors.map((a) => normaliseText(a.name).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()));
  }

  /**
   * Actors by name, insensitive to accents, case and punctuation ("mecanic vallee" finds "Mécanic
   * Vallée"), ranked: exact name, then name starting with the text, then every word starting a word
   * of the name, then every word inside the name. Filters: NAF code or division prefix, territory,
   * network (active member). Ties go to the better connected, then by name.
   */
  search(q: { text?: string | null; sector?: string | null; territoryId?: string | null; networkId?: string | null }): { actor: number; score: number }[] {
    const { ix } = this;
    const keys = this.keys();
    const text = q.text ? normaliseText(q.text).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim() : '';
    const words = text ? text.split(' ') : [];
    const sector = q.sector?.trim().toUpperCase() || null;
    let pool: Iterable<number> = keys.keys();
    if (q.networkId) {
      const n = ix.networkIndex(q.networkId);
      pool = n === undefined ? [] : this.membersOf(n, resolveScope());
    }
    const hits: { actor: number; score: number }[] = [];
    for (const a of pool) {
      if (sector && !(ix.actors[a].nafCode ?? '').toUpperCase().startsWith(sector)) continue;
      if (q.territoryId && !ix.reach.of(ix.actorCommune[a]).has(q.territoryId)) continue;
      const score = text ? matchScore(keys[a], text, words) : 1;
      if (score > 0) hits.push({ actor: a, score });
    }
    const degree = (a: number) => ix.byActor[a].length;
    return hits.sort((x, y) => y.score - x.score || degree(y.actor) - degree(x.actor) || ix.actors[x.actor].name.localeCompare(ix.actors[y.actor].name, 'fr'));
  }

  /** Actors one membership away (same network) and two (a member of one of its networks in another). */
  private neighbourhood(start: number, scope: ResolvedScope) {
    const view = this.view({ from: isoOfDay(scope.from), to: isoOfDay(scope.to) });
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
      const steps: { actor: number; network: number }[] = [];
      for (let cur = y; cur !== start; ) {
        const v = viaNetwork.get(cur)!;
        steps.unshift({ network: v.network, actor: cur });
        cur = v.from;
      }
      return steps;
    };
    return { viaNetwork, path };
  }

  /**
   * "Someone around us has the solution": actors matching a need (a NAF code or division prefix, or
   * a keyword found in the name or in the NAF label of the activity), nearest first: in one of the
   * actor's networks, then one network away, then in the same département.
   */
  solutions(actor: number, need: { sector?: string | null; keyword?: string | null }) {
    const { ix } = this;
    const sector = need.sector?.trim().toUpperCase() || null;
    const keyword = need.keyword ? normaliseText(need.keyword) : null;
    const keys = this.keys();
    const matches = (a: number) => {
      const naf = ix.actors[a].nafCode ?? '';
      if (sector && !naf.toUpperCase().startsWith(sector)) return false;
      if (keyword && !keys[a].includes(keyword) && !normaliseText(nafDivision(naf.slice(0, 2))?.label ?? '').includes(keyword)) return false;
      return ix.actors[a].kind !== 'PERSON';
    };
    const { viaNetwork, path } = this.neighbourhood(actor, resolveScope());
    const home = ix.reach.at(ix.actorCommune[actor], 'DEPARTEMENT');
    const out: { actor: number; reach: 'SAME_NETWORK' | 'ONE_NETWORK_AWAY' | 'SAME_TERRITORY'; path: { actor: number; network: number }[] }[] = [];
    for (const [a, v] of viaNetwork) if (a !== actor && matches(a)) out.push({ actor: a, reach: v.hops === 1 ? 'SAME_NETWORK' : 'ONE_NETWORK_AWAY', path: path(a) });
    if (home)
      for (let a = 0; a < ix.actors.length; a++)
        if (a !== actor && !viaNetwork.has(a) && matches(a) && ix.reach.at(ix.actorCommune[a], 'DEPARTEMENT') === home) out.push({ actor: a, reach: 'SAME_TERRITORY', path: [] });
    const rank = { SAME_NETWORK: 0, ONE_NETWORK_AWAY: 1, SAME_TERRITORY: 2 };
    return out.sort((x, y) => rank[x.reach] - rank[y.reach] || ix.actors[x.actor].name.localeCompare(ix.actors[y.actor].name, 'fr'));
  }

  /**
   * Networks in reach that match a need: its name holds the keyword, or at least 10% of its members
   * with a known sector are in the needed one. Nearest first: networks the actor is in, then those
   * sharing a member with one of its networks, then those present in its département.
   */
  solutionNetworks(actor: number, need: { sector?: string | null; keyword?: string | null }) {
    const { ix } = this;
    const view = this.view();
    const sector = need.sector?.trim().toUpperCase() || null;
    const keyword = need.keyword ? normaliseText(need.keyword) : null;
    const own = new Set(view.actorNetworks.get(actor) ?? []);
    const near = new Set<number>();
    for (const n of own) for (const m of view.members[n]) for (const o of view.actorNetworks.get(m) ?? []) if (!own.has(o)) near.add(o);
    const home = ix.reach.at(ix.actorCommune[actor], 'DEPARTEMENT');
    const out: { network: number; nearness: 'MEMBER' | 'ONE_NETWORK_AWAY' | 'SAME_TERRITORY'; share: number | null }[] = [];
    for (const n of view.networks) {
      let share: number | null = null;
      if (sector) {
        let known = 0;
        let hits = 0;
        for (const a of view.members[n]) {
          const naf = ix.actors[a].nafCode;
          if (!naf) continue;
          known++;
          if (naf.toUpperCase().startsWith(sector)) hits++;
        }
        share = known ? hits / known : 0;
        if (share < 0.1) continue;
      }
      if (keyword && !normaliseText(ix.networks[n].name).includes(keyword)) continue;
      const nearness = own.has(n) ? 'MEMBER' : near.has(n) ? 'ONE_NETWORK_AWAY' : home && presentIn(ix, n, home) ? 'SAME_TERRITORY' : null;
      if (nearness) out.push({ network: n, nearness, share: share === null ? null : round(share) });
    }
    const rank = { MEMBER: 0, ONE_NETWORK_AWAY: 1, SAME_TERRITORY: 2 };
    return out.sort((x, y) => rank[x.nearness] - rank[y.nearness] || (y.share ?? 0) - (x.share ?? 0) || ix.networks[x.network].name.localeCompare(ix.networks[y.network].name, 'fr'));
  }

  /** Large buyers a start-up reaches through its networks (one network, then two), with the path. */
  firstClients(actor: number, isBuyer: (a: number) => boolean) {
    const { ix } = this;
    const { viaNetwork, path } = this.neighbourhood(actor, resolveScope());
    const size = (a: number) => (ix.actors[a].category === 'GE' ? 0 : ix.actors[a].category === 'ETI' ? 1 : 2);
    return [...viaNetwork]
      .filter(([a]) => a !== actor && isBuyer(a))
      .map(([a, v]) => ({ actor: a, hops: v.hops, path: path(a) }))
      .sort((x, y) => x.hops - y.hops || size(x.actor) - size(y.actor) || ix.actors[x.actor].name.localeCompare(ix.actors[y.actor].name, 'fr'));
  }
}

/** Rank of a normalised name against normalised search text (0 = no match). */
export function matchScore(name: string, text: string, words: string[]): number {
  // The cheap test first: most names of a région hold none of the words.
  for (const w of words) if (!name.includes(w)) return 0;
  if (name === text) return 1;
  if (name.startsWith(text)) return 0.9;
  const nameWords = name.split(' ');
  if (words.every((w) => nameWords.some((n) => n.startsWith(w)))) return 0.8 - 0.01 * Math.max(0, nameWords.length - words.length);
  return 0.6;
}
