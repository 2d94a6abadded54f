// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import { CHAMBER } from '@maillage/kinds';
import { importMutations, mutations } from '@maillage/networks';

const m = mutations(CHAMBER);
const imports = importMutations(CHAMBER);

export const Mutation = {
  addChamberMembership: m.addMembership,
  importChamberMemberships: imports.importMemberships,
  endChamberMembership: m.endMembership,
  createChamberInitiative: m.createInitiative,
  setChamberMemberListVisibility: m.setMemberListVisibility,
};
