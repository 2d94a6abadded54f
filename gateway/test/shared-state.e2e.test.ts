import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { devToken } from '@maillage/viewer';
import { repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Two replicas of the built gateway (dist/index.js, two OS processes, one worker each) on one
// Redis, reached through a relay the test can cut as a stopped Redis would be: they share a
// partner's budget and the response cache, a revocation made through one is refused by both at
// once (their verdicts are remembered ten minutes here, so only the announcement can do it), and
// with Redis gone both keep serving from their own memory.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisReachable = (() => {
  const { hostname, port } = new URL(REDIS_URL);
  const probe = `require('net').connect(${Number(port || 6379)}, ${JSON.stringify(hostname)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);`;
  return spawnSync(process.execPath, ['-e', probe]).status === 0;
})();
if (!redisReachable && process.env.CI !== 'true')
  console.warn(
    `\n  Shared-state tests SKIPPED: nothing answers at ${REDIS_URL} (redis-server, or set TEST_REDIS_URL). CI never skips them.\n`,
  );
const run = redisReachable || process.env.CI === 'true' ? describe : describe.skip;

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
const idOf = (name: string) => manifest.operations.find((o) => o.name === name)!.id;
const ACTOR_CARD = idOf('ActorCard');

interface Replica {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  lines: Record<string, any>[];
}

let h: Harness;
let relay: Server | undefined;
let relayPort = 0;
const sockets = new Set<Socket>();
const replicas: Replica[] = [];
const prefix = `test-15b:${randomUUID()}`;

/** A TCP relay to the real Redis; closing it (and its sockets) is Redis going away. */
async function openRelay(port = 0) {
  const target = new URL(REDIS_URL);
  relay = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => relay!.listen(port, '127.0.0.1', r));
  relayPort = (relay.address() as { port: number }).port;
}

async function cutRelay() {
  await new Promise<void>((r) => {
    relay!.close(() => r());
    for (const s of sockets) s.destroy();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; logs:\n${replicas.flatMap((r) => r.lines.map((l) => JSON.stringify(l))).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function spawnReplica(): Replica {
  const urls = Object.fromEntries(Object.entries(h.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]));
  const child = spawn(process.execPath, [path.join(__dirname, '../dist/index.js')], {
    env: {
      ...process.env,
      ...urls,
      NODE_OPTIONS: '',
      GATEWAY_WORKERS: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      SUPERGRAPH_WATCH: 'false',
      REDIS_URL: `redis://127.0.0.1:${relayPort}`,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_KEY_PREFIX: `${prefix}:cost`,
      // Ten minutes: a verdict that goes sooner went because it was announced.
      PARTNER_KEY_CACHE_MS: '600000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const replica: Replica = { child, url: '', metricsUrl: '', lines: [] };
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) {
      let line: Record<string, any>;
      try {
        line = JSON.parse(p);
      } catch {
        line = { msg: p };
      }
      replica.lines.push(line);
      if (typeof line.msg === 'string' && line.msg.startsWith('ready at'))
        Object.assign(replica, { url: line.url, metricsUrl: line.metrics });
    }
  });
  child.stderr!.on('data', (d) => replica.lines.push({ stderr: String(d) }));
  replicas.push(replica);
  return replica;
}

const metrics = async (r: Replica) => (await fetch(r.metricsUrl)).text();
const gauge = (text: string, name: string) => new RegExp(`${name}\\{[^}]*\\} (\\d+)`).exec(text)?.[1];

async function partnerGet(r: Replica, key: string) {
  const url = new URL(r.url);
  url.searchParams.set('id', ACTOR_CARD);
  url.searchParams.set('variables', JSON.stringify({ siren: '552081317' }));
  const res = await fetch(url, { headers: { 'x-api-key': key } });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

async function anonymousGet(r: Replica, name: string, variables: Record<string, unknown>) {
  const url = new URL(r.url);
  url.searchParams.set('id', idOf(name));
  url.searchParams.set('variables', JSON.stringify(variables));
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: res.status, age: res.headers.get('age'), text: await res.text() };
}

async function admin(r: Replica, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(r.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await devToken('admin', { subject: 'test-15b' })}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function newPartnerKey(r: Replica, rate: number): Promise<{ id: string; key: string }> {
  const d = await admin(r, 'mutation($input: CreatePartnerKeyInput!) { createPartnerKey(input: $input) { key partnerKey { id } } }', {
    input: { name: `Replicas ${rate}`, origins: ['https://site.example'], rateLimitPerMinute: rate, operationIds: [ACTOR_CARD] },
  });
  return { id: d.createPartnerKey.partnerKey.id, key: d.createPartnerKey.key };
}

const allUp = async (r: Replica) => {
  const text = await metrics(r);
  return (
    [
      'maillage_gateway_rate_limit_redis_up',
      'maillage_gateway_response_cache_redis_up',
      'maillage_gateway_partner_key_revocations_redis_up',
    ].every((n) => gauge(text, n) === '1') || undefined
  );
};

run('two gateway replicas on one Redis', () => {
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    h = await startSupergraph(subgraphs, startGateway);
    await openRelay();
    [a, b] = [spawnReplica(), spawnReplica()];
    await until('two replicas ready', () => (a.url && b.url ? true : undefined), 120_000);
    await until('both replicas on Redis', async () => (await allUp(a)) && (await allUp(b)));
  }, 180_000);

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    if (relay?.listening) await cutRelay();
    await h?.stop();
  });

  test('they share a partner key budget: its requests a minute are counted once for both', async () => {
    const { key } = await newPartnerKey(a, 4);
    const statuses = [];
    for (const r of [a, b, a, b, a, b]) statuses.push((await partnerGet(r, key)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  test('an answer one replica computed is served by the other from the shared cache', async () => {
    const first = await anonymousGet(a, 'NetworksInTerritory', { territoryId: 'DEP-31' });
    expect([first.status, first.age]).toEqual([200, null]);
    // The store is not waited for by the first answer.
    const second = await until(
      'the answer in Redis',
      async () => {
        const r = await anonymousGet(b, 'NetworksInTerritory', { territoryId: 'DEP-31' });
        return r.age !== null ? r : undefined;
      },
      5_000,
    );
    expect(JSON.parse(second.text).data).toEqual(JSON.parse(first.text).data);
    expect(await metrics(b)).toMatch(/maillage_gateway_response_cache_lookups_total\{[^}]*result="hit"[^}]*store="redis"[^}]*\} [1-9]/);
  });

  test('a key revoked through one replica is refused by both within a second', async () => {
    const { id, key } = await newPartnerKey(a, 1000);
    // Both remember the key as genuine (for ten minutes).
    expect([(await partnerGet(a, key)).status, (await partnerGet(b, key)).status]).toEqual([200, 200]);
    const revoked = await admin(b, 'mutation($id: ID!) { gone: revokePartnerKey(id: $id) { active } }', { id });
    expect(revoked.gone.active).toBe(false);
    await until('replica a to refuse the key', async () => ((await partnerGet(a, key)).status === 401 ? true : undefined), 1_000);
    const onA = await partnerGet(a, key);
    expect([onA.status, onA.body.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await partnerGet(b, key)).status).toBe(401);
    expect(await metrics(a)).toMatch(/maillage_gateway_partner_key_revocations_total\{[^}]*source="redis"[^}]*\} 1/);
  });

  test('with Redis gone both keep serving from their own memory, and say so', async () => {
    const { key } = await newPartnerKey(a, 1000);
    await cutRelay();
    await until(
      'both replicas off Redis',
      async () => {
        const texts = await Promise.all([metrics(a), metrics(b)]);
        return (
          texts.every(
            (t) => gauge(t, 'maillage_gateway_rate_limit_redis_up') === '0' && gauge(t, 'maillage_gateway_response_cache_redis_up') === '0',
          ) || undefined
        );
      },
      10_000,
    );
    for (const r of [a, b]) {
      expect((await partnerGet(r, key)).status).toBe(200);
      const cached = [
        await anonymousGet(r, 'NetworksInTerritory', { territoryId: 'DEP-81' }),
        await anonymousGet(r, 'NetworksInTerritory', { territoryId: 'DEP-81' }),
      ];
      expect(cached.map((c) => c.status)).toEqual([200, 200]);
      // The second from the process's own memory.
      expect(cached[1].age).not.toBeNull();
      const scraped = await metrics(r);
      expect(Number(gauge(scraped, 'maillage_gateway_response_cache_fallback_total'))).toBeGreaterThan(0);
      expect(Number(gauge(scraped, 'maillage_gateway_rate_limit_fallback_total'))).toBeGreaterThan(0);
      expect(r.lines.map((l) => l.msg).join('\n')).toMatch(
        /Redis (connection lost|unreachable): the response cache fall back to this process/,
      );
    }

    // Redis back: both share again, and a revocation still reaches both at once.
    await openRelay(relayPort);
    await until('both replicas back on Redis', async () => (await allUp(a)) && (await allUp(b)), 15_000);
    const again = await newPartnerKey(a, 1000);
    expect([(await partnerGet(a, again.key)).status, (await partnerGet(b, again.key)).status]).toEqual([200, 200]);
    await admin(a, 'mutation($id: ID!) { revokePartnerKey(id: $id) { id } }', { id: again.id });
    await until('replica b to refuse the key', async () => ((await partnerGet(b, again.key)).status === 401 ? true : undefined), 1_000);
  }, 60_000);
});
