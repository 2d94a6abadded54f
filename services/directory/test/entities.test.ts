import { describeEntities, subgraphForFile } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

const s = subgraphForFile(service);

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
