import { encodeKeyCursor } from '@maillage/subgraph-server';
import { resolveEntities, subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

// The shared network behaviour (@maillage/networks) exercised through the clubs subgraph alone.
const s = subgraphForFile(service);

test('_entities resolves Club by id, with its parent and scope', async () => {
  const res = await resolveEntities(
    s,
    'Club',
    ['cb-reseau-1234'],
    `id name kind subtype active startDate parent { id } scope { id } memberActorIds`,
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
  const res = await resolveEntities(
    s,
    'ClubInitiative',
    ['cb-i-premiere-rencontre-le-caylar'],
    `name status dateNote place { id } joint organiserKinds`,
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

test('members page by key: each once, in order of start date (undated last) then id, past a deleted cursor item', async () => {
  await s.client.network.create({
    data: {
      id: 'cb-keyed',
      subtype: 'BUSINESS_CLUB',
      name: 'Club paginé',
      searchName: 'club pagine',
      scope: ['DEP-34'],
      reach: ['DEP-34'],
      sources: [],
    },
  });
  const day = (d: string | null) => (d ? new Date(`${d}T00:00:00.000Z`) : null);
  const rows: [string, string | null, string | null][] = [
    ['cb-m-k5', null, null],
    ['cb-m-k1', '2020-01-01', null],
    ['cb-m-k3', '2021-06-01', null],
    ['cb-m-k2', '2021-06-01', null],
    ['cb-m-k7', null, null],
    ['cb-m-k4', '2019-01-01', '2020-01-01'],
    ['cb-m-k6', '2022-02-02', null],
  ];
  await s.client.membership.createMany({
    data: rows.map(([id, start, end], i) => ({
      id,
      networkId: 'cb-keyed',
      actorId: `act-keyed-${i}`,
      category: 'MEMBER',
      startDate: day(start),
      endDate: day(end),
      sources: [],
    })),
  });
  try {
    const page = (after: string | null, ended: boolean) =>
      s.execute(
        `query($a: String, $e: Boolean) { club(id: "cb-keyed") { members(first: 2, after: $a, includeEnded: $e) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
        { a: after, e: ended },
      );
    for (const ended of [true, false]) {
      const all = await s.execute(
        `query($e: Boolean) { club(id: "cb-keyed") { members(first: 100, includeEnded: $e) { nodes { id } } } }`,
        { e: ended },
      );
      const expected = ['cb-m-k4', 'cb-m-k1', 'cb-m-k2', 'cb-m-k3', 'cb-m-k6', 'cb-m-k5', 'cb-m-k7'].filter(
        (id) => ended || id !== 'cb-m-k4',
      );
      expect(all.data!.club.members.nodes.map((n: { id: string }) => n.id)).toEqual(expected);
      const seen: string[] = [];
      for (let after: string | null = null, i = 0; i < 10; i++) {
        const res = await page(after, ended);
        expect(res.errors).toBeUndefined();
        seen.push(...res.data!.club.members.nodes.map((n: { id: string }) => n.id));
        if (!res.data!.club.members.pageInfo.hasNextPage) break;
        after = res.data!.club.members.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
    }
    // After the first undated member (k5), whose cursor survives its deletion.
    let after: string | null = null;
    for (let i = 0; i < 3; i++) after = (await page(after, true)).data!.club.members.pageInfo.endCursor;
    await s.client.membership.delete({ where: { id: 'cb-m-k5' } });
    expect((await page(after, true)).data!.club.members.nodes).toEqual([{ id: 'cb-m-k7' }]);
    // An actors cursor of the directory (another list, another key) is refused.
    const actors = await s.execute(`query($a: String) { club(id: "cb-keyed") { members(after: $a) { nodes { id } } } }`, {
      a: encodeKeyCursor('actors', 3, ['a', 'act-1']),
    });
    expect(actors.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  } finally {
    await s.client.membership.deleteMany({ where: { networkId: 'cb-keyed' } });
    await s.client.network.delete({ where: { id: 'cb-keyed' } });
  }
});
