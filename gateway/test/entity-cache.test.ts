import { MemoryEntityStore, visibilityOf } from '../src/entity-cache';

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
