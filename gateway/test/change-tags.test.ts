import type { FeedChange } from '@maillage/subgraph-server';
import { tagsOfChange } from '../src/change-tags';

// What each change-log entry drops from the entity cache: the entity, and the entities whose
// fields list it, named by its payload (a new entity is in no entry yet).

const change = (entityType: string, entityId: string, payload: Record<string, unknown> | null = null, op: FeedChange['op'] = 'UPSERT') =>
  ({ seq: '1', entityType, entityId, op, payload, at: '2026-12-01T00:00:00.000Z' }) satisfies FeedChange;

test('a membership drops itself, its actor and its network', () => {
  expect(tagsOfChange('clubs', change('ClubMembership', 'cb-m-1', { networkId: 'cb-1', actorId: 'act-1' }))).toEqual([
    'ClubMembership:cb-m-1',
    'Actor:act-1',
    'Club:cb-1',
  ]);
});

test('an initiative drops its organiser, every network and actor its links name, its place, and the lists of its type', () => {
  const tags = tagsOfChange(
    'chambers',
    change('ChamberInitiative', 'ch-i-1', {
      networkId: 'ch-1',
      placeId: 'COM-34172',
      links: [
        { role: 'CO_ORGANISER', targetType: 'Club', targetId: 'cb-1' },
        { role: 'PARTNER', targetType: 'Actor', targetId: 'act-2' },
      ],
    }),
  );
  expect(tags.sort()).toEqual(
    ['ChamberInitiative:ch-i-1', 'ChamberInitiative[]', 'Chamber:ch-1', 'Club:cb-1', 'Actor:act-2', 'Territory:COM-34172'].sort(),
  );
});

test('an actor drops itself and the lists of actors; a role both actors it joins', () => {
  expect(tagsOfChange('directory', change('Actor', 'act-1', { name: 'X' }))).toEqual(['Actor:act-1', 'Actor[]']);
  expect(tagsOfChange('directory', change('Role', 'r-1', { personId: 'act-p', organisationId: 'act-o' }))).toEqual([
    'Role:r-1',
    'Actor:act-p',
    'Actor:act-o',
  ]);
});

test('a network, a reseed and a type without a rule drop everything of their subgraph', () => {
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { membersPublic: false }))).toEqual(['@clubs']);
  expect(tagsOfChange('directory', change('*', '*', null, 'RESEED'))).toEqual(['@directory']);
  expect(tagsOfChange('councils', change('CouncilSomethingNew', 'x'))).toEqual(['@councils']);
});

test('a deletion without payload still drops the entity', () => {
  expect(tagsOfChange('clubs', change('ClubMembership', 'cb-m-1', null, 'DELETE'))).toEqual(['ClubMembership:cb-m-1']);
});
