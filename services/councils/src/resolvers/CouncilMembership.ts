// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';
import type { CouncilMembershipResolvers } from '../generated/resolvers-types';

/** `CouncilMembership`: an actor's dated membership of a council. */
export const CouncilMembership: CouncilMembershipResolvers = {
  __resolveReference: membership.resolveMembership,
  council: membership.membershipNetwork,
  network: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
  provenance: network.provenance,
};
