// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { {{KIND}} } from '@maillage/kinds';
import { initiativesAwaiting, queries } from '@maillage/networks';
import type { QueryResolvers } from '../generated/resolvers-types';

const q = queries({{KIND}});

export const Query: QueryResolvers = {
  {{field}}: q.network,
  {{plural}}: q.networks,
  {{field}}Initiative: q.initiative,
  {{field}}Initiatives: q.initiatives,
  {{field}}InitiativesAwaiting: initiativesAwaiting,
};
