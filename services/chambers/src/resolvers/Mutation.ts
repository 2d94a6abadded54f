// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CHAMBER } from '@maillage/kinds';
import { agreementMutations, importMutations, initiativeUpdates, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations(CHAMBER);
const imports = importMutations(CHAMBER);
const agreement = agreementMutations(CHAMBER);
const updates = initiativeUpdates(CHAMBER);

export const Mutation: MutationResolvers = {
  addChamberMembership: m.addMembership,
  importChamberMemberships: imports.importMemberships,
  endChamberMembership: m.endMembership,
  createChamberInitiative: m.createInitiative,
  updateChamberInitiative: updates.updateInitiative,
  setChamberMemberListVisibility: m.setMemberListVisibility,
  confirmChamberCoOrganisation: agreement.confirmCoOrganisation,
  declineChamberCoOrganisation: agreement.declineCoOrganisation,
  confirmChamberParticipation: agreement.confirmParticipation,
  declineChamberParticipation: agreement.declineParticipation,
};
