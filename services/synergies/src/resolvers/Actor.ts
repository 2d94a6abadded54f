import { toPage } from '@maillage/subgraph-server';
import { actorMemberships, listInitiatives } from '@maillage/synergy';
import type { ActorResolvers } from '../generated/resolvers';
import { engineFor, initiativeFilter, initiativeRef, membershipRef, page } from '../graph';

const empty = {
  totalCount: 0,
  nodes: [],
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
};

/** `Actor` (the directory's entity): its memberships and initiatives across every kind of network. */
export const Actor: ActorResolvers = {
  __resolveReference: (a) => ({ __typename: 'Actor', id: a.id }),
  async memberships(a, args, ctx) {
    const engine = await engineFor(ctx);
    const ix = engine.ix.actorIndex(a.id);
    // An actor the index does not hold yet has no membership there; its arguments are still checked.
    if (ix === undefined) {
      toPage(args);
      return empty;
    }
    return page(actorMemberships(engine.ix, ix, args), args, (m) => membershipRef(engine, m));
  },
  async initiatives(a, args, ctx) {
    const filter = initiativeFilter(args);
    const engine = await engineFor(ctx);
    const party = engine.ix.actorIndex(a.id);
    if (party === undefined) {
      toPage(args);
      return empty;
    }
    return page(listInitiatives(engine.ix, { ...filter, party }), args, (i) => initiativeRef(engine, i));
  },
};
