// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { DateScalar, DateTimeScalar } from '@maillage/subgraph-server';
import type { Resolvers } from '../generated/resolvers-types';
import { Actor } from './Actor';
import { Council } from './Council';
import { CouncilInitiative } from './CouncilInitiative';
import { CouncilMembership } from './CouncilMembership';
import { CouncilMembershipImport } from './CouncilMembershipImport';
import { Mutation } from './Mutation';
import { Network } from './Network';
import { Query } from './Query';
import { Territory } from './Territory';

/** Every resolver of the councils subgraph, one object per GraphQL type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Council,
  CouncilMembership,
  CouncilMembershipImport,
  CouncilInitiative,
  Network,
  Actor,
  Territory,
};
