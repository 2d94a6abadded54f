// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CHAMBER } from '@maillage/kinds';
import { initiativesAwaiting, queries } from '@maillage/networks';
import type { QueryResolvers } from '../generated/resolvers-types';

const q = queries(CHAMBER);

export const Query: QueryResolvers = {
  chamber: q.network,
  chambers: q.networks,
  chamberInitiative: q.initiative,
  chamberInitiatives: q.initiatives,
  chamberInitiativesAwaiting: initiativesAwaiting,
};
