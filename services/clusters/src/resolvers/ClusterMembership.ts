// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';
import type { ClusterMembershipResolvers } from '../generated/resolvers-types';

/** `ClusterMembership`: an actor's dated membership of a cluster. */
export const ClusterMembership: ClusterMembershipResolvers = {
  __resolveReference: membership.resolveMembership,
  cluster: membership.membershipNetwork,
  network: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
  provenance: network.provenance,
};
