// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUB } from '@maillage/kinds';
import { agreementMutations, importMutations, initiativeUpdates, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations(CLUB);
const imports = importMutations(CLUB);
const agreement = agreementMutations(CLUB);
const updates = initiativeUpdates(CLUB);

export const Mutation: MutationResolvers = {
  addClubMembership: m.addMembership,
  importClubMemberships: imports.importMemberships,
  endClubMembership: m.endMembership,
  createClubInitiative: m.createInitiative,
  updateClubInitiative: updates.updateInitiative,
  setClubMemberListVisibility: m.setMemberListVisibility,
  confirmClubCoOrganisation: agreement.confirmCoOrganisation,
  declineClubCoOrganisation: agreement.declineCoOrganisation,
  confirmClubParticipation: agreement.confirmParticipation,
  declineClubParticipation: agreement.declineParticipation,
};
