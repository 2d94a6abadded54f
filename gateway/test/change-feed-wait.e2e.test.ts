import { service as clubs } from '@maillage/clubs';
import { service as directory } from '@maillage/directory';
import { changesUrlOf, HttpChangeSource, type ChangePost, type ChangeSource, type ReadOptions } from '@maillage/subgraph-server';
import { startSubgraphAlone, type SubgraphHarness } from '@maillage/testing';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';
import { Registry } from 'prom-client';
import { ChangeFeedFollower } from '../src/change-feed';
import { EntityCache, MemoryEntityStore } from '../src/entity-cache';

// The follower's long polls (ENTITY_CACHE_FEED_WAIT_MS) against real subgraphs on the suite's
// database: an idle graph costs a read per log per wait instead of one per poll interval; a write
// is delivered at its commit; stop() does not wait for a pending poll; a subgraph that does not
// wait is polled, not spun on.
const harnesses: Record<string, SubgraphHarness<{ $disconnect(): Promise<void> }>> = {};
const urls: Record<string, string> = {};

beforeAll(async () => {
  for (const s of [directory, clubs]) {
    harnesses[s.name] = (await startSubgraphAlone(s as never)) as never;
    urls[s.name] = await harnesses[s.name].serve();
  }
}, 120_000);

afterAll(async () => {
  for (const h of Object.values(harnesses)) await h.stop();
});

/** Posts counted by subgraph. */
const reads: Record<string, number> = {};
const counting: ChangePost = async (url, { headers, body, timeoutMs, signal }) => {
  const name = Object.keys(urls).find((n) => changesUrlOf(urls[n]) === url)!;
  reads[name] = (reads[name] ?? 0) + 1;
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  return fetch(url, { method: 'POST', headers, body, signal: AbortSignal.any(signals) });
};

/** A subgraph's log as one that predates `waitMs` answers it: at once, whatever was asked. */
class NoWait extends HttpChangeSource {
  read(after: string, first: number, opts: ReadOptions = {}) {
    return super.read(after, first, { signal: opts.signal });
  }
}

const sources = (
  make = (name: string) =>
    new HttpChangeSource(
      name,
      () => changesUrlOf(urls[name]),
      () => DEV_SIGNING_SECRET,
      { reader: 'service:test', post: counting },
    ),
): ChangeSource[] => Object.keys(urls).map(make);

async function idleReads(follower: ChangeFeedFollower, ms: number): Promise<Record<string, number>> {
  await follower.start();
  await new Promise((r) => setTimeout(r, 100)); // past the head reads
  const before = { ...reads };
  await new Promise((r) => setTimeout(r, ms));
  return Object.fromEntries(Object.keys(urls).map((n) => [n, (reads[n] ?? 0) - (before[n] ?? 0)]));
}

const follower = (opts: { waitMs: number; sources?: ChangeSource[]; registry?: Registry }) => {
  const cache = new EntityCache({ store: new MemoryEntityStore() });
  return new ChangeFeedFollower({ sources: opts.sources ?? sources(), cache, pollMs: 200, waitMs: opts.waitMs, registry: opts.registry });
};

test('idle, a long-polling follower reads each log about once per wait, a polling one every pollMs', async () => {
  const polling = follower({ waitMs: 0 });
  const polled = await idleReads(polling, 2_000);
  await polling.stop();
  const registry = new Registry();
  const waiting = follower({ waitMs: 20_000, registry });
  const waited = await idleReads(waiting, 2_000);
  // Caught up while its poll waits: no lag to show.
  const lag = (await registry.getSingleMetric('maillage_gateway_entity_cache_feed_lag_seconds')!.get()).values.map((v) => v.value);
  const t0 = performance.now();
  await waiting.stop();
  const stopMs = performance.now() - t0;
  const older = follower({
    waitMs: 20_000,
    sources: sources(
      (name) =>
        new NoWait(
          name,
          () => changesUrlOf(urls[name]),
          () => DEV_SIGNING_SECRET,
          { reader: 'service:test', post: counting },
        ),
    ),
  });
  const olderReads = await idleReads(older, 2_000);
  await older.stop();
  console.log(
    `follower reads in 2 s idle, per subgraph: polling every 200 ms ${JSON.stringify(polled)}, long polls of 20 s ${JSON.stringify(waited)}, ` +
      `against subgraphs that do not wait ${JSON.stringify(olderReads)}; stop() with a long poll pending took ${stopMs.toFixed(0)} ms; lag gauge while waiting ${JSON.stringify(lag)}`,
  );
  for (const n of Object.keys(urls)) {
    expect(polled[n]).toBeGreaterThanOrEqual(5);
    expect(waited[n]).toBeLessThanOrEqual(1);
    // Answered at once with nothing: polled every pollMs, not read again at once.
    expect(olderReads[n]).toBeGreaterThanOrEqual(5);
    expect(olderReads[n]).toBeLessThanOrEqual(15);
  }
  expect(lag).toEqual([0, 0]);
  expect(stopMs).toBeLessThan(5_000); // not the 20 s of the pending wait
});

test('a write during a long poll is delivered at its commit', async () => {
  const f = follower({ waitMs: 20_000 });
  await f.start();
  await new Promise((r) => setTimeout(r, 300)); // the long poll is pending
  const before = f.positions().directory!;
  const t0 = performance.now();
  await harnesses.directory.execute(`mutation { createActor(input: { kind: PERSON, name: "Noé Veille" }) { id } }`, {}, { as: 'admin' });
  while (f.positions().directory === before) {
    if (performance.now() - t0 > 10_000) throw new Error('not delivered within 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  console.log(`follower: a write during a long poll delivered ${(performance.now() - t0).toFixed(0)} ms after the write began`);
  await f.stop();
});
