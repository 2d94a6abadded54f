// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { DateScalar, DateTimeScalar } from '@maillage/subgraph-server';
import type { Resolvers } from '../generated/resolvers-types';
import { Actor } from './Actor';
import { Chamber } from './Chamber';
import { ChamberInitiative } from './ChamberInitiative';
import { ChamberMembership } from './ChamberMembership';
import { ChamberMembershipImport } from './ChamberMembershipImport';
import { Mutation } from './Mutation';
import { Network } from './Network';
import { Query } from './Query';
import { Territory } from './Territory';

/** Every resolver of the chambers subgraph, one object per GraphQL type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Chamber,
  ChamberMembership,
  ChamberMembershipImport,
  ChamberInitiative,
  Network,
  Actor,
  Territory,
};
