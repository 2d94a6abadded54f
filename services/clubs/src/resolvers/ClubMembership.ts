// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';
import type { ClubMembershipResolvers } from '../generated/resolvers-types';

/** `ClubMembership`: an actor's dated membership of a club. */
export const ClubMembership: ClubMembershipResolvers = {
  __resolveReference: membership.resolveMembership,
  club: membership.membershipNetwork,
  network: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
  provenance: network.provenance,
};
