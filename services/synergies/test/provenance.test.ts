import type { RegionSnapshot } from '@maillage/synergy';
import { RegionState } from '../src/feed';
import { synergiesOn, type SynergiesHarness } from './harness';

// The measures with and without the facts Maillage derived by a rule. ch-1 (a CCI) has Alpha, stated
// by an article, and Bravo, a ressortissant the law implies (derived); cb-2 (a club) has Bravo and
// Charlie. With derived facts, Bravo is a shared member; without, the networks share no one.
const region: RegionSnapshot = {
  takenAt: '2026-11-01T00:00:00.000Z',
  actors: [
    { id: 'act-a', name: 'Alpha', kind: 'COMPANY', nafCode: '62.01Z', communeId: 'COM-34172' },
    { id: 'act-b', name: 'Bravo', kind: 'COMPANY', nafCode: '25.62A', communeId: 'COM-34172' },
    { id: 'act-c', name: 'Charlie', kind: 'COMPANY', nafCode: '62.02A', communeId: 'COM-12145' },
  ],
  networks: [
    { id: 'ch-1', kind: 'CHAMBER', name: 'CCI', scope: ['DEP-34'] },
    { id: 'cb-2', kind: 'CLUB', name: 'Club', scope: ['DEP-12'] },
  ],
  memberships: [
    { id: 'ch-m-a', networkId: 'ch-1', actorId: 'act-a', startDate: '2020-01-01' },
    { id: 'ch-m-b', networkId: 'ch-1', actorId: 'act-b', startDate: '2020-01-01', derived: true },
    { id: 'cb-m-b', networkId: 'cb-2', actorId: 'act-b', startDate: '2020-01-01' },
    { id: 'cb-m-c', networkId: 'cb-2', actorId: 'act-c', startDate: '2020-01-01' },
  ],
  initiatives: [],
};

let h: SynergiesHarness;
beforeAll(async () => {
  h = await synergiesOn(region);
}, 60_000);
afterAll(() => h?.stop());

const S = 'scope: { to: "2026-11-01" }';

test('network overlap counts a derived membership unless asked to leave derived facts out', async () => {
  const q = (arg: string) =>
    `{ networkOverlap(networkA: "ch-1", networkB: "cb-2", ${S}${arg}) { membersA membersB sharedCount jaccard sharedMembers { id } } }`;
  const all = await h.run(q(''));
  const stated = await h.run(q(', includeDerived: false'));
  expect(all.errors).toBeUndefined();
  expect(stated.errors).toBeUndefined();
  expect(all.data!.networkOverlap).toEqual({ membersA: 2, membersB: 2, sharedCount: 1, jaccard: 0.3333, sharedMembers: [{ id: 'act-b' }] });
  expect(stated.data!.networkOverlap).toEqual({ membersA: 1, membersB: 2, sharedCount: 0, jaccard: 0, sharedMembers: [] });
  // The default is the whole graph: the same figures as asking for derived facts explicitly.
  expect((await h.run(q(', includeDerived: true'))).data).toEqual(all.data);
});

test('the synergy report and the bridging actors change too: Bravo bridges the two only through a derived membership', async () => {
  const q = (arg: string) =>
    `{ synergyReport(${S}${arg}) { memberCount pairs { sharedCount sharedMembers { id } } } bridgingActors(${S}${arg}) { actors { actor { id } } } }`;
  const all = await h.run(q(''));
  const stated = await h.run(q(', includeDerived: false'));
  expect(all.errors).toBeUndefined();
  expect(stated.errors).toBeUndefined();
  expect(all.data!.synergyReport.memberCount).toBe(3);
  expect(all.data!.synergyReport.pairs[0]).toMatchObject({ sharedCount: 1, sharedMembers: [{ id: 'act-b' }] });
  expect(stated.data!.synergyReport.memberCount).toBe(3);
  for (const p of stated.data!.synergyReport.pairs) expect(p.sharedCount).toBe(0);
  expect(all.data!.bridgingActors.actors.map((a: any) => a.actor.id)).toContain('act-b');
  expect(stated.data!.bridgingActors.actors.map((a: any) => a.actor.id)).not.toContain('act-b');
});

test('the change feed carries provenance: a derived membership is marked so in the index', () => {
  const state = new RegionState({ ...region, memberships: [] });
  const at = new Date().toISOString();
  state.apply({
    seq: '1',
    entityType: 'ChamberMembership',
    entityId: 'ch-m-x',
    op: 'UPSERT',
    at,
    payload: {
      id: 'ch-m-x',
      networkId: 'ch-1',
      actorId: 'act-c',
      provenance: 'DERIVED',
      provenanceRule: 'Code de commerce, art. L. 710-1',
    },
  });
  state.apply({
    seq: '2',
    entityType: 'ClubMembership',
    entityId: 'cb-m-y',
    op: 'UPSERT',
    at,
    payload: { id: 'cb-m-y', networkId: 'cb-2', actorId: 'act-c', provenance: 'ENTERED', enteredBy: 'editor' },
  });
  expect(state.memberships.get('ch-m-x')!.derived).toBe(true);
  expect(state.memberships.get('cb-m-y')!.derived).toBe(false);
});
