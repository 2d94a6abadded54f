// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';
import type { ClusterMembershipImportResolvers } from '../generated/resolvers-types';

/** `ClusterMembershipImport`: what `importClusterMemberships` did. */
export const ClusterMembershipImport: ClusterMembershipImportResolvers = {
  cluster: (result: ImportResult) => result.network,
};
