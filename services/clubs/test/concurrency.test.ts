import pg from 'pg';
import { describeOnPostgres, startSubgraphAlone, testViewer, type SubgraphHarness } from '@maillage/testing';
import { service } from '../src/server';
import type { PrismaClient } from '../src/generated/prisma/client';

// Writes racing on PostgreSQL: the API's checks read before they write, so concurrent requests
// all pass them; the database's constraints decide. PGlite serialises everything on its single
// connection, which is why these run on a server only.
const N = 50;
const editor = testViewer('editor', { networks: ['cb-reseau-1234'] });

describeOnPostgres('clubs writes under concurrency on PostgreSQL', (server) => {
  let s: SubgraphHarness<PrismaClient>;
  let admin: pg.Client;
  let dbName: string;
  beforeAll(async () => {
    // The invariants are under test, not the pool's queue (pool.test.ts): with 25 connections half
    // of the 50 writes race at the database at once, and on a loaded machine (a whole test run on
    // two cores) none gives up waiting for a connection before the race is decided.
    s = await startSubgraphAlone(service, { poolSize: 25, transactionWaitMs: 30_000 });
    [{ db: dbName }] = (await s.client.$queryRaw`SELECT current_database() AS db`) as { db: string }[];
    admin = new pg.Client({ connectionString: server });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await s?.stop();
  });

  const memberships = (actorId: string) =>
    s.client.membership.count({ where: { networkId: 'cb-reseau-1234', actorId } }) as Promise<number>;
  const ADD = `mutation($a: ID!, $k: String) { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: $a, category: MEMBER, startDate: "2024-01-01" }, idempotencyKey: $k) { id } }`;
  const codes = (results: { errors?: readonly any[] }[]) => results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.code));

  test(`${N} identical adds at once record one membership and refuse ${N - 1} as DUPLICATE_MEMBERSHIP`, async () => {
    const results = await Promise.all(Array.from({ length: N }, () => s.execute(ADD, { a: 'act-race-add' }, { as: editor })));
    expect(results.filter((r) => r.data?.addClubMembership?.id)).toHaveLength(1);
    expect(codes(results)).toEqual(Array(N - 1).fill('DUPLICATE_MEMBERSHIP'));
    expect(await memberships('act-race-add')).toBe(1);
  });

  test(`${N} adds with one idempotency key record one membership and all get it back`, async () => {
    const results = await Promise.all(
      Array.from({ length: N }, () => s.execute(ADD, { a: 'act-race-key', k: 'race-key-membership' }, { as: editor })),
    );
    expect(codes(results)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.addClubMembership.id)).size).toBe(1);
    expect(await memberships('act-race-key')).toBe(1);
  });

  test(`${N} initiative creates with one idempotency key record one initiative and all get it back`, async () => {
    const before = await s.client.initiative.count();
    const CREATE = `mutation { createClubInitiative(input: { clubId: "cb-reseau-1234", kind: MEETING, status: PLANNED, name: "Rencontre", parties: [{ actorId: "act-edf", role: PARTNER }] }, idempotencyKey: "race-key-initiative") { id } }`;
    const results = await Promise.all(Array.from({ length: N }, () => s.execute(CREATE, {}, { as: editor })));
    expect(codes(results)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.createClubInitiative.id)).size).toBe(1);
    expect(await s.client.initiative.count()).toBe(before + 1);
    expect(await s.client.initiativeLink.count({ where: { initiativeId: results[0].data!.createClubInitiative.id } })).toBe(1);
  });

  test(`${N} identical updates of one initiative at once name the council once, and write one outbox entry`, async () => {
    const CREATE = `mutation { createClubInitiative(input: { clubId: "cb-reseau-1234", kind: MEETING, status: PLANNED, name: "Rencontre à compléter" }) { id } }`;
    const id = (await s.execute(CREATE, {}, { as: editor })).data!.createClubInitiative.id as string;
    const logged = () => s.client.changeLog.count({ where: { entityId: id } }) as Promise<number>;
    const before = await logged();
    const UPDATE = `mutation($id: ID!) { updateClubInitiative(id: $id, input: { status: HELD, coOrganisers: [{ kind: COUNCIL, id: "co-cmip" }] }) { id } }`;
    // Each takes the initiative's row lock: the first writes, the others then find nothing to change.
    const results = await Promise.all(Array.from({ length: N }, () => s.execute(UPDATE, { id }, { as: editor })));
    expect(codes(results)).toEqual([]);
    expect(await s.client.initiativeLink.count({ where: { initiativeId: id } })).toBe(1);
    expect(await logged()).toBe(before + 1);
  });

  test('an update removing a proposal while the council decides on it: each decision is answered with a code, never an internal error', async () => {
    const CREATE = `mutation { createClubInitiative(input: { clubId: "cb-reseau-1234", kind: MEETING, status: PLANNED, name: "Rencontre proposée", coOrganisers: [{ kind: COUNCIL, id: "co-cmip" }] }) { id } }`;
    const id = (await s.execute(CREATE, {}, { as: editor })).data!.createClubInitiative.id as string;
    const council = testViewer('editor', { networks: ['co-cmip'] });
    const DECIDE = (verb: string) => `mutation($id: ID!) { ${verb}ClubCoOrganisation(initiativeId: $id, networkId: "co-cmip") { id } }`;
    const REMOVE = `mutation($id: ID!) { updateClubInitiative(id: $id, input: { coOrganisers: [] }) { id } }`;
    const results = await Promise.all([
      ...Array.from({ length: N / 2 }, (_, i) => s.execute(DECIDE(i % 2 ? 'confirm' : 'decline'), { id }, { as: council })),
      s.execute(REMOVE, { id }, { as: editor }),
    ]);
    // One decision may come first (then the update removes a confirmed link, or keeps a declined one);
    // the others find it decided (NOT_PROPOSED) or gone (NOT_FOUND).
    expect(codes(results).filter((c) => c !== 'NOT_PROPOSED' && c !== 'NOT_FOUND')).toEqual([]);
    expect(results.at(-1)!.errors).toBeUndefined();
    const links = await s.client.initiativeLink.findMany({ where: { initiativeId: id } });
    expect(links.every((l) => l.status === 'DECLINED')).toBe(true);
  });

  test('adds and imports of one membership at once record it once; the others see it', async () => {
    const IMPORT = `mutation { importClubMemberships(input: { clubId: "cb-reseau-1234", memberships: [{ actorId: "act-race-mixed", category: MEMBER, startDate: "2024-01-01" }] }) { created rows { status } } }`;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        i % 2 ? s.execute(IMPORT, {}, { as: editor }) : s.execute(ADD, { a: 'act-race-mixed' }, { as: editor }),
      ),
    );
    const added = results.filter((r) => r.data?.addClubMembership?.id).length;
    const imported = results.reduce((n, r) => n + (r.data?.importClubMemberships?.created ?? 0), 0);
    expect(added + imported).toBe(1);
    expect(codes(results).every((c) => c === 'DUPLICATE_MEMBERSHIP')).toBe(true);
    const statuses = results.flatMap((r) => r.data?.importClubMemberships?.rows.map((row: { status: string }) => row.status) ?? []);
    expect(statuses.filter((st) => st !== 'CREATED').every((st) => st === 'UNCHANGED')).toBe(true);
    expect(await memberships('act-race-mixed')).toBe(1);
  });

  test(`${N} ends of one membership at once: one ends it, the others get ALREADY_ENDED`, async () => {
    const added = await s.execute(ADD, { a: 'act-race-end' }, { as: editor });
    const id = added.data!.addClubMembership.id;
    const END = `mutation($id: ID!, $e: Date!) { endClubMembership(id: $id, endDate: $e) { endDate } }`;
    const dates = Array.from({ length: N }, (_, i) => `2025-01-${String((i % 28) + 1).padStart(2, '0')}`);
    const results = await Promise.all(dates.map((e) => s.execute(END, { id, e }, { as: editor })));
    const ended = results.filter((r) => r.data?.endClubMembership);
    expect(ended).toHaveLength(1);
    expect(codes(results)).toEqual(Array(N - 1).fill('ALREADY_ENDED'));
    const stored = await s.client.membership.findUnique({ where: { id } });
    expect(stored?.endDate?.toISOString().slice(0, 10)).toBe(ended[0].data!.endClubMembership.endDate);
  });

  test('a connection lost mid-transaction rolls back and answers DATABASE_UNAVAILABLE', async () => {
    // Block the write after the membership row is inserted: SHARE mode lets the transaction read
    // idempotency_key but makes its insert there wait, mid-transaction.
    const url = new URL(server);
    url.pathname = `/${dbName}`;
    const blocker = new pg.Client({ connectionString: url.toString() });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE idempotency_key IN SHARE MODE');
      const write = s.execute(ADD, { a: 'act-lost-connection', k: 'lost-connection-key' }, { as: editor });
      let pid: number | undefined;
      for (let i = 0; i < 200 && !pid; i++) {
        const { rows } = await admin.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO %idempotency_key%'`,
          [dbName],
        );
        pid = rows[0]?.pid;
        if (!pid) await new Promise((r) => setTimeout(r, 25));
      }
      expect(pid).toBeDefined();
      const { rows: inserted } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND mode = 'RowExclusiveLock'`,
        [pid],
      );
      expect(inserted[0].n).toBeGreaterThan(0); // it holds a write on membership already
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const res = await write;
      expect(res.errors![0].extensions).toMatchObject({ code: 'DATABASE_UNAVAILABLE', subgraph: 'clubs' });
      expect(res.errors![0].message).not.toMatch(/INSERT|SELECT|127\.0\.0\.1|postgres:/);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    expect(await memberships('act-lost-connection')).toBe(0);
    expect(await s.client.idempotencyKey.count({ where: { key: 'lost-connection-key' } })).toBe(0);
    // The pool dropped the dead connection: the same request now goes through.
    const again = await s.execute(ADD, { a: 'act-lost-connection', k: 'lost-connection-key' }, { as: editor });
    expect(again.errors).toBeUndefined();
    expect(await memberships('act-lost-connection')).toBe(1);
  });
});
