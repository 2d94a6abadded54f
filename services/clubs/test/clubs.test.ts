import { subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

// The shared network behaviour (@maillage/networks) exercised through the clubs subgraph alone.
const s = subgraphForFile(service);

test('_entities resolves Club by id, with its parent and scope', async () => {
  const res = await s.execute(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Club { id name kind subtype active startDate parent { id } scope { id } memberActorIds } } }`,
    { r: [{ __typename: 'Club', id: 'cb-reseau-1234' }] },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!._entities).toEqual([
    {
      id: 'cb-reseau-1234',
      name: 'Réseau 1234',
      kind: 'CLUB',
      subtype: 'SUB_NETWORK',
      active: true,
      startDate: '2019-03-04',
      parent: { id: 'cb-club-entrepreneurs-millavois' },
      scope: [{ id: 'DEP-12' }, { id: 'DEP-34' }],
      memberActorIds: ['act-damien-andre'],
    },
  ]);
});

test('_entities resolves ClubInitiative by id', async () => {
  const res = await s.execute(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on ClubInitiative { name status dateNote place { id } joint organiserKinds } } }`,
    { r: [{ __typename: 'ClubInitiative', id: 'cb-i-premiere-rencontre-le-caylar' }] },
  );
  expect(res.data!._entities).toEqual([
    {
      name: 'Première rencontre du Réseau 1234 au Caylar',
      status: 'PLANNED',
      dateNote: "« sans doute avant l'été » 2019",
      place: { id: 'COM-34064' },
      joint: false,
      organiserKinds: ['CLUB'],
    },
  ]);
});

test('Actor and Territory are extended through _entities', async () => {
  const res = await s.execute(
    `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Actor { clubMemberships { totalCount nodes { role club { name } } } operatedClubs { nodes { id } } clubInitiatives { nodes { id } } }
      ... on Territory { clubs { totalCount nodes { id } } }
    } }`,
    {
      r: [
        { __typename: 'Actor', id: 'act-club-entrepreneurs-millavois' },
        { __typename: 'Actor', id: 'act-damien-andre' },
        { __typename: 'Territory', id: 'DEP-34' },
        { __typename: 'Territory', id: 'COM-12145' },
        { __typename: 'Territory', id: 'REG-44' },
      ],
    },
  );
  expect(res.errors).toBeUndefined();
  const [club, andre, herault, millau, grandEst] = res.data!._entities;
  expect(club.operatedClubs.nodes.map((n: { id: string }) => n.id).sort()).toEqual(['cb-club-entrepreneurs-millavois', 'cb-reseau-1234']);
  expect(andre.clubMemberships).toEqual({ totalCount: 1, nodes: [{ role: 'responsable du réseau', club: { name: 'Réseau 1234' } }] });
  expect(andre.clubInitiatives.nodes).toEqual([{ id: 'cb-i-presentation-reseau-1234' }]);
  expect(herault.clubs.nodes).toEqual([{ id: 'cb-reseau-1234' }]);
  // A commune sees the networks declared in it and those covering it from above.
  expect(millau.clubs.nodes.map((n: { id: string }) => n.id).sort()).toEqual(['cb-club-entrepreneurs-millavois', 'cb-reseau-1234']);
  expect(grandEst.clubs.totalCount).toBe(0);
});

test('memberships: overlapping periods of the same category are duplicates, successive ones are not', async () => {
  const add = (start: string, end?: string) =>
    s.execute(
      `mutation($s: Date, $e: Date) { addClubMembership(input: { clubId: "cb-club-entrepreneurs-millavois", actorId: "act-sesame-nevoweb", category: MEMBER, startDate: $s, endDate: $e }) { id } }`,
      {
        s: start,
        e: end,
      },
    );
  expect((await add('2018-01-01', '2019-01-01')).errors).toBeUndefined();
  expect((await add('2019-01-01')).errors).toBeUndefined();
  const clash = await add('2020-06-01', '2020-07-01');
  expect(clash.errors![0].extensions).toMatchObject({ code: 'DUPLICATE_MEMBERSHIP', field: 'actorId' });
});

test('ending a membership twice is refused', async () => {
  const ended = await s.execute(`mutation { endClubMembership(id: "cb-m-brengues-club", endDate: "2030-01-01") { endDate } }`);
  expect(ended.data!.endClubMembership.endDate).toBe('2030-01-01');
  const again = await s.execute(`mutation { endClubMembership(id: "cb-m-brengues-club", endDate: "2031-01-01") { endDate } }`);
  expect(again.errors![0].extensions!.code).toBe('ALREADY_ENDED');
});

test('an initiative refusing its own lead as co-organiser writes nothing', async () => {
  const before = await s.client.initiative.count();
  const res = await s.execute(
    `mutation { createClubInitiative(input: { clubId: "cb-reseau-1234", kind: MEETING, status: PLANNED, name: "X", coOrganisers: [{ kind: CLUB, id: "cb-reseau-1234" }] }) { id } }`,
  );
  expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect(await s.client.initiative.count()).toBe(before);
});
