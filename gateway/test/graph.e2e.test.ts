import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// One regional graph across kinds of network, through the gateway: the cross-kind fields of the
// synergies subgraph (served from its index, completed by the gateway in each network's subgraph)
// against the four per-kind fields they replace, on the seeded graph and on written data.
let h: Harness;
let admin: Harness['query'];
let analyst: Harness['query'];

const KINDS = [
  { kind: 'CHAMBER', type: 'Chamber', field: 'chamber', plural: 'chambers', network: 'ch-cci-herault', category: 'PARTNER' },
  { kind: 'CLUSTER', type: 'Cluster', field: 'cluster', plural: 'clusters', network: 'cl-aerospace-valley', category: 'COMPANY' },
  { kind: 'COUNCIL', type: 'Council', field: 'council', plural: 'councils', network: 'co-cmip', category: 'MEMBER' },
  { kind: 'CLUB', type: 'Club', field: 'club', plural: 'clubs', network: 'cb-reseau-1234', category: 'MEMBER' },
] as const;

async function ok<D = any>(q: Harness['query'], query: string, variables?: Record<string, unknown>): Promise<D> {
  const res = await q(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as D;
}
const refresh = () => ok(analyst, 'mutation { refreshSynergySnapshot { memberships } }');

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  admin = h.as('admin').query;
  analyst = h.as('analyst').query;
}, 180_000);

afterAll(() => h?.stop());

const perKind = KINDS.map((k) => `${k.field}: ${k.field}Memberships(includeEnded: true, first: 100) { totalCount nodes { id } }`).join(' ');

test("every actor's cross-kind memberships are the union of its four per-kind lists, totals the sum", async () => {
  const data = await ok(
    analyst,
    `{ actors(first: 100) { totalCount nodes { id
    memberships(includeEnded: true, first: 100) { totalCount nodes { id __typename network { id kind } actor { id } } }
    ${perKind} } } }`,
  );
  expect(data.actors.totalCount).toBeLessThanOrEqual(100);
  let multiKind = 0;
  for (const a of data.actors.nodes) {
    const union = KINDS.flatMap((k) => a[k.field].nodes.map((m: any) => m.id)).sort();
    expect({ actor: a.id, ids: a.memberships.nodes.map((m: any) => m.id).sort() }).toEqual({ actor: a.id, ids: union });
    expect(a.memberships.totalCount).toBe(KINDS.reduce((n, k) => n + a[k.field].totalCount, 0));
    for (const m of a.memberships.nodes) {
      expect(m.actor).toEqual({ id: a.id });
      expect(m.__typename).toBe(`${KINDS.find((k) => k.kind === m.network.kind)!.type}Membership`);
    }
    if (new Set(a.memberships.nodes.map((m: any) => m.network.kind)).size > 1) multiKind++;
  }
  expect(multiKind).toBeGreaterThan(0); // Main Gauche: a council and a chamber, at least
});

test('networks and initiatives of a territory, and of the whole graph, total the sum of the per-kind totals', async () => {
  for (const territoryId of ['DEP-34', 'DEP-12', 'REG-76', 'COM-34172']) {
    for (const includeEnded of [false, true]) {
      const data = await ok(
        analyst,
        `query($t: ID!, $e: Boolean) { territory(id: $t) {
        networks(includeEnded: $e, first: 100) { totalCount nodes { id kind name active } }
        ${KINDS.map((k) => `${k.plural}(includeEnded: $e, first: 100) { totalCount nodes { id } }`).join(' ')} } }`,
        { t: territoryId, e: includeEnded },
      );
      const t = data.territory;
      const union = KINDS.flatMap((k) => t[k.plural].nodes.map((n: any) => n.id)).sort();
      expect({ territoryId, includeEnded, ids: t.networks.nodes.map((n: any) => n.id).sort() }).toEqual({
        territoryId,
        includeEnded,
        ids: union,
      });
      expect(t.networks.totalCount).toBe(KINDS.reduce((n, k) => n + t[k.plural].totalCount, 0));
      if (!includeEnded) for (const n of t.networks.nodes) expect(n.active).toBe(true);
    }
  }
  for (const jointOnly of [false, true]) {
    const data = await ok(
      analyst,
      `query($j: Boolean) { initiatives(jointOnly: $j, first: 100) { totalCount nodes { id joint organiserKinds organiser { kind } } }
      ${KINDS.map((k) => `${k.field}: ${k.field}Initiatives(jointOnly: $j, first: 100) { totalCount }`).join(' ')} }`,
      { j: jointOnly },
    );
    expect(data.initiatives.totalCount).toBe(KINDS.reduce((n, k) => n + data[k.field].totalCount, 0));
    if (jointOnly) {
      expect(data.initiatives.totalCount).toBeGreaterThan(0);
      for (const i of data.initiatives.nodes) expect(i.joint).toBe(true);
    }
    for (const k of KINDS) {
      const of = await ok(
        analyst,
        `{ initiatives(kind: ${k.kind}, jointOnly: ${jointOnly}, first: 100) { totalCount nodes { organiser { kind } } } }`,
      );
      expect(of.initiatives.totalCount).toBe(data[k.field].totalCount);
      for (const i of of.initiatives.nodes) expect(i.organiser.kind).toBe(k.kind);
    }
  }
  const all = await ok(
    analyst,
    `{ networks(includeEnded: true, first: 100) { totalCount } ${KINDS.map((k) => `${k.plural}(includeEnded: true) { totalCount }`).join(' ')} }`,
  );
  expect(all.networks.totalCount).toBe(KINDS.reduce((n, k) => n + all[k.plural].totalCount, 0));
});

test('paging a cross-kind list of 250 memberships by 7 gives each once, in order, whatever the mix of kinds', async () => {
  const { createActor } = await ok(
    admin,
    `mutation { createActor(input: { kind: COMPANY, name: "Membre de partout", communeCode: "34172" }) { id } }`,
  );
  const actorId = createActor.id as string;
  // 250 one-day memberships, spread over the four kinds, written as each network's imports.
  const day = (k: number) => new Date(Date.UTC(2000, 0, 1) + k * 2 * 86_400_000).toISOString().slice(0, 10);
  for (const [i, k] of KINDS.entries()) {
    const rows = Array.from({ length: 250 }, (_, n) => n)
      .filter((n) => n % 4 === i)
      .map((n) => ({ actorId, category: k.category, startDate: day(n), endDate: day(n + 0.5), ref: String(n) }));
    const res = await ok(
      admin,
      `mutation($input: Import${k.type}MembershipsInput!) { import${k.type}Memberships(input: $input) { created refused } }`,
      {
        input: { [`${k.field}Id`]: k.network, memberships: rows, allOrNothing: true },
      },
    );
    expect(res[`import${k.type}Memberships`]).toEqual({ created: rows.length, refused: 0 });
  }
  await refresh();

  const seen: { id: string; network: string; start: string }[] = [];
  let pages = 0;
  for (let after: string | null = null; ; pages++) {
    const data: any = await ok(
      analyst,
      `query($a: ID!, $after: String) { actor(id: $a) { memberships(includeEnded: true, first: 7, after: $after) {
      totalCount edges { cursor node { id startDate network { id name } } } pageInfo { hasNextPage endCursor } } } }`,
      { a: actorId, after },
    );
    const c = data.actor.memberships;
    expect(c.totalCount).toBe(250);
    expect(c.edges.length).toBe(c.pageInfo.hasNextPage ? 7 : 250 % 7);
    seen.push(...c.edges.map((e: any) => ({ id: e.node.id, network: e.node.network.name, start: e.node.startDate })));
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  expect(pages + 1).toBe(Math.ceil(250 / 7));
  expect(new Set(seen.map((m) => m.id)).size).toBe(250);
  // In order: by network (the cross-kind networks order), then by start date.
  const order = (await ok(analyst, `{ networks(search: "", includeEnded: true, first: 100) { nodes { name } } }`)).networks.nodes.map(
    (n: any) => n.name,
  );
  for (let i = 1; i < seen.length; i++) {
    const [a, b] = [seen[i - 1], seen[i]];
    const byNetwork = order.indexOf(a.network) - order.indexOf(b.network);
    expect(byNetwork < 0 || (byNetwork === 0 && a.start < b.start)).toBe(true);
  }
  // The same items as the four per-kind lists, one kind after another.
  const perKindIds: string[] = [];
  for (const k of KINDS)
    for (let after: string | null = null; ;) {
      const data: any = await ok(
        analyst,
        `query($a: ID!, $after: String) { actor(id: $a) { list: ${k.field}Memberships(includeEnded: true, first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
        { a: actorId, after },
      );
      perKindIds.push(...data.actor.list.nodes.map((m: any) => m.id));
      if (!data.actor.list.pageInfo.hasNextPage) break;
      after = data.actor.list.pageInfo.endCursor;
    }
  expect(seen.map((m) => m.id).sort()).toEqual(perKindIds.sort());
  // The kind filter gives the kind's share, in the same order.
  const clubs = await ok(
    analyst,
    `query($a: ID!) { actor(id: $a) { memberships(kind: CLUB, includeEnded: true, first: 100) { totalCount nodes { id } } } }`,
    { a: actorId },
  );
  expect(clubs.actor.memberships.totalCount).toBe(62);
  expect(clubs.actor.memberships.nodes.map((m: any) => m.id)).toEqual(seen.filter((m) => m.id.startsWith('cb-')).map((m) => m.id));
}, 120_000);

test('a private member list stays private through every cross-kind field', async () => {
  const ANON_QUERY = `{ actor(id: "act-main-gauche") { memberships(includeEnded: true, first: 100) { totalCount nodes { id network { id } } } } }`;
  const before = await ok(h.query, ANON_QUERY);
  const council = before.actor.memberships.nodes.find((m: any) => m.network.id === 'co-cmip');
  expect(council).toBeDefined();
  await ok(admin, `mutation { setCouncilMemberListVisibility(id: "co-cmip", visibility: PRIVATE) { id } }`);
  await refresh();
  try {
    const anon = await ok(h.query, ANON_QUERY);
    expect(anon.actor.memberships.nodes.map((m: any) => m.network.id)).not.toContain('co-cmip');
    expect(anon.actor.memberships.totalCount).toBe(
      before.actor.memberships.totalCount - before.actor.memberships.nodes.filter((m: any) => m.network.id === 'co-cmip').length,
    );
    // The per-kind field agrees: it leaves the private list out too.
    const perKindAnon = await ok(h.query, `{ actor(id: "act-main-gauche") { councilMemberships(includeEnded: true) { totalCount } } }`);
    expect(perKindAnon.actor.councilMemberships.totalCount).toBe(0);
    expect((await ok(h.query, `{ node(id: "${council.id}") { id } }`)).node).toBeNull();
    // An editor of another network sees no more than anyone.
    const editor = h.as('editor', { networks: ['cb-reseau-1234'] }).query;
    expect((await ok(editor, ANON_QUERY)).actor.memberships.totalCount).toBe(anon.actor.memberships.totalCount);
    // The network itself stays listed; its members only for analysts.
    const listed = await ok(
      h.query,
      `{ territory(id: "DEP-34") { networks(first: 100) { nodes { id } } } network(id: "co-cmip") { name memberCount } }`,
    );
    expect(listed.territory.networks.nodes.map((n: any) => n.id)).toContain('co-cmip');
    const an = await ok(analyst, ANON_QUERY);
    expect(an.actor.memberships.totalCount).toBe(before.actor.memberships.totalCount);
    expect((await ok(analyst, `{ node(id: "${council.id}") { id ... on CouncilMembership { council { id } } } }`)).node).toEqual({
      id: council.id,
      council: { id: 'co-cmip' },
    });
  } finally {
    await ok(admin, `mutation { setCouncilMemberListVisibility(id: "co-cmip", visibility: PUBLIC) { id } }`);
    await refresh();
  }
});

test('one search across the graph, as a new user types', async () => {
  const search = async (text: string) =>
    (
      await ok(
        h.query,
        `query($t: String!) { search(text: $t, first: 5) { totalCount nodes { type name score node { __typename id } } } }`,
        { t: text },
      )
    ).search;
  const mecanic = await search('mecanik valee');
  expect(mecanic.nodes[0]).toEqual({
    type: 'ACTOR',
    name: 'Mécanic Vallée',
    score: 1,
    node: { __typename: 'Actor', id: 'act-mecanic-vallee' },
  });
  const reseau = await search('Reseau1234');
  expect(reseau.nodes[0]).toMatchObject({ type: 'NETWORK', name: 'Réseau 1234', node: { __typename: 'Club', id: 'cb-reseau-1234' } });
  const cmip = await search('industrie positive');
  expect(cmip.nodes[0]).toMatchObject({
    type: 'NETWORK',
    name: "Conseil Métropolitain de l'Industrie Positive",
    node: { __typename: 'Council', id: 'co-cmip' },
  });
  for (const s of [mecanic, reseau, cmip])
    for (let i = 1; i < s.nodes.length; i++) expect(s.nodes[i - 1].score).toBeGreaterThanOrEqual(s.nodes[i].score);

  const typed = await ok(
    h.query,
    `{ search(text: "reseau", types: [INITIATIVE], first: 3) { nodes { type node { ... on Initiative { name organiser { id } } } } } }`,
  );
  for (const n of typed.search.nodes) expect(n.type).toBe('INITIATIVE');
  const bad = await h.query(`{ search(text: "x", territoryId: "DEP-999") { totalCount } }`);
  expect(bad.errors?.[0].extensions?.code).toBe('UNKNOWN_TERRITORY');
  const forged = await h.query(`{ search(text: "cci", after: "bm90LmEuY3Vyc29y") { totalCount } }`);
  expect(forged.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

test('node(id) finds anything of the graph by its global id; network(id) any kind', async () => {
  const data = await ok(
    h.query,
    `{
    a: node(id: "act-main-gauche") { __typename id ... on Actor { name } }
    n: node(id: "ch-cci-herault") { __typename ... on Network { name kind } ... on Chamber { subtype } }
    t: node(id: "DEP-34") { __typename ... on Territory { name } }
    i: node(id: "cb-i-presentation-reseau-1234") { __typename ... on Initiative { organiser { id } } }
    none: node(id: "act-nobody") { id }
    net: network(id: "co-cmip") { kind name actor { id } scope { id } }
  }`,
  );
  expect(data.a).toEqual({ __typename: 'Actor', id: 'act-main-gauche', name: 'Main Gauche' });
  expect(data.n).toMatchObject({ __typename: 'Chamber', name: 'CCI Hérault', kind: 'CHAMBER' });
  expect(data.t).toEqual({ __typename: 'Territory', name: 'Hérault' });
  expect(data.i).toEqual({ __typename: 'ClubInitiative', organiser: { id: 'cb-reseau-1234' } });
  expect(data.none).toBeNull();
  expect(data.net).toMatchObject({ kind: 'COUNCIL', name: "Conseil Métropolitain de l'Industrie Positive" });
});
