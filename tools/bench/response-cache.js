#!/usr/bin/env node
// What a response cache lookup costs the gateway, in µs (median of 5 runs), with answers of a
// persisted query's size: in the process's memory, and in Redis (a hit and a miss; on loopback):
//   node tools/bench/response-cache.js      (after npm run build; REDIS_URL, default redis://127.0.0.1:6379)
// Sequential lookups: the Redis figures are a round trip each, what one request waits.
const { randomUUID } = require('node:crypto');
const { RedisResponseCache, ResponseCache } = require('@maillage/gateway/dist/response-cache.js');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function time(label, n, fn) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    runs.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} ${runs[2].toFixed(2).padStart(8)} µs`);
}

(async () => {
  const keys = Array.from({ length: 100 }, (_, i) => `anonymous\n\n\napplication/json\n/graphql?query=q${i}`);
  const memory = new ResponseCache();
  const prefix = `bench:${randomUUID()}`;
  const redis = new RedisResponseCache({ redisUrl: REDIS_URL, keyPrefix: prefix });
  for (let i = 0; i < 100 && !redis.shared; i++) await new Promise((r) => setTimeout(r, 20));
  if (!redis.shared) throw new Error(`no Redis at ${REDIS_URL}`);
  for (const bytes of [2_000, 20_000]) {
    const body = JSON.stringify({ data: { text: 'x'.repeat(bytes) } });
    for (const k of keys) {
      memory.set(k, body, 'application/json', 300);
      redis.set(k, body, 'application/json', 300);
    }
    await new Promise((r) => setTimeout(r, 200));
    console.log(`\nanswers of ${body.length} bytes`);
    await time('memory: hit', 20_000, (i) => memory.get(keys[i % 100]));
    await time('redis: hit', 2_000, (i) => redis.get(keys[i % 100]));
    await time('redis: miss', 2_000, (i) => redis.get(`missing ${i}`));
  }
  redis.close();
})();
