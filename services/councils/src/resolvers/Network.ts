// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { network } from '@maillage/networks';

/** `Network`: a council of this subgraph, or a reference to another kind's network. */
export const Network = {
  __resolveType: network.resolveNetworkType('Council'),
};
