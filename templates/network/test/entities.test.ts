// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, startSubgraphAlone, type SubgraphHarness } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

let s: SubgraphHarness<unknown>;
beforeAll(async () => {
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

describeEntities(() => s, typeDefs, {
  owned: { {{Type}}: '{{seededNetwork}}', {{Type}}Initiative: '{{seededInitiative}}', {{Type}}Membership: '{{seededMembership}}' },
  // The directory's entities, which this subgraph adds its {{plural}} to.
  extended: { Actor: '{{seededActor}}', Territory: '{{seededTerritory}}' },
});
