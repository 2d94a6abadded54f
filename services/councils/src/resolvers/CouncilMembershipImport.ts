// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';
import type { CouncilMembershipImportResolvers } from '../generated/resolvers-types';

/** `CouncilMembershipImport`: what `importCouncilMemberships` did. */
export const CouncilMembershipImport: CouncilMembershipImportResolvers = {
  council: (result: ImportResult) => result.network,
};
