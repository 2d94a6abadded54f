import { ancestorsOf, getTerritory, headcountBand } from '@maillage/reference';
import type { NetworkKind, RegionSnapshot, SnapshotActor, SnapshotNetwork } from './snapshot';

/** Days since 1970-01-01 of an ISO date; null stays null. */
export function dayOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(t) ? null : Math.floor(t / 86_400_000);
}

export const isoOfDay = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** A NAF code's division as a number (25 for 25.62A), or -1. */
export function divisionOf(naf: string | null | undefined): number {
  if (!naf || naf.length < 2) return -1;
  const d = Number(naf.slice(0, 2));
  return Number.isInteger(d) && d > 0 && d < 100 ? d : -1;
}

/** The territory ids a commune (or any territory) lies in, itself included; memoised per id. */
export class ReachCache {
  private readonly cache = new Map<string, Set<string>>();
  of(id: string | null | undefined): Set<string> {
    if (!id) return EMPTY;
    let r = this.cache.get(id);
    if (!r) {
      r = new Set([id, ...ancestorsOf(id).map((t) => t.id)]);
      this.cache.set(id, r);
    }
    return r;
  }
  /** The département (or région) a territory lies in, or null above that level. */
  at(id: string | null | undefined, level: 'DEPARTEMENT' | 'REGION'): string | null {
    if (!id) return null;
    const t = getTerritory(id);
    if (!t) return null;
    if (t.level === level) return t.id;
    return (level === 'DEPARTEMENT' ? t.departementId : t.regionId) ?? null;
  }
}
const EMPTY = new Set<string>();

/** A large buyer (donneur d'ordre): a large or intermediate company, or an organisation of 250 people or more. */
export function isLargeBuyer(a: SnapshotActor): boolean {
  if (a.kind === 'PERSON' || a.kind === 'STARTUP') return false;
  if (a.category === 'GE' || a.category === 'ETI') return true;
  const band = a.headcountBand ? headcountBand(a.headcountBand) : undefined;
  return (band?.min ?? 0) >= 250;
}

/**
 * The snapshot in arrays indexed by position: what every measure walks. Memberships are kept per
 * network and per actor so a measure touches only the rows it needs.
 */
export class GraphIndex {
  readonly actors: SnapshotActor[];
  readonly networks: SnapshotNetwork[];
  readonly actorIx = new Map<string, number>();
  readonly networkIx = new Map<string, number>();
  readonly actorDivision: Int16Array;
  readonly actorCommune: (string | null)[];
  readonly kinds: NetworkKind[];
  /** The commune of the organisation behind each network (its seat), when known. */
  readonly networkSeat: (string | null)[];
  // Memberships, column-wise. Unknown start is -Infinity, no end +Infinity.
  readonly mNetwork: Int32Array;
  readonly mActor: Int32Array;
  readonly mStart: Float64Array;
  readonly mEnd: Float64Array;
  /** Membership ids in their subgraph, '' when the snapshot gave none. */
  readonly mId: string[];
  readonly byNetwork: number[][];
  readonly byActor: number[][];
  // Initiatives: organising networks (lead first), parties, dates.
  readonly iName: string[];
  readonly iId: string[];
  readonly iOrganisers: number[][];
  readonly iParties: number[][];
  readonly iStart: Float64Array;
  readonly iEnd: Float64Array;
  readonly iPlace: (string | null)[];
  readonly iStatus: (string | null)[];
  readonly reach = new ReachCache();
  readonly takenAt: string;
  /** Memberships that name an actor or network absent from the snapshot (skipped). */
  readonly dangling: number;

  constructor(s: RegionSnapshot) {
    this.takenAt = s.takenAt;
    this.actors = s.actors;
    this.networks = s.networks;
    s.actors.forEach((a, i) => this.actorIx.set(a.id, i));
    s.networks.forEach((n, i) => this.networkIx.set(n.id, i));
    this.actorDivision = Int16Array.from(s.actors, (a) => divisionOf(a.nafCode));
    this.actorCommune = s.actors.map((a) => a.communeId ?? null);
    this.kinds = s.networks.map((n) => n.kind);
    this.networkSeat = s.networks.map((n) => {
      const a = n.actorId ? this.actorIx.get(n.actorId) : undefined;
      return a === undefined ? null : this.actorCommune[a];
    });

    const rows = s.memberships.filter((m) => this.actorIx.has(m.actorId) && this.networkIx.has(m.networkId));
    this.dangling = s.memberships.length - rows.length;
    this.mNetwork = Int32Array.from(rows, (m) => this.networkIx.get(m.networkId)!);
    this.mActor = Int32Array.from(rows, (m) => this.actorIx.get(m.actorId)!);
    this.mStart = Float64Array.from(rows, (m) => dayOf(m.startDate) ?? -Infinity);
    this.mEnd = Float64Array.from(rows, (m) => dayOf(m.endDate) ?? Infinity);
    this.mId = rows.map((m) => m.id ?? '');
    this.byNetwork = s.networks.map(() => []);
    this.byActor = s.actors.map(() => []);
    for (let m = 0; m < rows.length; m++) {
      this.byNetwork[this.mNetwork[m]].push(m);
      this.byActor[this.mActor[m]].push(m);
    }

    const known = (ids: string[], ix: Map<string, number>) => [
      ...new Set(ids.map((id) => ix.get(id)).filter((i): i is number => i !== undefined)),
    ];
    this.iId = s.initiatives.map((i) => i.id);
    this.iName = s.initiatives.map((i) => i.name);
    this.iOrganisers = s.initiatives.map((i) => known([i.organiserId, ...i.coOrganiserIds], this.networkIx));
    this.iParties = s.initiatives.map((i) => known(i.partyActorIds, this.actorIx));
    this.iStart = Float64Array.from(s.initiatives, (i) => dayOf(i.startDate) ?? dayOf(i.endDate) ?? NaN);
    this.iEnd = Float64Array.from(s.initiatives, (i) => dayOf(i.endDate) ?? dayOf(i.startDate) ?? NaN);
    this.iPlace = s.initiatives.map((i) => i.placeId ?? null);
    this.iStatus = s.initiatives.map((i) => i.status ?? null);
  }

  actorIndex(id: string): number | undefined {
    return this.actorIx.get(id);
  }
  networkIndex(id: string): number | undefined {
    return this.networkIx.get(id);
  }
}
