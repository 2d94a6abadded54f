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

test('the memory store keeps its own copy of a value and hands out copies: a caller merging into what it read changes nothing kept', async () => {
  const store = new MemoryEntityStore();
  const value = { name: 'Ada', commune: { name: 'Verfeil' }, tags: [{ id: 't1' }] };
  await store.set([{ key: 'k', value, ttlMs: 60_000, tags: ['Actor:a'] }]);
  value.commune.name = 'changed after set';
  const [first] = (await store.get(['k'])) as (typeof value)[];
  expect(first).toEqual({ name: 'Ada', commune: { name: 'Verfeil' }, tags: [{ id: 't1' }] });
  // What Apollo's executor does to a fetched entity: merges other subgraphs' fields into it, in place.
  first.commune.name = 'merged';
  first.tags.push({ id: 't2' });
  (first as Record<string, unknown>).extra = 1;
  expect(await store.get(['k'])).toEqual([{ name: 'Ada', commune: { name: 'Verfeil' }, tags: [{ id: 't1' }] }]);
});

test('the memory store evicts in recency order across many hits and drops', async () => {
  const store = new MemoryEntityStore(3);
  await store.set([entry('a', ['T:a']), entry('b', ['T:b']), entry('c', ['T:c'])]);
  await store.get(['a']); // order, oldest first: b c a
  await store.get(['b']); // c a b
  await store.invalidate(['T:a']); // c b
  await store.set([entry('d', ['T:d']), entry('e', ['T:e'])]); // c b d e: c goes
  expect(store.size).toBe(3);
  expect((await store.get(['a', 'b', 'c', 'd', 'e'])).map((v) => v !== null)).toEqual([false, true, false, true, true]);
  await store.set([entry('b', ['T:b2'])]); // set again: young, and no longer tagged T:b
  await store.invalidate(['T:b']);
  expect(await store.get(['b'])).toEqual(['{"key":"b"}']);
  await store.set([entry('f', ['T:f'])]); // d e b f: d goes (b was refreshed last but one)
  expect((await store.get(['d', 'e', 'b', 'f'])).map((v) => v !== null)).toEqual([false, true, true, true]);
  await store.close();
  expect(store.size).toBe(0);
  await store.set([entry('g', ['T:g'])]);
  expect(await store.get(['g'])).toEqual(['{"key":"g"}']);
});

test('the tag index stays exact through evictions, entries set again and invalidations, in any order', async () => {
  // A seeded walk of random operations on a small store, checked at each step against a model
  // (insertion order and tags per key): each entry's place in its tags' lists moves as others go.
  let state = 42;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const store = new MemoryEntityStore(12);
  const model = new Map<string, string[]>(); // key -> tags, least recently used first
  const pool = ['Actor:1', 'Actor:2', 'Club:1', 'Club:2', 'Club[]', '@clubs', 'ClubMembership:1', 'ClubMembership:2', 'Territory:1'];
  for (let step = 0; step < 3000; step++) {
    const op = random(10);
    if (op < 6) {
      const key = `k${random(30)}`;
      // Duplicates on purpose: an entry may list a tag twice.
      const tags = Array.from({ length: 1 + random(5) }, () => pool[random(pool.length)]);
      await store.set([{ key, value: { key }, ttlMs: 60_000, tags }]);
      model.delete(key);
      model.set(key, tags);
      while (model.size > 12) model.delete(model.keys().next().value as string);
    } else if (op < 8) {
      const key = `k${random(30)}`;
      const [hit] = await store.get([key]);
      expect(hit).toEqual(model.has(key) ? { key } : null);
      const tags = model.get(key);
      if (tags) {
        model.delete(key);
        model.set(key, tags);
      }
    } else {
      const tag = pool[random(pool.length)];
      await store.invalidate([tag]);
      for (const [key, tags] of model) if (tags.includes(tag)) model.delete(key);
    }
    expect(store.size).toBe(model.size);
    expect(store.tagCount).toBe(new Set([...model.values()].flat()).size);
  }
  const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
  expect((await store.get(keys)).map((v) => v !== null)).toEqual(keys.map((k) => model.has(k)));
});

test('bounded in bytes too: big entries push out the least recently used, and what is held comes back to nothing as entries go', async () => {
  const store = new MemoryEntityStore(1000, { maxBytes: 64 * 1024 });
  const small = (i: number) => ({ key: `s${i}`, value: { name: `actor ${i}` }, ttlMs: 60_000, tags: [`Actor:${i}`, '@directory'] });
  await store.set(Array.from({ length: 50 }, (_, i) => small(i)));
  expect(store.size).toBe(50);
  const held = store.bytes;
  expect(held).toBeGreaterThan(50 * 100);
  // A club with 300 members: some 1,200 objects and strings, over half the bound on its own.
  const members = Array.from({ length: 300 }, (_, i) => ({ id: `m-${i}`, actor: { id: `a-${i}` } }));
  await store.set([{ key: 'big', value: { members: { nodes: members } }, ttlMs: 60_000, tags: ['Club:1', '@clubs'] }]);
  expect(store.bytes).toBeLessThanOrEqual(64 * 1024);
  expect(store.bytes - held).toBeGreaterThan(32 * 1024);
  await store.set([{ key: 'big2', value: { members: { nodes: members } }, ttlMs: 60_000, tags: ['Club:2', '@clubs'] }]);
  // The first big one went (least recently used past the bound), and the small ones before it.
  expect(await store.get(['big', 's0'])).toEqual([null, null]);
  expect((await store.get(['big2'])).map((v) => v !== null)).toEqual([true]);
  expect(store.bytes).toBeLessThanOrEqual(64 * 1024);
  await store.invalidate(['@clubs', '@directory']);
  expect(store.size).toBe(0);
  expect(store.bytes).toBe(0);
});

test('a frozen store throws on a write into what it keeps; an unfrozen one keeps its own copy all the same', async () => {
  const frozen = new MemoryEntityStore(10, { freeze: true });
  const value = { name: 'Ada', commune: { name: 'Verfeil' } };
  await frozen.set([{ key: 'k', value, ttlMs: 60_000, tags: ['Actor:a'] }]);
  value.commune.name = 'changed after set';
  const [hit] = (await frozen.get(['k'])) as (typeof value)[];
  expect(hit).toEqual({ name: 'Ada', commune: { name: 'Verfeil' } });
  hit.commune.name = 'a copy: writable';
  // An `owned` value is the store's as it is: kept without a copy.
  const plain = new MemoryEntityStore(10);
  const owned = { name: 'Ada' };
  await plain.set([{ key: 'k', value: owned, ttlMs: 60_000, tags: ['Actor:a'], owned: true }]);
  const [copy] = await plain.get(['k']);
  expect(copy).toEqual(owned);
  expect(copy).not.toBe(owned);
});

// The data sources' path (subgraphs.ts): the fetch as objects, before any body is written.
describe('fetchEntities', () => {
  const supergraph = readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');
  const QUERY = `query Q__directory__2($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { name } } }`;
  const actor = (id: string) => ({ __typename: 'Actor', id });
  const named = (id: string) => ({ __typename: 'Actor', name: `name of ${id}`, id });

  function subgraph(answer: (reps: { id: string }[]) => { data?: unknown; errors?: unknown[] }) {
    const sent: { query: string; ids: string[] }[] = [];
    const send = async (r: { query: string; variables?: Record<string, unknown> }) => {
      const reps = r.variables!.representations as { id: string }[];
      sent.push({ query: r.query, ids: reps.map((x) => x.id) });
      return answer(reps) as never;
    };
    return { sent, send };
  }
  // Frozen: a write into what the store keeps (rather than into the copies it hands out) throws here.
  const newCache = () => {
    const cache = new EntityCache({ store: new MemoryEntityStore(50_000, { freeze: true }) });
    cache.setSupergraph(supergraph);
    return cache;
  };
  const fetchOf = (ids: string[]) => ({ query: QUERY, variables: { representations: ids.map(actor) }, operationName: 'Q__directory__2' });

  test('hits come from the store without a send, misses alone are asked for, in the fetch order', async () => {
    const cache = newCache();
    const { sent, send } = subgraph((reps) => ({ data: { _entities: reps.map((r) => named(r.id)) } }));
    const first = await cache.fetchEntities('directory', 'public', fetchOf(['a1', 'a2']), send);
    expect(first.answer).toEqual({ data: { _entities: [named('a1'), named('a2')] } });
    expect(sent).toEqual([{ query: expect.stringMatching(/name\s+id/), ids: ['a1', 'a2'] }]);
    const second = await cache.fetchEntities('directory', 'public', fetchOf(['a3', 'a2', 'a1']), send);
    expect(sent.map((s) => s.ids)).toEqual([['a1', 'a2'], ['a3']]);
    expect(second.answer).toEqual({ data: { _entities: [named('a3'), named('a2'), named('a1')] } });
    const third = await cache.fetchEntities('directory', 'public', fetchOf(['a2', 'a3']), send);
    expect(sent).toHaveLength(2);
    expect(third).toEqual({ answer: { data: { _entities: [named('a2'), named('a3')] } } }); // no subgraph answer behind it
    // Another visibility shares nothing.
    await cache.fetchEntities('directory', 'analyst|analyst|', fetchOf(['a2']), send);
    expect(sent).toHaveLength(3);
  });

  test('what a fetch answers is its caller’s: changing it in place does not reach the next hit', async () => {
    const cache = newCache();
    const { send } = subgraph((reps) => ({ data: { _entities: reps.map((r) => named(r.id)) } }));
    const miss = await cache.fetchEntities('directory', 'public', fetchOf(['a1']), send);
    ((miss.answer.data!._entities as Record<string, unknown>[])[0] as Record<string, unknown>).name = 'merged into by the executor';
    const hit = await cache.fetchEntities('directory', 'public', fetchOf(['a1']), send);
    ((hit.answer.data!._entities as Record<string, unknown>[])[0] as Record<string, unknown>).name = 'again';
    expect((await cache.fetchEntities('directory', 'public', fetchOf(['a1']), send)).answer).toEqual({
      data: { _entities: [named('a1')] },
    });
  });

  test("an entity's error keeps its place in the fetch, and the entity is not kept", async () => {
    const cache = newCache();
    await cache.fetchEntities(
      'directory',
      'public',
      fetchOf(['a1']),
      subgraph((reps) => ({ data: { _entities: reps.map((r) => named(r.id)) } })).send,
    );
    const { sent, send } = subgraph((reps) => ({
      data: { _entities: reps.map((r) => (r.id === 'bad' ? null : named(r.id))) },
      errors: [{ message: 'nope', path: ['_entities', reps.findIndex((r) => r.id === 'bad'), 'name'] }],
    }));
    const out = await cache.fetchEntities('directory', 'public', fetchOf(['a1', 'bad', 'a4']), send);
    expect(sent.map((s) => s.ids)).toEqual([['bad', 'a4']]);
    expect(out.answer).toEqual({
      data: { _entities: [named('a1'), null, named('a4')] },
      errors: [{ message: 'nope', path: ['_entities', 1, 'name'] }],
    });
    await cache.fetchEntities('directory', 'public', fetchOf(['bad', 'a4']), send);
    expect(sent.map((s) => s.ids)).toEqual([['bad', 'a4'], ['bad']]);
  });

  test('an answer that cannot be split is replaced by the answer to the fetch as the planner wrote it', async () => {
    const cache = newCache();
    const whole = { errors: [{ message: 'down' }], data: null };
    const { sent, send } = subgraph(() => whole);
    const out = await cache.fetchEntities('directory', 'public', fetchOf(['a1']), send);
    expect(out.answer).toBe(whole);
    expect(out.from).toBe(whole);
    expect(sent.map((s) => s.query)).toEqual([expect.stringMatching(/name\s+id/), QUERY]);
    // No list at all: the selection is not cached any more, the planner's fetch goes as it is.
    await cache.fetchEntities('directory', 'public', fetchOf(['a1']), send);
    expect(sent.map((s) => s.query)).toEqual([expect.stringMatching(/name\s+id/), QUERY, QUERY]);
  });

  test('a representation with more than its id is its own entry, never the one of its bare `Type:id`', async () => {
    const cache = newCache();
    const { sent, send } = subgraph((reps) => ({ data: { _entities: reps.map((r) => named(r.id)) } }));
    await cache.fetchEntities('directory', 'public', fetchOf(['a1']), send);
    const richer = { ...fetchOf([]), variables: { representations: [{ __typename: 'Actor', id: 'a1', kind: 'COMPANY' }] } };
    await cache.fetchEntities('directory', 'public', richer, send);
    expect(sent).toHaveLength(2);
    await cache.fetchEntities('directory', 'public', richer, send);
    expect(sent).toHaveLength(2);
  });
});
