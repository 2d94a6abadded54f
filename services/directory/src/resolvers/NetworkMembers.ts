import { toPage } from '@maillage/subgraph-server';
import { getTerritory, type TerritoryLevel } from '@maillage/reference';
import type { Context } from '../context';
import type { Actor } from '../generated/prisma/client';

const PREFIX: Record<TerritoryLevel, string> = { REGION: 'REG-', DEPARTEMENT: 'DEP-', EPCI: 'EPCI-', COMMUNE: 'COM-' };

interface Group {
  territoryId: string | null;
  actors: Actor[];
}

/**
 * Groups a network's members by territory. The network subgraph owns the member list and hands it
 * over through @requires; the directory owns where each member sits.
 */
async function membersByTerritory(
  network: { memberActorIds: string[] },
  args: { level?: TerritoryLevel | null; first?: number | null },
  { loaders }: Context,
) {
  const first = boundedFirst(args.first);
  const prefix = PREFIX[args.level ?? 'DEPARTEMENT'];
  const actors = (await loaders.actor.loadMany(network.memberActorIds)).filter((a): a is Actor => !!a && !(a instanceof Error));
  const groups = new Map<string | null, Group>();
  for (const actor of actors) {
    const territoryId = actor.reach.find((id) => id.startsWith(prefix)) ?? null;
    const group = groups.get(territoryId) ?? { territoryId, actors: [] };
    group.actors.push(actor);
    groups.set(territoryId, group);
  }
  // Largest groups first; members of unknown location last.
  return [...groups.values()]
    .sort((a, b) => (a.territoryId === null ? 1 : b.territoryId === null ? -1 : b.actors.length - a.actors.length || a.territoryId.localeCompare(b.territoryId)))
    .slice(0, first)
    .map((g) => ({
      territory: g.territoryId ? (getTerritory(g.territoryId) ?? null) : null,
      count: g.actors.length,
      members: g.actors.sort((a, b) => a.searchName.localeCompare(b.searchName)),
    }));
}

// The same bound as every connection's `first`.
const boundedFirst = (first: number | null | undefined) => toPage({ first }).limit;

export const TerritoryMembers = {
  actors: (g: { members: Actor[] }, args: { first?: number | null }) => g.members.slice(0, boundedFirst(args.first)),
};

const network = {
  __resolveReference: (ref: { id: string; memberActorIds?: string[] }) => ref,
  membersByTerritory,
};
export const Chamber = network;
export const Cluster = network;
export const Council = network;
export const Club = network;
