import { resolveEntities, subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

const s = subgraphForFile(service);

test('_entities resolves Council by id: strategy axes, roadmap and the think tank before it', async () => {
  const res = await resolveEntities(
    s,
    'Council',
    ['co-cmip'],
    `name startDate memberCount strategyAxes roadmap { startYear endYear } predecessor { name startDate endDate active }`,
  );
  expect(res.errors).toBeUndefined();
  const cmip = res.data!._entities[0];
  expect(cmip).toMatchObject({
    name: "Conseil Métropolitain de l'Industrie Positive",
    startDate: '2019-10-01',
    memberCount: 17,
    roadmap: { startYear: 2020, endYear: 2040 },
    predecessor: { name: 'Think Tank Industrie', startDate: '2019-02-01', endDate: '2019-07-31', active: false },
  });
  expect(cmip.strategyAxes[0]).toBe("Changer l'image de notre industrie en valorisant le made in Montpellier");
});

test('_entities resolves CouncilInitiative: the first session', async () => {
  const res = await resolveEntities(
    s,
    'CouncilInitiative',
    ['co-i-cmip-premiere-session'],
    `name startDate venue dateNote parties { totalCount }`,
  );
  expect(res.data!._entities[0]).toMatchObject({ startDate: '2019-10-01', venue: 'Hôtel de la Métropole', parties: { totalCount: 17 } });
});

test('the Région Midi-Pyrénées convened 13 pôles et clusters; its body ended with the région', async () => {
  const res = await s.execute(
    `{ council(id: "co-region-midi-pyrenees") { active reportedMemberCount { count } members(includeEnded: true, category: CONVENED_NETWORK) { totalCount } initiatives { totalCount } } }`,
  );
  expect(res.data!.council).toEqual({
    active: false,
    reportedMemberCount: { count: 13 },
    members: { totalCount: 4 },
    initiatives: { totalCount: 4 },
  });
});

test('Territory extension: councils active in the Montpellier métropole', async () => {
  const res = await resolveEntities(
    s,
    'Territory',
    ['COM-34172'],
    `councils { nodes { id } } all: councils(includeEnded: true) { totalCount }`,
  );
  expect(res.data!._entities).toEqual([{ councils: { nodes: [{ id: 'co-cmip' }] }, all: { totalCount: 2 } }]);
});
