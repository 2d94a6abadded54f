// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';
import type { {{Type}}MembershipResolvers } from '../generated/resolvers-types';

/** `{{Type}}Membership`: an actor's dated membership of a {{field}}. */
export const {{Type}}Membership: {{Type}}MembershipResolvers = {
  __resolveReference: membership.resolveMembership,
  {{field}}: membership.membershipNetwork,
  network: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
  provenance: network.provenance,
};
