// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { network } from '@maillage/networks';
import type { NetworkResolvers } from '../generated/resolvers-types';

/** `Network`: a cluster of this subgraph, or a reference to another kind's network. */
export const Network: NetworkResolvers = {
  __resolveType: network.resolveNetworkType('Cluster'),
};
