// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { COUNCIL } from '@maillage/kinds';
import { queries } from '@maillage/networks';

const q = queries(COUNCIL);

export const Query = {
  council: q.network,
  councils: q.networks,
  councilInitiative: q.initiative,
  councilInitiatives: q.initiatives,
};
