// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUSTER } from '@maillage/kinds';
import { queries } from '@maillage/networks';

const q = queries(CLUSTER);

export const Query = {
  cluster: q.network,
  clusters: q.networks,
  clusterInitiative: q.initiative,
  clusterInitiatives: q.initiatives,
};
