// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUSTER } from '@maillage/kinds';
import { agreementMutations, importMutations, initiativeUpdates, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations(CLUSTER);
const imports = importMutations(CLUSTER);
const agreement = agreementMutations(CLUSTER);
const updates = initiativeUpdates(CLUSTER);

export const Mutation: MutationResolvers = {
  addClusterMembership: m.addMembership,
  importClusterMemberships: imports.importMemberships,
  endClusterMembership: m.endMembership,
  createClusterInitiative: m.createInitiative,
  updateClusterInitiative: updates.updateInitiative,
  setClusterMemberListVisibility: m.setMemberListVisibility,
  confirmClusterCoOrganisation: agreement.confirmCoOrganisation,
  declineClusterCoOrganisation: agreement.declineCoOrganisation,
  confirmClusterParticipation: agreement.confirmParticipation,
  declineClusterParticipation: agreement.declineParticipation,
};
