import { encodeCursor, encodeKeyCursor } from '@maillage/subgraph-server';
import { resolveEntities, subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

const s = subgraphForFile(service);

test('_entities resolves Actor by id', async () => {
  const res = await resolveEntities(s, 'Actor', ['act-main-gauche', 'act-unknown'], `id name siren commune { id }`);
  expect(res.errors).toBeUndefined();
  expect(res.data!._entities).toEqual([{ id: 'act-main-gauche', name: 'Main Gauche', siren: null, commune: { id: 'COM-34172' } }, null]);
});

test('_entities resolves Territory by id, with its roll-up', async () => {
  const res = await resolveEntities(s, 'Territory', ['COM-12145'], `id name level epci { id } departement { id } region { id name }`);
  expect(res.data!._entities).toEqual([
    {
      id: 'COM-12145',
      name: 'Millau',
      level: 'COMMUNE',
      epci: { id: 'EPCI-241200567' },
      departement: { id: 'DEP-12' },
      region: { id: 'REG-76', name: 'Occitanie' },
    },
  ]);
});

test('_entities groups a network’s members by département (@requires memberActorIds)', async () => {
  const res = await s.execute(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Club { membersByTerritory { territory { id } count actors { name } } } } }`,
    {
      r: [
        {
          __typename: 'Club',
          id: 'cb-x',
          memberActorIds: ['act-main-gauche', 'act-cci-herault', 'act-club-entrepreneurs-millavois', 'act-seclab', 'act-missing'],
        },
      ],
    },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!._entities[0].membersByTerritory).toEqual([
    { territory: { id: 'DEP-34' }, count: 2, actors: [{ name: 'CCI Hérault' }, { name: 'Main Gauche' }] },
    { territory: { id: 'DEP-12' }, count: 1, actors: [{ name: 'Club des Entrepreneurs Millavois' }] },
    { territory: null, count: 1, actors: [{ name: 'Seclab' }] },
  ]);
});

test('search is insensitive to accents and case, and paginates with totalCount', async () => {
  const first = await s.execute(
    `{ actors(search: "METROPOLE", first: 1) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }`,
  );
  expect(first.data!.actors.totalCount).toBe(3);
  expect(first.data!.actors.pageInfo.hasNextPage).toBe(true);
  const next = await s.execute(
    `query($a: String) { actors(search: "METROPOLE", first: 5, after: $a) { nodes { name } pageInfo { hasNextPage } } }`,
    {
      a: first.data!.actors.pageInfo.endCursor,
    },
  );
  expect([first.data!.actors.nodes[0].name, ...next.data!.actors.nodes.map((n: { name: string }) => n.name)]).toEqual([
    'CCI Grand Nancy Métropole Meurthe-et-Moselle',
    "Métropole d'Aix-Marseille-Provence",
    'Montpellier Méditerranée Métropole',
  ]);
  expect(next.data!.actors.pageInfo.hasNextPage).toBe(false);
});

test('actors in a territory include those of every commune below it', async () => {
  const res = await s.execute(`{ territory(id: "DEP-34") { actors(first: 100) { totalCount nodes { name } } } }`);
  expect(res.data!.territory.actors.nodes.map((n: { name: string }) => n.name)).toEqual([
    'BIC de Montpellier',
    'CCI Hérault',
    'CMA Hérault',
    'Main Gauche',
    'Montpellier Méditerranée Métropole',
  ]);
});

test('a page larger than 100 is refused', async () => {
  const res = await s.execute(`{ actors(first: 1000) { totalCount } }`);
  expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
});

test('seeding twice changes nothing', async () => {
  const before = await s.client.actor.count();
  await service.seed(s.client, () => undefined);
  expect(await s.client.actor.count()).toBe(before);
});

test('a seeded SIREN that fails its checksum would be refused', async () => {
  const res = await s.execute(`{ a: actorBySiren(siren: "243400017") { name } b: actorBySiren(siren: "243400018") { name } }`);
  expect(res.data).toEqual({ a: { name: 'Montpellier Méditerranée Métropole' }, b: null });
});

test('actors of several territories are paged in one batch, each with its own total', async () => {
  const res = await s.execute(`{
    a: territory(id: "DEP-34") { actors(first: 2) { totalCount nodes { name } pageInfo { hasNextPage } } }
    b: territory(id: "COM-12145") { actors(first: 5) { totalCount nodes { name } } }
    c: territory(id: "REG-76") { actors(first: 1, kind: CONSULAR_CHAMBER) { totalCount nodes { name } } }
    d: territory(id: "DEP-34") { actors(first: 2, after: "${encodeCursor(1)}") { nodes { name } } }
  }`);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({
    a: { actors: { totalCount: 5, nodes: [{ name: 'BIC de Montpellier' }, { name: 'CCI Hérault' }], pageInfo: { hasNextPage: true } } },
    // Cyrille Brengues, the club's president, speaks as a Millavois in the ADN12 article (issue 17).
    b: {
      actors: {
        totalCount: 3,
        nodes: [{ name: 'Club des Entrepreneurs Millavois' }, { name: 'Cyrille Brengues' }, { name: 'Sésame - Nevoweb' }],
      },
    },
    c: { actors: { totalCount: 2, nodes: [{ name: 'CCI Hérault' }] } },
    d: { actors: { nodes: [{ name: 'CMA Hérault' }, { name: 'Main Gauche' }] } },
  });
});

test('actors page by key: every actor once, in the order of one long page, through ties of name and past a deleted cursor item', async () => {
  // Three actors of one name in one commune (ties broken by id), besides the seeded ones of the région.
  const twins = ['act-key-c', 'act-key-a', 'act-key-b'].map((id) => ({
    id,
    kind: 'COMPANY' as const,
    name: 'Jumelle',
    searchName: 'jumelle',
    communeId: 'COM-34172',
    reach: ['COM-34172', 'EPCI-243400017', 'DEP-34', 'REG-76'],
    sources: [],
  }));
  await s.client.actor.createMany({ data: twins });
  try {
    const lists = {
      query: (after: string | null) =>
        s.execute(
          `query($a: String) { l: actors(territoryId: "DEP-34", first: 2, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
          {
            a: after,
          },
        ),
      territory: (after: string | null) =>
        s.execute(
          `query($a: String) { t: territory(id: "COM-34172") { l: actors(first: 2, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
          { a: after },
        ),
      // A région walks the name index (`= ANY(reach)`), a commune takes the GIN index: both paths.
      region: (after: string | null) =>
        s.execute(
          `query($a: String) { t: territory(id: "REG-76") { l: actors(first: 3, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
          { a: after },
        ),
      search: (after: string | null) =>
        s.execute(`query($a: String) { l: actors(search: "e", first: 2, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } }`, {
          a: after,
        }),
    };
    const whole = {
      query: `{ l: actors(territoryId: "DEP-34", first: 100) { nodes { id } } }`,
      territory: `{ t: territory(id: "COM-34172") { l: actors(first: 100) { nodes { id } } } }`,
      region: `{ t: territory(id: "REG-76") { l: actors(first: 100) { nodes { id } } } }`,
      search: `{ l: actors(search: "e", first: 100) { nodes { id } } }`,
    };
    for (const [name, page] of Object.entries(lists)) {
      const all = await s.execute(whole[name as keyof typeof whole]);
      const expected = ((all.data!.t ?? all.data!).l.nodes as { id: string }[]).map((n) => n.id);
      expect(expected).toEqual(expect.arrayContaining(name === 'search' ? ['act-key-a'] : ['act-key-a', 'act-key-b', 'act-key-c']));
      const seen: string[] = [];
      for (let after: string | null = null, i = 0; i < 100; i++) {
        const res: Awaited<ReturnType<typeof page>> = await page(after);
        expect(res.errors).toBeUndefined();
        const l: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = (res.data!.t ?? res.data!).l;
        seen.push(...l.nodes.map((n: { id: string }) => n.id));
        if (!l.pageInfo.hasNextPage) break;
        after = l.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
      const twinsInOrder = seen.filter((id) => id.startsWith('act-key-'));
      if (name !== 'search') expect(twinsInOrder).toEqual(['act-key-a', 'act-key-b', 'act-key-c']);
    }
    // The item a cursor names may be gone by the next request: the page still starts after its key.
    const cursorOfTwin = async () => {
      for (let after: string | null = null; ;) {
        const res: { data?: Record<string, any> | null } = await s.execute(
          `query($a: String) { l: actors(territoryId: "DEP-34", first: 1, after: $a) { edges { cursor node { id } } pageInfo { endCursor } } }`,
          { a: after },
        );
        const edge = res.data!.l.edges[0];
        if (edge.node.id === 'act-key-a') return edge.cursor as string;
        after = res.data!.l.pageInfo.endCursor;
      }
    };
    const cursor = await cursorOfTwin();
    await s.client.actor.delete({ where: { id: 'act-key-a' } });
    const next = await s.execute(`query($a: String) { l: actors(territoryId: "DEP-34", first: 2, after: $a) { nodes { id } } }`, {
      a: cursor,
    });
    expect(next.data!.l.nodes.map((n: { id: string }) => n.id)).toEqual(['act-key-b', 'act-key-c']);
    // A members cursor of a network subgraph (another list, another key) is refused here.
    const members = await s.execute(`query($a: String) { actors(first: 2, after: $a) { nodes { id } } }`, {
      a: encodeKeyCursor('members', 3, ['2020-01-01', 'cb-m-1']),
    });
    expect(members.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  } finally {
    await s.client.actor.deleteMany({ where: { id: { in: twins.map((t) => t.id) } } });
  }
});
