import { listInitiatives, listNetworks } from '@maillage/synergy';
import type { TerritoryResolvers } from '../generated/resolvers';
import { engineFor, initiativeFilter, initiativeRef, page } from '../graph';
import { networkRef } from '../references';

/** `Territory` (the directory's entity): the networks and initiatives of every kind in it. */
export const Territory: TerritoryResolvers = {
  __resolveReference: (t) => ({ __typename: 'Territory', id: t.id }),
  async networks(t, args, ctx) {
    const engine = await engineFor(ctx);
    return page(listNetworks(engine.ix, { ...args, territoryId: t.id }), args, (n) => networkRef(engine, n));
  },
  async initiatives(t, args, ctx) {
    const filter = initiativeFilter({ ...args, territoryId: t.id });
    const engine = await engineFor(ctx);
    return page(listInitiatives(engine.ix, filter), args, (i) => initiativeRef(engine, i));
  },
};
