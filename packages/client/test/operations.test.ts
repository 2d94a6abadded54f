import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { persistedOperationIds } from '../src';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string; body: string }[];
};

test('every persisted operation of the manifest has its generated id, and no other', () => {
  expect(Object.keys(persistedOperationIds).sort()).toEqual(manifest.operations.map((o) => o.name).sort());
  for (const op of manifest.operations) {
    expect(persistedOperationIds[op.name as keyof typeof persistedOperationIds]).toBe(op.id);
    // The id names the file's text: what the gateway checks at load.
    expect(
      createHash('sha256')
        .update(readFileSync(path.join(root, 'schema/operations', `${op.name}.graphql`), 'utf8'))
        .digest('hex'),
    ).toBe(op.id);
  }
});
