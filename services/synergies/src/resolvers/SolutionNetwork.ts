import type { SolutionNetworkResolvers } from '../generated/resolvers';
import { networkRef } from '../references';

export const SolutionNetwork: SolutionNetworkResolvers = {
  network: (n) => networkRef(n.engine, n.network),
};
