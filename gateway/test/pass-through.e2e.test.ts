import { devToken } from '@maillage/viewer';
import { startSupergraph, type Harness, type StartGateway } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Queries of one fetch are answered from it without Apollo's pipeline (pass-through.ts). What a
// client reads must not tell: every operation here gets the same status, headers and body from a
// gateway with the pass-through and from one without it, over the same subgraphs.
let h: Harness;
let plain: RunningGateway;
beforeAll(async () => {
  let options: Parameters<StartGateway>[0] | undefined;
  const recording: StartGateway = (o) => {
    options = o;
    return startGateway(o as Parameters<typeof startGateway>[0]);
  };
  h = await startSupergraph(subgraphs, recording);
  plain = await startGateway({ ...(options as Parameters<typeof startGateway>[0]), port: 0, passThrough: false });
}, 180_000);
afterAll(async () => {
  await plain?.stop();
  await h?.stop();
});

/** A sample's value in a Prometheus text, 0 when absent. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(h.metricsUrls.gateway)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function ask(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    cacheControl: res.headers.get('cache-control'),
    // The budget left and its reset time differ between the two gateways' counters.
    body: text.replace(/"remaining":\d+/g, '"remaining":N').replace(/"resetAt":"[^"]+"/g, '"resetAt":T'),
  };
}

const LOOKUP = 'query Lookup($id: ID!) { actor(id: $id) { id name kind sector { code } } }';

test.each([
  ['a lookup', { query: LOOKUP, variables: { id: 'act-edf' } }],
  ['a lookup of nothing', { query: LOOKUP, variables: { id: 'act-none' } }],
  ['variables that do not coerce', { query: LOOKUP, variables: { id: { no: 1 } } }],
  ['a missing variable', { query: LOOKUP, variables: {} }],
  ['aliases and a literal', { query: '{ a: actor(id: "act-edf") { n: name } b: territory(id: "DEP-34") { name } }' }],
  ['an error in the subgraph', { query: '{ actors(first: 1000) { totalCount } }' }],
  ['__typename', { query: '{ actor(id: "act-edf") { __typename name } }' }],
  ['two subgraphs', { query: '{ actorBySiren(siren: "552081317") { name councilMemberships { totalCount } } }' }],
  ['a named operation among two', { query: `${LOOKUP} query Other { territory(id: "REG-76") { name } }`, operationName: 'Other' }],
])('%s: the same answer with and without the pass-through', async (_name, body) => {
  const fast = await ask(h.gatewayUrl, body);
  const slow = await ask(plain.url, body);
  expect(fast).toEqual(slow);
});

test('a lookup is answered from its one fetch; an answer with errors is handed on without a second fetch', async () => {
  const answered = await sample('maillage_gateway_pass_through_total', { outcome: 'answered' });
  const r = await h.query(LOOKUP, { id: 'act-edf' });
  expect(r.data?.actor?.id).toBe('act-edf');
  expect(await sample('maillage_gateway_pass_through_total', { outcome: 'answered' })).toBe(answered + 1);

  const handedOn = await sample('maillage_gateway_pass_through_total', { outcome: 'handed_on' });
  const fetches = await sample('maillage_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'directory', outcome: 'ok' });
  const failing = await h.query('{ actors(first: 1000) { totalCount } }');
  expect(failing.errors?.length).toBeGreaterThan(0);
  expect(await sample('maillage_gateway_pass_through_total', { outcome: 'handed_on' })).toBe(handedOn + 1);
  expect(await sample('maillage_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'directory', outcome: 'ok' })).toBe(
    fetches + 1,
  );
});

test('a signed-in viewer and application/graphql-response+json get what Apollo gives them', async () => {
  const token = await devToken('analyst', { subject: 'pass-through' });
  const body = { query: LOOKUP, variables: { id: 'act-edf' } };
  const auth = { authorization: `Bearer ${token}` };
  expect(await ask(h.gatewayUrl, body, auth)).toEqual(await ask(plain.url, body, auth));
  const accept = { accept: 'application/graphql-response+json' };
  expect(await ask(h.gatewayUrl, body, accept)).toEqual(await ask(plain.url, body, accept));
});
