import { describeOnPostgres, startSubgraphAlone, testViewer, type SubgraphHarness } from '@maillage/testing';
import type { PrismaClient } from '../src/generated/prisma/client';
import { service } from '../src/server';

// Actor creates racing on PostgreSQL: every request passes the API's check that the SIREN is free
// before any of them writes; the unique index decides, and the losers are told why.
const N = 50;
const editor = testViewer('editor', { networks: ['cb-reseau-1234'], subject: 'race-editor' });
const CREATE = `mutation($siren: String, $name: String!, $k: String) { createActor(input: { kind: COMPANY, name: $name, siren: $siren }, idempotencyKey: $k) { id } }`;
const codes = (results: { errors?: readonly any[] }[]) => results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.code));

describeOnPostgres('directory writes under concurrency on PostgreSQL', () => {
  let s: SubgraphHarness<PrismaClient>;
  beforeAll(async () => {
    // The invariants are under test, not the pool's queue (pool.test.ts): with 25 connections half
    // of the 50 writes race at the database at once, and on a loaded machine (a whole test run on
    // two cores) none gives up waiting for a connection before the race is decided.
    s = await startSubgraphAlone(service, { poolSize: 25, transactionWaitMs: 30_000 });
  }, 120_000);
  afterAll(async () => s?.stop());

  test(`${N} creates of one SIREN at once record one actor and refuse ${N - 1} as DUPLICATE_IDENTIFIER`, async () => {
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => s.execute(CREATE, { siren: '410000004', name: `Concurrente ${i}` }, { as: editor })),
    );
    expect(results.filter((r) => r.data?.createActor?.id)).toHaveLength(1);
    expect(codes(results)).toEqual(Array(N - 1).fill('DUPLICATE_IDENTIFIER'));
    expect(results.flatMap((r) => r.errors ?? []).every((e) => e.extensions.field === 'siren')).toBe(true);
    expect(await s.client.actor.count({ where: { siren: '410000004' } })).toBe(1);
  });

  test(`${N} creates with one idempotency key record one actor and all get it back`, async () => {
    const results = await Promise.all(
      Array.from({ length: N }, () => s.execute(CREATE, { name: 'Une seule fois', k: 'race-key-actor' }, { as: editor })),
    );
    expect(codes(results)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.createActor.id)).size).toBe(1);
    expect(await s.client.actor.count({ where: { name: 'Une seule fois' } })).toBe(1);
    expect(await s.client.idempotencyKey.count({ where: { key: 'race-key-actor' } })).toBe(1);
  });

  test(`${N} creates with one idempotency key and one SIREN: one actor, the same answer for all`, async () => {
    const results = await Promise.all(
      Array.from({ length: N }, () =>
        s.execute(CREATE, { siren: '410000012', name: 'Clé et SIREN', k: 'race-key-actor-siren' }, { as: editor }),
      ),
    );
    expect(codes(results)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.createActor.id)).size).toBe(1);
    expect(await s.client.actor.count({ where: { siren: '410000012' } })).toBe(1);
  });

  test(`${N} ends of one role at once: one ends it, the others get ALREADY_ENDED`, async () => {
    const person = await s.execute(`mutation { createActor(input: { kind: PERSON, name: "Personne" }) { id } }`);
    const added = await s.execute(
      `mutation($p: ID!) { addRole(input: { personId: $p, organisationId: "act-edf", title: "présidente", startDate: "2020-01-01" }) { id } }`,
      {
        p: person.data!.createActor.id,
      },
    );
    const id = added.data!.addRole.id;
    const END = `mutation($id: ID!, $e: Date!) { endRole(id: $id, endDate: $e) { endDate } }`;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => s.execute(END, { id, e: `2025-02-${String((i % 28) + 1).padStart(2, '0')}` })),
    );
    const ended = results.filter((r) => r.data?.endRole);
    expect(ended).toHaveLength(1);
    expect(codes(results)).toEqual(Array(N - 1).fill('ALREADY_ENDED'));
    expect((await s.client.role.findUnique({ where: { id } }))!.endDate!.toISOString().slice(0, 10)).toBe(ended[0].data!.endRole.endDate);
  });
});
