// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { actor } from '@maillage/networks';
import type { ActorResolvers } from '../generated/resolvers-types';

/** `Actor` (the directory's entity): its {{plural}}. */
export const Actor: ActorResolvers = {
  __resolveReference: actor.resolveEntityRef,
  {{field}}Memberships: actor.actorMemberships,
  {{field}}Initiatives: actor.actorInitiatives,
  operated{{Plural}}: actor.operatedNetworks,
};
