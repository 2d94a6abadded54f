import type { NetworkResolvers } from '../generated/resolvers';

/** References carry their type name (references.ts): the gateway resolves them in their own subgraph. */
export const Network: NetworkResolvers = {
  __resolveType: (network) => network.__typename,
};
