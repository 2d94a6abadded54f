import { resolveEntities, subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

const s = subgraphForFile(service);

test('_entities resolves Cluster by id, with label periods', async () => {
  const res = await resolveEntities(s, 'Cluster', ['cl-aerospace-valley'], `name subtype scope { id } labels { phase startDate endDate }`);
  expect(res.errors).toBeUndefined();
  const av = res.data!._entities[0];
  expect(av.scope).toEqual([{ id: 'REG-76' }, { id: 'REG-75' }]);
  expect(av.labels.map((l: { phase: string }) => l.phase)).toEqual(['I', 'II', 'III', 'IV', 'V']);
  expect(av.labels[4]).toEqual({ phase: 'V', startDate: '2023-01-01', endDate: '2026-12-31' });
});

test('Digital Place ended in February 2019 and continues as Digital 113', async () => {
  const res = await s.execute(
    `{ cluster(id: "cl-digital-place") { active endDate successors { nodes { name active predecessor { name } } } } }`,
  );
  expect(res.data!.cluster).toEqual({
    active: false,
    endDate: '2019-02-05',
    successors: { nodes: [{ name: 'Digital 113', active: true, predecessor: { name: 'Digital Place' } }] },
  });
  const active = await s.execute(`{ clusters(first: 50) { nodes { name } } all: clusters(includeEnded: true, first: 50) { totalCount } }`);
  expect(active.data!.clusters.nodes.map((n: { name: string }) => n.name)).not.toContain('Digital Place');
  expect(active.data!.all.totalCount).toBe(6);
});

test('_entities resolves ClusterInitiative, co-organised with a chamber from another subgraph', async () => {
  const res = await resolveEntities(
    s,
    'ClusterInitiative',
    ['cl-i-dynamique-multi-partenariale'],
    `joint organiserKinds coOrganisers { __typename ... on Chamber { id } } parties { totalCount edges { role node { id } } }`,
  );
  expect(res.data!._entities).toEqual([
    {
      joint: true,
      organiserKinds: ['CLUSTER', 'CHAMBER'],
      coOrganisers: [{ __typename: 'Chamber', id: 'ch-cci-grand-nancy' }],
      parties: {
        totalCount: 2,
        edges: [
          { role: 'PARTNER', node: { id: 'act-peel' } },
          { role: 'PARTNER', node: { id: 'act-carep' } },
        ],
      },
    },
  ]);
});

test('members by category', async () => {
  const res = await s.execute(
    `{ cluster(id: "cl-poles-entrepreneuriaux-alexis") { memberCount members(category: TRAINING) { nodes { actor { id } } } } }`,
  );
  expect(res.data!.cluster).toEqual({ memberCount: 3, members: { nodes: [{ actor: { id: 'act-peel' } }] } });
});
