import { toPage } from '@maillage/subgraph-server';
import { getTerritory, type TerritoryLevel, type TerritoryRecord } from '@maillage/reference';
import type { Context } from '../context';
import type { Actor } from '../generated/prisma/client';
import type {
  ChamberResolvers,
  ClubResolvers,
  ClusterResolvers,
  CouncilResolvers,
  TerritoryMembersResolvers,
} from '../generated/resolvers-types';

const PREFIX: Record<TerritoryLevel, string> = { REGION: 'REG-', DEPARTEMENT: 'DEP-', EPCI: 'EPCI-', COMMUNE: 'COM-' };

interface Group {
  territoryId: string | null;
  actors: Actor[];
}

/** A network of another subgraph as the directory sees it: its id, and its members' ids (@requires). */
export interface NetworkRef {
  id: string;
  memberActorIds?: string[];
}

/** One territory's share of a network's members. */
export interface TerritoryGroup {
  territory: TerritoryRecord | null;
  count: number;
  members: Actor[];
}

/**
 * Groups a network's members by territory. The network subgraph owns the member list and hands it
 * over through @requires; the directory owns where each member sits.
 */
async function membersByTerritory(
  network: NetworkRef,
  args: { level?: TerritoryLevel | null; first?: number | null },
  { loaders }: Context,
) {
  const first = boundedFirst(args.first);
  const prefix = PREFIX[args.level ?? 'DEPARTEMENT'];
  const actors = (await loaders.actor.loadMany(network.memberActorIds ?? [])).filter((a): a is Actor => !!a && !(a instanceof Error));
  const groups = new Map<string | null, Group>();
  for (const actor of actors) {
    const territoryId = actor.reach.find((id) => id.startsWith(prefix)) ?? null;
    const group = groups.get(territoryId) ?? { territoryId, actors: [] };
    group.actors.push(actor);
    groups.set(territoryId, group);
  }
  // Largest groups first; members of unknown location last.
  return [...groups.values()]
    .sort((a, b) =>
      a.territoryId === null
        ? 1
        : b.territoryId === null
          ? -1
          : b.actors.length - a.actors.length || a.territoryId.localeCompare(b.territoryId),
    )
    .slice(0, first)
    .map((g) => ({
      territory: g.territoryId ? (getTerritory(g.territoryId) ?? null) : null,
      count: g.actors.length,
      members: g.actors.sort((a, b) => a.searchName.localeCompare(b.searchName)),
    }));
}

// The same bound as every connection's `first`.
const boundedFirst = (first: number | null | undefined) => toPage({ first }).limit;

export const TerritoryMembers: TerritoryMembersResolvers = {
  actors: (g: TerritoryGroup, args: { first?: number | null }) => g.members.slice(0, boundedFirst(args.first)),
};

// The four kinds' networks get the same field here; each type names it.
export const Chamber: ChamberResolvers = { __resolveReference: (ref) => ref, membersByTerritory };
export const Cluster: ClusterResolvers = { __resolveReference: (ref) => ref, membersByTerritory };
export const Council: CouncilResolvers = { __resolveReference: (ref) => ref, membersByTerritory };
export const Club: ClubResolvers = { __resolveReference: (ref) => ref, membersByTerritory };
