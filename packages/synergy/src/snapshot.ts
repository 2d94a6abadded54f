/**
 * What the synergy measures read: a flat copy of the regional graph as the other subgraphs publish
 * it. Networks, memberships and initiatives come from the four network subgraphs, actors from the
 * directory; nothing here is a fact of its own.
 */
import { TYPE_OF_KIND, type NetworkKind } from '@maillage/kinds';

export type { NetworkKind };

/** The GraphQL type of each kind's networks, from the kinds catalogue. */
export const networkTypeName = TYPE_OF_KIND;

export interface SnapshotActor {
  id: string;
  name: string;
  kind: string;
  /** NAF code `NN.NNL`; its first two digits are the division the sector profiles count. */
  nafCode?: string | null;
  communeId?: string | null;
  /** INSEE company category (PME, ETI, GE). */
  category?: string | null;
  /** INSEE headcount band code. */
  headcountBand?: string | null;
}

export interface SnapshotNetwork {
  id: string;
  kind: NetworkKind;
  name: string;
  /** Territories the network declares it covers. */
  scope: string[];
  /** The organisation behind the network, in the directory. */
  actorId?: string | null;
  /** False when the network keeps its member list private (analysts and admins only). */
  publicMembers?: boolean;
  /** ISO dates of the network's life; a network is active between them, as its subgraph says. */
  startDate?: string | null;
  endDate?: string | null;
}

export interface SnapshotMembership {
  /** The membership's id in its network's subgraph (`ch-m-…`): the cross-kind lists hand it out, and a change to it is applied by it. */
  id?: string;
  networkId: string;
  actorId: string;
  /** ISO dates; null start means "since before we know", null end "still a member". */
  startDate?: string | null;
  endDate?: string | null;
  /** True when Maillage derived the membership by a rule (a ressortissant a law implies) rather than a source stating it or an editor entering it. */
  derived?: boolean;
}

export interface SnapshotInitiative {
  id: string;
  name: string;
  /** The network that leads it. */
  organiserId: string;
  /** Networks of any kind organising it with the lead that confirmed it (proposals count nowhere). */
  coOrganiserIds: string[];
  /** Actors taking part as partners or participants, confirmed by their side. */
  partyActorIds: string[];
  startDate?: string | null;
  endDate?: string | null;
  placeId?: string | null;
  /** Where it stands (IDEA, PLANNED, HELD...), as its organiser's subgraph says. */
  status?: string | null;
  /** True when Maillage derived the initiative by a rule rather than a source stating it or an editor entering it. */
  derived?: boolean;
}

export interface RegionSnapshot {
  actors: SnapshotActor[];
  networks: SnapshotNetwork[];
  memberships: SnapshotMembership[];
  initiatives: SnapshotInitiative[];
  /** When the snapshot was read, ISO instant. */
  takenAt: string;
}

/**
 * The snapshot without the facts Maillage derived by a rule (provenance DERIVED): what sources
 * state and editors entered, for measures asked with `includeDerived: false`.
 */
export function statedPart(s: RegionSnapshot): RegionSnapshot {
  if (!s.memberships.some((m) => m.derived) && !s.initiatives.some((i) => i.derived)) return s;
  return { ...s, memberships: s.memberships.filter((m) => !m.derived), initiatives: s.initiatives.filter((i) => !i.derived) };
}

/** The snapshot as a viewer who may not read private member lists sees it. */
export function publicPart(s: RegionSnapshot): RegionSnapshot {
  const hidden = new Set(s.networks.filter((n) => n.publicMembers === false).map((n) => n.id));
  return hidden.size ? { ...s, memberships: s.memberships.filter((m) => !hidden.has(m.networkId)) } : s;
}
