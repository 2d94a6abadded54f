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
