import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The synergies subgraph over the seeded articles' graph, through the gateway: it reads the graph
// back through the same gateway, so these answers come from what the other subgraphs publish.
let h: Harness;
let analyst: Harness['query'];
let editor: Harness['query'];

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  analyst = h.as('analyst').query;
  editor = h.as('editor', { networks: ['cb-reseau-1234'] }).query;
}, 180_000);

afterAll(() => h?.stop());

test('actors on the Conseil Métropolitain who are also in CCI Hérault show as shared members', async () => {
  const res = await analyst(`{
    networkOverlap(networkA: "co-cmip", networkB: "ch-cci-herault") {
      networkA { ... on Council { name } } networkB { ... on Chamber { name } }
      membersA membersB sharedCount jaccard sharedMembers { id name kind }
    } }`);
  expect(res.errors).toBeUndefined();
  const o = res.data!.networkOverlap;
  expect(o.networkA.name).toBe("Conseil Métropolitain de l'Industrie Positive");
  expect(o.networkB.name).toBe('CCI Hérault');
  expect(o.sharedMembers).toEqual([{ id: 'act-main-gauche', name: 'Main Gauche', kind: 'STARTUP' }]);
  expect(o.sharedCount).toBe(1);
  expect(o.jaccard).toBeCloseTo(1 / (o.membersA + o.membersB - 1), 4);
});

test('Réseau 1234 bridges Aveyron and Hérault: its initiatives cross the département line', async () => {
  const res = await analyst(`{
    crossTerritoryTies(level: DEPARTEMENT) {
      networks(first: 100) { network { ... on Club { id } } seat { id } initiatives crossingInitiatives initiativeTerritories { territory { id name } count } }
      territories { territory { id } initiatives crossingInitiatives }
    } }`);
  expect(res.errors).toBeUndefined();
  const ties = res.data!.crossTerritoryTies;
  const reseau = ties.networks.find((n: any) => n.network.id === 'cb-reseau-1234');
  expect(reseau.seat).toEqual({ id: 'DEP-12' });
  expect(reseau.crossingInitiatives).toBeGreaterThanOrEqual(2); // Le Caylar and Montpellier, from Millau
  expect(reseau.initiativeTerritories.map((t: any) => t.territory.name).sort()).toEqual(['Aveyron', 'Hérault']);
  const herault = ties.territories.find((t: any) => t.territory.id === 'DEP-34');
  expect(herault.crossingInitiatives).toBeGreaterThanOrEqual(2);
});

test('bridging actors: Main Gauche links the metropolitan council and the chamber', async () => {
  const res = await analyst(
    `{ bridgingActors(first: 50) { method actors { actor { id name } score networkCount bridges { networkA { __typename ... on Council { id } ... on Chamber { id } } networkB { __typename ... on Council { id } ... on Chamber { id } } sharedCount } } } }`,
  );
  expect(res.errors).toBeUndefined();
  const { method, actors } = res.data!.bridgingActors;
  expect(method).toBe('BETWEENNESS');
  const mg = actors.find((a: any) => a.actor.id === 'act-main-gauche');
  expect(mg.networkCount).toBeGreaterThanOrEqual(2);
  expect(mg.score).toBeGreaterThan(0);
  expect(mg.bridges.map((b: any) => [b.networkA.id, b.networkB.id].sort())).toContainEqual(['ch-cci-herault', 'co-cmip']);
  for (let i = 1; i < actors.length; i++) expect(actors[i - 1].score).toBeGreaterThanOrEqual(actors[i].score);
});

test('a synergy report for Occitanie names pairs with their reasons', async () => {
  const res = await analyst(`{ synergyReport(scope: { territoryId: "REG-76" }, first: 5) {
    scope { territory { name } from to snapshotTakenAt } networkCount memberCount
    pairs { networkA { __typename } networkB { __typename } score sharedCount reasons sharedMembers { name } introducers { id } }
  } }`);
  expect(res.errors).toBeUndefined();
  const report = res.data!.synergyReport;
  expect(report.scope.territory.name).toBe('Occitanie');
  expect(report.networkCount).toBeGreaterThan(5);
  expect(report.pairs.length).toBeGreaterThan(0);
  const cmipCci = report.pairs.find((p: any) => p.sharedMembers.some((m: any) => m.name === 'Main Gauche'));
  expect(cmipCci.reasons).toContain('1 shared member: Main Gauche');
  for (const p of report.pairs) expect(p.reasons.length).toBeGreaterThan(0);
});

test('search is accent- and case-insensitive and public', async () => {
  const res = await h.query(`{ searchActors(text: "mecanic vallee") { totalCount nodes { name score actor { id kind } } } }`);
  expect(res.errors).toBeUndefined();
  expect(res.data!.searchActors.nodes[0]).toEqual({
    name: 'Mécanic Vallée',
    score: 1,
    actor: { id: 'act-mecanic-vallee', kind: 'ASSOCIATION' },
  });
  const hérault = await h.query(
    `{ searchActors(territoryId: "DEP-34", networkId: "co-cmip", first: 100) { totalCount nodes { actor { id commune { departement { id } } } } } }`,
  );
  expect(hérault.errors).toBeUndefined();
  expect(hérault.data!.searchActors.totalCount).toBeGreaterThan(0);
  for (const n of hérault.data!.searchActors.nodes) expect(n.actor.commune.departement.id).toBe('DEP-34');
});

test('who has the solution, and first clients, with the path through the networks', async () => {
  const solution = await editor(`{ whoHasTheSolution(actorId: "act-main-gauche", need: { sector: "35" }) {
    nodes { name nearness path { network { ... on Council { id } } actor { id } } }
    networks { network { ... on Council { id } } nearness share } } }`);
  expect(solution.errors).toBeUndefined();
  expect(solution.data!.whoHasTheSolution.nodes[0]).toEqual({
    name: 'EDF',
    nearness: 'SAME_NETWORK',
    path: [{ network: { id: 'co-cmip' }, actor: { id: 'act-edf' } }],
  });
  // EDF is one of the council's members with a known sector, in division 35: the council itself is in reach.
  expect(solution.data!.whoHasTheSolution.networks[0]).toMatchObject({ network: { id: 'co-cmip' }, nearness: 'MEMBER' });
  const clients = await editor(`{ firstClients(actorId: "act-main-gauche") { name hops path { network { __typename } } } }`);
  expect(clients.errors).toBeUndefined();
  const names = clients.data!.firstClients.map((c: any) => c.name);
  expect(names).toEqual(expect.arrayContaining(['EDF', 'Orange', 'IBM']));
  expect(clients.data!.firstClients[0].hops).toBe(1);
});

test('measures are for analysts; matchmaking for signed-in users', async () => {
  const anonymous = await h.query(`{ synergyReport { networkCount } }`);
  expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  const asEditor = await editor(`{ synergyReport { networkCount } }`);
  expect(asEditor.errors![0].extensions!.code).toBe('FORBIDDEN');
  const matchmaking = await h.query(`{ firstClients(actorId: "act-main-gauche") { name } }`);
  expect(matchmaking.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
});

test('bad input gets a clear error', async () => {
  const cases: [string, string][] = [
    [`{ networkOverlap(networkA: "co-cmip", networkB: "nope") { sharedCount } }`, 'UNKNOWN_NETWORK'],
    [`{ synergyReport(scope: { territoryId: "DEP-999" }) { networkCount } }`, 'UNKNOWN_TERRITORY'],
    [`{ synergyReport(scope: { from: "2025-01-01", to: "2024-01-01" }) { networkCount } }`, 'INVALID_DATE_RANGE'],
    [`{ synergyReport(first: 1000) { networkCount } }`, 'BAD_USER_INPUT'],
    [`{ whoHasTheSolution(actorId: "act-nobody", need: { keyword: "x" }) { totalCount } }`, 'UNKNOWN_ACTOR'],
    [`{ whoHasTheSolution(actorId: "act-main-gauche", need: {}) { totalCount } }`, 'BAD_USER_INPUT'],
  ];
  for (const [query, code] of cases) {
    const res = await analyst(query);
    expect([query, res.errors?.[0]?.extensions?.code]).toEqual([query, code]);
  }
});

test('the snapshot holds what the other subgraphs publish, and a refresh reads it again', async () => {
  const counts = await analyst(
    `{ chambers(includeEnded: true) { totalCount } clusters(includeEnded: true) { totalCount } councils(includeEnded: true) { totalCount } clubs(includeEnded: true) { totalCount } actors { totalCount } }`,
  );
  const d = counts.data!;
  const res = await analyst(`mutation { refreshSynergySnapshot { networks actors memberships dangling takenAt } }`);
  expect(res.errors).toBeUndefined();
  const s = res.data!.refreshSynergySnapshot;
  expect(s.networks).toBe(d.chambers.totalCount + d.clusters.totalCount + d.councils.totalCount + d.clubs.totalCount);
  expect(s.actors).toBe(d.actors.totalCount);
  expect(s.dangling).toBe(0);
  const runs = await h.clients.synergies.syncRun.findMany({ orderBy: { startedAt: 'asc' } });
  expect(runs.at(-1)).toMatchObject({ reason: 'refresh mutation', error: null, networks: s.networks });
});

test('provenance through the gateway: stated, derived and entered facts, and a measure without the derived ones', async () => {
  const P = 'provenance { kind sources rule enteredBy enteredAt }';
  const res = await analyst(`{
    chamber(id: "ch-cci-herault") { parent { name } members(includeEnded: true) { nodes { id actor { name ${P} } ${P} } } }
    cciamp: chamber(id: "ch-cci-marseille-provence") { name names { name from to } missions ${P} }
    territory(id: "REG-76") { indicators { value unit period rank author { name } ${P} } }
  }`);
  expect(res.errors).toBeUndefined();
  expect(res.data!.chamber.parent).toEqual({ name: 'CCI Occitanie' });
  const [mainGauche] = res.data!.chamber.members.nodes;
  expect(mainGauche.provenance).toMatchObject({ kind: 'DERIVED', enteredBy: null });
  expect(mainGauche.provenance.rule).toMatch(/ressortissant/);
  expect(mainGauche.actor.provenance.kind).toBe('STATED');
  expect(res.data!.cciamp.names).toEqual([
    { name: 'CCI Marseille-Provence', from: null, to: '2020-01-06' },
    { name: 'CCI métropolitaine Aix-Marseille-Provence', from: '2020-01-07', to: null },
  ]);
  expect(res.data!.cciamp.missions.length).toBeGreaterThan(0);
  expect(res.data!.territory.indicators).toEqual([
    expect.objectContaining({ value: 0.9, unit: '%', period: '2012', rank: 2, author: { name: 'Astères' } }),
  ]);

  // Through the cross-kind list too: the interface carries it, each kind's subgraph answers it.
  const cross = await analyst(`{ actor(id: "act-main-gauche") { memberships(includeEnded: true) { nodes { id provenance { kind } } } } }`);
  expect(cross.errors).toBeUndefined();
  expect(Object.fromEntries(cross.data!.actor.memberships.nodes.map((m: any) => [m.id, m.provenance.kind]))).toEqual({
    'ch-m-main-gauche-cci-herault': 'DERIVED',
    'co-m-cmip-main-gauche': 'STATED',
  });

  // Main Gauche is shared by the council and CCI Hérault only through the derived ressortissant membership.
  const overlap = async (includeDerived: boolean) =>
    (
      await analyst(
        `{ networkOverlap(networkA: "co-cmip", networkB: "ch-cci-herault", includeDerived: ${includeDerived}) { sharedCount } }`,
      )
    ).data!.networkOverlap.sharedCount;
  expect(await overlap(true)).toBe(1);
  expect(await overlap(false)).toBe(0);

  // Written through a mutation: entered, by the editor whose token the gateway verified.
  const added = await editor(
    `mutation { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-seclab", category: MEMBER, sources: ["saisie de l'éditeur"] }) { id ${P} } }`,
  );
  expect(added.errors).toBeUndefined();
  expect(added.data!.addClubMembership.provenance).toMatchObject({ kind: 'ENTERED', rule: null, sources: ["saisie de l'éditeur"] });
  expect(added.data!.addClubMembership.provenance.enteredBy).toBeTruthy();
  expect(added.data!.addClubMembership.provenance.enteredAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
});
