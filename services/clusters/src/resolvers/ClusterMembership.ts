// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';

/** `ClusterMembership`: an actor's dated membership of a cluster. */
export const ClusterMembership = {
  cluster: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
};
