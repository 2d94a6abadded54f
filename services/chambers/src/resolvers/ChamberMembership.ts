// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';

/** `ChamberMembership`: an actor's dated membership of a chamber. */
export const ChamberMembership = {
  chamber: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
};
