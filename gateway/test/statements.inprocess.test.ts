import { statementCounts, totalStatements } from '@maillage/observability';
import { encodeCursor, encodeKeyCursor } from '@maillage/subgraph-server';
import { startInProcessSupergraph, type InProcessSupergraph } from '@maillage/testing';
import { subgraphs } from './subgraphs';

// The SQL statements an operation costs must not depend on how many entities it reaches: 10, 100
// and 1,000 cost the same (every hop is one statement per loader batch, none per row, none per
// page). Middle tier: the subgraphs in this process behind a real query planner, counted at their
// driver adapters (@maillage/observability). The benchmark's (b2) and (c2) shapes, a fan-out that
// reaches 1,000 members in one request, and the `_entities` fetches the gateway sends.
let s: InProcessSupergraph;

const KINDS = [
  { service: 'chambers', prefix: 'ch', subtype: 'CCI_TERRITORIALE', category: 'RESSORTISSANT' },
  { service: 'clusters', prefix: 'cl', subtype: 'CLUSTER', category: 'COMPANY' },
  { service: 'councils', prefix: 'co', subtype: 'THINK_TANK', category: 'MEMBER' },
  { service: 'clubs', prefix: 'cb', subtype: 'BUSINESS_CLUB', category: 'MEMBER' },
];
const SIZES = [
  { n: 10, communeId: 'COM-29019' },
  { n: 100, communeId: 'COM-35238' },
  { n: 1000, communeId: 'COM-56260' },
];
const actorId = (n: number, i: number) => `act-st${n}-${String(i).padStart(4, '0')}`;

/** `n` companies in a commune, each a member of one network of every kind (networks of 100 members). */
async function arrange(n: number, communeId: string) {
  const actors = Array.from({ length: n }, (_, i) => ({
    id: actorId(n, i),
    kind: 'COMPANY',
    name: `Entreprise ${n} ${i}`,
    searchName: `entreprise ${n} ${String(i).padStart(4, '0')}`,
    communeId,
    reach: [communeId],
    sources: [],
  }));
  await s.clients.directory.actor.createMany({ data: actors });
  for (const k of KINDS) {
    const networks = Array.from({ length: Math.ceil(n / 100) }, (_, j) => ({
      id: `${k.prefix}-st${n}-${j}`,
      subtype: k.subtype,
      name: `Réseau ${k.prefix} st${n}x ${j}`,
      searchName: `reseau ${k.prefix} st${n}x ${j}`,
      scope: [communeId],
      reach: [communeId],
      sources: [],
    }));
    await s.clients[k.service].network.createMany({ data: networks });
    await s.clients[k.service].membership.createMany({
      data: actors.map((a, i) => ({
        id: `${k.prefix}-m-st${n}-${i}`,
        networkId: networks[Math.floor(i / 100)].id,
        actorId: a.id,
        category: k.category,
        startDate: new Date(Date.UTC(2020, 0, 1 + (i % 300))),
        sources: [],
      })),
    });
  }
}

const membershipsOf = `chamberMemberships { nodes { chamber { name } } }
  clusterMemberships { nodes { cluster { name } } }
  councilMemberships { nodes { council { name } } }
  clubMemberships { nodes { club { name } } }`;

/** Statements a request costs, after one unmeasured run (the planner's first plan, the JIT), in all and per subgraph. */
async function statementsOf(run: () => Promise<{ data?: any; errors?: readonly any[] }>) {
  await run();
  const before = totalStatements();
  const each = new Map(statementCounts);
  const res = await run();
  expect(res.errors).toBeUndefined();
  const bySubgraph = Object.fromEntries([...statementCounts].map(([k, v]) => [k, v - (each.get(k) ?? 0)]).filter(([, v]) => v));
  return { statements: totalStatements() - before, bySubgraph, data: res.data };
}

beforeAll(async () => {
  s = await startInProcessSupergraph(subgraphs);
  for (const { n, communeId } of SIZES) await arrange(n, communeId);
}, 240_000);
afterAll(async () => s?.stop());

test('(b2) a page of actors with their memberships in the four kinds: the same statements for 10 and 100 actors', async () => {
  const query = `query FanOutPage($t: ID!, $n: Int!) { p0: actors(territoryId: $t, first: $n) { nodes { id name ${membershipsOf} } } }`;
  const counts = [];
  for (const { n, communeId } of SIZES.slice(0, 2)) {
    const { statements, data } = await statementsOf(() => s.execute(query, { t: communeId, n }));
    expect(data.p0.nodes).toHaveLength(n);
    expect(data.p0.nodes[n - 1].clubMemberships.nodes).toEqual([{ club: { name: `Réseau cb st${n}x ${Math.floor((n - 1) / 100)}` } }]);
    counts.push(statements);
  }
  expect(counts[0]).toBeGreaterThan(0);
  expect(counts[1]).toBe(counts[0]);
});

// The planner makes one entity fetch per alias; Maillage's gateway joins them (gateway/src/entity-batch.ts,
// counted through it by batching.e2e.test.ts), the plain ApolloGateway of this tier does not: here,
// the directory's side, whose pages of one filter are one statement whatever their number.
test('(b) 10, 100 and 1,000 actors in pages of 100 (aliases with key cursors): one directory statement, each entity fetch flat', async () => {
  const counts: Record<string, number>[] = [];
  for (const { n, communeId } of SIZES) {
    // The pages a client paging ahead sends at once: the cursor of each page's last actor, as the directory signs it.
    const pages = Array.from({ length: Math.ceil(n / 100) }, (_, i) => {
      const after = i
        ? `, after: "${encodeKeyCursor('actors', i * 100 - 1, [`entreprise ${n} ${String(i * 100 - 1).padStart(4, '0')}`, actorId(n, i * 100 - 1)])}"`
        : '';
      return `p${i}: actors(territoryId: $t, first: ${Math.min(100, n)}${after}) { nodes { id name ${membershipsOf} } }`;
    });
    const { bySubgraph, data } = await statementsOf(() => s.execute(`query FanOut($t: ID!) { ${pages.join('\n')} }`, { t: communeId }));
    const actors = Object.values(data).flatMap((p: any) => p.nodes);
    expect(actors.map((a: any) => a.id)).toEqual(Array.from({ length: n }, (_, i) => actorId(n, i)));
    expect(actors[n - 1].clubMemberships.nodes).toEqual([{ club: { name: `Réseau cb st${n}x ${Math.floor((n - 1) / 100)}` } }]);
    counts.push({ pages: pages.length, ...bySubgraph });
  }
  // Per alias, the network subgraphs' statements of one fetch: the same for every size.
  expect(counts.map((c) => ({ directory: c.directory, clubs: c.clubs / c.pages, chambers: c.chambers / c.pages }))).toEqual(
    counts.map(() => ({ directory: 1, clubs: counts[0].clubs, chambers: counts[0].chambers })),
  );
});

test('(c2) the deep query from 10 and from 100 starting actors: the same statements', async () => {
  const query = `query DeepPage($t: ID!, $n: Int!) { actors(territoryId: $t, first: $n) { nodes { id name
    clubMemberships(first: 2) { nodes { club { id name members(first: 8) { nodes { actor { id name kind commune { name } departement { name } } } } } } }
    clusterMemberships(first: 2) { nodes { cluster { id name members(first: 8) { nodes { actor { id name kind commune { name } departement { name } } } } } } } } } }`;
  const counts = [];
  for (const { n, communeId } of SIZES.slice(0, 2)) {
    const { statements, data } = await statementsOf(() => s.execute(query, { t: communeId, n }));
    expect(data.actors.nodes).toHaveLength(n);
    const members = data.actors.nodes[0].clubMemberships.nodes[0].club.members.nodes;
    expect(members).toHaveLength(Math.min(8, n));
    expect(members[0].actor).toMatchObject({ id: actorId(n, 0), kind: 'COMPANY', departement: { name: expect.any(String) } });
    counts.push(statements);
  }
  expect(counts[1]).toBe(counts[0]);
});

test('networks > members > actor > memberships and territory: the same statements for 10, 100 and 1,000 members', async () => {
  const query = `query Members($q: String!, $m: Int!) { clubs(search: $q, first: 10) { totalCount nodes { name memberCount
    members(first: $m) { totalCount nodes { category actor { id name commune { name } departement { name } ${membershipsOf} } } } } } }`;
  const counts = [];
  for (const { n } of SIZES) {
    const { statements, data } = await statementsOf(() => s.execute(query, { q: `st${n}x`, m: Math.min(n, 100) }));
    const clubs = data.clubs.nodes;
    expect(clubs.map((c: any) => c.memberCount)).toEqual(clubs.map(() => Math.min(n, 100)));
    const members = clubs.flatMap((c: any) => c.members.nodes);
    expect(members).toHaveLength(n);
    expect(new Set(members.map((m: any) => m.actor.id)).size).toBe(n);
    expect(members.every((m: any) => m.actor.chamberMemberships.nodes.length === 1)).toBe(true);
    counts.push(statements);
  }
  expect(counts[0]).toBeGreaterThan(0);
  expect(counts).toEqual([counts[0], counts[0], counts[0]]);
});

// A search or a list paged ahead with aliases: its pages and their totals in one statement per
// filter, not one (and a count) per page.
test('an actor search, 100 actors in one page or 1,000 in ten (aliases with key cursors, totals asked): the same statements', async () => {
  const counts = [];
  for (const n of [100, 1000]) {
    const pages = Array.from({ length: n / 100 }, (_, i) => {
      const last = i * 100 - 1;
      const after = i
        ? `, after: "${encodeKeyCursor('actors', last, [`entreprise 1000 ${String(last).padStart(4, '0')}`, actorId(1000, last)])}"`
        : '';
      return `p${i}: actors(search: $q, first: 100${after}) { totalCount nodes { id } }`;
    });
    const { bySubgraph, data } = await statementsOf(() => s.execute(`query Search($q: String!) { ${pages.join('\n')} }`, { q: '1000 0' }));
    const actors = Object.values(data).flatMap((p: any) => p.nodes.map((a: any) => a.id));
    expect(actors).toEqual(Array.from({ length: n }, (_, i) => actorId(1000, i)));
    expect(Object.values(data).map((p: any) => p.totalCount)).toEqual(pages.map(() => 1000));
    counts.push(bySubgraph);
  }
  expect(counts[0]).toEqual({ directory: 2 });
  expect(counts[1]).toEqual(counts[0]);
});

test('a list of networks, 1 in one page or 10 in ten (aliases, totals and member counts asked): the same statements', async () => {
  const counts = [];
  for (const n of [1, 10]) {
    const pages = Array.from(
      { length: n },
      (_, i) =>
        `p${i}: clubs(search: "st1000x", first: 1${i ? `, after: "${encodeCursor(i - 1)}"` : ''}) { totalCount nodes { name memberCount } }`,
    );
    const { bySubgraph, data } = await statementsOf(() => s.execute(`{ ${pages.join('\n')} }`));
    const clubs = Object.values(data).flatMap((p: any) => p.nodes);
    expect(clubs.map((c: any) => c.name)).toEqual(Array.from({ length: n }, (_, j) => `Réseau cb st1000x ${j}`));
    expect(clubs.every((c: any) => c.memberCount === 100)).toBe(true);
    expect(Object.values(data).map((p: any) => p.totalCount)).toEqual(pages.map(() => 10));
    counts.push(bySubgraph);
  }
  expect(counts[0]).toEqual({ clubs: 2 });
  expect(counts[1]).toEqual(counts[0]);
});

const ENTITY_FETCHES = [
  {
    service: 'directory',
    rep: (id: string) => ({ __typename: 'Actor', id }),
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { id name kind commune { name } departement { name } } } }`,
  },
  ...KINDS.map((k) => ({
    service: k.service,
    rep: (id: string) => ({ __typename: 'Actor', id }),
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { ${membershipsOf.split('\n')[KINDS.indexOf(k)]} } } }`,
  })),
  {
    service: 'clubs',
    rep: (id: string, n: number, i: number) => ({ __typename: 'Club', id: `cb-st${n}-${Math.floor(i / 100)}` }),
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Club { name memberCount members(first: 8) { totalCount nodes { actor { id } } } } } }`,
  },
  {
    service: 'clubs',
    rep: (id: string, n: number, i: number) => ({ __typename: 'ClubMembership', id: `cb-m-st${n}-${i}` }),
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ClubMembership { category club { name } actor { id } } } }`,
  },
];

test.each(ENTITY_FETCHES.map((f) => [`${f.service} ${/on (\w+)/.exec(f.query)![1]}`, f]))(
  '_entities of %s: the same statements for 10, 100 and 1,000 representations',
  async (_, f) => {
    const counts = [];
    for (const { n } of SIZES) {
      const reps = Array.from({ length: n }, (_x, i) => f.rep(actorId(n, i), n, i));
      const { statements, data } = await statementsOf(() => s.executeSubgraph(f.service, f.query, { r: reps }));
      expect(data._entities).toHaveLength(n);
      expect(data._entities.every((e: unknown) => e !== null)).toBe(true);
      counts.push(statements);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
  },
);
