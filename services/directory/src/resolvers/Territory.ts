import { asksForCount, connection, toKeyPage, type PageArgs } from '@maillage/subgraph-server';
import type { GraphQLResolveInfo } from 'graphql';
import { ancestorsOf, getTerritory, type TerritoryRecord } from '@maillage/reference';
import { ACTOR_LIST, actorKey, type Context } from '../context';
import type { ActorKind } from '../generated/prisma/enums';
import type { TerritoryResolvers } from '../generated/resolvers-types';

const byId = (id: string | null | undefined) => (id ? (getTerritory(id) ?? null) : null);

export const Territory: TerritoryResolvers = {
  // Territories are reference data held in memory: no database hop, hence no loader.
  __resolveReference: (ref: { id: string }) => byId(ref.id),
  region: (t: TerritoryRecord) => (t.level === 'REGION' ? t : byId(t.regionId)),
  departement: (t: TerritoryRecord) => (t.level === 'DEPARTEMENT' ? t : byId(t.departementId)),
  epci: (t: TerritoryRecord) => (t.level === 'EPCI' ? t : byId(t.epciId)),
  postalCodes: (t: TerritoryRecord) => t.postalCodes ?? [],
  ancestors: (t: TerritoryRecord) => ancestorsOf(t.id),
  actors: async (t: TerritoryRecord, args: PageArgs & { kind?: ActorKind | null }, { loaders }: Context, info: GraphQLResolveInfo) => {
    const page = toKeyPage(args, ACTOR_LIST);
    const { total, ids, more } = await loaders.actorsInTerritory.load({
      territoryId: t.id,
      kind: args.kind ?? null,
      page,
      // Counted only when asked for, as `Query.actors` does.
      counted: asksForCount(info),
    });
    // The ids come from the query just run: an actor missing now is an error, as a list item would be.
    const actors = (await loaders.actor.loadMany(ids)).map((a) => {
      if (a instanceof Error) throw a;
      if (!a) throw new Error('an actor of the territory vanished');
      return a;
    });
    return connection(actors, total ?? page.offset + actors.length, page, { list: ACTOR_LIST, keyOf: actorKey, hasNextPage: more });
  },
  indicators: (t: TerritoryRecord, args: { kind?: string | null }, { loaders }: Context) =>
    loaders.indicators.load({ territoryId: t.id, kind: args.kind ?? null }),
};
