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

test('an initiative drops its organiser, every network and actor its links name and its place: the owners of every list it is in', () => {
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
  expect(tags.sort()).toEqual(['ChamberInitiative:ch-i-1', 'Chamber:ch-1', 'Club:cb-1', 'Actor:act-2', 'Territory:COM-34172'].sort());
});

test('an actor drops itself and the lists of actors; a role both actors it joins', () => {
  expect(tagsOfChange('directory', change('Actor', 'act-1', { name: 'X' }))).toEqual(['Actor:act-1', 'Actor[]']);
  expect(tagsOfChange('directory', change('Role', 'r-1', { personId: 'act-p', organisationId: 'act-o' }))).toEqual([
    'Role:r-1',
    'Actor:act-p',
    'Actor:act-o',
  ]);
});

test('a network drops itself, and the lists its change may add it or its memberships to, by what its payload says changed', () => {
  // Renamed: it may move in the lists of networks of its kind; no membership list changes.
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { name: 'Nouveau nom', membersPublic: true, changed: ['name'] }))).toEqual([
    'Club:cb-1',
    'Club[]',
  ]);
  // Its member list made private: every entry that showed its memberships holds it (the cache asks for a membership's network).
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { membersPublic: false, changed: ['membersPublic'] }))).toEqual(['Club:cb-1']);
  // Made public: its memberships enter lists that do not hold it yet.
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { membersPublic: true, changed: ['membersPublic'] }))).toEqual([
    'Club:cb-1',
    'ClubMembership[]',
  ]);
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { membersPublic: true, changed: [] }))).toEqual(['Club:cb-1']);
  // A payload that does not say what changed, or none: both.
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { membersPublic: true }))).toEqual(['Club:cb-1', 'Club[]', 'ClubMembership[]']);
  expect(tagsOfChange('chambers', change('Chamber', 'ch-1', null, 'DELETE'))).toEqual(['Chamber:ch-1', 'Chamber[]', 'ChamberMembership[]']);
  expect(tagsOfChange('clubs', change('Club', 'cb-1', { membersPublic: false }))).toEqual(['Club:cb-1', 'Club[]']);
});

test('a reseed and a type without a rule drop everything of their subgraph', () => {
  expect(tagsOfChange('directory', change('*', '*', null, 'RESEED'))).toEqual(['@directory']);
  expect(tagsOfChange('councils', change('CouncilSomethingNew', 'x'))).toEqual(['@councils']);
});

test('a deletion without payload still drops the entity', () => {
  expect(tagsOfChange('clubs', change('ClubMembership', 'cb-m-1', null, 'DELETE'))).toEqual(['ClubMembership:cb-m-1']);
});
