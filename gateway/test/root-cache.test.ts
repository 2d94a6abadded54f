import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { EntityCache, MemoryEntityStore } from '../src/entity-cache';

// The root-field cache on the committed supergraph: what it keeps, what it sends the subgraph, what
// an entry is tagged with (so what drops it), and that the caller gets the answer to its own query.
// `subgraph` stands for the subgraph: it answers the text it was sent from a table, and records it.

const supergraph = readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');

function setup(opts: { maxTtlMs?: number } = {}) {
  const registry = new Registry();
  const cache = new EntityCache({ store: new MemoryEntityStore(), registry, ...opts });
  cache.setSupergraph(supergraph);
  const sent: { query: string; variables?: Record<string, unknown> }[] = [];
  let answer: (query: string) => { status?: number; body: unknown } = () => ({ body: { data: null } });
  const subgraph = async (b: string) => {
    const req = JSON.parse(b);
    sent.push(req);
    const a = answer(req.query);
    return { status: a.status ?? 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(a.body) };
  };
  const read = async (query: string, variables: Record<string, unknown> = {}, visibility = 'public', name = 'directory') =>
    JSON.parse((await cache.roots!.fetch(name, visibility, JSON.stringify({ query, variables }), subgraph)).body);
  const lookups = async (outcome: string) =>
    (await registry.getSingleMetric('maillage_gateway_root_cache_lookups_total')!.get()).values
      .filter((v) => v.labels.outcome === outcome)
      .reduce((a, v) => a + v.value, 0);
  return { cache, sent, read, lookups, answers: (f: typeof answer) => (answer = f) };
}

// What the query planner sends the directory for (b2): a page of the région's actors.
const PAGE = `query FanOutPage__directory__0($territoryId:ID!$after:String){p0:actors(territoryId:$territoryId first:50 after:$after){nodes{__typename id name}}}`;
const page = (ids: string[]) => ({ body: { data: { p0: { nodes: ids.map((id) => ({ __typename: 'Actor', id, name: `n-${id}` })) } } } });

test('a root fetch is a hit the second time, per variables and visibility; its operation name does not matter', async () => {
  const { sent, read, lookups, answers } = setup();
  answers(() => page(['act-1', 'act-2']));
  const first = await read(PAGE, { territoryId: 'REG-76', after: null });
  expect(await read(PAGE, { territoryId: 'REG-76', after: null })).toEqual(first);
  expect(await read(PAGE.replace('FanOutPage__directory__0', 'Other__directory__3'), { after: null, territoryId: 'REG-76' })).toEqual(
    first,
  );
  expect(sent).toHaveLength(1);
  // Nothing to add: the planner asked for every id already, so the subgraph got the text as it came.
  expect(sent[0].query).toBe(PAGE);
  await read(PAGE, { territoryId: 'REG-76', after: 'c2' });
  await read(PAGE, { territoryId: 'REG-76', after: null }, 'analyst|analyst|');
  expect(sent).toHaveLength(3);
  expect([await lookups('hit'), await lookups('miss')]).toEqual([2, 3]);
});

test('dropped by any actor it holds and by the list of actors (an actor created or renamed may enter or move), and by nothing else', async () => {
  const { cache, sent, read, answers } = setup();
  answers(() => page(['act-1', 'act-2']));
  const again = () => read(PAGE, { territoryId: 'REG-76', after: null });
  await again();
  await cache.invalidateTags(['Actor:act-3', 'Club[]', 'Club:cb-1', '@clubs']);
  await again();
  expect(sent).toHaveLength(1);
  for (const tag of ['Actor:act-2', 'Actor[]', '@directory']) {
    await cache.invalidateTags([tag]);
    await again();
    await again();
  }
  expect(sent).toHaveLength(4);
});

test('the ids of every object are asked for and tag the entry; the caller gets the answer to its own text, byte for byte', async () => {
  const { cache, sent, read, answers } = setup();
  // A club's members for the clubs subgraph: memberships without id, their network not selected.
  const MEMBERS = `query Members__clubs__0($id:ID!){club(id:$id){name members(first:8){nodes{category actor{name}}}}}`;
  answers((q) => {
    const shaped = q !== MEMBERS;
    const node = (i: number) => ({
      category: 'MEMBER',
      actor: { name: `a${i}`, ...(shaped ? { id: `act-${i}` } : {}) },
      ...(shaped ? { id: `cb-m-${i}`, network: { id: 'cb-1' } } : {}),
    });
    return { body: { data: { club: { name: 'Club 1', members: { nodes: [node(1), node(2)] }, ...(shaped ? { id: 'cb-1' } : {}) } } } };
  });
  const expected = {
    data: { club: { name: 'Club 1', members: { nodes: [1, 2].map((i) => ({ category: 'MEMBER', actor: { name: `a${i}` } })) } } },
  };
  const again = () => read(MEMBERS, { id: 'cb-1' }, 'public', 'clubs');
  expect(await again()).toEqual(expected);
  expect(JSON.stringify(await again())).toBe(JSON.stringify(expected));
  expect(sent).toHaveLength(1);
  expect(sent[0].query).toMatch(/category\s+actor \{\s*name\s+id\s*\}\s+id\s+network \{\s*id\s*\}/);
  for (const tag of ['Club:cb-1', 'ClubMembership:cb-m-2', 'Actor:act-1', 'ClubMembership[]']) {
    await cache.invalidateTags([tag]);
    expect(await again()).toEqual(expected);
  }
  expect(sent).toHaveLength(5);
});

test('an actor asked by id and not found is kept until an actor of that id is written; by another key, not kept', async () => {
  const { cache, sent, read, answers } = setup();
  answers(() => ({ body: { data: { actor: null } } }));
  const BY_ID = `query L__directory__0($id:ID!){actor(id:$id){__typename id name}}`;
  await read(BY_ID, { id: 'act-new' });
  await read(BY_ID, { id: 'act-new' });
  expect(sent).toHaveLength(1);
  await cache.invalidateTags(['Actor:act-new']);
  await read(BY_ID, { id: 'act-new' });
  expect(sent).toHaveLength(2);
  answers(() => ({ body: { data: { actorBySiren: null } } }));
  const BY_SIREN = `query S__directory__0($s:String!){actorBySiren(siren:$s){__typename id name}}`;
  await read(BY_SIREN, { s: '1' });
  await read(BY_SIREN, { s: '1' });
  expect(sent).toHaveLength(4);
});

test('never kept: a private field, a private or unhinted root field, a mutation, an answer with errors, a failed fetch', async () => {
  const { sent, read, lookups, answers } = setup();
  const twice = async (query: string, name = 'directory') => {
    const before = sent.length;
    await read(query, {}, 'analyst|analyst|', name);
    await read(query, {}, 'analyst|analyst|', name);
    return sent.length - before;
  };
  answers(() => page(['act-1']));
  expect(await twice(`query{actors(first:5){nodes{__typename id name email}}}`)).toBe(2);
  expect(await twice(`query{viewer{role}}`)).toBe(2);
  expect(await twice(`query{indicators{kind}}`)).toBe(2);
  expect(await twice(`query{network(id:"cb-1"){id name}}`, 'synergies')).toBe(2);
  expect(await twice(`mutation{updateActor(id:"act-1",input:{name:"x"}){id name}}`)).toBe(2);
  expect(await twice(`query{actors(first:5){nodes{__typename id name @include(if:true)}}}`)).toBe(2);
  expect(await lookups('hit')).toBe(0);
  answers(() => ({ body: { data: { p0: null }, errors: [{ message: 'boom', path: ['p0'] }] } }));
  expect(await twice(PAGE)).toBe(2);
  answers(() => ({ status: 502, body: { errors: [{ message: 'down' }] } }));
  expect(await twice(PAGE)).toBe(2);
  // An answer with errors to a text the cache shaped: the caller's own text is asked, and that answer handed on.
  const CLUB = `query{club(id:"cb-1"){name}}`;
  answers((q) => ({ body: { data: { club: null }, errors: [{ message: q === CLUB ? 'as sent' : 'shaped', path: ['club'] }] } }));
  const errored = await read(CLUB, {}, 'public', 'clubs');
  expect(errored.errors[0].message).toBe('as sent');
});

test('an analyst’s entry is never read by another visibility, and a fetch answered after an invalidation it started before is not kept', async () => {
  const { cache, sent, read, answers } = setup();
  answers(() => page(['act-1']));
  await read(PAGE, { territoryId: 'REG-76', after: null }, 'analyst|analyst|');
  await read(PAGE, { territoryId: 'REG-76', after: null }, 'public');
  await read(PAGE, { territoryId: 'REG-76', after: null }, 'editor|network:edit|cb-1');
  expect(sent).toHaveLength(3);
  // The change lands while the page is being fetched: the answer is handed on, not kept.
  let release!: () => void;
  const cacheOf = cache;
  const slow = async (b: string) => {
    sent.push(JSON.parse(b));
    await new Promise<void>((r) => (release = r));
    return { status: 200, headers: {}, body: JSON.stringify(page(['act-9']).body) };
  };
  const body = JSON.stringify({ query: PAGE, variables: { territoryId: 'REG-76', after: 'late' } });
  const pending = cacheOf.roots!.fetch('directory', 'public', body, slow);
  await new Promise((r) => setImmediate(r));
  await cache.invalidateTags(['Actor[]']);
  release();
  await pending;
  await read(PAGE, { territoryId: 'REG-76', after: 'late' });
  expect(sent).toHaveLength(5);
});

test('off with rootFields: false; a subgraph whose change log is behind is neither served nor kept', async () => {
  const off = new EntityCache({ store: new MemoryEntityStore(), rootFields: false });
  expect(off.roots).toBeUndefined();
  const { cache, sent, read, answers } = setup();
  answers(() => page(['act-1']));
  cache.vouch('directory', false);
  await read(PAGE, { territoryId: 'REG-76', after: null });
  await read(PAGE, { territoryId: 'REG-76', after: null });
  expect(sent).toHaveLength(2);
  cache.vouch('directory', true);
  await read(PAGE, { territoryId: 'REG-76', after: null });
  await read(PAGE, { territoryId: 'REG-76', after: null });
  expect(sent).toHaveLength(3);
});

test('kept for the smallest max-age its hints meet, capped by maxTtlMs', async () => {
  const { sent, read, answers } = setup({ maxTtlMs: 1000 });
  answers(() => page(['act-1']));
  await read(PAGE, { territoryId: 'REG-76', after: null });
  await read(PAGE, { territoryId: 'REG-76', after: null });
  expect(sent).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 1100));
  await read(PAGE, { territoryId: 'REG-76', after: null });
  expect(sent).toHaveLength(2);
});

test("a territory's page of actors: dropped by an actor in it, by the list of actors and by the territory, by nothing else", async () => {
  const { cache, sent, read, answers } = setup();
  const Q = `query T__directory__0($id:ID!){territory(id:$id){name actors(first:2){nodes{name}}}}`;
  answers((q) => {
    const shaped = q !== Q;
    const actor = (i: number) => ({ name: `a${i}`, ...(shaped ? { id: `act-${i}` } : {}) });
    return {
      body: { data: { territory: { name: 'Hérault', actors: { nodes: [actor(1), actor(2)] }, ...(shaped ? { id: 'DEP-34' } : {}) } } },
    };
  });
  const again = () => read(Q, { id: 'DEP-34' });
  const expected = { data: { territory: { name: 'Hérault', actors: { nodes: [{ name: 'a1' }, { name: 'a2' }] } } } };
  expect(await again()).toEqual(expected);
  await cache.invalidateTags(['Territory:DEP-12', 'Actor:act-3', 'Club[]']);
  expect(await again()).toEqual(expected);
  expect(sent).toHaveLength(1);
  for (const tag of ['Actor:act-2', 'Actor[]', 'Territory:DEP-34']) {
    await cache.invalidateTags([tag]);
    expect(await again()).toEqual(expected);
  }
  expect(sent).toHaveLength(4);
});
