import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { cachePolicyOf } from '../src/cache-hints';
import { ResponseCache } from '../src/response-cache';
import { ANONYMOUS, viewerOf } from '@maillage/viewer';

const schema = Supergraph.build(readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8'), {
  supportedFeatures: null,
})
  .apiSchema()
  .toGraphQLJSSchema();
const policy = (q: string) => cachePolicyOf(schema, parse(q));

test('the policy is the smallest max-age of the hints the fields meet', () => {
  expect(policy(`{ territory(id: "DEP-34") { id name } }`)).toEqual({ maxAge: 3600, scope: 'PUBLIC' });
  expect(policy(`{ territory(id: "DEP-34") { name clubs { totalCount pageInfo { hasNextPage } nodes { name } } } }`)).toEqual({
    maxAge: 300,
    scope: 'PUBLIC',
  });
  expect(policy(`{ actor(id: "a") { name clubMemberships { nodes { club { name } } } } }`)).toEqual({ maxAge: 60, scope: 'PUBLIC' });
  // Fragments count as well as fields written out.
  expect(
    policy(`{ territory(id: "DEP-34") { ...T } } fragment T on Territory { clubs { nodes { members { nodes { actor { name } } } } } }`)
      .maxAge,
  ).toBe(60);
});

test('fields without a public hint make the answer uncacheable, or private', () => {
  expect(policy(`{ synergyReport { __typename } }`).maxAge).toBe(0);
  expect(policy(`{ viewer { role } }`)).toEqual({ maxAge: 0, scope: 'PRIVATE' });
  expect(policy(`{ actor(id: "a") { name email } }`)).toEqual({ maxAge: 0, scope: 'PRIVATE' });
  expect(policy(`mutation { createActor(input: { kind: COMPANY, name: "x" }) { id } }`).maxAge).toBe(0);
});

test('cache keys keep roles and partners apart; entries expire and are bounded', () => {
  const partner = (id: string) => viewerOf({ scopes: ['partner'], partnerId: id });
  const keys = [ANONYMOUS, partner('pk-a'), partner('pk-b')].map((v) => ResponseCache.key(v, '/graphql?id=x', 'application/json'));
  expect(new Set(keys).size).toBe(3);
  let now = 0;
  const cache = new ResponseCache({ maxEntries: 2, now: () => now });
  cache.set('a', 'A', 'application/json', 10);
  cache.set('b', 'B', 'application/json', 10);
  expect(cache.get('a')?.entry.body).toBe('A');
  cache.set('c', 'C', 'application/json', 10);
  // 'b' was the least recently used.
  expect([cache.get('a')?.entry.body, cache.get('b'), cache.get('c')?.entry.body]).toEqual(['A', undefined, 'C']);
  now = 10_000;
  expect(cache.get('a')).toBeUndefined();
  expect(cache.size).toBe(1);
});
