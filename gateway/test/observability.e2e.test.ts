import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@maillage/observability';
import { repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Operators see each request as JSON log lines sharing one request id across gateway and
// subgraphs, and as Prometheus metrics on every service.
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

let h: Harness;
beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway, {
    logger: (service) => createLogger(service, 'info', sink),
  });
}, 180_000);
afterAll(async () => h?.stop());

test('one request id in the gateway’s and the subgraphs’ log lines', async () => {
  const res = await fetch(h.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-test-42' },
    body: JSON.stringify({ query: 'query ActorView { actorBySiren(siren: "552081317") { name councilMemberships { totalCount } } }' }),
  });
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 100));
  const mine = lines.filter((l) => l.requestId === 'req-test-42');
  const services = mine.map((l) => l.service).sort();
  expect(services).toEqual(['councils', 'directory', 'gateway']);
  expect(mine.find((l) => l.service === 'gateway')).toMatchObject({
    msg: 'graphql request',
    operation: 'ActorView',
    outcome: 'ok',
    level: 30,
  });
  expect(typeof mine[0].durationMs).toBe('number');
});

test('a request without an id gets one', async () => {
  await h.query('query NoId { territory(id: "REG-76") { name } }');
  await new Promise((r) => setTimeout(r, 100));
  const line = lines.find((l) => l.operation === 'NoId');
  expect(line?.requestId).toMatch(/^[0-9a-f-]{36}$/);
});

/** The value of a sample, whatever the order of its labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('Prometheus metrics on the gateway and on each subgraph', async () => {
  await h.query('query Failing { actorBySiren(siren: "x") { name } actors(first: 1000) { totalCount } }');
  // Not on the public port: a listener of its own.
  expect((await fetch(h.gatewayUrl.replace('/graphql', '/metrics'))).status).toBe(404);
  expect((await fetch(h.subgraphUrls.directory.replace('/graphql', '/metrics'))).status).toBe(404);
  const gateway = await (await fetch(h.metricsUrls.gateway)).text();
  // Labelled by persisted operation name only: ad hoc operations are `other`, whatever their name.
  expect(sample(gateway, 'maillage_gateway_requests_total', { operation: 'other', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  expect(sample(gateway, 'maillage_gateway_requests_total', { operation: 'other', outcome: 'error' })).toBe(1);
  expect(sample(gateway, 'maillage_gateway_requests_total', { operation: 'ActorView' })).toBeUndefined();
  expect(
    sample(gateway, 'maillage_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'directory', outcome: 'ok' }),
  ).toBeGreaterThanOrEqual(2);
  expect(sample(gateway, 'maillage_gateway_subgraph_circuit_open', { subgraph: 'clusters' })).toBe(0);
  const directoryMetrics = await (await fetch(h.metricsUrls.directory)).text();
  expect(sample(directoryMetrics, 'maillage_subgraph_request_duration_seconds_count', { operation: 'other' })).toBeGreaterThanOrEqual(1);
  expect(directoryMetrics).not.toMatch(/ActorView__directory__0|Failing/);
  expect(sample(directoryMetrics, 'maillage_sql_statements_total', { service: 'directory' })).toBeGreaterThan(0);
});

test('a persisted operation is labelled by its name, on the gateway and in the subgraphs it reaches; a made-up name is not', async () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'schema/operations/manifest.json'), 'utf8')) as {
    operations: { id: string; name: string }[];
  };
  const url = new URL(h.gatewayUrl);
  url.searchParams.set('id', manifest.operations.find((o) => o.name === 'ActorCard')!.id);
  url.searchParams.set('variables', JSON.stringify({ siren: '552081317' }));
  expect((await fetch(url)).status).toBe(200);
  // The same text sent ad hoc under the persisted name is still `other`: only the door's lookup labels.
  await h.query('query ActorCard { actorBySiren(siren: "552081317") { name } }');
  const gateway = await (await fetch(h.metricsUrls.gateway)).text();
  expect(sample(gateway, 'maillage_gateway_requests_total', { operation: 'ActorCard', outcome: 'ok' })).toBe(1);
  const directory = await (await fetch(h.metricsUrls.directory)).text();
  expect(sample(directory, 'maillage_subgraph_requests_total', { operation: 'ActorCard', outcome: 'ok' })).toBe(1);
});

test('a metrics token, when set, is required to scrape', async () => {
  const { createMetrics, serveMetrics } = await import('@maillage/observability');
  const server = await serveMetrics(createMetrics('test', 'gateway').registry, { port: 0, token: 'Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE' });
  try {
    expect((await fetch(server.url)).status).toBe(401);
    expect((await fetch(server.url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(server.url, { headers: { authorization: 'Bearer Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/maillage_gateway_requests_total/);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
  } finally {
    await server.close();
  }
});
