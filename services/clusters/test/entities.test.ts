// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, startSubgraphAlone, type SubgraphHarness } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

let s: SubgraphHarness<unknown>;
beforeAll(async () => {
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

describeEntities(() => s, typeDefs, {
  owned: { Cluster: 'cl-aerospace-valley', ClusterInitiative: 'cl-i-dynamique-multi-partenariale', ClusterMembership: 'cl-m-cci-grand-nancy-alexis' },
  // The directory's entities, which this subgraph adds its clusters to.
  extended: { Actor: 'act-cci-grand-nancy', Territory: 'REG-76' },
});
