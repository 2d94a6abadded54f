import { PROVENANCE_SELECTION as PROVENANCE, subgraphForFile, testViewer } from '@maillage/testing';
import { service } from '../src/server';

// Where the directory's facts come from: seeded actors and roles are STATED by public sources, what
// an editor writes is ENTERED (by whom, when), and the growth forecast of the 2012 article has a
// home a user can query, by territory.

const s = subgraphForFile(service);

test('seeded actors and roles are stated by their public sources', async () => {
  const res = await s.execute(`{
    actor(id: "act-cci-marseille-provence") { name ${PROVENANCE} people { nodes { ${PROVENANCE} } } }
    occ: actor(id: "act-cci-occitanie") { name foundedOn }
  }`);
  expect(res.errors).toBeUndefined();
  const a = res.data!.actor;
  expect(a.name).toBe('CCI métropolitaine Aix-Marseille-Provence');
  expect(a.provenance).toMatchObject({ kind: 'STATED', rule: null, enteredBy: null, enteredAt: null });
  expect(a.provenance.sources.join(' ')).toMatch(/Destimed/);
  for (const r of a.people.nodes) expect(r.provenance.kind).toBe('STATED');
  expect(res.data!.occ).toEqual({ name: 'CCI Occitanie', foundedOn: '2017-01-01' });
});

test('the Astères forecast for Midi-Pyrénées in 2012 (0.9 %, second région) is found from Occitanie, the Aveyron and Millau', async () => {
  const FIELDS = `id label areaName value unit period rank author { id name } scope { id } ${PROVENANCE}`;
  const res = await s.execute(`{
    occitanie: territory(id: "REG-76") { indicators(kind: GROWTH_FORECAST) { ${FIELDS} } }
    aveyron: territory(id: "DEP-12") { indicators { id } }
    millau: territory(id: "COM-12145") { indicators { id } }
    herault: territory(id: "DEP-34") { indicators { id } }
    all: indicators { id }
  }`);
  expect(res.errors).toBeUndefined();
  const [f] = res.data!.occitanie.indicators;
  expect(f).toMatchObject({
    id: 'ind-midi-pyrenees-croissance-2012-asteres',
    value: 0.9,
    unit: '%',
    period: '2012',
    rank: 2,
    author: { id: 'act-asteres', name: 'Astères' },
    provenance: { kind: 'STATED', rule: null },
  });
  expect(f.scope).toHaveLength(8);
  expect(f.provenance.sources[0]).toMatch(/Martin Malvy veut faire travailler les clusters ensemble/);
  expect(res.data!.aveyron.indicators).toEqual([{ id: f.id }]);
  expect(res.data!.millau.indicators).toEqual([{ id: f.id }]);
  // The Hérault was in Languedoc-Roussillon in 2012: the figure is not its own.
  expect(res.data!.herault.indicators).toEqual([]);
  expect(res.data!.all).toEqual([{ id: f.id }]);
});

test('an unknown territory is refused with a stable code', async () => {
  const res = await s.execute(`{ indicators(territoryId: "DEP-999") { id } }`);
  expect(res.errors?.[0].extensions?.code).toBe('UNKNOWN_TERRITORY');
});

test('an actor created or changed through a mutation is ENTERED by its editor, and its outbox entry says so', async () => {
  const editor = testViewer('editor', { subject: 'editor-provenance' });
  const before = Date.now();
  const created = await s.execute(
    `mutation { createActor(input: { kind: COMPANY, name: "Entreprise saisie", sources: ["fiche de l'éditeur"] }) { id ${PROVENANCE} } }`,
    {},
    { as: editor },
  );
  expect(created.errors).toBeUndefined();
  const p = created.data!.createActor.provenance;
  expect(p).toMatchObject({ kind: 'ENTERED', rule: null, enteredBy: 'editor-provenance', sources: ["fiche de l'éditeur"] });
  expect(Date.parse(p.enteredAt)).toBeGreaterThanOrEqual(before - 1000);
  const updated = await s.execute(
    `mutation { updateActor(id: "act-cci-herault", input: { website: "https://www.herault.cci.fr" }) { ${PROVENANCE} } }`,
    {},
    { as: 'admin' },
  );
  expect(updated.errors).toBeUndefined();
  expect(updated.data!.updateActor.provenance).toMatchObject({ kind: 'ENTERED', enteredBy: 'test-admin' });
  const [logged] = (await s.client
    .$queryRaw`SELECT payload FROM change_log WHERE entity_id = 'act-cci-herault' ORDER BY seq DESC LIMIT 1`) as {
    payload: Record<string, unknown>;
  }[];
  expect(logged.payload).toMatchObject({ provenance: 'ENTERED', enteredBy: 'test-admin' });
});
