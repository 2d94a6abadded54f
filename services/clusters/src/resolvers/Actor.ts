// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { actor } from '@maillage/networks';
import type { ActorResolvers } from '../generated/resolvers-types';

/** `Actor` (the directory's entity): its clusters. */
export const Actor: ActorResolvers = {
  __resolveReference: actor.resolveEntityRef,
  clusterMemberships: actor.actorMemberships,
  clusterInitiatives: actor.actorInitiatives,
  operatedClusters: actor.operatedNetworks,
};
