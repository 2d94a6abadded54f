// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { membership, network } from '@maillage/networks';

/** `{{Type}}Membership`: an actor's dated membership of a {{field}}. */
export const {{Type}}Membership = {
  {{field}}: membership.membershipNetwork,
  actor: membership.membershipActor,
  active: network.active,
};
