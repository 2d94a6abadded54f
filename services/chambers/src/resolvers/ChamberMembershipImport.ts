// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';
import type { ChamberMembershipImportResolvers } from '../generated/resolvers-types';

/** `ChamberMembershipImport`: what `importChamberMemberships` did. */
export const ChamberMembershipImport: ChamberMembershipImportResolvers = {
  chamber: (result: ImportResult) => result.network,
};
