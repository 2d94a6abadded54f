// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUB } from '@maillage/kinds';
import { queries } from '@maillage/networks';

const q = queries(CLUB);

export const Query = {
  club: q.network,
  clubs: q.networks,
  clubInitiative: q.initiative,
  clubInitiatives: q.initiatives,
};
