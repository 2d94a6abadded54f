// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { COUNCIL } from '@maillage/kinds';
import { initiativesAwaiting, queries } from '@maillage/networks';
import type { QueryResolvers } from '../generated/resolvers-types';

const q = queries(COUNCIL);

export const Query: QueryResolvers = {
  council: q.network,
  councils: q.networks,
  councilInitiative: q.initiative,
  councilInitiatives: q.initiatives,
  councilInitiativesAwaiting: initiativesAwaiting,
};
