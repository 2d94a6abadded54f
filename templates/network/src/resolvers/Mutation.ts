// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { {{KIND}} } from '@maillage/kinds';
import { importMutations, mutations } from '@maillage/networks';
import type { MutationResolvers } from '../generated/resolvers-types';

const m = mutations({{KIND}});
const imports = importMutations({{KIND}});

export const Mutation: MutationResolvers = {
  add{{Type}}Membership: m.addMembership,
  import{{Type}}Memberships: imports.importMemberships,
  end{{Type}}Membership: m.endMembership,
  create{{Type}}Initiative: m.createInitiative,
  set{{Type}}MemberListVisibility: m.setMemberListVisibility,
};
