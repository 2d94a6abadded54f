import type { RegionSnapshot } from '@maillage/synergy';
import { runSynergiesOn } from './harness';

// The cross-kind fields and the Actor and Territory entities of this subgraph, in-process, on a
// region small enough to check by hand. cb-2 keeps its member list private.
//   ch-1 (CCI, DEP-34) = {Alpha, Bravo (ended 2021)}; cb-2 (Club, DEP-12, private) = {Bravo}.
const region: RegionSnapshot = {
  takenAt: '2026-11-01T00:00:00.000Z',
  actors: [
    { id: 'act-a', name: 'Alpha', kind: 'COMPANY', communeId: 'COM-34172' },
    { id: 'act-b', name: 'Bravo', kind: 'COMPANY', communeId: 'COM-12145' },
  ],
  networks: [
    { id: 'ch-1', kind: 'CHAMBER', name: 'CCI', scope: ['DEP-34'] },
    { id: 'cb-2', kind: 'CLUB', name: 'Club', scope: ['DEP-12'], publicMembers: false },
  ],
  memberships: [
    { id: 'ch-m-1', networkId: 'ch-1', actorId: 'act-a', startDate: '2020-01-01' },
    { id: 'ch-m-2', networkId: 'ch-1', actorId: 'act-b', startDate: '2019-01-01', endDate: '2021-01-01' },
    { id: 'cb-m-1', networkId: 'cb-2', actorId: 'act-b', startDate: '2020-01-01' },
  ],
  initiatives: [
    {
      id: 'ch-i-1',
      name: 'Rencontre',
      organiserId: 'ch-1',
      coOrganiserIds: ['cb-2'],
      partyActorIds: ['act-b'],
      startDate: '2026-11-01',
      placeId: 'COM-12145',
      status: 'PLANNED',
    },
  ],
};

const run = runSynergiesOn(region);

const memberships = (id: string, args = 'includeEnded: true') =>
  `{ _entities(representations: [{ __typename: "Actor", id: "${id}" }]) { ... on Actor { memberships(${args}) { totalCount nodes { __typename id } } } } }`;

test('Actor and Territory are entities here: _entities resolves them, and an unknown actor has no list', async () => {
  const { data, errors } =
    await run(`{ _entities(representations: [{ __typename: "Actor", id: "act-a" }, { __typename: "Actor", id: "act-none" }, { __typename: "Territory", id: "DEP-12" }]) {
    ... on Actor { id memberships { totalCount } } ... on Territory { id networks { totalCount nodes { __typename id } } } } }`);
  expect(errors).toBeUndefined();
  expect(data!._entities).toEqual([
    { id: 'act-a', memberships: { totalCount: 1 } },
    { id: 'act-none', memberships: { totalCount: 0 } },
    { id: 'DEP-12', networks: { totalCount: 1, nodes: [{ __typename: 'Club', id: 'cb-2' }] } },
  ]);
});

test('memberships of every kind, as references, ended ones when asked; a private list only for analysts', async () => {
  const analyst = await run(memberships('act-b'));
  expect(analyst.data!._entities[0].memberships).toEqual({
    totalCount: 2,
    nodes: [
      { __typename: 'ChamberMembership', id: 'ch-m-2' },
      { __typename: 'ClubMembership', id: 'cb-m-1' },
    ],
  });
  expect((await run(memberships('act-b', 'includeEnded: false'))).data!._entities[0].memberships.totalCount).toBe(1);
  for (const as of ['anonymous', 'editor'] as const) {
    const other = await run(memberships('act-b'), as);
    expect(other.data!._entities[0].memberships).toEqual({ totalCount: 1, nodes: [{ __typename: 'ChamberMembership', id: 'ch-m-2' }] });
  }
  expect((await run(`{ node(id: "cb-m-1") { __typename id } }`, 'anonymous')).data!.node).toBeNull();
  expect((await run(`{ node(id: "cb-m-1") { __typename id } }`)).data!.node).toEqual({ __typename: 'ClubMembership', id: 'cb-m-1' });
});

test('initiatives across kinds: the ref names the lead kind; filters by territory, period, status, joint', async () => {
  const q = (args: string) => run(`{ initiatives(${args}) { totalCount nodes { __typename id } } }`);
  const one = { totalCount: 1, nodes: [{ __typename: 'ChamberInitiative', id: 'ch-i-1' }] };
  expect((await q('jointOnly: true')).data!.initiatives).toEqual(one);
  expect((await q('territoryId: "DEP-12"')).data!.initiatives).toEqual(one);
  expect((await q('kind: CLUB')).data!.initiatives.totalCount).toBe(0);
  expect((await q('status: HELD')).data!.initiatives.totalCount).toBe(0);
  expect((await q('from: "2026-12-01"')).data!.initiatives.totalCount).toBe(0);
  const actor = await run(
    `{ _entities(representations: [{ __typename: "Actor", id: "act-b" }]) { ... on Actor { initiatives { totalCount } } } }`,
  );
  expect(actor.data!._entities[0].initiatives.totalCount).toBe(1);
});

test("Territory.initiatives (derived into shared.graphql) takes Actor.initiatives' filters and applies them", async () => {
  const both = (args: string) =>
    run(`{ _entities(representations: [{ __typename: "Actor", id: "act-b" }, { __typename: "Territory", id: "DEP-12" }]) {
      ... on Actor { initiatives(${args}) { totalCount } } ... on Territory { initiatives(${args}) { totalCount } } } }`);
  const counts = async (args: string) =>
    (await both(args)).data!._entities.map((e: { initiatives: { totalCount: number } }) => e.initiatives.totalCount);
  expect(await counts('jointOnly: true, status: PLANNED, from: "2026-10-01", to: "2026-12-01", first: 5')).toEqual([1, 1]);
  expect(await counts('kind: CLUB')).toEqual([0, 0]);
  expect(await counts('status: HELD')).toEqual([0, 0]);
  expect(await counts('to: "2026-10-31"')).toEqual([0, 0]);
});

test('bad input gets a stable code', async () => {
  const code = async (query: string) => (await run(query, 'anonymous')).errors?.[0].extensions?.code;
  expect(await code(`{ networks(territoryId: "DEP-999") { totalCount } }`)).toBe('UNKNOWN_TERRITORY');
  expect(await code(`{ initiatives(from: "2026-01-02", to: "2026-01-01") { totalCount } }`)).toBe('INVALID_DATE_RANGE');
  expect(await code(`{ networks(after: "bm90.aGVsbG8taGVsbG8taGVsbG8") { totalCount } }`)).toBe('BAD_USER_INPUT');
  expect(await code(`{ networks(first: 101) { totalCount } }`)).toBe('BAD_USER_INPUT');
  expect(await code(`{ search(text: "  ") { totalCount } }`)).toBe('BAD_USER_INPUT');
});
