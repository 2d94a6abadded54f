// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, startSubgraphAlone, type SubgraphHarness } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

let s: SubgraphHarness<unknown>;
beforeAll(async () => {
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

describeEntities(() => s, typeDefs, {
  owned: { Club: 'cb-club-entrepreneurs-millavois', ClubInitiative: 'cb-i-presentation-reseau-1234', ClubMembership: 'cb-m-brengues-club' },
  // The directory's entities, which this subgraph adds its clubs to.
  extended: { Actor: 'act-cyrille-brengues', Territory: 'COM-12145' },
});
