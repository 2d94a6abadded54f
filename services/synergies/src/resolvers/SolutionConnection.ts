import { limit } from '../arguments';
import type { SolutionConnectionResolvers } from '../generated/resolvers';

export const SolutionConnection: SolutionConnectionResolvers = {
  nodes: ({ engine, nodes }) => nodes.map((s) => ({ ...s, engine })),
  networks: ({ engine, actor, need }, { first }) =>
    engine
      .solutionNetworks(actor, need)
      .slice(0, limit(first))
      .map((n) => ({ ...n, engine })),
};
