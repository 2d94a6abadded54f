// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { {{KIND}} } from '@maillage/kinds';
import { agreementMutations, importMutations, initiativeUpdates, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations({{KIND}});
const imports = importMutations({{KIND}});
const agreement = agreementMutations({{KIND}});
const updates = initiativeUpdates({{KIND}});

export const Mutation: MutationResolvers = {
  add{{Type}}Membership: m.addMembership,
  import{{Type}}Memberships: imports.importMemberships,
  end{{Type}}Membership: m.endMembership,
  create{{Type}}Initiative: m.createInitiative,
  update{{Type}}Initiative: updates.updateInitiative,
  set{{Type}}MemberListVisibility: m.setMemberListVisibility,
  confirm{{Type}}CoOrganisation: agreement.confirmCoOrganisation,
  decline{{Type}}CoOrganisation: agreement.declineCoOrganisation,
  confirm{{Type}}Participation: agreement.confirmParticipation,
  decline{{Type}}Participation: agreement.declineParticipation,
};
