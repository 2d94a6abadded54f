// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { describeEntities, subgraphForFile } from '@maillage/testing';
import { service, typeDefs } from '../src/server';

const s = subgraphForFile(service);

describeEntities(() => s, typeDefs, {
  owned: { Club: 'cb-club-entrepreneurs-millavois', ClubInitiative: 'cb-i-presentation-reseau-1234', ClubMembership: 'cb-m-brengues-club' },
  // The directory's entities, which this subgraph adds its clubs to.
  extended: { Actor: 'act-cyrille-brengues', Territory: 'COM-12145' },
});
