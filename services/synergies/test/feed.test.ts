import { generateRegion } from '@maillage/synthetic';
import { isoOfDay, type RegionSnapshot } from '@maillage/synergy';
import type { PrismaClient } from '../src/generated/prisma/client';
import type { ChangeSource, FeedChange, FeedPage } from '../src/feed';
import { prismaCheckpoints } from '../src/server';
import type { SnapshotReader } from '../src/source';
import { SnapshotStore, type FeedOptions } from '../src/store';
import { useSynergiesDatabase } from './harness';

// The store's feed logic against the service's real database (checkpoints, positions), with logs
// held in memory: ordered per log, each change once, a log that fails keeps its position, a reseed
// or a log that went backwards reads everything again. The HTTP path is gateway/test/feed.e2e.test.ts.
class MemoryLog implements ChangeSource {
  changes: FeedChange[] = [];
  failing = false;
  reads = 0;
  constructor(readonly name: string) {}
  push(entityType: string, entityId: string, payload: Record<string, unknown> | null, op: FeedChange['op'] = 'UPSERT') {
    this.changes.push({ seq: String(this.changes.length + 1), entityType, entityId, op, payload, at: new Date().toISOString() });
  }
  async read(after: string, first: number): Promise<FeedPage> {
    this.reads++;
    if (this.failing) throw new Error('connect ECONNREFUSED');
    const page = this.changes.filter((c) => BigInt(c.seq) > BigInt(after)).slice(0, first);
    return { changes: page, last: page.at(-1)?.seq ?? after, head: String(this.changes.length) };
  }
}

class FixedReader implements SnapshotReader {
  reads = 0;
  constructor(private readonly region: () => RegionSnapshot) {}
  async read() {
    this.reads++;
    return { ...this.region(), requests: 1 };
  }
}

let prisma: PrismaClient;
useSynergiesDatabase((p) => (prisma = p));
beforeEach(async () => {
  await prisma.feedPosition.deleteMany();
  await prisma.snapshotCheckpoint.deleteMany();
});

const region = () => generateRegion({ actors: 200, networks: 4, memberships: 400, initiatives: 10, seed: 3 });
const log = () => undefined;

function setup(logs: MemoryLog[], pageSize = 500) {
  const applied: string[] = [];
  const reader = new FixedReader(region);
  const feed: FeedOptions = {
    sources: logs,
    pollMs: 60_000,
    checkpointMs: 0,
    checkpoints: prismaCheckpoints(prisma),
    pageSize,
    onApply: (s, c) => void applied.push(`${s}:${c.seq}`),
  };
  const store = new SnapshotStore(reader, prisma, { refreshMs: 3_600_000, log, feed });
  return { store, reader, applied };
}

test('changes are applied in order per log, once each, and the engine sees them in place', async () => {
  const directory = new MemoryLog('directory');
  const clubs = new MemoryLog('clubs');
  const { store, applied } = setup([directory, clubs], 2);
  const before = await store.engine(true);
  const networkId = before.ix.networks[0].id;
  directory.push('Actor', 'act-new', { name: 'Nouvelle', kind: 'COMPANY', nafCode: '62.01Z', communeId: 'COM-34172' });
  for (let i = 0; i < 5; i++)
    clubs.push('ClubMembership', `cb-m-${i}`, { networkId, actorId: 'act-new', startDate: `202${i}-01-01T00:00:00.000Z`, endDate: null });
  await store.poll();
  // The same engine, its index updated in place: no rebuild per poll.
  const after = await store.engine(true);
  expect(after).toBe(before);
  expect(store.status().indexChanges).toBe(6);
  const actor = after.ix.actorIndex('act-new')!;
  expect(after.ix.byActor[actor]).toHaveLength(5);
  expect(applied).toEqual(['directory:1', 'clubs:1', 'clubs:2', 'clubs:3', 'clubs:4', 'clubs:5']);
  // Ending one: same id, new state; polling again applies nothing twice.
  clubs.push('ClubMembership', 'cb-m-0', {
    networkId,
    actorId: 'act-new',
    startDate: '2020-01-01T00:00:00.000Z',
    endDate: '2020-06-01T00:00:00.000Z',
  });
  await store.poll();
  await store.poll();
  expect(applied.slice(6)).toEqual(['clubs:6']);
  const ended = (await store.engine(true)).ix;
  expect(ended.byActor[ended.actorIndex('act-new')!]).toHaveLength(5);
  const row = ended.membershipIndex('cb-m-0')!;
  expect(isoOfDay(ended.mEnd[row])).toBe('2020-06-01');
  expect(store.snapshot!.memberships.find((m) => m.id === 'cb-m-0')!.endDate).toBe('2020-06-01');
  expect(store.status().positions).toEqual({ directory: '1', clubs: '6' });
  await store.stop();
});

test('a log that fails keeps its position while the others flow; a restart resumes from the checkpoint', async () => {
  const directory = new MemoryLog('directory');
  const clubs = new MemoryLog('clubs');
  const first = setup([directory, clubs]);
  await first.store.engine(true);
  clubs.failing = true;
  directory.push('Actor', 'act-a', { name: 'A', kind: 'COMPANY' });
  clubs.push('Club', 'cb-x', { name: 'Club X', scope: ['DEP-34'], actorId: null, membersPublic: true });
  await first.store.poll();
  expect(first.store.status()).toMatchObject({ positions: { directory: '1', clubs: '0' }, down: ['clubs'] });
  await first.store.stop();

  // Another process over the same database: no full read, the checkpoint and its positions.
  clubs.failing = false;
  const second = setup([directory, clubs]);
  await second.store.start();
  await second.store.poll();
  expect(second.reader.reads).toBe(0);
  expect(second.applied).toEqual(['clubs:1']);
  const ix = (await second.store.engine(true)).ix;
  expect(ix.actorIndex('act-a')).toBeDefined();
  expect(ix.networks[ix.networkIndex('cb-x')!]).toMatchObject({ kind: 'CLUB', name: 'Club X', scope: ['DEP-34'] });
  await second.store.stop();
});

test('a reseed, or a log that went backwards, reads the whole graph again', async () => {
  const clubs = new MemoryLog('clubs');
  const { store, reader } = setup([clubs]);
  await store.engine(true);
  expect(reader.reads).toBe(1);
  clubs.push('*', '*', null, 'RESEED');
  await store.poll();
  expect(reader.reads).toBe(2);
  expect(store.status().positions).toEqual({ clubs: '1' });
  clubs.changes = []; // the subgraph's database recreated: its log starts again
  await store.poll();
  expect(reader.reads).toBe(3);
  expect(store.status().positions).toEqual({ clubs: '0' });
  await store.stop();
});
