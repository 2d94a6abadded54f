import { ancestorsOf, reachOf } from '@maillage/reference';
import { dayOf, type GraphIndex } from '../index-build';
import { memoOnVersion } from '../measures/memo';
import { searchKey } from '../measures/search';
import type { NetworkKind } from '../snapshot';

/*
 * The cross-kind lists of the regional graph (Actor.memberships, Territory.networks, networks,
 * initiatives...), answered from the index. Each list is sorted once by a total order (a name, then
 * the id, or a date, then the id), so an offset cursor names the same item on every page of the
 * same index, whatever the mix of kinds. The rules (what "active" and "in a territory" mean) are
 * the network subgraphs' own (packages/networks: isActiveOn, networksByTerritory), so a cross-kind
 * total is the sum of the per-kind totals.
 */

const today = () => Math.floor(Date.now() / 86_400_000);

/** Active on a day: started (or no start known) and not yet ended; the end day is not a day of the period. */
const activeOn = (start: number, end: number, day: number) => start <= day && end > day;

export interface KindFilter {
  kind?: NetworkKind | null;
  includeEnded?: boolean | null;
}

interface NetworkFacts {
  /** Search key of the name: what networks are ordered by (the subgraphs order by it too). */
  key: string[];
  /** Every territory a network's declared scope lies in, the scope itself included. */
  reach: Set<string>[];
  scope: Set<string>[];
  start: Float64Array;
  end: Float64Array;
  /** Networks by name, then id. */
  byName: number[];
}

/** Rebuilt on first use after a network changed: a few thousand rows, a sort by name. */
const networkFacts = memoOnVersion(networksVersion, (ix: GraphIndex): NetworkFacts => {
  const key = ix.networks.map((n) => searchKey(n.name));
  const byName = ix.networks
    .map((_, i) => i)
    .filter((n) => ix.networkLive[n])
    .sort((a, b) => cmp(key[a], key[b]) || cmp(ix.networks[a].id, ix.networks[b].id));
  return {
    key,
    reach: ix.networks.map((n) => new Set(reachOf(n.scope))),
    scope: ix.networks.map((n) => new Set(n.scope)),
    start: Float64Array.from(ix.networks, (n) => dayOf(n.startDate) ?? -Infinity),
    end: Float64Array.from(ix.networks, (n) => dayOf(n.endDate) ?? Infinity),
    byName,
  };
});

function networksVersion(ix: GraphIndex) {
  return ix.networksVersion;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function networkActive(ix: GraphIndex, n: number, day = today()): boolean {
  const f = networkFacts(ix);
  return activeOn(f.start[n], f.end[n], day);
}

/** Whether a network is present in a territory: declared in it or inside it, or covering it. */
export function networkIn(ix: GraphIndex, n: number, territoryId: string, covering: Set<string>): boolean {
  const f = networkFacts(ix);
  if (f.reach[n].has(territoryId)) return true;
  for (const s of f.scope[n]) if (covering.has(s)) return true;
  return false;
}

/** Networks, by name then id: of a kind, in a territory, whose name holds the text, active unless includeEnded. */
export function listNetworks(ix: GraphIndex, q: KindFilter & { territoryId?: string | null; search?: string | null }): number[] {
  const f = networkFacts(ix);
  const day = today();
  const covering = q.territoryId ? new Set(ancestorsOf(q.territoryId).map((t) => t.id)) : undefined;
  const text = q.search?.trim() ? searchKey(q.search) : '';
  return f.byName.filter(
    (n) =>
      (!q.kind || ix.kinds[n] === q.kind) &&
      (q.includeEnded || activeOn(f.start[n], f.end[n], day)) &&
      (!q.territoryId || networkIn(ix, n, q.territoryId, covering!)) &&
      (!text || f.key[n].includes(text)),
  );
}

/** An actor's memberships (indices into the index's membership columns), by network name, then start date. */
export function actorMemberships(ix: GraphIndex, a: number, q: KindFilter): number[] {
  const rank = networkRank(ix);
  const day = today();
  return ix.byActor[a]
    .filter((m) => (!q.kind || ix.kinds[ix.mNetwork[m]] === q.kind) && (q.includeEnded || activeOn(ix.mStart[m], ix.mEnd[m], day)))
    .sort(
      (x, y) =>
        rank[ix.mNetwork[x]] - rank[ix.mNetwork[y]] ||
        ix.mStart[x] - ix.mStart[y] ||
        ix.mEnd[x] - ix.mEnd[y] ||
        cmp(ix.mId[x], ix.mId[y]) ||
        x - y,
    );
}

/** Each network's position in the order by name. */
const networkRank = memoOnVersion(networksVersion, (ix: GraphIndex): Int32Array => {
  const r = new Int32Array(ix.networks.length);
  networkFacts(ix).byName.forEach((n, i) => (r[n] = i));
  return r;
});

export interface InitiativeFilter {
  jointOnly?: boolean | null;
  /** The kind of the lead organiser: the subgraph the initiative belongs to. */
  kind?: NetworkKind | null;
  territoryId?: string | null;
  /** ISO dates: initiatives whose dates meet [from, to]. */
  from?: string | null;
  to?: string | null;
  status?: string | null;
  /** Initiatives this actor takes part in as partner or participant. */
  party?: number;
}

/** Whether organisers come from at least two kinds of network. */
export const isJoint = (ix: GraphIndex, i: number) => new Set(ix.iOrganisers[i].map((n) => ix.kinds[n])).size > 1;

/**
 * Initiatives matching the filter. In a territory: taking place in it, or led by a network present
 * in it. Within [from, to]: starting on or before `to` and ending on or after `from`.
 */
export function listInitiatives(ix: GraphIndex, q: InitiativeFilter): number[] {
  const covering = q.territoryId ? new Set(ancestorsOf(q.territoryId).map((t) => t.id)) : undefined;
  const from = dayOf(q.from) ?? -Infinity;
  const to = dayOf(q.to) ?? Infinity;
  const dated = q.from != null || q.to != null;
  const parties = q.party === undefined ? undefined : new Set(ix.actorInitiatives[q.party] ?? []);
  // The index keeps the order (by start date, undated last, then id) as initiatives change.
  return ix.iOrder.filter((i) => {
    const lead = ix.iOrganisers[i][0];
    if (parties && !parties.has(i)) return false;
    if (q.kind && (lead === undefined || ix.kinds[lead] !== q.kind)) return false;
    if (q.status && ix.iStatus[i] !== q.status) return false;
    if (q.jointOnly && !isJoint(ix, i)) return false;
    if (dated && (Number.isNaN(ix.iStart[i]) || ix.iStart[i] > to || ix.iEnd[i] < from)) return false;
    if (q.territoryId) {
      const place = ix.iPlace[i];
      const inPlace = !!place && ix.reach.of(place).has(q.territoryId);
      if (!inPlace && (lead === undefined || !networkIn(ix, lead, q.territoryId, covering!))) return false;
    }
    return true;
  });
}
