// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';
import type { ClubMembershipImportResolvers } from '../generated/resolvers-types';

/** `ClubMembershipImport`: what `importClubMemberships` did. */
export const ClubMembershipImport: ClubMembershipImportResolvers = {
  club: (result: ImportResult) => result.network,
};
