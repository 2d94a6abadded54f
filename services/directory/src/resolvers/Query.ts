import { asksForCount, connection, toKeyPage, toPage, type PageArgs } from '@maillage/subgraph-server';
import type { GraphQLResolveInfo } from 'graphql';
import { checkSiren, getTerritory, listTerritories, nafSections, normaliseText, type TerritoryLevel } from '@maillage/reference';
import { ACTOR_LIST, actorKey, type Context } from '../context';
import type { Prisma } from '../generated/prisma/client';
import { ErrorCode, userError } from '@maillage/errors';
import type { ActorKind, IndicatorKind } from '../generated/prisma/enums';
import type { QueryResolvers } from '../generated/resolvers-types';

export interface ActorsArgs extends PageArgs {
  search?: string | null;
  kind?: ActorKind | null;
  territoryId?: string | null;
}

export const Query: QueryResolvers = {
  actor: (_: unknown, { id }: { id: string }, { loaders }: Context) => loaders.actor.load(id),
  actorBySiren: async (_: unknown, { siren }: { siren: string }, { prisma }: Context) => {
    const check = checkSiren(siren);
    // An invalid SIREN cannot belong to anyone: answer null rather than run a query.
    return check.valid ? prisma.actor.findUnique({ where: { siren: check.value } }) : null;
  },
  actors: async (_: unknown, args: ActorsArgs, { loaders }: Context, info: GraphQLResolveInfo) => {
    const page = toKeyPage(args, ACTOR_LIST);
    const where: Prisma.ActorWhereInput = {};
    if (args.search?.trim()) where.searchName = { contains: normaliseText(args.search) };
    if (args.kind) where.kind = args.kind;
    if (args.territoryId) where.reach = { has: args.territoryId };
    const [{ rows, more }, total] = await Promise.all([
      // Through a loader: pages asked side by side (aliases) are read in one statement.
      loaders.actorPages.load({ where, page }),
      // Counted only when asked for (nobody reads the total of a page listed for its nodes), once per filter.
      asksForCount(info) ? loaders.actorCount.load(where) : undefined,
    ]);
    return connection(rows, total ?? page.offset + rows.length, page, { list: ACTOR_LIST, keyOf: actorKey, hasNextPage: more });
  },
  territory: (_: unknown, { id }: { id: string }) => getTerritory(id) ?? null,
  indicators: async (_: unknown, args: { territoryId?: string | null; kind?: IndicatorKind | null }, { prisma, loaders }: Context) => {
    if (!args.territoryId)
      return prisma.indicator.findMany({ where: args.kind ? { kind: args.kind } : {}, orderBy: [{ period: 'asc' }, { id: 'asc' }] });
    if (!getTerritory(args.territoryId)) throw userError(ErrorCode.UNKNOWN_TERRITORY, `No territory ${args.territoryId}`, 'territoryId');
    return loaders.indicators.load({ territoryId: args.territoryId, kind: args.kind ?? null });
  },
  territories: (_: unknown, args: PageArgs & { level?: TerritoryLevel | null; withinId?: string | null; search?: string | null }) => {
    const page = toPage(args);
    const { total, items } = listTerritories({
      level: args.level ?? undefined,
      withinId: args.withinId ?? undefined,
      search: args.search ?? undefined,
      offset: page.offset,
      limit: page.limit,
    });
    return connection(items, total, page);
  },
  nafSections: () => [...nafSections],
  viewer: (_: unknown, __: unknown, { viewer }: Context) => viewer,
};
