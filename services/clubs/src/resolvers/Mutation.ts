// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CLUB } from '@maillage/kinds';
import { agreementMutations, importMutations, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations(CLUB);
const imports = importMutations(CLUB);
const agreement = agreementMutations(CLUB);

export const Mutation: MutationResolvers = {
  addClubMembership: m.addMembership,
  importClubMemberships: imports.importMemberships,
  endClubMembership: m.endMembership,
  createClubInitiative: m.createInitiative,
  setClubMemberListVisibility: m.setMemberListVisibility,
  confirmClubCoOrganisation: agreement.confirmCoOrganisation,
  declineClubCoOrganisation: agreement.declineCoOrganisation,
  confirmClubParticipation: agreement.confirmParticipation,
  declineClubParticipation: agreement.declineParticipation,
};
