// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, startSubgraphAlone, type SubgraphHarness } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

let s: SubgraphHarness<unknown>;
beforeAll(async () => {
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

describeEntities(() => s, typeDefs, {
  owned: { Council: 'co-think-tank-industrie', CouncilInitiative: 'co-i-cmip-premiere-session', CouncilMembership: 'co-m-cmip-orange' },
  // The directory's entities, which this subgraph adds its councils to.
  extended: { Actor: 'act-orange', Territory: 'EPCI-243400017' },
});
