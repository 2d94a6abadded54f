// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, subgraphForFile } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

const s = subgraphForFile(service);

describeEntities(() => s, typeDefs, {
  owned: { Council: 'co-think-tank-industrie', CouncilInitiative: 'co-i-cmip-premiere-session', CouncilMembership: 'co-m-cmip-orange' },
  // The directory's entities, which this subgraph adds its councils to.
  extended: { Actor: 'act-orange', Territory: 'EPCI-243400017' },
});
