// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUSTER } from '@maillage/kinds';
import { initiativesAwaiting, queries } from '@maillage/networks';
import type { QueryResolvers } from '../generated/resolvers-types';

const q = queries(CLUSTER);

export const Query: QueryResolvers = {
  cluster: q.network,
  clusters: q.networks,
  clusterInitiative: q.initiative,
  clusterInitiatives: q.initiatives,
  clusterInitiativesAwaiting: initiativesAwaiting,
};
