import { generateRegion } from '@maillage/synthetic';
import { startSubgraphAlone } from '@maillage/testing';
import type { RegionSnapshot } from '@maillage/synergy';
import type { PrismaClient } from '../src/generated/prisma/client';
import { service } from '../src/server';
import type { SnapshotReader } from '../src/source';
import { SNAPSHOT_UNAVAILABLE, SnapshotStore } from '../src/store';
import { useSynergiesDatabase } from './harness';

// The store's refresh policy against the service's real database (sync_run); the reader is fed
// synthetic regions instead of the gateway, whose path the end-to-end tests cover.
class ScriptedReader implements SnapshotReader {
  reads = 0;
  constructor(private readonly script: (() => RegionSnapshot)[]) {}
  async read() {
    const next = this.script[Math.min(this.reads++, this.script.length - 1)];
    await new Promise((r) => setTimeout(r, 20));
    return { ...next(), requests: 1 };
  }
}
const region = (seed: number) => () => generateRegion({ actors: 300, networks: 6, memberships: 900, initiatives: 20, seed });
const failing = () => {
  throw new Error('gateway answered 502 with no GraphQL response');
};

let prisma: PrismaClient;
useSynergiesDatabase((p) => (prisma = p));
beforeEach(() => prisma.syncRun.deleteMany());

const log = () => undefined;

test('the first query waits for the first read, which is logged with its counts', async () => {
  const reader = new ScriptedReader([region(1)]);
  const store = new SnapshotStore(reader, prisma, { refreshMs: 60_000, log });
  const engine = await store.engine(true);
  expect(engine.ix.networks).toHaveLength(6);
  expect(await store.engine(true)).toBe(engine);
  expect(reader.reads).toBe(1);
  const [run] = await prisma.syncRun.findMany();
  expect(run).toMatchObject({
    reason: 'first query',
    actors: 306,
    networks: 6,
    memberships: engine.ix.mNetwork.length,
    requests: 1,
    error: null,
  });
  expect(run.finishedAt).not.toBeNull();
});

test('past the refresh time, queries get the old snapshot while one new read runs', async () => {
  const reader = new ScriptedReader([region(1), region(2)]);
  const store = new SnapshotStore(reader, prisma, { refreshMs: 0, log });
  const first = await store.engine(true);
  const [a, b] = await Promise.all([store.engine(true), store.engine(true)]);
  expect(a).toBe(first);
  expect(b).toBe(first);
  await store.refresh('test'); // joins the read in flight
  expect(reader.reads).toBe(2);
  expect(await store.engine(true)).not.toBe(first);
  // That call, past the refresh time again, started a read in the background: let it finish here,
  // or its sync_run row lands in the next test's table.
  await store.refresh('test');
});

test('a failed read keeps the previous snapshot and records the error', async () => {
  const reader = new ScriptedReader([region(1), failing]);
  const store = new SnapshotStore(reader, prisma, { refreshMs: 60_000, log });
  const engine = await store.engine(true);
  await expect(store.refresh('refresh mutation')).rejects.toThrow('502');
  expect(await store.engine(true)).toBe(engine);
  const runs = await prisma.syncRun.findMany({ orderBy: { startedAt: 'asc' } });
  expect(runs.map((r) => [r.reason, r.error])).toEqual([
    ['first query', null],
    ['refresh mutation', 'gateway answered 502 with no GraphQL response'],
  ]);
});

test('without any snapshot, a failed first read is a clear error', async () => {
  const store = new SnapshotStore(new ScriptedReader([failing]), prisma, { refreshMs: 60_000, log });
  await expect(store.engine(true)).rejects.toMatchObject({ extensions: { code: SNAPSHOT_UNAVAILABLE } });
});

test('viewers who may not read private member lists get the public part', async () => {
  const snapshot = region(3)();
  const hidden = snapshot.networks[0];
  hidden.publicMembers = false;
  const store = new SnapshotStore(new ScriptedReader([() => snapshot]), prisma, { refreshMs: 60_000, log });
  const all = await store.engine(true);
  const pub = await store.engine(false);
  const n = all.ix.networkIndex(hidden.id)!;
  expect(all.ix.byNetwork[n].length).toBeGreaterThan(0);
  expect(pub.ix.byNetwork[pub.ix.networkIndex(hidden.id)!]).toHaveLength(0);
  expect(pub.ix.mNetwork.length).toBe(all.ix.mNetwork.length - all.ix.byNetwork[n].length);
});

describe('the subgraph on its own', () => {
  test('authorization is enforced in the subgraph, and an unreachable gateway is SNAPSHOT_UNAVAILABLE', async () => {
    process.env.GATEWAY_URL = 'http://127.0.0.1:9/graphql';
    const h = await startSubgraphAlone(service);
    try {
      const anonymous = await h.execute(`{ synergyReport { networkCount } }`, {}, { as: 'anonymous' });
      expect(anonymous.errors![0].extensions.code).toBe('UNAUTHENTICATED');
      const editor = await h.execute(`{ networkOverlap(networkA: "a", networkB: "b") { jaccard } }`, {}, { as: 'editor' });
      expect(editor.errors![0].extensions.code).toBe('FORBIDDEN');
      const analyst = await h.execute(`{ synergySnapshot { takenAt } }`, {}, { as: 'analyst' });
      expect(analyst.errors![0].extensions.code).toBe(SNAPSHOT_UNAVAILABLE);
      const runs = await h.client.syncRun.findMany();
      expect(runs).toHaveLength(1);
      expect(runs[0].error).toMatch(/fetch failed|ECONNREFUSED/);
    } finally {
      await h.stop();
      delete process.env.GATEWAY_URL;
    }
  });
});
