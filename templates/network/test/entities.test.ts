// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, subgraphForFile } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

const s = subgraphForFile(service);

describeEntities(() => s, typeDefs, {
  owned: { {{Type}}: '{{seededNetwork}}', {{Type}}Initiative: '{{seededInitiative}}', {{Type}}Membership: '{{seededMembership}}' },
  // The directory's entities, which this subgraph adds its {{plural}} to.
  extended: { Actor: '{{seededActor}}', Territory: '{{seededTerritory}}' },
});
