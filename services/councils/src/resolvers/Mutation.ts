// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { COUNCIL } from '@maillage/kinds';
import { agreementMutations, importMutations, initiativeUpdates, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations(COUNCIL);
const imports = importMutations(COUNCIL);
const agreement = agreementMutations(COUNCIL);
const updates = initiativeUpdates(COUNCIL);

export const Mutation: MutationResolvers = {
  addCouncilMembership: m.addMembership,
  importCouncilMemberships: imports.importMemberships,
  endCouncilMembership: m.endMembership,
  createCouncilInitiative: m.createInitiative,
  updateCouncilInitiative: updates.updateInitiative,
  setCouncilMemberListVisibility: m.setMemberListVisibility,
  confirmCouncilCoOrganisation: agreement.confirmCoOrganisation,
  declineCouncilCoOrganisation: agreement.declineCoOrganisation,
  confirmCouncilParticipation: agreement.confirmParticipation,
  declineCouncilParticipation: agreement.declineParticipation,
};
