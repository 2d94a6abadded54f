import { PROVENANCE_SELECTION as PROVENANCE, subgraphForFile, testViewer } from '@maillage/testing';
import { service } from '../src/server';

// The seed as corrected from its public sources (issue 12, "The seed data, corrected"): the regional
// chamber's merger, the CCIAMP's name with its date and missions, and where every fact comes from.

const s = subgraphForFile(service);

test('CCI Occitanie succeeds the CCIR Midi-Pyrénées from 2017-01-01 and is the regional chamber of CCI Hérault', async () => {
  const res = await s.execute(`{
    occ: chamber(id: "ch-cci-occitanie") { name subtype startDate endDate active predecessor { id endDate active } children { nodes { id } } scope { id } }
    mp: chamber(id: "ch-ccir-midi-pyrenees") { endDate active successors { nodes { id startDate } } }
    herault: chamber(id: "ch-cci-herault") { parent { id name } }
  }`);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({
    occ: {
      name: 'CCI Occitanie',
      subtype: 'CCI_REGIONALE',
      startDate: '2017-01-01',
      endDate: null,
      active: true,
      predecessor: { id: 'ch-ccir-midi-pyrenees', endDate: '2016-12-31', active: false },
      children: { nodes: [{ id: 'ch-cci-herault' }] },
      scope: [{ id: 'REG-76' }],
    },
    mp: { endDate: '2016-12-31', active: false, successors: { nodes: [{ id: 'ch-cci-occitanie', startDate: '2017-01-01' }] } },
    herault: { parent: { id: 'ch-cci-occitanie', name: 'CCI Occitanie' } },
  });
});

test('the CCI Marseille-Provence bears its later name from 2020-01-07, and its former name still finds it', async () => {
  const res = await s.execute(`{
    chamber(id: "ch-cci-marseille-provence") { name shortName names { name shortName from to sources } missions }
    chambers(search: "Marseille-Provence", includeEnded: true) { nodes { id } }
  }`);
  expect(res.errors).toBeUndefined();
  const c = res.data!.chamber;
  expect(c.name).toBe('CCI métropolitaine Aix-Marseille-Provence');
  expect(c.shortName).toBe('CCIAMP');
  expect(c.names.map((n: any) => [n.name, n.shortName, n.from, n.to])).toEqual([
    ['CCI Marseille-Provence', 'CCIMP', null, '2020-01-06'],
    ['CCI métropolitaine Aix-Marseille-Provence', 'CCIAMP', '2020-01-07', null],
  ]);
  expect(c.names[1].sources.join(' ')).toMatch(/Destimed.*devient la CCI Métropolitaine Aix-Marseille-Provence/);
  // The missions Jean-Luc Chauvin names in the 2017 article.
  expect(c.missions).toEqual(
    expect.arrayContaining([expect.stringMatching(/appui pour les start-up/), expect.stringMatching(/aménagement du territoire/)]),
  );
  expect(res.data!.chambers.nodes).toEqual([{ id: 'ch-cci-marseille-provence' }]);
});

test('a network that never changed name has one name, from its start', async () => {
  const res = await s.execute(`{ chamber(id: "ch-cci-occitanie") { names { name from to } } }`);
  expect(res.data!.chamber.names).toEqual([{ name: 'CCI Occitanie', from: '2017-01-01', to: null }]);
});

test('provenance: memberships a law implies are DERIVED with their rule, what an article says is STATED', async () => {
  const res = await s.execute(`{
    chamber(id: "ch-cci-herault") { ${PROVENANCE} members(includeEnded: true) { nodes { id ${PROVENANCE} } } }
    elected: chamber(id: "ch-cci-marseille-provence") { members(category: ELECTED_MEMBER) { nodes { ${PROVENANCE} } } initiatives { nodes { ${PROVENANCE} } } }
  }`);
  expect(res.errors).toBeUndefined();
  expect(res.data!.chamber.provenance).toMatchObject({ kind: 'STATED', rule: null, enteredBy: null, enteredAt: null });
  const [mainGauche] = res.data!.chamber.members.nodes;
  expect(mainGauche.id).toBe('ch-m-main-gauche-cci-herault');
  expect(mainGauche.provenance.kind).toBe('DERIVED');
  expect(mainGauche.provenance.rule).toMatch(/Code de commerce, art\. L\. 710-1/);
  expect(mainGauche.provenance.sources.length).toBeGreaterThan(0);
  for (const m of res.data!.elected.members.nodes) expect(m.provenance).toMatchObject({ kind: 'STATED', rule: null });
  for (const i of res.data!.elected.initiatives.nodes) expect(i.provenance.kind).toBe('STATED');
});

test('a membership or initiative written through a mutation is ENTERED, by its editor, at its time', async () => {
  const editor = testViewer('editor', { networks: ['ch-cci-occitanie'], subject: 'editor-occitanie' });
  const before = Date.now();
  const added = await s.execute(
    `mutation { addChamberMembership(input: { chamberId: "ch-cci-occitanie", actorId: "act-cci-herault", category: ATTACHED_CHAMBER, startDate: "2017-01-01", sources: ["La Clau, « La CCI unique de la grande région prend forme », la-clau.net"] }) { id ${PROVENANCE} } }`,
    {},
    { as: editor },
  );
  expect(added.errors).toBeUndefined();
  const p = added.data!.addChamberMembership.provenance;
  expect(p).toMatchObject({ kind: 'ENTERED', rule: null, enteredBy: 'editor-occitanie' });
  expect(Date.parse(p.enteredAt)).toBeGreaterThanOrEqual(before - 1000);
  const created = await s.execute(
    `mutation { createChamberInitiative(input: { chamberId: "ch-cci-occitanie", kind: MEETING, status: PLANNED, name: "Assemblée générale" }) { ${PROVENANCE} } }`,
    {},
    { as: editor },
  );
  expect(created.errors).toBeUndefined();
  expect(created.data!.createChamberInitiative.provenance).toMatchObject({ kind: 'ENTERED', enteredBy: 'editor-occitanie', sources: [] });
  // The outbox entry carries it, so the region's index knows it too.
  const [logged] = (await s.client.$queryRaw`SELECT payload FROM change_log WHERE entity_id = ${added.data!.addChamberMembership.id}`) as {
    payload: Record<string, unknown>;
  }[];
  expect(logged.payload).toMatchObject({ provenance: 'ENTERED', enteredBy: 'editor-occitanie' });
});
