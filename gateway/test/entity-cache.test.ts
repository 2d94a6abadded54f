import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EntityCache, MemoryEntityStore, visibilityOf } from '../src/entity-cache';

// The in-process store of the entity cache: bounded, least recently used first out, every tag of
// an entry drops it, and an entry past its TTL is gone.

const entry = (key: string, tags: string[], ttlMs = 60_000) => ({ key, value: JSON.stringify({ key }), ttlMs, tags });

test('bounded: the least recently used entry goes first, and a hit makes an entry young again', async () => {
  const store = new MemoryEntityStore(3);
  await store.set([entry('a', ['Actor:a']), entry('b', ['Actor:b']), entry('c', ['Actor:c'])]);
  expect(await store.get(['a'])).toEqual(['{"key":"a"}']);
  await store.set([entry('d', ['Actor:d'])]);
  expect(store.size).toBe(3);
  expect(await store.get(['a', 'b', 'c', 'd'])).toEqual(['{"key":"a"}', null, '{"key":"c"}', '{"key":"d"}']);
});

test('an entry is dropped by any entity it holds, and by nothing else', async () => {
  const store = new MemoryEntityStore();
  await store.set([entry('actor-1-in-clubs', ['Actor:1', 'Club:cb-1']), entry('actor-2-in-clubs', ['Actor:2', 'Club:cb-2'])]);
  await store.invalidate(['Club:cb-1']);
  expect(await store.get(['actor-1-in-clubs', 'actor-2-in-clubs'])).toEqual([null, '{"key":"actor-2-in-clubs"}']);
  await store.invalidate(['Actor:2']);
  expect(await store.get(['actor-2-in-clubs'])).toEqual([null]);
});

test('an entry past its TTL is not served', async () => {
  const store = new MemoryEntityStore();
  await store.set([entry('short', ['Actor:s'], 20)]);
  expect(await store.get(['short'])).toEqual(['{"key":"short"}']);
  await new Promise((r) => setTimeout(r, 40));
  expect(await store.get(['short'])).toEqual([null]);
  expect(store.size).toBe(0);
});

test('visibility: anonymous and partner callers share the public one; others by role, scopes and networks, never by subject', () => {
  expect(visibilityOf({ role: 'anonymous', scopes: [], networks: [] })).toBe('public');
  expect(visibilityOf({ role: 'partner', scopes: ['partner'], networks: [], partnerId: 'p1' })).toBe('public');
  const analyst = visibilityOf({ role: 'analyst', scopes: ['analyst'], networks: [], subject: 'a' });
  expect(visibilityOf({ role: 'analyst', scopes: ['analyst'], networks: [], subject: 'b' })).toBe(analyst);
  expect(analyst).not.toBe('public');
  expect(visibilityOf({ role: 'editor', scopes: ['network:edit'], networks: ['cb-1'] })).not.toBe(
    visibilityOf({ role: 'editor', scopes: ['network:edit'], networks: ['cb-2'] }),
  );
});

// What the cache asks a subgraph for, and what an entry is then tagged with, on the committed
// supergraph: `send` stands for the subgraph, and records the query the cache sent it.
describe('tags of an entry', () => {
  const supergraph = readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');
  const FETCH = `query Q__clubs__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { clubMemberships(first: 50) { nodes { role } } } } }`;
  const body = JSON.stringify({ query: FETCH, variables: { representations: [{ __typename: 'Actor', id: 'act-1' }] } });

  async function cached(nodes: unknown[]) {
    const cache = new EntityCache({ store: new MemoryEntityStore() });
    cache.setSupergraph(supergraph);
    const sent: string[] = [];
    const send = async (b: string) => {
      sent.push(JSON.parse(b).query);
      return { status: 200, headers: {}, body: JSON.stringify({ data: { _entities: [{ clubMemberships: { nodes } }] } }) };
    };
    const read = () => cache.fetch('clubs', 'public', body, send);
    await read();
    await read();
    expect(sent).toHaveLength(1); // the second read is a hit
    return { cache, sent, read };
  }

  test("a membership's network is asked for, though the client did not select it, and its change drops the entry", async () => {
    const { cache, sent, read } = await cached([{ role: null, id: 'cb-m-1', network: { id: 'cb-1' } }]);
    expect(sent[0]).toMatch(/nodes \{\s*role\s+id\s+network \{\s*id\s*\}/);
    await cache.invalidateTags(['Club:cb-2', 'Club[]']); // another club, lists of clubs: kept
    await read();
    expect(sent).toHaveLength(1);
    await cache.invalidateTags(['Club:cb-1']);
    await read();
    expect(sent).toHaveLength(2);
  });

  test('an empty list is tagged with the type it lists, as a full one is', async () => {
    const { cache, sent, read } = await cached([]);
    await cache.invalidateTags(['ClubMembership[]']);
    await read();
    expect(sent).toHaveLength(2);
  });

  test("under an alias of its own when the client's alias `network` holds another field", async () => {
    const cache = new EntityCache({ store: new MemoryEntityStore() });
    cache.setSupergraph(supergraph);
    const sent: string[] = [];
    const aliased = body.replace('nodes { role }', 'nodes { network: role }');
    const read = () =>
      cache.fetch('clubs', 'public', aliased, async (b) => {
        sent.push(JSON.parse(b).query);
        const node = { network: 'président', id: 'cb-m-1', networkDependency: { id: 'cb-1' } };
        return { status: 200, headers: {}, body: JSON.stringify({ data: { _entities: [{ clubMemberships: { nodes: [node] } }] } }) };
      });
    await read();
    expect(sent[0]).toMatch(/network: role\s+id\s+networkDependency: network \{\s*id\s*\}/);
    await read();
    expect(sent).toHaveLength(1);
    await cache.invalidateTags(['Club:cb-1']);
    await read();
    expect(sent).toHaveLength(2);
  });
});
