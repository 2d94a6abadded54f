import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startInProcessSupergraph, type InProcessSupergraph } from '@maillage/testing';
import { subgraphs } from './subgraphs';

// Middle tier: the subgraphs composed from their SDL in this process and queried through a real
// query planner, without HTTP. Catches a schema change that no longer composes, or a plan that
// no longer resolves, before the end-to-end suite.
const example = (name: string) => readFileSync(path.join(__dirname, '../examples', `${name}.graphql`), 'utf8');

let s: InProcessSupergraph;
beforeAll(async () => {
  s = await startInProcessSupergraph(subgraphs);
}, 180_000);
afterAll(async () => s?.stop());

test('the subgraphs compose', () => {
  expect(s.compositionErrors).toBeUndefined();
});

test('an actor view crosses the directory and the councils subgraph', async () => {
  const res = await s.execute(example('1-actor-by-siren'), { siren: '380129866' });
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
  expect(res.data!.club.membersByTerritory).toEqual([{ territory: null, count: 1 }]);
});

test('networks in the Grand Est région', async () => {
  const res = await s.execute(example('4-networks-in-territory'), { territoryId: 'REG-44' });
  const t = res.data!.territory;
  expect(t.chambers.nodes.map((n: { name: string }) => n.name)).toEqual(['CCI Grand Nancy Métropole Meurthe-et-Moselle']);
  expect(t.clusters.nodes.map((n: { name: string }) => n.name)).toEqual(["Pôles entrepreneuriaux d'Alexis"]);
  expect(t.councils.totalCount + t.clubs.totalCount).toBe(0);
});
