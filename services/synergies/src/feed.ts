import { KIND_OF_TYPE as CATALOGUE_KIND_OF_TYPE } from '@maillage/kinds';
import type { FeedChange } from '@maillage/subgraph-server';
import type {
  IndexChange,
  NetworkKind,
  RegionSnapshot,
  SnapshotActor,
  SnapshotInitiative,
  SnapshotMembership,
  SnapshotNetwork,
} from '@maillage/synergy';

// The reader of the logs is shared with the gateway's entity cache (packages/subgraph-server).
export { HttpChangeSource, type ChangeSource, type FeedChange, type FeedPage } from '@maillage/subgraph-server';

/** The service's own name in its statement to the subgraphs: who reads their logs. */
export const FEED_READER = 'service:synergies';

/** The entities the index keeps, by the name of their change (`IndexChange`). */
type Indexed = { [C in IndexChange as C['type']]: NonNullable<C['value']> };

// The catalogue's table, read by any entity type a log names (an Actor, a membership type…).
const KIND_OF_TYPE: Partial<Record<string, NetworkKind>> = CATALOGUE_KIND_OF_TYPE;

/** A date as the gateway's `Date` scalar gives it (YYYY-MM-DD), from a payload's ISO instant. */
const day = (v: unknown): string | null => (typeof v === 'string' && v.length >= 10 ? v.slice(0, 10) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The regional graph as maps by id: what the feed applies changes to. `snapshot()` lays it out as
 * the `RegionSnapshot` the engine indexes. Applying a change is idempotent (an UPSERT carries the
 * entity's whole state after the change), so a change seen twice leaves the same state.
 */
export class RegionState {
  readonly actors = new Map<string, SnapshotActor>();
  readonly networks = new Map<string, SnapshotNetwork>();
  readonly memberships = new Map<string, SnapshotMembership>();
  readonly initiatives = new Map<string, SnapshotInitiative>();
  /** Memberships of the first read that came without an id (none since the reader asks for them). */
  private readonly anonymous: SnapshotMembership[] = [];

  constructor(s: RegionSnapshot) {
    for (const a of s.actors) this.actors.set(a.id, a);
    for (const n of s.networks) this.networks.set(n.id, n);
    for (const m of s.memberships) {
      if (m.id) this.memberships.set(m.id, m);
      else this.anonymous.push(m);
    }
    for (const i of s.initiatives) this.initiatives.set(i.id, i);
  }

  snapshot(takenAt: string): RegionSnapshot {
    return {
      actors: [...this.actors.values()],
      networks: [...this.networks.values()],
      memberships: [...this.anonymous, ...this.memberships.values()],
      initiatives: [...this.initiatives.values()],
      takenAt,
    };
  }

  /**
   * Applies one change; says what it changed, for the index to apply too (`SynergyEngine.apply`),
   * or null when it is of no concern to the measures (a role, an unknown type).
   */
  apply(c: FeedChange): IndexChange | null {
    const p = c.payload ?? {};
    const type = c.entityType;
    if (type === 'Actor') {
      return this.put(this.actors, 'actor', c, () => ({
        name: str(p.name) ?? '',
        kind: str(p.kind) ?? 'COMPANY',
        nafCode: str(p.nafCode),
        communeId: str(p.communeId),
        category: str(p.category),
        headcountBand: str(p.headcountBand),
      }));
    }
    const kind = KIND_OF_TYPE[type];
    if (kind) {
      return this.put(this.networks, 'network', c, () => ({
        kind,
        name: str(p.name) ?? '',
        scope: strings(p.scope),
        actorId: str(p.actorId),
        publicMembers: p.membersPublic !== false,
        // The cross-kind lists' "active" is the network's own dates.
        startDate: day(p.startDate),
        endDate: day(p.endDate),
      }));
    }
    if (type.endsWith('Membership') && KIND_OF_TYPE[type.slice(0, -'Membership'.length)]) {
      return this.put(this.memberships, 'membership', c, () => ({
        networkId: str(p.networkId) ?? '',
        actorId: str(p.actorId) ?? '',
        startDate: day(p.startDate),
        endDate: day(p.endDate),
        derived: p.provenance === 'DERIVED',
      }));
    }
    if (type.endsWith('Initiative') && KIND_OF_TYPE[type.slice(0, -'Initiative'.length)]) {
      return this.put(this.initiatives, 'initiative', c, () => {
        // Only confirmed links count in the measures: a proposal or a decline is no synergy. (Entries
        // logged before links had a status are followed, in every log, by the RESEED the
        // initiative_agreement migration writes: the index then reads everything again.)
        const links = (
          Array.isArray(p.links) ? (p.links as { role?: unknown; targetType?: unknown; targetId?: unknown; status?: unknown }[]) : []
        ).filter((l) => l.status === 'CONFIRMED');
        return {
          name: str(p.name) ?? '',
          organiserId: str(p.networkId) ?? '',
          coOrganiserIds: links
            .filter((l) => l.role === 'CO_ORGANISER')
            .flatMap((l) => (typeof l.targetId === 'string' ? [l.targetId] : [])),
          partyActorIds: links
            .filter((l) => l.role !== 'CO_ORGANISER' && l.targetType === 'Actor')
            .flatMap((l) => (typeof l.targetId === 'string' ? [l.targetId] : [])),
          startDate: day(p.startDate),
          endDate: day(p.endDate),
          placeId: str(p.placeId),
          status: str(p.status),
          derived: p.provenance === 'DERIVED',
        };
      });
    }
    return null;
  }

  /**
   * One change to one of the maps, as the index is to apply it too: a delete of what is there (none
   * when it was not), or the entity's whole state, its id the log's (a payload does not carry it).
   */
  private put<K extends keyof Indexed>(
    map: Map<string, Indexed[K]>,
    type: K,
    c: FeedChange,
    fields: () => Omit<Indexed[K], 'id'>,
  ): { type: K; id: string; value: Indexed[K] | null } | null {
    const id = c.entityId;
    if (c.op === 'DELETE') return map.delete(id) ? { type, id, value: null } : null;
    const value = { id, ...fields() } as Indexed[K];
    map.set(id, value);
    return { type, id, value };
  }
}
