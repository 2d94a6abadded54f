// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { actor } from '@maillage/networks';

/** `Actor` (the directory's entity): its clusters. */
export const Actor = {
  __resolveReference: actor.resolveEntityRef,
  clusterMemberships: actor.actorMemberships,
  clusterInitiatives: actor.actorInitiatives,
  operatedClusters: actor.operatedNetworks,
};
