// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CHAMBER } from '@maillage/kinds';
import { queries } from '@maillage/networks';

const q = queries(CHAMBER);

export const Query = {
  chamber: q.network,
  chambers: q.networks,
  chamberInitiative: q.initiative,
  chamberInitiatives: q.initiatives,
};
