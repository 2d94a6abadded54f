import { readChanges } from '@maillage/db';
import { subgraphForFile } from '@maillage/testing';
import { service } from '../src/server';

// The directory's outbox: actors and roles recorded in the write's transaction, without contact details.
const s = subgraphForFile(service);

test('the seed recorded a reseed; creating and moving an actor records its state, never its contact details', async () => {
  const start = await readChanges(s.client, '0', 1000);
  expect(start.changes.map((c) => c.op)).toEqual(['RESEED']);
  const created = await s.execute(
    `mutation { createActor(input: { kind: PERSON, name: "Camille Outbox", email: "camille@example.org", communeCode: "34172" }) { id } }`,
    {},
    { as: 'admin' },
  );
  const id = created.data!.createActor.id;
  await s.execute(`mutation($id: ID!) { updateActor(id: $id, input: { communeCode: "12145" }) { id } }`, { id }, { as: 'admin' });
  const refused = await s.execute(
    `mutation($id: ID!) { updateActor(id: $id, input: { communeCode: "99999" }) { id } }`,
    { id },
    { as: 'admin' },
  );
  expect(refused.errors).toBeDefined();
  const { changes } = await readChanges(s.client, start.last, 100);
  expect(changes.map((c) => [c.entityType, c.entityId, c.op])).toEqual([
    ['Actor', id, 'UPSERT'],
    ['Actor', id, 'UPSERT'],
  ]);
  expect(changes.map((c) => (c.payload as { communeId: string }).communeId)).toEqual(['COM-34172', 'COM-12145']);
  expect(JSON.stringify(changes)).not.toContain('camille@example.org');
});
