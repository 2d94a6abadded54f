import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@maillage/observability';
import { repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The playground's query plans (POST /ide-plan): in development, each operation's plan from the
// gateway's planner, without running it; in production, nothing of it is served.
let h: Harness;
let production: RunningGateway;
const origin = (url: string) => new URL(url).origin;
const example = (name: string) => readFileSync(path.join(__dirname, '../examples', `${name}.graphql`), 'utf8');

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  production = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8'),
    subgraphUrls: h.subgraphUrls,
    production: true,
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
  });
}, 180_000);
afterAll(async () => {
  await production?.stop();
  await h?.stop();
});

const plan = (base: string, query: unknown) =>
  fetch(`${origin(base)}/ide-plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

test('example 1 plans as a sequence: the directory first, then the subgraphs it reaches, in parallel', async () => {
  const res = await plan(h.gatewayUrl, example('1-actor-by-siren'));
  expect(res.status).toBe(200);
  const { plans } = (await res.json()) as { plans: { operationName: string; plan: string }[] };
  expect(plans.map((p) => p.operationName)).toEqual(['ActorBySiren']);
  const text = plans[0].plan;
  expect(text).toMatch(/^QueryPlan \{\n {2}Sequence \{\n {4}Fetch\(service: "directory"\)/);
  expect(text).toContain('Parallel {');
  for (const service of ['chambers', 'clusters', 'councils', 'clubs']) expect(text).toContain(`Fetch(service: "${service}")`);
  // Entity fetches hang off the actor the directory returned.
  expect(text).toContain('Flatten(path: "actorBySiren")');
});

test('every operation of a document gets its plan, and planning runs nothing', async () => {
  const before = await h.query(`{ actors(first: 1) { totalCount } }`);
  const res = await plan(h.gatewayUrl, example('6-mutations'));
  const { plans } = (await res.json()) as { plans: { operationName: string; plan: string }[] };
  expect(plans.map((p) => p.operationName)).toEqual(['CreateActor', 'AddMembership', 'CreateJointInitiative']);
  expect(plans[0].plan).toContain('Fetch(service: "directory")');
  expect(plans[2].plan).toContain('Fetch(service: "clubs")');
  const after = await h.query(`{ actors(first: 1) { totalCount } }`);
  expect(after.data).toEqual(before.data);
});

test.each([
  ['a document that does not parse', '{', 400, 'GRAPHQL_PARSE_FAILED'],
  ['a field that does not exist', '{ noSuchField }', 400, 'GRAPHQL_VALIDATION_FAILED'],
  ['no document', 42, 400, 'BAD_REQUEST'],
])('%s is refused with its code', async (_label, query, status, code) => {
  const res = await plan(h.gatewayUrl, query);
  expect(res.status).toBe(status);
  expect(((await res.json()) as any).errors[0].extensions.code).toBe(code);
});

test('production serves no plan, no panel script and no panel', async () => {
  expect((await plan(production.url, example('1-actor-by-siren'))).status).toBe(404);
  expect((await fetch(`${origin(production.url)}/ide-plan.js`)).status).toBe(404);
  const html = await (await fetch(`${origin(production.url)}/`)).text();
  expect(html).toContain('id="graphiql"');
  expect(html).not.toContain('id="query-plan');
  expect(html).not.toContain('/ide-plan.js');
  const dev = await (await fetch(`${origin(h.gatewayUrl)}/`)).text();
  expect(dev).toContain('id="query-plan-toggle"');
});
