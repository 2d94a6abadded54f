import { randomUUID } from 'node:crypto';
import { service as clubs } from '@maillage/clubs';
import { service as directory } from '@maillage/directory';
import { postAsGateway, postGraphQL, startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { redisForTests } from './redis';
import { caughtUp, gatewayOver } from './change-feed';

// The entity cache follows the subgraphs' change logs: whatever writes (a mutation through any
// gateway, a write straight to a subgraph, a seed), the gateway stops serving what changed once
// the log delivers the change, within a bound measured here; a private member list stays with its
// viewers; the TTL is the net for a write no log records; and a subgraph's restart is followed.

/** Generous: the follower reads each log every 100 ms; this is no timing test. */
const FRESH_WITHIN_MS = 2000;
const CLUB = 'cb-reseau-1234';

const { url: REDIS_URL, withRedis } = redisForTests('Redis change-feed test');

let h: Harness;
let cached: RunningGateway;
const followed = ['directory', 'clubs'];

beforeAll(async () => {
  h = await startSupergraph(
    [directory, clubs] as never[],
    async (o) => (cached = await startGateway({ ...o, entityCache: { feed: { subgraphs: followed, pollMs: 100 } } })),
    { persistent: true },
  );
}, 180_000);
afterAll(() => h?.stop());
// Each test starts with the previous one's writes delivered: their invalidations never land in its warm-up.
beforeEach(() => caughtUp(cached, h.subgraphUrls));

/**
 * Reads until `fresh` holds; returns how long after `since` it did and how many stale answers came
 * before. Fails after the bound.
 */
async function freshWithin(read: () => Promise<boolean>, since: number, withinMs = FRESH_WITHIN_MS) {
  let stale = 0;
  for (;;) {
    if (await read()) return { ms: performance.now() - since, stale };
    stale++;
    if (performance.now() - since > withinMs) throw new Error(`still stale ${withinMs} ms after the write (${stale} stale reads)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function metric(g: RunningGateway, pattern: RegExp): Promise<number> {
  const text = await fetch(g.metricsUrl).then((r) => r.text());
  return [...text.matchAll(new RegExp(pattern.source, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}
const hits = (g: RunningGateway) => metric(g, /^maillage_gateway_entity_cache_lookups_total\{[^}]*outcome="hit"[^}]*\} (\S+)$/);
/** The entity lookups (hits and misses) of one read. */
async function lookedUp<T>(read: () => Promise<T>, g: RunningGateway = cached) {
  const miss = (x: RunningGateway) => metric(x, /^maillage_gateway_entity_cache_lookups_total\{[^}]*outcome="miss"[^}]*\} (\S+)$/);
  const [h0, m0] = [await hits(g), await miss(g)];
  const result = await read();
  return { result, hit: (await hits(g)) - h0, miss: (await miss(g)) - m0 };
}

const MEMBERS = `query($id: ID!) { club(id: $id) { members(first: 50) { nodes { actor { id name } } } } }`;
type Members = { club: { members: { nodes: { actor: { id: string; name: string } }[] } } };
const nameIn = (data: Members | null | undefined, id: string) => data?.club.members.nodes.find((n) => n.actor.id === id)?.actor.name;
const UPDATE_ACTOR = `mutation($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { id name } }`;

async function aMember(g: RunningGateway = cached) {
  const res = await postGraphQL<Members>(g.url, MEMBERS, { id: CLUB });
  expect(res.errors).toBeUndefined();
  return res.data!.club.members.nodes.at(-1)!.actor;
}

/** Renames an actor straight at the directory (signed as a gateway would, but no gateway sees it). */
async function renameBeneath(id: string, name: string) {
  const res = await postAsGateway(h.subgraphUrls.directory, UPDATE_ACTOR, { id, name });
  expect(res.errors).toBeUndefined();
}

test('a write straight to a subgraph: served from the cache before, never after its change log delivers it', async () => {
  const actor = await aMember();
  const before = await hits(cached);
  await aMember();
  expect(await hits(cached)).toBeGreaterThan(before); // the actor is served from the cache
  const renamed = `${actor.name} (direct)`;
  const t0 = performance.now();
  await renameBeneath(actor.id, renamed);
  const { ms, stale } = await freshWithin(
    async () => nameIn((await postGraphQL<Members>(cached.url, MEMBERS, { id: CLUB })).data, actor.id) === renamed,
    t0,
  );
  const waited = await caughtUp(cached, h.subgraphUrls);
  // Once delivered, every read is fresh.
  for (let i = 0; i < 5; i++) expect(nameIn((await postGraphQL<Members>(cached.url, MEMBERS, { id: CLUB })).data, actor.id)).toBe(renamed);
  console.log(
    `entity cache, a write straight to the directory: fresh ${ms.toFixed(0)} ms after the write (${stale} stale reads before); every log delivered ${waited.toFixed(0)} ms after that`,
  );
  expect(await metric(cached, /^maillage_gateway_entity_cache_invalidations_total\{[^}]*source="feed"[^}]*\} (\S+)$/)).toBeGreaterThan(0);
  await renameBeneath(actor.id, actor.name);
});

test('a mutation through another gateway (a replica without shared state) reaches this cache through the log', async () => {
  const other = await gatewayOver(h.subgraphUrls);
  try {
    const actor = await aMember();
    await aMember();
    const renamed = `${actor.name} (replica)`;
    const t0 = performance.now();
    const write = await postGraphQL(other.url, UPDATE_ACTOR, { id: actor.id, name: renamed }, undefined, {
      authorization: `Bearer ${await tokenFor('admin')}`,
    });
    expect(write.errors).toBeUndefined();
    const { ms } = await freshWithin(
      async () => nameIn((await postGraphQL<Members>(cached.url, MEMBERS, { id: CLUB })).data, actor.id) === renamed,
      t0,
    );
    console.log(`entity cache, a mutation through another gateway: fresh here ${ms.toFixed(0)} ms after it`);
    await postGraphQL(other.url, UPDATE_ACTOR, { id: actor.id, name: actor.name }, undefined, {
      authorization: `Bearer ${await tokenFor('admin')}`,
    });
  } finally {
    await other.stop();
  }
});

test("a membership written straight to a network subgraph drops the actor's cached memberships (named by the change's payload)", async () => {
  const actor = await aMember();
  // The actor's clubs, from an entity fetch to the clubs subgraph, tagged with the memberships it held then.
  const CLUBS_OF = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { id club { id } } } } }`;
  const clubsOf = async () =>
    ((await postGraphQL<any>(cached.url, CLUBS_OF, { id: actor.id })).data?.actor.clubMemberships.nodes ?? []) as { id: string }[];
  const before = await clubsOf();
  const warm = await hits(cached);
  expect(await clubsOf()).toEqual(before);
  expect(await hits(cached)).toBeGreaterThan(warm);
  const others = await postGraphQL<any>(cached.url, `{ clubs(first: 20) { nodes { id } } }`);
  const target = (others.data!.clubs.nodes as { id: string }[]).find((c) => c.id !== CLUB)!.id;
  const t0 = performance.now();
  const added = await postAsGateway<any>(
    h.subgraphUrls.clubs,
    `mutation($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`,
    { input: { clubId: target, actorId: actor.id, category: 'MEMBER', startDate: '2026-01-05' } },
  );
  expect(added.errors).toBeUndefined();
  const id = added.data.addClubMembership.id as string;
  const { ms } = await freshWithin(async () => (await clubsOf()).some((m) => m.id === id), t0);
  console.log(`entity cache, a membership added straight to clubs: in the actor's cached list ${ms.toFixed(0)} ms after the write`);
  await postAsGateway(h.subgraphUrls.clubs, `mutation { endClubMembership(id: "${id}", endDate: "2026-01-06") { id } }`);
  await freshWithin(async () => !(await clubsOf()).some((m) => m.id === id), performance.now());
});

test('an initiative updated straight at its subgraph: neither the party it drops nor the one it names reads a stale list', async () => {
  // Two actors' initiatives, from entity fetches to the clubs subgraph. The party an update drops
  // holds the initiative in its entry (dropped by the initiative's own tag); the one it names does
  // not yet (dropped by the payload's links).
  const [dropped, named] = ['act-orange', 'act-ibm'];
  const OF = `query($id: ID!) { actor(id: $id) { clubInitiatives(first: 50) { nodes { id name } } } }`;
  const of = async (actorId: string) =>
    ((await postGraphQL<any>(cached.url, OF, { id: actorId })).data?.actor.clubInitiatives.nodes ?? []) as { id: string; name: string }[];
  // As an admin, who speaks for every actor: each party is confirmed at once.
  const created = await postAsGateway<any>(
    h.subgraphUrls.clubs,
    `mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { id } }`,
    {
      input: {
        clubId: CLUB,
        kind: 'MEETING',
        status: 'PLANNED',
        name: 'Atelier du cache',
        parties: [{ actorId: dropped, role: 'PARTICIPANT' }],
      },
    },
  );
  expect(created.errors).toBeUndefined();
  const id = created.data.createClubInitiative.id as string;
  await freshWithin(async () => (await of(dropped)).some((i) => i.id === id), performance.now());
  // The creation delivered, so its invalidations do not land in the warm-up.
  await caughtUp(cached, h.subgraphUrls);
  await of(dropped);
  await of(named);
  const warm = await hits(cached);
  await of(dropped);
  await of(named);
  expect(await hits(cached)).toBeGreaterThanOrEqual(warm + 2); // both lists are served from the cache
  const renamed = 'Atelier du cache, renommé';
  const t0 = performance.now();
  const updated = await postAsGateway(
    h.subgraphUrls.clubs,
    `mutation($id: ID!, $input: UpdateClubInitiativeInput!) { updateClubInitiative(id: $id, input: $input) { id } }`,
    { id, input: { name: renamed, parties: [{ actorId: named, role: 'PARTICIPANT' }] } },
  );
  expect(updated.errors).toBeUndefined();
  const { ms } = await freshWithin(
    async () => !(await of(dropped)).some((i) => i.id === id) && (await of(named)).some((i) => i.id === id && i.name === renamed),
    t0,
  );
  console.log(
    `entity cache, an initiative updated straight at clubs: both parties' cached lists fresh ${ms.toFixed(0)} ms after the write`,
  );
});

test('a member list made private straight at its subgraph is not served from what anonymous callers read, and never leaves the analyst', async () => {
  const member = (await aMember()).id;
  // The actor's memberships without the club's id in the selection: the change (a network's) names no entity these entries hold.
  const THEIRS = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { category role } } } }`;
  const WITH_IDS = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { club { id } } } } }`;
  const count = async (as?: string) =>
    ((await postGraphQL<any>(cached.url, THEIRS, { id: member }, undefined, as ? { authorization: `Bearer ${as}` } : {})).data?.actor
      .clubMemberships.nodes.length ?? -1) as number;
  const analyst = await tokenFor('analyst');
  const publicBefore = await count();
  await count();
  await count(analyst);
  const t0 = performance.now();
  const set = await postAsGateway(
    h.subgraphUrls.clubs,
    `mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: PRIVATE) { id } }`,
  );
  expect(set.errors).toBeUndefined();
  try {
    const { ms } = await freshWithin(async () => (await count()) === publicBefore - 1, t0);
    console.log(`entity cache, a member list made private straight at clubs: hidden from anonymous readers ${ms.toFixed(0)} ms after`);
    await caughtUp(cached, h.subgraphUrls);
    // The analyst still sees it, and what the analyst reads is never handed to anonymous callers or another network's editor.
    expect(await count(analyst)).toBe(publicBefore);
    const analystView = await postGraphQL<any>(cached.url, WITH_IDS, { id: member }, undefined, { authorization: `Bearer ${analyst}` });
    expect(JSON.stringify(analystView.data)).toContain(CLUB);
    await postGraphQL<any>(cached.url, WITH_IDS, { id: member }, undefined, { authorization: `Bearer ${analyst}` });
    const editor = await tokenFor('editor', { networks: ['cb-other'] });
    for (const headers of [{}, { authorization: `Bearer ${editor}` }] as Record<string, string>[]) {
      const text = JSON.stringify((await postGraphQL<any>(cached.url, WITH_IDS, { id: member }, undefined, headers)).data);
      expect(text).not.toContain(CLUB);
    }
  } finally {
    await postAsGateway(h.subgraphUrls.clubs, `mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: PUBLIC) { id } }`);
  }
});

/** Actors of the harness's clubs: `inClub` a member of CLUB, `outside` one of another club and of no membership of CLUB. */
async function actorsAroundClub() {
  const ids = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { club { id } } } } }`;
  const clubsOf = async (id: string) =>
    ((await postGraphQL<any>(cached.url, ids, { id })).data!.actor.clubMemberships.nodes as { club: { id: string } }[]).map(
      (n) => n.club.id,
    );
  const inClub = (await aMember()).id;
  const others = await postGraphQL<any>(cached.url, `{ clubs(first: 20) { nodes { id members(first: 20) { nodes { actor { id } } } } } }`);
  for (const c of others.data!.clubs.nodes as { id: string; members: { nodes: { actor: { id: string } }[] } }[]) {
    if (c.id === CLUB) continue;
    for (const m of c.members.nodes) if (!(await clubsOf(m.actor.id)).includes(CLUB)) return { inClub, outside: m.actor.id };
  }
  throw new Error('no actor outside the club');
}

/**
 * Renames the club straight in its database with its change-log entry, in one transaction, as a
 * write of the subgraph records it (the schema has no rename mutation: a network's name comes from
 * its sources and the seed). No gateway sees it: only the log tells the cache.
 */
async function renameClub(name: string) {
  const payload = JSON.stringify({ id: CLUB, name, membersPublic: true, changed: ['name'] });
  await h.clients.clubs.$transaction([
    h.clients.clubs.network.update({ where: { id: CLUB }, data: { name } }),
    h.clients.clubs
      .$executeRaw`INSERT INTO change_log (entity_type, entity_id, op, payload) VALUES ('Club', ${CLUB}, 'UPSERT', ${payload}::jsonb)`,
    // As recordChanges notifies (packages/db): the subgraph's pending long polls wake at commit.
    h.clients.clubs.$executeRaw`SELECT pg_notify('maillage_change_log', current_schema())`,
  ]);
}

test('a network renamed: its name is fresh wherever it was cached once the log delivers it, and entries that do not hold it stay cached', async () => {
  const { inClub, outside } = await actorsAroundClub();
  // The club's name through a membership's `club { name }`, resolved in the clubs subgraph within the actor's entity.
  const NAMES = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { role club { name } } } } }`;
  const names = async (id: string) =>
    ((await postGraphQL<any>(cached.url, NAMES, { id })).data!.actor.clubMemberships.nodes as { club: { name: string } }[]).map(
      (n) => n.club.name,
    );
  const before = (await postGraphQL<any>(cached.url, `query($id: ID!) { club(id: $id) { name } }`, { id: CLUB })).data!.club.name as string;
  expect(await names(inClub)).toContain(before);
  await names(outside);
  const warm = await lookedUp(() => names(outside));
  expect(warm).toMatchObject({ hit: 1, miss: 0 });
  const renamed = `${before} (renommé)`;
  const t0 = performance.now();
  await renameClub(renamed);
  try {
    const { ms, stale } = await freshWithin(async () => (await names(inClub)).includes(renamed), t0);
    const waited = await caughtUp(cached, h.subgraphUrls);
    for (let i = 0; i < 5; i++) {
      const now = await names(inClub);
      expect(now).toContain(renamed);
      expect(now).not.toContain(before);
    }
    console.log(
      `entity cache, a network renamed with its log entry: fresh ${ms.toFixed(0)} ms after the write (${stale} stale reads before); every log delivered ${waited.toFixed(0)} ms after that`,
    );
    // The other actor's memberships hold neither the club nor a list it may enter: still served from the cache.
    expect(await lookedUp(() => names(outside))).toMatchObject({ hit: 1, miss: 0 });
  } finally {
    await renameClub(before);
  }
});

test("a member list made private then public straight at its subgraph: each fresh for anonymous readers once delivered, the analyst's view never leaving the analyst, other actors' entries kept", async () => {
  const { inClub, outside } = await actorsAroundClub();
  // Memberships without their club in the selection: the cache asks for each one's network, so the entry holds the club all the same.
  const THEIRS = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { category role } } } }`;
  const count = async (id: string, as?: string) =>
    ((await postGraphQL<any>(cached.url, THEIRS, { id }, undefined, as ? { authorization: `Bearer ${as}` } : {})).data?.actor
      .clubMemberships.nodes.length ?? -1) as number;
  const analyst = await tokenFor('analyst');
  const publicBefore = await count(inClub);
  // The club is the actor's only one: hidden, anonymous readers get an empty list, an entry holding
  // no membership, which its being made public again must drop all the same (tagged by its selection's lists).
  expect(publicBefore).toBe(1);
  await count(inClub);
  await count(outside);
  expect(await lookedUp(() => count(outside))).toMatchObject({ hit: 1, miss: 0 });
  const visibility = (v: 'PUBLIC' | 'PRIVATE') =>
    postAsGateway(h.subgraphUrls.clubs, `mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: ${v}) { id } }`);
  let t0 = performance.now();
  expect((await visibility('PRIVATE')).errors).toBeUndefined();
  try {
    const hidden = await freshWithin(async () => (await count(inClub)) === publicBefore - 1, t0);
    await caughtUp(cached, h.subgraphUrls);
    expect(await lookedUp(() => count(outside))).toMatchObject({ hit: 1, miss: 0 });
    expect(await count(inClub, analyst)).toBe(publicBefore);
    expect(await count(inClub, analyst)).toBe(publicBefore); // from the analysts' entry
    expect(await count(inClub)).toBe(publicBefore - 1); // never the analysts' entry
    // Public again: the membership comes back in an entry that did not hold the club (its list, for anonymous readers).
    t0 = performance.now();
    expect((await visibility('PUBLIC')).errors).toBeUndefined();
    const shown = await freshWithin(async () => (await count(inClub)) === publicBefore, t0);
    await caughtUp(cached, h.subgraphUrls);
    for (let i = 0; i < 3; i++) expect(await count(inClub)).toBe(publicBefore);
    console.log(
      `entity cache, a member list made private then public straight at clubs: hidden ${hidden.ms.toFixed(0)} ms, shown again ${shown.ms.toFixed(0)} ms after each write`,
    );
  } finally {
    await visibility('PUBLIC');
  }
});

test('a seed reload (RESEED) drops everything of its subgraph; a write no log records is served until the TTL, then fresh', async () => {
  const ttlMs = 1500;
  const short = await gatewayOver(h.subgraphUrls, { entityCache: { maxTtlMs: ttlMs, feed: { subgraphs: followed, pollMs: 100 } } });
  await caughtUp(short, h.subgraphUrls, 10_000);
  try {
    const actor = await aMember(short);
    await aMember(short);
    // Beneath the API and the outbox: nothing in the log, so only the TTL ends it.
    await h.clients.directory.actor.update({ where: { id: actor.id }, data: { name: `${actor.name} (unlogged)` } });
    const t0 = performance.now();
    expect(nameIn((await postGraphQL<Members>(short.url, MEMBERS, { id: CLUB })).data, actor.id)).toBe(actor.name);
    const { ms } = await freshWithin(
      async () => nameIn((await postGraphQL<Members>(short.url, MEMBERS, { id: CLUB })).data, actor.id) === `${actor.name} (unlogged)`,
      t0,
      ttlMs + 1000,
    );
    console.log(`entity cache, a write no log records: served stale for ${ms.toFixed(0)} ms (TTL cap ${ttlMs} ms)`);
    expect(ms).toBeGreaterThan(ttlMs / 3);
    // The same write with a RESEED entry, as a seed or a bulk load writes: the whole subgraph is dropped.
    await aMember(short);
    await aMember(cached);
    await h.clients.directory.actor.update({ where: { id: actor.id }, data: { name: actor.name } });
    const t1 = performance.now();
    await h.clients.directory.$transaction([
      h.clients.directory.$executeRaw`INSERT INTO change_log (entity_type, entity_id, op) VALUES ('*', '*', 'RESEED')`,
      h.clients.directory.$executeRaw`SELECT pg_notify('maillage_change_log', current_schema())`,
    ]);
    for (const g of [short, cached]) {
      const r = await freshWithin(
        async () => nameIn((await postGraphQL<Members>(g.url, MEMBERS, { id: CLUB })).data, actor.id) === actor.name,
        t1,
      );
      console.log(`entity cache, a RESEED entry: fresh ${r.ms.toFixed(0)} ms after it`);
    }
  } finally {
    await short.stop();
  }
});

test('the follower resumes after a subgraph restart, and its lag is in the metrics', async () => {
  const member = (await aMember()).id;
  const CLUBS_OF = `query($id: ID!) { actor(id: $id) { clubMemberships(first: 50) { nodes { id role } } } }`;
  const roles = async () =>
    ((await postGraphQL<any>(cached.url, CLUBS_OF, { id: member })).data?.actor.clubMemberships.nodes ?? []) as {
      id: string;
      role: string | null;
    }[];
  await roles();
  await h.stopSubgraph('clubs');
  await new Promise((r) => setTimeout(r, 600));
  expect(await metric(cached, /^maillage_gateway_entity_cache_feed_lag_seconds\{[^}]*subgraph="clubs"[^}]*\} (\S+)$/)).toBeGreaterThan(0.4);
  await h.restartSubgraph('clubs');
  const others = await postGraphQL<any>(cached.url, `{ clubs(first: 20) { nodes { id } } }`);
  const target = (others.data!.clubs.nodes as { id: string }[]).find((c) => c.id !== CLUB)!.id;
  const warm = await roles();
  await roles();
  const t0 = performance.now();
  const added = await postAsGateway<any>(
    h.subgraphUrls.clubs,
    `mutation($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`,
    { input: { clubId: target, actorId: member, category: 'BOARD', role: 'trésorier', startDate: '2026-02-02' } },
  );
  expect(added.errors).toBeUndefined();
  const { ms } = await freshWithin(async () => (await roles()).length === warm.length + 1, t0);
  console.log(`entity cache, after the clubs subgraph restarted: a write straight to it fresh ${ms.toFixed(0)} ms after`);
  await caughtUp(cached, h.subgraphUrls);
  expect(await metric(cached, /^maillage_gateway_entity_cache_feed_lag_seconds\{[^}]*subgraph="clubs"[^}]*\} (\S+)$/)).toBeLessThan(1);
  expect(await metric(cached, /^maillage_gateway_entity_cache_feed_behind\{[^}]*subgraph="clubs"[^}]*\} (\S+)$/)).toBe(0);
  await postAsGateway(
    h.subgraphUrls.clubs,
    `mutation { endClubMembership(id: "${added.data.addClubMembership.id}", endDate: "2026-02-03") { id } }`,
  );
});

withRedis('replicas sharing Redis each follow the logs: a write straight to a subgraph is fresh on both', async () => {
  const entityCache = { redisUrl: REDIS_URL, keyPrefix: `test:entity:${randomUUID()}:`, feed: { subgraphs: followed, pollMs: 100 } };
  const start = () => gatewayOver(h.subgraphUrls, { entityCache });
  const a = await start();
  const b = await start();
  // Each has read the heads (and dropped, at its start, what the store held of those subgraphs).
  await Promise.all([caughtUp(a, h.subgraphUrls, 10_000), caughtUp(b, h.subgraphUrls, 10_000)]);
  try {
    const actor = await aMember(a);
    const before = await hits(b);
    await aMember(b);
    expect(await hits(b)).toBeGreaterThan(before); // b serves what a kept
    const renamed = `${actor.name} (redis)`;
    const t0 = performance.now();
    await renameBeneath(actor.id, renamed);
    for (const [label, g] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const r = await freshWithin(
        async () => nameIn((await postGraphQL<Members>(g.url, MEMBERS, { id: CLUB })).data, actor.id) === renamed,
        t0,
      );
      console.log(`entity cache in Redis, a write straight to the directory: fresh on replica ${label} ${r.ms.toFixed(0)} ms after`);
    }
    await renameBeneath(actor.id, actor.name);
  } finally {
    await a.stop();
    await b.stop();
  }
});
