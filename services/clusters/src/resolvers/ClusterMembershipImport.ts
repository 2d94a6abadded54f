// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';

/** `ClusterMembershipImport`: what `importClusterMemberships` did. */
export const ClusterMembershipImport = {
  cluster: (result: ImportResult) => result.network,
};
