// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';

/** `ChamberMembershipImport`: what `importChamberMemberships` did. */
export const ChamberMembershipImport = {
  chamber: (result: ImportResult) => result.network,
};
