// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { DateScalar, DateTimeScalar } from '@maillage/subgraph-server';
import type { Resolvers } from '../generated/resolvers-types';
import { Actor } from './Actor';
import { {{Type}} } from './{{Type}}';
import { {{Type}}Initiative } from './{{Type}}Initiative';
import { {{Type}}Membership } from './{{Type}}Membership';
import { {{Type}}MembershipImport } from './{{Type}}MembershipImport';
import { Mutation } from './Mutation';
import { Network } from './Network';
import { Query } from './Query';
import { Territory } from './Territory';

/** Every resolver of the {{plural}} subgraph, one object per GraphQL type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  {{Type}},
  {{Type}}Membership,
  {{Type}}MembershipImport,
  {{Type}}Initiative,
  Network,
  Actor,
  Territory,
};
