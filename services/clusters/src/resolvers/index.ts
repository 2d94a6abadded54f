// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { DateScalar, DateTimeScalar } from '@maillage/subgraph-server';
import type { Resolvers } from '../generated/resolvers-types';
import { Actor } from './Actor';
import { Cluster } from './Cluster';
import { ClusterInitiative } from './ClusterInitiative';
import { ClusterMembership } from './ClusterMembership';
import { ClusterMembershipImport } from './ClusterMembershipImport';
import { Mutation } from './Mutation';
import { Network } from './Network';
import { Query } from './Query';
import { Territory } from './Territory';

/** Every resolver of the clusters subgraph, one object per GraphQL type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Cluster,
  ClusterMembership,
  ClusterMembershipImport,
  ClusterInitiative,
  Network,
  Actor,
  Territory,
};
