import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startInProcessSupergraph, type InProcessSupergraph } from '@maillage/testing';
import { subgraphs } from './subgraphs';

// Middle tier: the subgraphs composed from their SDL in this process and queried through a real
// query planner, without HTTP. Catches a schema change that no longer composes, or a plan that
// no longer resolves, before the end-to-end suite.
let s: InProcessSupergraph;
beforeAll(async () => {
  s = await startInProcessSupergraph(subgraphs);
}, 180_000);
afterAll(async () => s?.stop());

// The IDE's example operations that read no cross-kind field (those the end-to-end tier runs).
const example = (name: string) => readFileSync(path.join(__dirname, '../examples', `${name}.graphql`), 'utf8');
const admin = { as: 'admin' } as const;
const anonymous = { as: 'anonymous' } as const;

test('the subgraphs compose', () => {
  expect(s.compositionErrors).toBeUndefined();
});

test('an actor view crosses the directory and the councils subgraph', async () => {
  // The per-kind fields (the playground's example 1 reads the cross-kind ones, served from the
  // synergies index, which reads the graph over HTTP: the end-to-end tier runs it).
  const res = await s.execute(
    `query($siren: String!) { actorBySiren(siren: $siren) { name sector { code division { label } section { code } } commune { name } councilMemberships { totalCount } } }`,
    { siren: '380129866' },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.actorBySiren).toMatchObject({
    name: 'Orange',
    sector: { code: '61.10Z', division: { label: 'Télécommunications' }, section: { code: 'J' } },
    commune: { name: 'Issy-les-Moulineaux' },
    councilMemberships: { totalCount: 1 },
  });
});

test('@requires: members grouped by département are computed in the directory from the clubs subgraph’s list', async () => {
  const res = await s.execute(`{ club(id: "cb-club-entrepreneurs-millavois") { membersByTerritory { territory { id } count } } }`);
  expect(res.errors).toBeUndefined();
  // Its one seeded member, its president, is located in Millau (the article has him speak as a Millavois).
  expect(res.data!.club.membersByTerritory).toEqual([{ territory: { id: 'DEP-12' }, count: 1 }]);
});

test('networks in the Grand Est région', async () => {
  const res = await s.execute(
    `query($t: ID!) { territory(id: $t) { chambers { totalCount nodes { name } } clusters { totalCount nodes { name } } councils { totalCount nodes { name } } clubs { totalCount nodes { name } } } }`,
    { t: 'REG-44' },
  );
  const t = res.data!.territory;
  expect(t.chambers.nodes.map((n: { name: string }) => n.name)).toEqual(['CCI Grand Nancy Métropole Meurthe-et-Moselle']);
  expect(t.clusters.nodes.map((n: { name: string }) => n.name)).toEqual(["Pôles entrepreneuriaux d'Alexis"]);
  expect(t.councils.totalCount + t.clubs.totalCount).toBe(0);
});

test('2. members of Réseau 1234 grouped by département, with its parent club', async () => {
  // The articles name no member company of Réseau 1234: add one on each side of the 12/34 line.
  const millau = await s.execute(
    `mutation { createActor(input: { kind: COMPANY, name: "Atelier des Causses", communeCode: "12145" }) { id } }`,
    {},
    admin,
  );
  const montpellier = await s.execute(
    `mutation { createActor(input: { kind: COMPANY, name: "Bureau Garosud", communeCode: "34172" }) { id } }`,
    {},
    admin,
  );
  for (const actor of [millau, montpellier]) {
    const added = await s.execute(
      `mutation($a: ID!) { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: $a, category: MEMBER, startDate: "2020-01-01" }) { id } }`,
      { a: actor.data!.createActor.id },
      admin,
    );
    expect(added.errors).toBeUndefined();
  }
  const res = await s.execute(example('2-reseau-1234-by-departement'), {}, anonymous);
  expect(res.errors).toBeUndefined();
  const club = res.data!.club;
  expect(club.name).toBe('Réseau 1234');
  expect(club.scope.map((t: { id: string }) => t.id)).toEqual(['DEP-12', 'DEP-34']);
  expect(club.parent).toEqual({
    name: 'Club des Entrepreneurs Millavois',
    // Midi Libre, 16 September 2018: « Avec 80 membres à ce jour » (the seed's source since issue 12).
    reportedMemberCount: {
      count: 80,
      asOf: '2018-09-16',
      note: '« 80 membres à ce jour » pour la première année du club (septembre 2018)',
    },
  });
  expect(club.memberCount).toBe(3);
  const groups = club.membersByTerritory.map((g: any) => [g.territory?.id ?? null, g.count, g.actors.map((a: any) => a.name)]);
  expect(groups).toEqual([
    ['DEP-12', 1, ['Atelier des Causses']],
    ['DEP-34', 1, ['Bureau Garosud']],
    [null, 1, ['Damien André']],
  ]);
});

test('3. members of the Conseil Métropolitain de l’Industrie Positive who also belong to a chamber, a cluster or a club', async () => {
  const res = await s.execute(example('3-council-members-in-other-networks'), {}, anonymous);
  expect(res.errors).toBeUndefined();
  const council = res.data!.council;
  expect(council.members.totalCount).toBe(17);
  expect(council.strategyAxes).toHaveLength(3);
  const alsoElsewhere = council.members.nodes
    .map((m: any) => m.actor)
    .filter((a: any) => a.chamberMemberships.totalCount + a.clusterMemberships.totalCount + a.clubMemberships.totalCount > 0)
    .map((a: any) => [a.name, a.chamberMemberships.nodes.map((n: any) => `${n.category} ${n.chamber.name}`)]);
  expect(alsoElsewhere.sort()).toEqual([
    ['CMA Hérault', ['ATTACHED_CHAMBER CMA Occitanie']],
    ['Main Gauche', ['RESSORTISSANT CCI Hérault']],
  ]);
});

test("an actor's memberships of private lists are left out for those who may not read them", async () => {
  // Cyrille Brengues belongs to the Club des Entrepreneurs Millavois, whose list is made private here.
  const privateClub = 'cb-club-entrepreneurs-millavois';
  const visibility = (v: string) =>
    s.execute(`mutation { setClubMemberListVisibility(id: "${privateClub}", visibility: ${v}) { id } }`, {}, admin);
  expect((await visibility('PRIVATE')).errors).toBeUndefined();
  try {
    const q = `{ actor(id: "act-cyrille-brengues") { clubMemberships { totalCount nodes { club { id } } } } }`;
    const anonymousRes = await s.execute(q, {}, anonymous);
    const analyst = await s.execute(q, {}, { as: 'analyst' });
    const clubsOf = (r: { data?: any }) => r.data!.actor.clubMemberships.nodes.map((n: { club: { id: string } }) => n.club.id);
    expect(clubsOf(analyst)).toContain(privateClub);
    expect(clubsOf(anonymousRes)).not.toContain(privateClub);
    expect(anonymousRes.data!.actor.clubMemberships.totalCount).toBe(analyst.data!.actor.clubMemberships.totalCount - 1);
  } finally {
    await visibility('PUBLIC');
  }
});
