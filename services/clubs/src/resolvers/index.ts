// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { DateScalar, DateTimeScalar } from '@maillage/subgraph-server';
import type { Resolvers } from '../generated/resolvers-types';
import { Actor } from './Actor';
import { Club } from './Club';
import { ClubInitiative } from './ClubInitiative';
import { ClubMembership } from './ClubMembership';
import { ClubMembershipImport } from './ClubMembershipImport';
import { Mutation } from './Mutation';
import { Network } from './Network';
import { Query } from './Query';
import { Territory } from './Territory';

/** Every resolver of the clubs subgraph, one object per GraphQL type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Club,
  ClubMembership,
  ClubMembershipImport,
  ClubInitiative,
  Network,
  Actor,
  Territory,
};
