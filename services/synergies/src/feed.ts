import { gatewayHeaders, viewerOf } from '@maillage/viewer';
import type {
  NetworkKind,
  RegionSnapshot,
  SnapshotActor,
  SnapshotInitiative,
  SnapshotMembership,
  SnapshotNetwork,
} from '@maillage/synergy';

/** One entry of a subgraph's change log (packages/db `LoggedChange`), as `POST /changes` serves it. */
export interface FeedChange {
  seq: string;
  entityType: string;
  entityId: string;
  op: 'UPSERT' | 'DELETE' | 'RESEED';
  payload: Record<string, unknown> | null;
  at: string;
}

export interface FeedPage {
  changes: FeedChange[];
  last: string;
  head: string;
}

/** A subgraph's change log, read from a position. */
export interface ChangeSource {
  readonly name: string;
  read(after: string, first: number): Promise<FeedPage>;
}

/** The service's own statement to the subgraphs: who reads their logs. */
const FEED_READER = viewerOf({ scopes: ['admin'], subject: 'service:synergies' });

/**
 * A subgraph's log over HTTP, straight to the subgraph (`POST /changes`), signed as the gateway
 * signs: a statement for that subgraph bound to this body, with the shared secret every service of
 * the deployment holds already (each verifies the gateway's statements with it). Not through the
 * gateway: the log is no part of the graph, the gateway routes only GraphQL, and a poll every
 * 200 ms would cost the gateway's door, planner and rate limits for nothing.
 */
export class HttpChangeSource implements ChangeSource {
  constructor(
    readonly name: string,
    private readonly url: () => string,
    private readonly secret: () => string,
    private readonly timeoutMs = 5000,
  ) {}

  async read(after: string, first: number): Promise<FeedPage> {
    const body = JSON.stringify({ after, first });
    const res = await fetch(this.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(FEED_READER, this.secret(), this.name, body)) },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`${this.name} change log answered HTTP ${res.status}`);
    return (await res.json()) as FeedPage;
  }
}

const KIND_OF_TYPE: Record<string, NetworkKind> = { Chamber: 'CHAMBER', Cluster: 'CLUSTER', Council: 'COUNCIL', Club: 'CLUB' };

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

  /** Applies one change; false when it is of no concern to the measures (a role, an unknown type). */
  apply(c: FeedChange): boolean {
    const p = c.payload ?? {};
    const type = c.entityType;
    if (type === 'Actor') {
      if (c.op === 'DELETE') return this.actors.delete(c.entityId);
      this.actors.set(c.entityId, {
        id: c.entityId,
        name: str(p.name) ?? '',
        kind: str(p.kind) ?? 'COMPANY',
        nafCode: str(p.nafCode),
        communeId: str(p.communeId),
        category: str(p.category),
        headcountBand: str(p.headcountBand),
      });
      return true;
    }
    if (KIND_OF_TYPE[type]) {
      if (c.op === 'DELETE') return this.networks.delete(c.entityId);
      this.networks.set(c.entityId, {
        id: c.entityId,
        kind: KIND_OF_TYPE[type],
        name: str(p.name) ?? '',
        scope: strings(p.scope),
        actorId: str(p.actorId),
        publicMembers: p.membersPublic !== false,
        // The cross-kind lists' "active" is the network's own dates.
        startDate: day(p.startDate),
        endDate: day(p.endDate),
      });
      return true;
    }
    if (type.endsWith('Membership') && KIND_OF_TYPE[type.slice(0, -'Membership'.length)]) {
      if (c.op === 'DELETE') return this.memberships.delete(c.entityId);
      this.memberships.set(c.entityId, {
        id: c.entityId,
        networkId: str(p.networkId) ?? '',
        actorId: str(p.actorId) ?? '',
        startDate: day(p.startDate),
        endDate: day(p.endDate),
        derived: p.provenance === 'DERIVED',
      });
      return true;
    }
    if (type.endsWith('Initiative') && KIND_OF_TYPE[type.slice(0, -'Initiative'.length)]) {
      if (c.op === 'DELETE') return this.initiatives.delete(c.entityId);
      const links = Array.isArray(p.links) ? (p.links as { role?: unknown; targetType?: unknown; targetId?: unknown }[]) : [];
      this.initiatives.set(c.entityId, {
        id: c.entityId,
        name: str(p.name) ?? '',
        organiserId: str(p.networkId) ?? '',
        coOrganiserIds: links.filter((l) => l.role === 'CO_ORGANISER').flatMap((l) => (typeof l.targetId === 'string' ? [l.targetId] : [])),
        partyActorIds: links
          .filter((l) => l.role !== 'CO_ORGANISER' && l.targetType === 'Actor')
          .flatMap((l) => (typeof l.targetId === 'string' ? [l.targetId] : [])),
        startDate: day(p.startDate),
        endDate: day(p.endDate),
        placeId: str(p.placeId),
        status: str(p.status),
        derived: p.provenance === 'DERIVED',
      });
      return true;
    }
    return false;
  }
}
