// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { actor } from '@maillage/networks';

/** `Territory` (the directory's entity): the {{plural}} active in it. */
export const Territory = {
  __resolveReference: actor.resolveEntityRef,
  {{plural}}: actor.territoryNetworks,
};
