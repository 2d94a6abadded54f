// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUB } from '@maillage/kinds';
import { initiativesAwaiting, queries } from '@maillage/networks';
import type { QueryResolvers } from '../generated/resolvers-types';

const q = queries(CLUB);

export const Query: QueryResolvers = {
  club: q.network,
  clubs: q.networks,
  clubInitiative: q.initiative,
  clubInitiatives: q.initiatives,
  clubInitiativesAwaiting: initiativesAwaiting,
};
