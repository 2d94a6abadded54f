import { ancestorsOf, getTerritory, headcountBand } from '@maillage/reference';
import { searchKey } from './text';
import type { NetworkKind, RegionSnapshot, SnapshotActor, SnapshotInitiative, SnapshotMembership, SnapshotNetwork } from './snapshot';

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

/** One change to the regional graph, as the feed hands it to the index: an entity's whole new state, or null when it is gone. */
export type IndexChange =
  | { type: 'actor'; id: string; value: SnapshotActor | null }
  | { type: 'network'; id: string; value: SnapshotNetwork | null }
  | { type: 'membership'; id: string; value: SnapshotMembership | null }
  | { type: 'initiative'; id: string; value: SnapshotInitiative | null };

/**
 * What a change touched, for the views to know whether they still hold: the communes of the actors
 * whose memberships or place changed, over which days; `all` when the change reaches every scope (a
 * network, an initiative).
 */
export interface Touched {
  all: boolean;
  communes: (string | null)[];
  /** Periods [start, end] in days of the memberships before and after the change. */
  periods: [number, number][];
}

/** What keeps a search over the index's names: told which documents changed (`docOf`). */
export interface NameIndex {
  touch(doc: number): void;
}

/** Search document id of an actor, a network or an initiative: one number space, no lookup table. */
export const docOf = { actor: (a: number) => 3 * a, network: (n: number) => 3 * n + 1, initiative: (i: number) => 3 * i + 2 };

export interface IndexOptions {
  /** Leave out the members of networks whose member list is private (`publicPart`), and follow their visibility. */
  publicOnly?: boolean;
}

/** Adds to the set of a key in a map of sets. */
function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(value);
}
function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const s = map.get(key);
  if (s && s.delete(value) && !s.size) map.delete(key);
}
function removeItem(list: number[], x: number) {
  const i = list.indexOf(x);
  if (i >= 0) list.splice(i, 1);
}
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The snapshot in arrays indexed by position: what every measure walks. Memberships are kept per
 * network and per actor so a measure touches only the rows it needs.
 *
 * The index follows the feed: `apply` takes one change and updates, in place, the rows it touches,
 * the per-network and per-actor lists, the order of initiatives, the name keys and the search. An
 * entity that goes keeps its position as a tombstone (`actorLive`, `networkLive`, `iLive`, a
 * membership's network -1), so a position handed out before stays the same entity, and positions
 * keep the order of the feed's maps: a full build from the same final state orders ties alike. A
 * membership whose actor or network is unknown (or, in the public index, whose network's list is
 * private) waits, by its id, for the entity it names; an initiative names its organisers and
 * parties by id too, and is resolved again when one of them comes or goes.
 */
export class GraphIndex {
  readonly actors: SnapshotActor[] = [];
  readonly networks: SnapshotNetwork[] = [];
  readonly actorIx = new Map<string, number>();
  readonly networkIx = new Map<string, number>();
  readonly actorLive: boolean[] = [];
  readonly networkLive: boolean[] = [];
  readonly actorDivision: number[] = [];
  readonly actorCommune: (string | null)[] = [];
  /** Each actor's name as a search key (`searchKey`), '' once the actor is gone. */
  readonly actorKey: string[] = [];
  readonly kinds: NetworkKind[] = [];
  /** The commune of the organisation behind each network (its seat), when known. */
  readonly networkSeat: (string | null)[] = [];
  // Memberships, column-wise. Unknown start is -Infinity, no end +Infinity; a gone row has network -1.
  readonly mNetwork: number[] = [];
  readonly mActor: number[] = [];
  readonly mStart: number[] = [];
  readonly mEnd: number[] = [];
  /** Membership ids in their subgraph, '' when the snapshot gave none. */
  readonly mId: string[] = [];
  readonly byNetwork: number[][] = [];
  readonly byActor: number[][] = [];
  // Initiatives: organising networks (lead first), parties, dates.
  readonly iName: string[] = [];
  readonly iId: string[] = [];
  readonly iLive: boolean[] = [];
  readonly iOrganisers: number[][] = [];
  readonly iParties: number[][] = [];
  readonly iStart: number[] = [];
  readonly iEnd: number[] = [];
  readonly iPlace: (string | null)[] = [];
  readonly iStatus: (string | null)[] = [];
  /** Live initiatives by start date (undated last), then id: the order of the cross-kind lists. */
  readonly iOrder: number[] = [];
  /** Initiatives each actor takes part in as partner or participant. */
  readonly actorInitiatives: number[][] = [];
  readonly reach = new ReachCache();
  takenAt: string;
  /** Bumped at each change to the networks: what the lists derive from them is rebuilt on next use. */
  networksVersion = 0;
  /** The search over the names, told of each document a change touches. */
  search?: NameIndex;
  readonly publicOnly: boolean;

  private readonly initiatives: SnapshotInitiative[] = [];
  private readonly initiativeIx = new Map<string, number>();
  /** Every membership known, attached or waiting, by key (its id, or `#n` for one that came without). */
  private readonly rawMemberships = new Map<string, SnapshotMembership>();
  private readonly membershipIx = new Map<string, number>();
  /** Keys of memberships waiting for the actor or network (by its id) they name. */
  private readonly waiting = new Map<string, Set<string>>();
  /** Initiatives naming an id as organiser or party (known or not yet). */
  private readonly naming = new Map<string, Set<number>>();
  /** Networks naming an actor as the organisation behind them. */
  private readonly seatOf = new Map<string, Set<number>>();

  constructor(s: RegionSnapshot, opts: IndexOptions = {}) {
    this.takenAt = s.takenAt;
    this.publicOnly = !!opts.publicOnly;
    for (const a of s.actors) this.upsertActor(a);
    for (const n of s.networks) this.upsertNetwork(n);
    s.memberships.forEach((m, k) => this.upsertMembership(m.id ?? `#${k}`, m));
    for (const i of s.initiatives) this.upsertInitiative(i);
  }

  actorIndex(id: string): number | undefined {
    return this.actorIx.get(id);
  }
  networkIndex(id: string): number | undefined {
    return this.networkIx.get(id);
  }
  membershipIndex(id: string): number | undefined {
    return this.membershipIx.get(id);
  }
  initiativeIndex(id: string): number | undefined {
    return this.initiativeIx.get(id);
  }

  /** Live entities, and memberships that name an actor or network absent from the graph (skipped). */
  counts() {
    // In the public index, a membership waiting on a network whose list is private is left out, not dangling (as `publicPart`).
    let hidden = 0;
    if (this.publicOnly)
      for (const keys of this.waiting.values())
        for (const key of keys) {
          const n = this.networkIx.get(this.rawMemberships.get(key)!.networkId);
          if (n !== undefined && this.hides(this.networks[n])) hidden++;
        }
    const memberships = this.membershipIx.size;
    return {
      actors: this.actorIx.size,
      networks: this.networkIx.size,
      memberships,
      initiatives: this.initiativeIx.size,
      dangling: this.rawMemberships.size - memberships - hidden,
    };
  }

  /** Memberships that name an actor or network absent from the snapshot (skipped). */
  get dangling(): number {
    return this.counts().dangling;
  }

  /** Applies one change in place; says what it touched. */
  apply(c: IndexChange): Touched {
    const touched: Touched = { all: false, communes: [], periods: [] };
    switch (c.type) {
      case 'actor': {
        const a = this.actorIx.get(c.id);
        if (a !== undefined) touched.communes.push(this.actorCommune[a]);
        if (c.value) this.upsertActor({ ...c.value, id: c.id });
        else this.deleteActor(c.id);
        const b = this.actorIx.get(c.id);
        if (b !== undefined) touched.communes.push(this.actorCommune[b]);
        // An actor's initiatives reach views by their organisers: a party's commune counts in ties.
        // and the organisation behind a network places it (its seat).
        if ((a !== undefined && this.actorInitiatives[a].length) || (b !== undefined && this.actorInitiatives[b].length))
          touched.all = true;
        if (this.seatOf.has(c.id)) touched.all = true;
        touched.periods.push([-Infinity, Infinity]);
        break;
      }
      case 'membership': {
        const before = this.membershipIx.get(c.id);
        if (before !== undefined) this.touchRow(touched, before);
        if (c.value) this.upsertMembership(c.id, { ...c.value, id: c.id });
        else this.deleteMembership(c.id);
        const after = this.membershipIx.get(c.id);
        if (after !== undefined) this.touchRow(touched, after);
        break;
      }
      case 'network':
        if (c.value) this.upsertNetwork({ ...c.value, id: c.id });
        else this.deleteNetwork(c.id);
        touched.all = true;
        break;
      case 'initiative':
        if (c.value) this.upsertInitiative({ ...c.value, id: c.id });
        else this.deleteInitiative(c.id);
        touched.all = true;
        break;
    }
    return touched;
  }

  private touchRow(t: Touched, m: number) {
    t.communes.push(this.actorCommune[this.mActor[m]]);
    t.periods.push([this.mStart[m], this.mEnd[m]]);
  }

  private upsertActor(a: SnapshotActor) {
    let i = this.actorIx.get(a.id);
    const renamed = i === undefined || this.actors[i].name !== a.name;
    if (i === undefined) {
      i = this.actors.length;
      this.actorIx.set(a.id, i);
      this.actors.push(a);
      this.actorLive.push(true);
      this.actorDivision.push(divisionOf(a.nafCode));
      this.actorCommune.push(a.communeId ?? null);
      this.actorKey.push(searchKey(a.name));
      this.byActor.push([]);
      this.actorInitiatives.push([]);
      this.attachWaiting(a.id);
      this.resolveNaming(a.id);
    } else {
      this.actors[i] = a;
      this.actorDivision[i] = divisionOf(a.nafCode);
      this.actorCommune[i] = a.communeId ?? null;
      if (renamed) this.actorKey[i] = searchKey(a.name);
    }
    for (const n of this.seatOf.get(a.id) ?? []) this.networkSeat[n] = this.actorCommune[i];
    if (renamed) this.search?.touch(docOf.actor(i));
  }

  private deleteActor(id: string) {
    const a = this.retire(this.actorIx, this.actorLive, this.byActor, id);
    if (a === undefined) return;
    this.actorCommune[a] = null;
    this.actorKey[a] = '';
    this.actorDivision[a] = -1;
    for (const n of this.seatOf.get(id) ?? []) this.networkSeat[n] = null;
    this.resolveNaming(id);
    this.search?.touch(docOf.actor(a));
  }

  /**
   * Takes a deleted actor or network out of its id index: its row stays, as a tombstone, and its
   * memberships wait for it again. Returns the row, or undefined when the id was not indexed.
   */
  private retire(ix: Map<string, number>, live: boolean[], memberships: number[][], id: string): number | undefined {
    const row = ix.get(id);
    if (row === undefined) return undefined;
    ix.delete(id);
    live[row] = false;
    this.detachAll(memberships[row], id);
    return row;
  }

  private hides(n: SnapshotNetwork) {
    return this.publicOnly && n.publicMembers === false;
  }

  private upsertNetwork(v: SnapshotNetwork) {
    let n = this.networkIx.get(v.id);
    const known = n !== undefined;
    let renamed = true;
    if (n === undefined) {
      n = this.networks.length;
      this.networkIx.set(v.id, n);
      this.networks.push(v);
      this.networkLive.push(true);
      this.kinds.push(v.kind);
      this.networkSeat.push(null);
      this.byNetwork.push([]);
    } else {
      const old = this.networks[n];
      renamed = old.name !== v.name;
      if (old.actorId) removeFrom(this.seatOf, old.actorId, n);
      this.networks[n] = v;
      this.kinds[n] = v.kind;
      if (this.hides(v) && !this.hides(old)) this.detachAll(this.byNetwork[n], v.id);
    }
    if (v.actorId) addTo(this.seatOf, v.actorId, n);
    const seat = v.actorId ? this.actorIx.get(v.actorId) : undefined;
    this.networkSeat[n] = seat === undefined ? null : this.actorCommune[seat];
    if (!this.hides(v)) this.attachWaiting(v.id);
    if (!known) this.resolveNaming(v.id);
    this.networksVersion++;
    if (renamed) this.search?.touch(docOf.network(n));
  }

  private deleteNetwork(id: string) {
    const n = this.retire(this.networkIx, this.networkLive, this.byNetwork, id);
    if (n === undefined) return;
    const actorId = this.networks[n].actorId;
    if (actorId) removeFrom(this.seatOf, actorId, n);
    this.networkSeat[n] = null;
    this.resolveNaming(id);
    this.networksVersion++;
    this.search?.touch(docOf.network(n));
  }

  /** What keeps a membership from its row: the id it waits for, or null when it can be attached. */
  private blocker(v: SnapshotMembership): string | null {
    const n = this.networkIx.get(v.networkId);
    if (n === undefined || this.hides(this.networks[n])) return v.networkId;
    return this.actorIx.has(v.actorId) ? null : v.actorId;
  }

  private upsertMembership(key: string, v: SnapshotMembership) {
    const old = this.rawMemberships.get(key);
    this.rawMemberships.set(key, v);
    const m = this.membershipIx.get(key);
    if (m !== undefined && old && old.actorId === v.actorId && old.networkId === v.networkId) {
      // Same actor, same network: the dates change in place.
      this.mStart[m] = dayOf(v.startDate) ?? -Infinity;
      this.mEnd[m] = dayOf(v.endDate) ?? Infinity;
      return;
    }
    if (m !== undefined) this.kill(m, key);
    else if (old) this.unwait(key, old);
    this.attach(key, v);
  }

  private deleteMembership(key: string) {
    const old = this.rawMemberships.get(key);
    if (!old) return;
    this.rawMemberships.delete(key);
    const m = this.membershipIx.get(key);
    if (m !== undefined) this.kill(m, key);
    else this.unwait(key, old);
  }

  private unwait(key: string, v: SnapshotMembership) {
    removeFrom(this.waiting, v.networkId, key);
    removeFrom(this.waiting, v.actorId, key);
  }

  /** A row for the membership, or a place in the waiting list of what it lacks. */
  private attach(key: string, v: SnapshotMembership) {
    const lack = this.blocker(v);
    if (lack !== null) {
      addTo(this.waiting, lack, key);
      return;
    }
    const n = this.networkIx.get(v.networkId)!;
    const a = this.actorIx.get(v.actorId)!;
    const m = this.mNetwork.length;
    this.mNetwork.push(n);
    this.mActor.push(a);
    this.mStart.push(dayOf(v.startDate) ?? -Infinity);
    this.mEnd.push(dayOf(v.endDate) ?? Infinity);
    this.mId.push(v.id ?? '');
    this.membershipIx.set(key, m);
    this.byNetwork[n].push(m);
    this.byActor[a].push(m);
  }

  /** Removes a membership's row (a tombstone stays). */
  private kill(m: number, key: string) {
    removeItem(this.byNetwork[this.mNetwork[m]], m);
    removeItem(this.byActor[this.mActor[m]], m);
    this.mNetwork[m] = -1;
    this.mActor[m] = -1;
    this.membershipIx.delete(key);
  }

  /**
   * The rows of an actor's (a network's) memberships go because it went (or hid its list): they wait
   * for it again. The list is emptied at once, not row by row (a network of thousands of members).
   */
  private detachAll(rows: number[], id: string) {
    const all = rows.splice(0);
    const anonymous = all.some((m) => !this.mId[m]) ? new Map([...this.membershipIx].map(([key, row]) => [row, key])) : undefined;
    for (const m of all) {
      const key = this.mId[m] || anonymous!.get(m)!;
      this.kill(m, key);
      addTo(this.waiting, id, key);
    }
  }

  private attachWaiting(id: string) {
    const keys = this.waiting.get(id);
    if (!keys) return;
    this.waiting.delete(id);
    for (const key of keys) this.attach(key, this.rawMemberships.get(key)!);
  }

  private upsertInitiative(v: SnapshotInitiative) {
    let i = this.initiativeIx.get(v.id);
    let renamed = true;
    if (i === undefined) {
      i = this.iId.length;
      this.initiativeIx.set(v.id, i);
      this.iId.push(v.id);
      this.iLive.push(true);
      this.iName.push(v.name);
      this.iOrganisers.push([]);
      this.iParties.push([]);
      this.iStart.push(NaN);
      this.iEnd.push(NaN);
      this.iPlace.push(null);
      this.iStatus.push(null);
      this.initiatives.push(v);
    } else {
      renamed = this.iName[i] !== v.name;
      this.unname(i);
      removeItem(this.iOrder, i);
      this.initiatives[i] = v;
      this.iName[i] = v.name;
    }
    for (const id of [v.organiserId, ...v.coOrganiserIds, ...v.partyActorIds]) addTo(this.naming, id, i);
    this.iStart[i] = dayOf(v.startDate) ?? dayOf(v.endDate) ?? NaN;
    this.iEnd[i] = dayOf(v.endDate) ?? dayOf(v.startDate) ?? NaN;
    this.iPlace[i] = v.placeId ?? null;
    this.iStatus[i] = v.status ?? null;
    this.resolve(i);
    this.order(i);
    if (renamed) this.search?.touch(docOf.initiative(i));
  }

  private deleteInitiative(id: string) {
    const i = this.initiativeIx.get(id);
    if (i === undefined) return;
    this.initiativeIx.delete(id);
    this.iLive[i] = false;
    this.unname(i);
    removeItem(this.iOrder, i);
    for (const a of this.iParties[i]) removeItem(this.actorInitiatives[a], i);
    this.iOrganisers[i] = [];
    this.iParties[i] = [];
    this.iStart[i] = NaN;
    this.iEnd[i] = NaN;
    this.iPlace[i] = null;
    this.search?.touch(docOf.initiative(i));
  }

  private unname(i: number) {
    const v = this.initiatives[i];
    for (const id of [v.organiserId, ...v.coOrganiserIds, ...v.partyActorIds]) removeFrom(this.naming, id, i);
  }

  /** The initiative's organisers and parties among the networks and actors known now. */
  private resolve(i: number) {
    const v = this.initiatives[i];
    const known = (ids: string[], ix: Map<string, number>) => [
      ...new Set(ids.map((id) => ix.get(id)).filter((x): x is number => x !== undefined)),
    ];
    for (const a of this.iParties[i]) removeItem(this.actorInitiatives[a], i);
    this.iOrganisers[i] = known([v.organiserId, ...v.coOrganiserIds], this.networkIx);
    this.iParties[i] = known(v.partyActorIds, this.actorIx);
    for (const a of this.iParties[i]) this.actorInitiatives[a].push(i);
  }

  private resolveNaming(id: string) {
    for (const i of this.naming.get(id) ?? []) if (this.iLive[i]) this.resolve(i);
  }

  /** Puts the initiative at its place in `iOrder` (binary search on start date, then id). */
  private order(i: number) {
    const key = (x: number) => (Number.isNaN(this.iStart[x]) ? Infinity : this.iStart[x]);
    const k = key(i);
    let lo = 0;
    let hi = this.iOrder.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const o = this.iOrder[mid];
      if (key(o) < k || (key(o) === k && cmpStr(this.iId[o], this.iId[i]) < 0)) lo = mid + 1;
      else hi = mid;
    }
    this.iOrder.splice(lo, 0, i);
  }
}
