import { randomUUID } from 'node:crypto';
import { service as clubs } from '@maillage/clubs';
import { service as directory } from '@maillage/directory';
import { totalStatements } from '@maillage/observability';
import { postGraphQL, startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import type { EntityCache } from '../src/entity-cache';
import { startGateway, type RunningGateway } from '../src/server';
import { redisForTests } from './redis';
import { gatewayOver } from './change-feed';

// The gateway keeps the entities of `_entities` fetches across requests: a later request for
// another mix of keys takes the hits and asks the subgraph for the misses only; a mutation through
// the gateway, or the change-feed hook, drops what changed before anyone reads it again; and an
// entity read by one visibility is never handed to another.

let h: Harness;
let cached: RunningGateway;
let reference: RunningGateway;
let cache: EntityCache;

const CLUB = 'cb-reseau-1234';

// The shared-store test needs a Redis (TEST_REDIS_URL, else 127.0.0.1:6379): skipped loudly without one, never in CI.
const { url: REDIS_URL, withRedis } = redisForTests('Redis entity cache test');

/** Entity-cache lookups so far, by outcome, from the gateway's own /metrics. */
async function lookups(): Promise<Record<string, number>> {
  const text = await fetch(h.metricsUrls.gateway).then((r) => r.text());
  const out: Record<string, number> = { hit: 0, miss: 0, uncacheable: 0 };
  for (const m of text.matchAll(/^maillage_gateway_entity_cache_lookups_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm))
    out[m[1]] += Number(m[2]);
  return out;
}

async function delta<T>(fn: () => Promise<T>) {
  const before = await lookups();
  const statements = totalStatements();
  const result = await fn();
  const after = await lookups();
  return {
    result,
    statements: totalStatements() - statements,
    hit: after.hit - before.hit,
    miss: after.miss - before.miss,
    uncacheable: after.uncacheable - before.uncacheable,
  };
}

const ACTORS = `query($first: Int!) { actors(territoryId: "REG-76", first: $first) { nodes { id name clubMemberships { nodes { club { id name } } } } } }`;
const MEMBERS = `query($id: ID!) { club(id: $id) { members(first: 50) { nodes { actor { id name } } } } }`;

beforeAll(async () => {
  // Without the change-log follower: these tests count statements and write beneath the outbox,
  // and entity-cache-feed.e2e.test.ts tests the follower.
  h = await startSupergraph(
    [directory, clubs] as never[],
    async (o) => (cached = await startGateway({ ...o, entityCache: { feed: false } })),
  );
  cache = cached.entityCache!;
  // The same gateway without the cache, on the same subgraphs: what a request must answer.
  reference = await gatewayOver(h.subgraphUrls);
}, 180_000);
afterAll(async () => {
  await reference?.stop();
  await h?.stop();
});

test('a later fetch for another mix of keys takes the hits and fetches only the misses, with the same answer', async () => {
  const few = await delta(() => h.query(ACTORS, { first: 4 }));
  expect(few.result.errors).toBeUndefined();
  expect(few.result.data!.actors.nodes).toHaveLength(4);
  expect(few.hit).toBe(0);
  expect(few.miss).toBe(4);
  // Eight actors: the first four are in the cache, the subgraph is asked for the next four only.
  const more = await delta(() => h.query(ACTORS, { first: 8 }));
  expect(more.result.errors).toBeUndefined();
  expect([more.hit, more.miss]).toEqual([4, 4]);
  expect(more.result.data).toEqual((await postGraphQL(reference.url, ACTORS, { first: 8 })).data);
  // All eight again: the clubs subgraph is not asked at all.
  const again = await delta(() => h.query(ACTORS, { first: 8 }));
  expect([again.hit, again.miss]).toEqual([8, 0]);
  expect(again.statements).toBeLessThan(more.statements);
  expect(again.result.data).toEqual(more.result.data);
});

test('a mutation through the gateway is never served stale: the entities it answered with are dropped before its answer', async () => {
  const before = await h.query(MEMBERS, { id: CLUB });
  expect(before.errors).toBeUndefined();
  const actor = before.data!.club.members.nodes[0].actor as { id: string; name: string };
  // Read twice: the second read is served from the cache (the directory is not asked).
  const warm = await delta(() => h.query(MEMBERS, { id: CLUB }));
  expect(warm.hit).toBeGreaterThan(0);
  const renamed = `${actor.name} (renommée)`;
  const write = await h
    .as('admin')
    .query(`mutation($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { id name } }`, {
      id: actor.id,
      name: renamed,
    });
  expect(write.errors).toBeUndefined();
  const t = performance.now();
  const after = await h.query(MEMBERS, { id: CLUB });
  const staleFor = performance.now() - t;
  expect(after.data!.club.members.nodes.find((n: { actor: { id: string } }) => n.actor.id === actor.id).actor.name).toBe(renamed);
  console.log(
    `entity cache: the first read after the mutation's answer is fresh (read answered in ${staleFor.toFixed(1)} ms); no window where a stale entity is served`,
  );
  await h.as('admin').query(`mutation($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { id } }`, {
    id: actor.id,
    name: actor.name,
  });
});

test('a change written beneath the gateway and its outbox is served until invalidate is called, and never after', async () => {
  const first = await h.query(MEMBERS, { id: CLUB });
  const actor = first.data!.club.members.nodes.at(-1).actor as { id: string; name: string };
  await h.query(MEMBERS, { id: CLUB });
  await h.clients.directory.actor.update({ where: { id: actor.id }, data: { name: `${actor.name} bis` } });
  // Beneath the outbox too (no change_log row): no log tells the cache, only the TTL or a call to invalidate.
  const stale = await h.query(MEMBERS, { id: CLUB });
  expect(stale.data!.club.members.nodes.at(-1).actor.name).toBe(actor.name);
  await cache.invalidate('Actor', actor.id);
  const fresh = await h.query(MEMBERS, { id: CLUB });
  expect(fresh.data!.club.members.nodes.at(-1).actor.name).toBe(`${actor.name} bis`);
  await h.clients.directory.actor.update({ where: { id: actor.id }, data: { name: actor.name } });
  await cache.invalidate('Actor', actor.id);
});

test('a private member list read by an analyst never leaves that visibility', async () => {
  const editor = h.as('editor', { networks: [CLUB] });
  const set = await editor.query(
    `mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: PRIVATE) { id memberListVisibility } }`,
  );
  expect(set.errors).toBeUndefined();
  const member = (await h.as('analyst').query(MEMBERS, { id: CLUB })).data!.club.members.nodes[0].actor.id as string;
  // Through an entity fetch: the actor's club memberships, and the club's member list, from the clubs subgraph.
  const PRIVATE_LIST = `query($id: ID!) { actor(id: $id) { clubMemberships { nodes { club { id members(first: 5) { nodes { actor { id } } } } } } } }`;
  const analyst = h.as('analyst');
  await analyst.query(PRIVATE_LIST, { id: member });
  const read = await delta(() => analyst.query(PRIVATE_LIST, { id: member }));
  expect(read.result.errors).toBeUndefined();
  expect(read.hit).toBeGreaterThan(0); // the analyst's read is cached, for analysts
  const list = read.result.data!.actor.clubMemberships.nodes.find((n: { club: { id: string } }) => n.club.id === CLUB).club.members.nodes;
  expect(list.length).toBeGreaterThan(0);
  for (const other of [
    () => h.query(PRIVATE_LIST, { id: member }),
    () => h.as('editor', { networks: ['cb-other'] }).query(PRIVATE_LIST, { id: member }),
  ]) {
    const res = await delta(other);
    expect(res.hit).toBe(0);
    // Their own view: the private network's memberships are not listed to them, let alone its members.
    const text = JSON.stringify(res.result);
    expect(text).not.toContain(CLUB);
    for (const n of list as { actor: { id: string } }[]) expect(text).not.toContain(n.actor.id);
  }
  await editor.query(`mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: PUBLIC) { id } }`);
});

test('a selection meeting a private field is never cached', async () => {
  const q = `query($id: ID!) { club(id: $id) { members(first: 3) { nodes { actor { id email } } } } }`;
  await h.as('analyst').query(q, { id: CLUB });
  const again = await delta(() => h.as('analyst').query(q, { id: CLUB }));
  expect(again.result.errors).toBeUndefined();
  expect(again.hit).toBe(0);
  expect(again.uncacheable).toBeGreaterThan(0);
});

test('a member list made private is not served from what anonymous callers read while it was public', async () => {
  const member = (await h.query(MEMBERS, { id: CLUB })).data!.club.members.nodes[0].actor.id as string;
  // Held inside the actor's entity (from the clubs subgraph): the club and its members.
  const NESTED = `query($id: ID!) { actor(id: $id) { clubMemberships { nodes { club { name members(first: 5) { nodes { category } } } } } } }`;
  await h.query(NESTED, { id: member });
  const warm = await delta(() => h.query(NESTED, { id: member }));
  expect(warm.hit).toBeGreaterThan(0);
  expect(JSON.stringify(warm.result.data)).toContain('"members":{');
  const editor = h.as('editor', { networks: [CLUB] });
  // The mutation's selection names no id: the gateway asks for it, and drops what holds that club.
  const set = await editor.query(`mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: PRIVATE) { memberListVisibility } }`);
  expect(set.data).toEqual({ setClubMemberListVisibility: { memberListVisibility: 'PRIVATE' } });
  const after = await delta(() => h.query(NESTED, { id: member }));
  expect(after.hit).toBe(0);
  expect(JSON.stringify(after.result.data)).not.toContain('"members":{');
  await editor.query(`mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: PUBLIC) { id } }`);
});

withRedis(
  'two gateways sharing Redis: what one fetched the other serves, and a mutation through one is not served stale by the other',
  async () => {
    const entityCache = { redisUrl: REDIS_URL, keyPrefix: `test:entity:${randomUUID()}:`, feed: false as const };
    const [a, b] = [await gatewayOver(h.subgraphUrls, { entityCache }), await gatewayOver(h.subgraphUrls, { entityCache })];
    try {
      const first = await postGraphQL<any>(a.url, MEMBERS, { id: CLUB });
      const actor = first.data!.club.members.nodes[0].actor as { id: string; name: string };
      const hitsOf = async (g: RunningGateway) =>
        Number(
          /^maillage_gateway_entity_cache_lookups_total\{[^}]*outcome="hit"[^}]*\} (\S+)$/m.exec(
            await fetch(g.metricsUrl).then((r) => r.text()),
          )?.[1] ?? 0,
        );
      const fromB = await postGraphQL<any>(b.url, MEMBERS, { id: CLUB });
      expect(fromB.data).toEqual(first.data);
      expect(await hitsOf(b)).toBeGreaterThan(0);
      const renamed = `${actor.name} (via A)`;
      const write = await postGraphQL(
        a.url,
        `mutation($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { name } }`,
        { id: actor.id, name: renamed },
        undefined,
        { authorization: `Bearer ${await tokenFor('admin')}` },
      );
      expect(write.errors).toBeUndefined();
      const after = await postGraphQL<any>(b.url, MEMBERS, { id: CLUB });
      expect(after.data!.club.members.nodes[0].actor.name).toBe(renamed);
      await postGraphQL(
        a.url,
        `mutation($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { name } }`,
        { id: actor.id, name: actor.name },
        undefined,
        { authorization: `Bearer ${await tokenFor('admin')}` },
      );
    } finally {
      await a.stop();
      await b.stop();
    }
  },
);
