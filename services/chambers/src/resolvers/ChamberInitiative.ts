// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CHAMBER } from '@maillage/kinds';
import { initiative, network } from '@maillage/networks';
import type { ChamberInitiativeResolvers } from '../generated/resolvers-types';

const byKind = initiative.initiativeFields(CHAMBER);

/** `ChamberInitiative`: an initiative a chamber leads, with co-organisers of any kind. */
export const ChamberInitiative: ChamberInitiativeResolvers = {
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
