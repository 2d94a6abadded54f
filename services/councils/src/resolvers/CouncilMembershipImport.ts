// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';

/** `CouncilMembershipImport`: what `importCouncilMemberships` did. */
export const CouncilMembershipImport = {
  council: (result: ImportResult) => result.network,
};
