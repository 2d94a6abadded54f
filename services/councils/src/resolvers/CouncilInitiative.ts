// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { COUNCIL } from '@maillage/kinds';
import { initiative, network } from '@maillage/networks';
import type { CouncilInitiativeResolvers } from '../generated/resolvers-types';

const byKind = initiative.initiativeFields(COUNCIL);

/** `CouncilInitiative`: an initiative a council leads, with co-organisers of any kind. */
export const CouncilInitiative: CouncilInitiativeResolvers = {
  __resolveReference: initiative.resolveInitiative,
  organiser: initiative.organiser,
  coOrganisers: byKind.coOrganisers,
  coOrganisations: byKind.coOrganisations,
  organiserKinds: byKind.organiserKinds,
  joint: byKind.joint,
  parties: initiative.parties,
  place: initiative.place,
  provenance: network.provenance,
};
