// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';

/** `ClubMembershipImport`: what `importClubMemberships` did. */
export const ClubMembershipImport = {
  club: (result: ImportResult) => result.network,
};
