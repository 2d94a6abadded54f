import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisResponseCache } from '../src/response-cache';

// The response cache in a real Redis: what one instance stores another reads, ages come from the
// entry's TTL, and the bounds (entries, bytes) hold for the whole cache, answers closest to their
// expiry going first. Each test has its own key prefix.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisReachable = (() => {
  const { hostname, port } = new URL(REDIS_URL);
  const probe = `require('net').connect(${Number(port || 6379)}, ${JSON.stringify(hostname)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);`;
  return spawnSync(process.execPath, ['-e', probe]).status === 0;
})();
if (!redisReachable && process.env.CI !== 'true')
  console.warn(`\n  Redis response cache tests SKIPPED: nothing answers at ${REDIS_URL}. CI never skips them.\n`);
const withRedis = redisReachable || process.env.CI === 'true' ? test : test.skip;

const open: RedisResponseCache[] = [];
let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL, { lazyConnect: true });
});
afterAll(async () => {
  for (const c of open) c.close();
  redis.disconnect();
});

async function cache(opts: { keyPrefix: string; maxEntries?: number; maxBytes?: number }) {
  const c = new RedisResponseCache({ redisUrl: REDIS_URL, ...opts });
  open.push(c);
  for (let i = 0; i < 100 && !c.shared; i++) await new Promise((r) => setTimeout(r, 20));
  expect(c.shared).toBe(true);
  return c;
}

/** The store is not waited for by its caller: wait until Redis holds what was written. */
async function settled(prefix: string, entries: number) {
  for (let i = 0; i < 100 && (await redis.zcard(`${prefix}:response:index`)) !== entries; i++) await new Promise((r) => setTimeout(r, 10));
}

withRedis('one instance stores, another serves, with the age its TTL says', async () => {
  const keyPrefix = `test-15b:${randomUUID()}`;
  const [a, b] = [await cache({ keyPrefix }), await cache({ keyPrefix })];
  a.set('anonymous\n\n\n\n/graphql?id=1', '{"data":{"x":1}}\n', 'application/json; charset=utf-8', 300);
  await settled(keyPrefix, 1);
  const hit = await b.get('anonymous\n\n\n\n/graphql?id=1');
  expect(hit).toMatchObject({ age: 0, entry: { body: '{"data":{"x":1}}\n', contentType: 'application/json; charset=utf-8', maxAge: 300 } });
  expect(await b.get('anonymous\n\n\n\n/graphql?id=2')).toBeUndefined();
  // A TTL 2 s shorter than the max-age: kept 2 s already.
  const [member] = await redis.zrange(`${keyPrefix}:response:index`, 0, 0);
  await redis.pexpire(`${keyPrefix}:response:e:${member}`, 298_000);
  expect((await b.get('anonymous\n\n\n\n/graphql?id=1'))?.age).toBe(2);
});

withRedis('the bounds hold for the whole cache: the answers closest to their expiry go first', async () => {
  const keyPrefix = `test-15b:${randomUUID()}`;
  const c = await cache({ keyPrefix, maxEntries: 3 });
  for (const [key, maxAge, entries] of [
    ['k60', 60, 1],
    ['k300', 300, 2],
    ['k30', 30, 3],
    ['k3600', 3600, 3],
  ] as const) {
    c.set(key, `{"${key}":1}`, 'application/json', maxAge);
    await settled(keyPrefix, entries);
  }
  await new Promise((r) => setTimeout(r, 50));
  const kept = await Promise.all(['k60', 'k300', 'k30', 'k3600'].map(async (k) => [k, !!(await c.get(k))]));
  expect(kept).toEqual([
    ['k60', true],
    ['k300', true],
    ['k30', false],
    ['k3600', true],
  ]);
  expect(await redis.hlen(`${keyPrefix}:response:sizes`)).toBe(3);

  // Bytes: 100 at most, entries of 40 bytes (an answer above an eighth of the bound is never kept).
  const small = `test-15b:${randomUUID()}`;
  const d = new RedisResponseCache({ redisUrl: REDIS_URL, keyPrefix: small, maxBytes: 400 });
  open.push(d);
  for (let i = 0; i < 100 && !d.shared; i++) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 12; i++) d.set(`b${i}`, 'x'.repeat(40), 'application/json', 100 + i);
  for (let i = 0; i < 100 && Number(await redis.get(`${small}:response:bytes`)) !== 400; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  expect(Number(await redis.get(`${small}:response:bytes`))).toBe(400);
  expect(await redis.zcard(`${small}:response:index`)).toBe(10);
  // The two with the shortest lives went.
  expect([!!(await d.get('b0')), !!(await d.get('b1')), !!(await d.get('b2')), !!(await d.get('b11'))]).toEqual([false, false, true, true]);
});

withRedis('an entry past its TTL is gone from Redis and from the bounds', async () => {
  const keyPrefix = `test-15b:${randomUUID()}`;
  const c = await cache({ keyPrefix, maxEntries: 2 });
  c.set('short', 'a', 'application/json', 1);
  await settled(keyPrefix, 1);
  await new Promise((r) => setTimeout(r, 1100));
  expect(await c.get('short')).toBeUndefined();
  c.set('one', 'b', 'application/json', 60);
  c.set('two', 'c', 'application/json', 60);
  await settled(keyPrefix, 2);
  await new Promise((r) => setTimeout(r, 50));
  // The expired one was dropped from the index, so both new ones fit.
  expect([!!(await c.get('one')), !!(await c.get('two'))]).toEqual([true, true]);
  expect(Number(await redis.get(`${keyPrefix}:response:bytes`))).toBe(2);
});

withRedis('nothing of an idle cache stays in Redis: the bookkeeping expires with the last answer', async () => {
  const keyPrefix = `test-15b:${randomUUID()}`;
  const c = await cache({ keyPrefix });
  c.set('a', 'x', 'application/json', 30);
  c.set('b', 'y', 'application/json', 60);
  await settled(keyPrefix, 2);
  for (const k of ['index', 'sizes', 'bytes']) {
    const ttl = await redis.pttl(`${keyPrefix}:response:${k}`);
    expect([k, ttl > 59_000 && ttl <= 61_000]).toEqual([k, true]);
  }
});
