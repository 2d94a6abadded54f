import { service as chambers } from '@maillage/chambers';
import { service as clubs } from '@maillage/clubs';
import { service as clusters } from '@maillage/clusters';
import { service as councils } from '@maillage/councils';
import { service as directory } from '@maillage/directory';
import {
  createServer,
  feedFromEnv,
  GatewayReader,
  service as synergiesService,
  type FeedChange,
  type SnapshotStore,
} from '@maillage/synergies';
import { startSupergraph, subgraphNameAt, type Harness } from '@maillage/testing';
import { DEV_SIGNING_SECRET, gatewayHeaders, viewerOf } from '@maillage/viewer';
import { startGateway } from '../src/server';

// The change feed end to end: writes through the gateway land in each subgraph's outbox, the
// synergies service follows the five logs straight from the subgraphs and the measures it answers
// through the gateway show the change within a second; it resumes from its checkpoint after its
// own restart, and catches up after a subgraph's outage, each change applied once, in order.

/** The freshness the issue asks for: a write shows in the measures within a second. */
const FRESH_WITHIN_MS = 1000;

let h: Harness;
let store: SnapshotStore;
const applied: Record<string, bigint[]> = {};
const onApply = (source: string, c: FeedChange) => void (applied[source] ??= []).push(BigInt(c.seq));

// The synergies service as the harness runs it, with a hand on its store and on what it applies.
const synergies = {
  ...synergiesService,
  definition: (client: never, logger: { info(m: string): void }) => {
    const def = createServer(
      client,
      (m) => (process.env.FEED_DEBUG ? console.log(m) : logger.info(m)),
      undefined,
      feedFromEnv(client, { onApply }),
    );
    store = def.store;
    return def;
  },
};

beforeAll(async () => {
  h = await startSupergraph([directory, chambers, clusters, councils, clubs, synergies] as never[], startGateway, { persistent: true });
}, 240_000);
afterAll(() => h?.stop());

const admin = () => h.as('admin').query;
const analyst = () => h.as('analyst').query;

async function ok(p: Promise<{ data?: unknown; errors?: unknown[] }>): Promise<any> {
  const res = await p;
  expect(res.errors).toBeUndefined();
  return res.data;
}

/** Asks until `check` holds, for at most `withinMs`; returns how long it took. */
async function shows(ask: () => Promise<boolean>, withinMs = FRESH_WITHIN_MS): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await ask()) return Date.now() - t0;
    if (Date.now() - t0 > withinMs) throw new Error(`not shown within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const overlap = async () =>
  (await ok(analyst()(`{ networkOverlap(networkA: "co-cmip", networkB: "ch-cci-herault") { membersB sharedCount sharedMembers { id } } }`)))
    .networkOverlap as {
    membersB: number;
    sharedCount: number;
    sharedMembers: { id: string }[];
  };

/** What a fresh full read through the gateway gives, in a canonical order, beside the store's. */
type Snap = NonNullable<SnapshotStore['snapshot']>;
function canonical(s: Snap) {
  const byId = <T extends { id?: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id! < b.id! ? -1 : 1));
  const actorIds = new Set(s.actors.map((a) => a.id));
  const sorted = (xs: string[]) => [...new Set(xs)].sort();
  return {
    actors: byId(
      s.actors.map((a) => ({
        id: a.id,
        name: a.name,
        kind: a.kind,
        nafCode: a.nafCode ?? null,
        communeId: a.communeId ?? null,
        category: a.category ?? null,
        headcountBand: a.headcountBand ?? null,
      })),
    ),
    networks: byId(
      s.networks.map((n) => ({
        id: n.id,
        kind: n.kind,
        name: n.name,
        scope: sorted(n.scope),
        actorId: n.actorId ?? null,
        publicMembers: n.publicMembers !== false,
      })),
    ),
    // The reader skips memberships of actors the directory does not know; the index does too.
    memberships: byId(
      s.memberships
        .filter((m) => actorIds.has(m.actorId))
        .map((m) => ({ id: m.id, networkId: m.networkId, actorId: m.actorId, startDate: m.startDate ?? null, endDate: m.endDate ?? null })),
    ),
    initiatives: byId(
      s.initiatives.map((i) => ({
        id: i.id,
        name: i.name,
        organiserId: i.organiserId,
        coOrganiserIds: sorted(i.coOrganiserIds),
        partyActorIds: sorted(i.partyActorIds),
        startDate: i.startDate ?? null,
        endDate: i.endDate ?? null,
        placeId: i.placeId ?? null,
      })),
    ),
  };
}

async function freshRead() {
  const token = await h.as('analyst').token();
  const { requests: _, ...snapshot } = await new GatewayReader(
    () => h.gatewayUrl,
    async () => ({ authorization: `Bearer ${token}` }),
  ).read();
  return canonical(snapshot);
}

/** The store's snapshot, once it has applied what is in the logs, equals a fresh full read through the gateway. */
async function expectEqualToFreshRead() {
  const fresh = await freshRead();
  await shows(async () => JSON.stringify(canonical(store.snapshot!)) === JSON.stringify(fresh), 3000).catch(() => undefined);
  if (process.env.FEED_DEBUG) {
    console.log(
      JSON.stringify({ applied: Object.fromEntries(Object.entries(applied).map(([k, v]) => [k, v.map(String)])), status: store.status() }),
    );
    console.log(
      JSON.stringify(
        (await h.clients.chambers.changeLog.findMany({ orderBy: { seq: 'asc' } })).map((c: any) => [String(c.seq), c.entityId, c.at]),
      ),
    );
  }
  expect(canonical(store.snapshot!)).toEqual(fresh);
}

/** Each subgraph's changes were applied in order, none twice. */
function expectEachAppliedOnce() {
  for (const [source, seqs] of Object.entries(applied)) {
    for (let i = 1; i < seqs.length; i++)
      if (seqs[i] <= seqs[i - 1]) throw new Error(`${source}: change ${seqs[i]} applied after ${seqs[i - 1]}`);
  }
}

const addMembership = (chamberId: string, actorId: string) =>
  ok(
    admin()(`mutation($input: AddChamberMembershipInput!) { addChamberMembership(input: $input) { id } }`, {
      input: { chamberId, actorId, category: 'PARTNER', startDate: '2024-01-01' },
    }),
  ).then((d) => d.addChamberMembership.id as string);

test('the change log is served to signed admin statements only, and is absent from the graph', async () => {
  const url = h.subgraphUrls.chambers.replace(/\/graphql$/, '/changes');
  const name = await subgraphNameAt(h.subgraphUrls.chambers);
  const post = async (body: string, as = viewerOf({ scopes: ['admin'], subject: 'test' })) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(as, DEV_SIGNING_SECRET, name, body)) },
      body,
    });
  const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"after":"0","first":5}' });
  expect(unsigned.status).toBe(401);
  const editor = await post('{"after":"0","first":5}', viewerOf({ scopes: ['network:edit'], networks: ['ch-cci-herault'], subject: 'ed' }));
  expect(editor.status).toBe(403);
  expect((await post('{"after":"-1","first":5}')).status).toBe(400);
  expect((await post('{"after":"0","first":100000}')).status).toBe(400);
  const page = (await (await post('{"after":"0","first":5}')).json()) as {
    changes: { seq: string; op: string }[];
    head: string;
    last: string;
  };
  // The seed wrote one RESEED entry: followers read the seeded graph whole.
  expect(page.changes[0]).toMatchObject({ seq: '1', op: 'RESEED', entityType: '*' });
  expect(BigInt(page.head)).toBeGreaterThanOrEqual(1n);
  // Through the gateway there is no such thing.
  const viaGateway = await admin()(`{ changes(after: "0") { seq } }`);
  expect(viaGateway.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
});

test('each kind of write shows in the synergy measures within a second', async () => {
  const before = await overlap();
  expect(before.sharedMembers.map((m) => m.id)).not.toContain('act-edf');
  const delays: Record<string, number> = {};

  // Add a membership: EDF, a member of the metropolitan council, joins CCI Hérault.
  const id = await addMembership('ch-cci-herault', 'act-edf');
  delays.add = await shows(async () => (await overlap()).sharedMembers.some((m) => m.id === 'act-edf'));

  // End it: no longer a shared member today.
  await ok(admin()(`mutation($id: ID!) { endChamberMembership(id: $id, endDate: "2025-01-01") { id } }`, { id }));
  delays.end = await shows(async () => !(await overlap()).sharedMembers.some((m) => m.id === 'act-edf'));

  // Memberships imported in bulk (one transaction, many log entries).
  await ok(
    admin()(`mutation($input: ImportChamberMembershipsInput!) { importChamberMemberships(input: $input) { created } }`, {
      input: { chamberId: 'ch-cci-herault', memberships: [{ actorId: 'act-edf', category: 'RESSORTISSANT', startDate: '2025-06-01' }] },
    }),
  );
  delays.import = await shows(async () => (await overlap()).sharedMembers.some((m) => m.id === 'act-edf'));

  // An initiative co-organised by a club and the council: a new co-participating pair.
  const pair = async () =>
    (
      (
        await ok(
          analyst()(
            `{ coParticipation(first: 100) { networkA { ... on Club { id } ... on Council { id } } networkB { ... on Club { id } ... on Council { id } } count } }`,
          ),
        )
      ).coParticipation as {
        networkA: { id?: string };
        networkB: { id?: string };
        count: number;
      }[]
    ).find((p) => [p.networkA.id, p.networkB.id].sort().join() === ['cb-reseau-1234', 'co-cmip'].sort().join())?.count ?? 0;
  const pairBefore = await pair();
  const initiative = await ok(
    admin()(`mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { id } }`, {
      input: {
        clubId: 'cb-reseau-1234',
        kind: 'MEETING',
        status: 'PLANNED',
        name: 'Rencontre du feed',
        startDate: '2026-11-20',
        placeId: 'COM-34172',
        coOrganisers: [{ kind: 'COUNCIL', id: 'co-cmip' }],
      },
    }),
  ).then((d) => d.createClubInitiative.id as string);
  delays.initiative = await shows(async () => (await pair()) === pairBefore + 1);

  // The initiative updated: held, without the council; the pair loses it.
  await ok(
    admin()(`mutation($id: ID!, $input: UpdateClubInitiativeInput!) { updateClubInitiative(id: $id, input: $input) { id } }`, {
      id: initiative,
      input: { status: 'HELD', coOrganisers: [] },
    }),
  );
  delays.initiativeUpdate = await shows(async () => (await pair()) === pairBefore);

  // An actor's commune: Main Gauche moves from Montpellier to Millau (Aveyron).
  const inAveyron = async () =>
    (await ok(h.query(`{ searchActors(text: "Main Gauche", territoryId: "DEP-12") { totalCount } }`))).searchActors.totalCount as number;
  expect(await inAveyron()).toBe(0);
  await ok(admin()(`mutation { updateActor(id: "act-main-gauche", input: { communeCode: "12145" }) { id } }`));
  delays.commune = await shows(async () => (await inAveyron()) === 1);

  // A network's member list made private: public search stops seeing through it.
  await ok(admin()(`mutation { setChamberMemberListVisibility(id: "ch-cci-herault", visibility: PRIVATE) { id } }`));
  delays.visibility = await shows(async () => store.snapshot!.networks.find((n) => n.id === 'ch-cci-herault')!.publicMembers === false);
  await ok(admin()(`mutation { setChamberMemberListVisibility(id: "ch-cci-herault", visibility: PUBLIC) { id } }`));
  await shows(async () => store.snapshot!.networks.find((n) => n.id === 'ch-cci-herault')!.publicMembers === true);

  console.log(`feed: delays from the write's answer to the measure (ms): ${JSON.stringify(delays)}`);
  expectEachAppliedOnce();
  await expectEqualToFreshRead();
});

test('a restart of the consumer mid-stream resumes from its checkpoint and ends equal to a fresh full read', async () => {
  await overlap(); // the store is following
  const actors = ['act-orange', 'act-ibm', 'act-netia', 'act-seclab', 'act-bulane', 'act-synia'];
  // Writes keep coming while the service stops and starts again.
  const writes = (async () => {
    for (let i = 0; i < 12; i++)
      await addMembership(i % 2 ? 'ch-cci-herault' : 'ch-cma-herault', actors[i % actors.length]).catch(() => undefined);
  })();
  await new Promise((r) => setTimeout(r, 150));
  const stopped = store;
  await h.stopSubgraph('synergies');
  const saved = stopped.status().positions;
  await new Promise((r) => setTimeout(r, 300));
  await h.restartSubgraph('synergies');
  expect(store).not.toBe(stopped);
  await writes;
  // Resumed from the saved positions, without reading the graph again.
  await shows(async () => !!store.snapshot, 5000);
  for (const [source, position] of Object.entries(saved))
    expect(BigInt(store.status().positions[source])).toBeGreaterThanOrEqual(BigInt(position));
  await expectEqualToFreshRead();
  expectEachAppliedOnce();
  const runs = await h.clients.synergies.syncRun.findMany({ where: { error: null } });
  expect(runs).toHaveLength(1); // the first full read only: the restart loaded the checkpoint
});

test('a network subgraph down for a while: the others keep flowing, and it catches up when back', async () => {
  await overlap();
  await h.stopSubgraph('clubs');
  const t0 = Date.now();
  // Meanwhile, writes to the chambers and the directory show as usual.
  await addMembership('ch-cci-herault', 'act-orange').catch(() => undefined);
  await ok(admin()(`mutation { updateActor(id: "act-main-gauche", input: { communeCode: "34172" }) { id } }`));
  await shows(
    async () =>
      (await ok(h.query(`{ searchActors(text: "Main Gauche", territoryId: "DEP-34") { totalCount } }`))).searchActors.totalCount === 1,
  );
  expect(store.status().down).toEqual(['clubs']);
  await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - t0))));
  await h.restartSubgraph('clubs');
  // The gateway's breaker for clubs closes at its next probe: until then the write is refused, and retried.
  await shows(async () => {
    const res = await admin()(
      `mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input, idempotencyKey: "after-the-outage") { id } }`,
      {
        input: { clubId: 'cb-reseau-1234', kind: 'MEETING', status: 'HELD', name: 'Après la panne', startDate: '2026-11-25' },
      },
    );
    return !res.errors;
  }, 10_000);
  await expectEqualToFreshRead();
  expect(store.status().down).toEqual([]);
  expectEachAppliedOnce();
});
