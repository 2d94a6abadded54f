import { limit } from '../arguments';
import type { CrossTerritoryTiesResolvers } from '../generated/resolvers';

export const CrossTerritoryTies: CrossTerritoryTiesResolvers = {
  networks: ({ engine, networks }, { first }) => networks.slice(0, limit(first)).map((t) => ({ ...t, engine })),
  scope: (t) => ({ ...t.scope, engine: t.engine }),
};
