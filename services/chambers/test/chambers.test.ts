import { resolveEntities, subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

const s = subgraphForFile(service);

test('_entities resolves Chamber by id: a CMA départementale as an establishment of its regional CMA', async () => {
  const res = await resolveEntities(
    s,
    'Chamber',
    ['ch-cma-herault', 'ch-cma-occitanie'],
    `name subtype startDate parent { name } children { nodes { name } } actor { id }`,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!._entities).toEqual([
    {
      name: 'CMA Hérault',
      subtype: 'CMA_DEPARTEMENTALE',
      startDate: null,
      parent: { name: 'CMA Occitanie' },
      children: { nodes: [] },
      actor: { id: 'act-cma-herault' },
    },
    {
      name: 'CMA Occitanie',
      subtype: 'CMA_REGIONALE',
      startDate: '2021-01-01',
      parent: null,
      children: { nodes: [{ name: 'CMA Hérault' }] },
      actor: { id: 'act-cma-occitanie' },
    },
  ]);
});

test('_entities resolves ChamberInitiative: the Metropolitan business act and its 80 private buyers', async () => {
  const res = await resolveEntities(
    s,
    'ChamberInitiative',
    ['ch-i-metropolitan-business-act'],
    `name kind status reportedParticipantCount organiser { shortName } place { id }`,
  );
  expect(res.data!._entities).toEqual([
    {
      name: 'Metropolitan business act',
      kind: 'PROGRAMME',
      status: 'ONGOING',
      reportedParticipantCount: 80,
      organiser: { shortName: 'CCIAMP' },
      place: { id: 'EPCI-200054807' },
    },
  ]);
});

test('elected members of CCI Marseille-Provence, by category (undated memberships in id order)', async () => {
  const res = await s.execute(
    `{ chamber(id: "ch-cci-marseille-provence") { members(category: ELECTED_MEMBER) { totalCount nodes { role actor { id } } } } }`,
  );
  expect(res.data!.chamber.members.nodes).toEqual([
    { role: "élu en charge de l'emploi", actor: { id: 'act-fabrice-alimi' } },
    { role: 'vice-président', actor: { id: 'act-jean-luc-blanc' } },
    { role: 'président', actor: { id: 'act-jean-luc-chauvin' } },
  ]);
});

test('Actor extension: an actor’s chamber memberships and the initiatives it takes part in', async () => {
  const res = await resolveEntities(
    s,
    'Actor',
    ['act-main-gauche', 'act-iter'],
    `chamberMemberships { nodes { category chamber { name } } } chamberInitiatives { nodes { id } }`,
  );
  expect(res.data!._entities).toEqual([
    { chamberMemberships: { nodes: [{ category: 'RESSORTISSANT', chamber: { name: 'CCI Hérault' } }] }, chamberInitiatives: { nodes: [] } },
    { chamberMemberships: { nodes: [] }, chamberInitiatives: { nodes: [{ id: 'ch-i-cea-iter-pme' }] } },
  ]);
});
