// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';
import type { ChamberMembershipResolvers } from '../generated/resolvers-types';

/** `ChamberMembership`: an actor's dated membership of a chamber. */
export const ChamberMembership: ChamberMembershipResolvers = {
  __resolveReference: membership.resolveMembership,
  chamber: membership.membershipNetwork,
  network: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
  provenance: network.provenance,
};
