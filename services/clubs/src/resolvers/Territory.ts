// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { actor } from '@maillage/networks';
import type { TerritoryResolvers } from '../generated/resolvers-types';

/** `Territory` (the directory's entity): the clubs active in it. */
export const Territory: TerritoryResolvers = {
  __resolveReference: actor.resolveEntityRef,
  clubs: actor.territoryNetworks,
};
