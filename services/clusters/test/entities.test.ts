// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, subgraphForFile } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

const s = subgraphForFile(service);

describeEntities(() => s, typeDefs, {
  owned: { Cluster: 'cl-aerospace-valley', ClusterInitiative: 'cl-i-dynamique-multi-partenariale', ClusterMembership: 'cl-m-cci-grand-nancy-alexis' },
  // The directory's entities, which this subgraph adds its clusters to.
  extended: { Actor: 'act-cci-grand-nancy', Territory: 'REG-76' },
});
