// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, subgraphForFile } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

const s = subgraphForFile(service);

describeEntities(() => s, typeDefs, {
  owned: { Chamber: 'ch-cci-herault', ChamberInitiative: 'ch-i-metropolitan-business-act', ChamberMembership: 'ch-m-cma-herault-occitanie' },
  // The directory's entities, which this subgraph adds its chambers to.
  extended: { Actor: 'act-cma-herault', Territory: 'DEP-34' },
});
