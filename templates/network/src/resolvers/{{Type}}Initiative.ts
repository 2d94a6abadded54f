// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { {{KIND}} } from '@maillage/kinds';
import { initiative, network } from '@maillage/networks';
import type { {{Type}}InitiativeResolvers } from '../generated/resolvers-types';

const byKind = initiative.initiativeFields({{KIND}});

/** `{{Type}}Initiative`: an initiative a {{field}} leads, with co-organisers of any kind. */
export const {{Type}}Initiative: {{Type}}InitiativeResolvers = {
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
