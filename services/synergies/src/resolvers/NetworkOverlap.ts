import { limit } from '../arguments';
import type { NetworkOverlapResolvers } from '../generated/resolvers';
import { actorRef, networkRef } from '../references';

export const NetworkOverlap: NetworkOverlapResolvers = {
  networkA: (o) => networkRef(o.engine, o.networkA),
  networkB: (o) => networkRef(o.engine, o.networkB),
  sharedCount: (o) => o.shared.length,
  sharedMembers: ({ engine, shared }, { first }) => {
    const { actors } = engine.ix;
    return [...shared]
      .sort((x, y) => actors[x].name.localeCompare(actors[y].name, 'fr'))
      .slice(0, limit(first))
      .map((a) => actorRef(engine, a));
  },
  scope: (o) => ({ ...o.scope, engine: o.engine }),
};
