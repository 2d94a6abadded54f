// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { network } from '@maillage/networks';
import type { CouncilResolvers } from '../generated/resolvers-types';
import { own } from './own/Council';

/** `Council`: the network fields every kind shares (@maillage/networks), bound by name. */
export const Council: CouncilResolvers = {
  __resolveReference: network.resolveNetwork,
  kind: () => 'COUNCIL',
  actor: network.actor,
  parent: network.parent,
  children: network.children,
  predecessor: network.predecessor,
  successors: network.successors,
  scope: network.scope,
  active: network.active,
  reportedMemberCount: network.reportedMemberCount,
  memberCount: network.memberCount,
  members: network.members,
  memberListVisibility: network.memberListVisibility,
  memberActorIds: network.memberActorIds,
  initiatives: network.initiatives,
  names: network.names,
  provenance: network.provenance,
...own,
};
