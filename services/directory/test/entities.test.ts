import { describeEntities, startSubgraphAlone, type SubgraphHarness } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

let s: SubgraphHarness<unknown>;
beforeAll(async () => {
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

describeEntities(() => s, typeDefs, {
  owned: { Actor: 'act-edf', Territory: 'REG-76' },
  // The network subgraphs' entities, which the directory adds membersByTerritory to.
  extended: {
    Chamber: 'ch-cci-herault',
    Cluster: 'cl-aerospace-valley',
    Council: 'co-think-tank-industrie',
    Club: 'cb-club-entrepreneurs-millavois',
  },
});
