import { RegionState, type FeedChange } from '../src/feed';

// Agreed links (docs/architecture.md, "Agreed links"): the index counts a co-organiser or a party
// only once the one named confirmed it, whatever else the initiative's outbox entry carries.
const empty = { actors: [], networks: [], memberships: [], initiatives: [], takenAt: '2026-12-01T00:00:00Z' };

const initiative = (links: { role: string; targetType: string; targetId: string; status?: string }[]): FeedChange => ({
  seq: '1',
  entityType: 'ClubInitiative',
  entityId: 'cb-i-agreed',
  op: 'UPSERT',
  payload: { id: 'cb-i-agreed', networkId: 'cb-reseau-1234', name: 'Rencontre', startDate: '2026-11-20T00:00:00.000Z', links },
  at: '2026-12-01T00:00:00Z',
});

test('only confirmed links of an initiative reach the index; proposals and declines count nowhere', () => {
  const state = new RegionState(empty);
  state.apply(
    initiative([
      { role: 'CO_ORGANISER', targetType: 'Council', targetId: 'co-cmip', status: 'PROPOSED' },
      { role: 'CO_ORGANISER', targetType: 'Chamber', targetId: 'ch-cci-herault', status: 'DECLINED' },
      { role: 'CO_ORGANISER', targetType: 'Cluster', targetId: 'cl-aerospace-valley', status: 'CONFIRMED' },
      { role: 'PARTICIPANT', targetType: 'Actor', targetId: 'act-edf', status: 'PROPOSED' },
      { role: 'PARTNER', targetType: 'Actor', targetId: 'act-orange', status: 'CONFIRMED' },
    ]),
  );
  expect(state.initiatives.get('cb-i-agreed')).toMatchObject({ coOrganiserIds: ['cl-aerospace-valley'], partyActorIds: ['act-orange'] });
});

test('a confirmation, the same initiative logged again with the link confirmed, makes it count', () => {
  const state = new RegionState(empty);
  state.apply(initiative([{ role: 'CO_ORGANISER', targetType: 'Council', targetId: 'co-cmip', status: 'PROPOSED' }]));
  expect(state.initiatives.get('cb-i-agreed')!.coOrganiserIds).toEqual([]);
  state.apply(initiative([{ role: 'CO_ORGANISER', targetType: 'Council', targetId: 'co-cmip', status: 'CONFIRMED' }]));
  expect(state.initiatives.get('cb-i-agreed')!.coOrganiserIds).toEqual(['co-cmip']);
});

test('a link logged without a status (before the agreement migration) does not count: the RESEED after it reads it again', () => {
  const state = new RegionState(empty);
  state.apply(initiative([{ role: 'CO_ORGANISER', targetType: 'Council', targetId: 'co-cmip' }]));
  expect(state.initiatives.get('cb-i-agreed')!.coOrganiserIds).toEqual([]);
});
