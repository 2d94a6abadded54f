// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUSTER } from '@maillage/kinds';
import { initiative, network } from '@maillage/networks';
import type { ClusterInitiativeResolvers } from '../generated/resolvers-types';

const byKind = initiative.initiativeFields(CLUSTER);

/** `ClusterInitiative`: an initiative a cluster leads, with co-organisers of any kind. */
export const ClusterInitiative: ClusterInitiativeResolvers = {
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
