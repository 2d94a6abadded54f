import type { BridgingResultResolvers } from '../generated/resolvers';

export const BridgingResult: BridgingResultResolvers = {
  actors: ({ engine, actors }) => actors.map((b) => ({ ...b, engine })),
  scope: (r) => ({ ...r.scope, engine: r.engine }),
};
