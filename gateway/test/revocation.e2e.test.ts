import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Without Redis, in one gateway process: a key revoked through this gateway is refused at once,
// although its verdict is remembered 30 s; the revocation is read from the mutation as written
// (an alias, a fragment, a variable), and only a revocation the directory confirmed counts.

let h: Harness;
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
const ACTOR_CARD = manifest.operations.find((o) => o.name === 'ActorCard')!.id;

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
}, 180_000);
afterAll(async () => {
  await h?.stop();
});

async function newKey(): Promise<{ id: string; key: string }> {
  const res = await h
    .as('admin')
    .query<{ createPartnerKey: { key: string; partnerKey: { id: string } } }>(
      `mutation { createPartnerKey(input: { name: "Revocation", origins: ["https://site.example"], rateLimitPerMinute: 1000, operationIds: ["${ACTOR_CARD}"] }) { key partnerKey { id } } }`,
    );
  return { id: res.data!.createPartnerKey.partnerKey.id, key: res.data!.createPartnerKey.key };
}

async function use(key: string): Promise<number> {
  const url = new URL(h.gatewayUrl);
  url.searchParams.set('id', ACTOR_CARD);
  url.searchParams.set('variables', JSON.stringify({ siren: '552081317' }));
  return (await fetch(url, { headers: { 'x-api-key': key } })).status;
}

test('a key revoked through the gateway is refused by it at once', async () => {
  const { id, key } = await newKey();
  expect(await use(key)).toBe(200);
  const revoked = await h
    .as('admin')
    .query('mutation($k: ID!) { ...Revoke } fragment Revoke on Mutation { gone: revokePartnerKey(id: $k) { active } }', { k: id });
  expect(revoked.data).toEqual({ gone: { active: false } });
  expect(await use(key)).toBe(401);
});

test('a revocation that failed forgets nothing: an unknown id, or a caller who may not revoke', async () => {
  const { id, key } = await newKey();
  expect(await use(key)).toBe(200);
  const unknown = await h.as('admin').query('mutation { revokePartnerKey(id: "pk-0000000000000000") { id } }');
  expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const analyst = await h.as('analyst').query(`mutation { revokePartnerKey(id: "${id}") { id } }`);
  expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  // Still remembered, and still genuine: a lookup now would say so too, so break the directory's
  // answer beneath the cache: the key revoked in the database, not through the gateway.
  await h.clients.directory.partnerKey.update({ where: { id }, data: { revokedAt: new Date() } });
  expect(await use(key)).toBe(200);
});
