// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CHAMBER } from '@maillage/kinds';
import { agreementMutations, importMutations, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations(CHAMBER);
const imports = importMutations(CHAMBER);
const agreement = agreementMutations(CHAMBER);

export const Mutation: MutationResolvers = {
  addChamberMembership: m.addMembership,
  importChamberMemberships: imports.importMemberships,
  endChamberMembership: m.endMembership,
  createChamberInitiative: m.createInitiative,
  setChamberMemberListVisibility: m.setMemberListVisibility,
  confirmChamberCoOrganisation: agreement.confirmCoOrganisation,
  declineChamberCoOrganisation: agreement.declineCoOrganisation,
  confirmChamberParticipation: agreement.confirmParticipation,
  declineChamberParticipation: agreement.declineParticipation,
};
