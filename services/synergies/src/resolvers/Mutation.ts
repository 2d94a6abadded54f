import { GraphQLError } from 'graphql';
import type { MutationResolvers } from '../generated/resolvers';
import { SNAPSHOT_UNAVAILABLE } from '../store';

export const Mutation: MutationResolvers = {
  async refreshSynergySnapshot(_, __, ctx) {
    try {
      const loaded = await ctx.store.refresh('refresh mutation');
      return ctx.store.figures(loaded.engine);
    } catch (err) {
      throw new GraphQLError(`The regional graph could not be read: ${(err as Error).message}`, {
        extensions: { code: SNAPSHOT_UNAVAILABLE },
      });
    }
  },
};
