import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { devToken } from '@maillage/viewer';
import { createLogger } from '@maillage/observability';
import { repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway, type RateLimitSettings, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Demand control over HTTP: what every answer says it cost, budgets per caller (address, token
// subject, partner key), one budget for gateways sharing a Redis, and a gateway that keeps serving
// when its Redis cannot be reached.

let h: Harness;
const started: RunningGateway[] = [];
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The shared-budget tests need a Redis (TEST_REDIS_URL, else 127.0.0.1:6379). On a machine without
// one they are skipped, loudly; in CI (CI=true, where .ci/run starts Redis) they never are.
const redisReachable = (() => {
  const { hostname, port } = new URL(REDIS_URL);
  const probe = `require('net').connect(${Number(port || 6379)}, ${JSON.stringify(hostname)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);`;
  return spawnSync(process.execPath, ['-e', probe]).status === 0;
})();
if (!redisReachable && process.env.CI !== 'true')
  console.warn(`\n  Redis tests SKIPPED: nothing answers at ${REDIS_URL} (redis-server, or set TEST_REDIS_URL). CI never skips them.\n`);
const withRedis = redisReachable || process.env.CI === 'true' ? test : test.skip;

// 101 points, requested and actual alike: the map has more than 100 départements.
const HUNDRED = '{ territories(first: 100, level: DEPARTEMENT) { nodes { id } } }';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: { cost?: any } };
}

async function post(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

async function gatewayWith(rateLimits: RateLimitSettings, logs?: string[]): Promise<RunningGateway> {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs?.push(String(chunk));
      done();
    },
  });
  const g = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8'),
    subgraphUrls: h.subgraphUrls,
    log: () => undefined,
    logger: createLogger('gateway', 'info', stream),
    rateLimits,
  });
  started.push(g);
  return g;
}

const metrics = async (g: RunningGateway) => (await fetch(g.metricsUrl)).text();
async function untilRedisUp(g: RunningGateway) {
  for (let i = 0; i < 100 && !/maillage_gateway_rate_limit_redis_up\{[^}]*\} 1/.test(await metrics(g)); i++)
    await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
}, 180_000);

afterAll(async () => {
  for (const g of started) await g.stop();
  await h?.stop();
});

test('every answer says what it asked for, what it cost and what is left; rateLimit reads the same budget', async () => {
  const q = '{ actors(first: 100, territoryId: "DEP-12") { nodes { name } } rateLimit { limit remaining resetAt cost } }';
  const first = await post(h.gatewayUrl, q);
  expect(first.status).toBe(200);
  const cost = first.body.extensions!.cost;
  // actors 1 + 100 nodes, rateLimit 1.
  expect(cost.requested).toBe(102);
  // The seeded Aveyron has a handful of actors: the page came back short and cost what it held.
  expect(cost.actual).toBe(1 + first.body.data.actors.nodes.length + 1);
  expect(cost.actual).toBeLessThan(cost.requested);
  expect(cost.budget.limit).toBe(50_000);
  expect(cost.budget.remaining).toBeLessThan(50_000);
  expect(Date.parse(cost.budget.resetAt) - Date.now()).toBeGreaterThan(0);
  expect(Date.parse(cost.budget.resetAt) - Date.now()).toBeLessThanOrEqual(60_000);
  expect(first.body.data.rateLimit).toEqual({ limit: 50_000, remaining: expect.any(Number), resetAt: expect.any(String), cost: 102 });
  // The request was charged what it asked for, then given back what it did not use.
  expect(cost.budget.remaining).toBe(first.body.data.rateLimit.remaining + (cost.requested - cost.actual));
  const second = await post(h.gatewayUrl, q);
  expect(second.body.extensions!.cost.budget.remaining).toBeLessThan(cost.budget.remaining);
});

test('above the operation limit of its role: 400 QUERY_TOO_COMPLEX with the figures, and nothing charged', async () => {
  const g = await gatewayWith({ budgets: { anonymous: 1_000_000 } });
  const q = 'query($n: Int) { territory(id: "REG-76") { clubs(first: $n) { nodes { members(first: $n) { nodes { actor { name } } } } } } }';
  // A refusal of the GraphQL request itself: 400 under the GraphQL-over-HTTP media type (200 under plain JSON).
  const refused = await post(g.url, q, { accept: 'application/graphql-response+json' }, { n: 100 });
  expect(refused.status).toBe(400);
  expect(refused.body.errors![0].extensions).toEqual({
    code: 'QUERY_TOO_COMPLEX',
    limit: 'cost',
    cost: { requested: 1 + 1 + 100 * (1 + 1 + 100 * 2), limit: 10_000 },
  });
  expect(JSON.stringify(refused.body)).not.toMatch(/127\.0\.0\.1|node_modules|at \S+ \(/);
  const after = await post(g.url, '{ rateLimit { remaining } }');
  expect(after.body.data.rateLimit.remaining).toBe(1_000_000 - 1);
});

test('anonymous callers are limited by address: 429 with Retry-After; X-Forwarded-For counts only through a trusted proxy', async () => {
  const trusting = await gatewayWith({ budgets: { anonymous: 300 }, trustedProxies: ['loopback'] });
  expect((await post(trusting.url, HUNDRED)).status).toBe(200);
  expect((await post(trusting.url, HUNDRED)).status).toBe(200);
  const limited = await post(trusting.url, HUNDRED);
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect(limited.body.errors![0].extensions).toEqual({
    code: 'RATE_LIMITED',
    cost: { requested: 101, budget: { limit: 300, remaining: 98, resetAt: expect.any(String) } },
  });
  expect(limited.body).not.toHaveProperty('data');
  // Another client behind the trusted proxy has its own budget.
  expect((await post(trusting.url, HUNDRED, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);

  // Without trusted proxies a client cannot name itself anew with each request.
  const wary = await gatewayWith({ budgets: { anonymous: 300 } });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await post(wary.url, HUNDRED, { 'x-forwarded-for': `198.51.100.${i}` })).status);
  expect(statuses).toEqual([200, 200, 429]);
});

test('tokens are limited by subject and role, each subject its own budget', async () => {
  const g = await gatewayWith({ budgets: { analyst: 300 } });
  const as = async (subject: string) => ({ authorization: `Bearer ${await devToken('analyst', { subject })}` });
  const alice = await as('alice');
  expect([
    (await post(g.url, HUNDRED, alice)).status,
    (await post(g.url, HUNDRED, alice)).status,
    (await post(g.url, HUNDRED, alice)).status,
  ]).toEqual([200, 200, 429]);
  expect((await post(g.url, HUNDRED, await as('bob'))).status).toBe(200);
  // The synergies service, which reads the whole graph, is not limited.
  const service = await as('service:synergies');
  for (let i = 0; i < 4; i++) expect((await post(g.url, HUNDRED, service)).status).toBe(200);
});

withRedis('two gateways on one Redis share one budget', async () => {
  const shared = { redisUrl: REDIS_URL, keyPrefix: `test-13a:${randomUUID()}`, budgets: { anonymous: 300 } };
  const a = await gatewayWith(shared);
  const b = await gatewayWith(shared);
  await untilRedisUp(a);
  await untilRedisUp(b);
  expect((await post(a.url, HUNDRED)).status).toBe(200);
  expect((await post(b.url, HUNDRED)).status).toBe(200);
  // 202 of 300 spent, half on each: the third request is refused by whichever gateway gets it.
  const third = await post(a.url, HUNDRED);
  expect(third.status).toBe(429);
  const seenByB = await post(b.url, '{ rateLimit { limit remaining } }');
  expect(seenByB.body.data.rateLimit).toEqual({ limit: 300, remaining: 300 - 202 - 1 });
  expect(await metrics(a)).toMatch(/maillage_gateway_rate_limit_redis_up\{[^}]*\} 1/);
});

test('with Redis unreachable the gateway keeps serving, counts in its own memory, and says so', async () => {
  const logs: string[] = [];
  // A port nothing listens on.
  const g = await gatewayWith(
    { redisUrl: 'redis://127.0.0.1:13199', keyPrefix: `test-13a:${randomUUID()}`, budgets: { anonymous: 300 } },
    logs,
  );
  const first = await post(g.url, HUNDRED);
  expect(first.status).toBe(200);
  expect(first.body.extensions!.cost.budget).toEqual({ limit: 300, remaining: 199, resetAt: expect.any(String) });
  expect((await post(g.url, HUNDRED)).status).toBe(200);
  expect((await post(g.url, HUNDRED)).status).toBe(429);
  const scraped = await metrics(g);
  expect(scraped).toMatch(/maillage_gateway_rate_limit_redis_up\{[^}]*\} 0/);
  expect(Number(/maillage_gateway_rate_limit_fallback_total\{[^}]*\} (\d+)/.exec(scraped)?.[1])).toBeGreaterThanOrEqual(3);
  expect(logs.join('')).toMatch(/Redis unreachable: rate limits fall back to this process/);
});

withRedis(
  'when Redis goes away mid-run the gateway keeps serving, and counts in Redis again once it is back',
  async () => {
    // A TCP relay to the real Redis that the test can cut, as a network failure or a stopped Redis would.
    const target = new URL(REDIS_URL);
    const sockets = new Set<Socket>();
    const relay = () =>
      createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
    let server = relay();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const logs: string[] = [];
    const g = await gatewayWith(
      { redisUrl: `redis://127.0.0.1:${port}`, keyPrefix: `test-13a:${randomUUID()}`, budgets: { anonymous: 1000 } },
      logs,
    );
    await untilRedisUp(g);
    expect((await post(g.url, HUNDRED)).status).toBe(200);

    await new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy();
    });
    const during = await post(g.url, HUNDRED);
    expect(during.status).toBe(200);
    expect(during.body.extensions!.cost.requested).toBe(101);
    expect(await metrics(g)).toMatch(/maillage_gateway_rate_limit_redis_up\{[^}]*\} 0/);
    expect(logs.join('')).toMatch(/Redis connection lost|Redis unreachable/);

    server = relay();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    await untilRedisUp(g);
    expect(await metrics(g)).toMatch(/maillage_gateway_rate_limit_redis_up\{[^}]*\} 1/);
    // Back in Redis, where the first request was counted: 101 of 1000 spent there.
    const back = await post(g.url, '{ rateLimit { remaining } }');
    expect(back.body.data.rateLimit.remaining).toBe(1000 - 101 - 1);
    await g.stop();
    started.splice(started.indexOf(g), 1);
    server.close();
    for (const s of sockets) s.destroy();
  },
  30_000,
);
