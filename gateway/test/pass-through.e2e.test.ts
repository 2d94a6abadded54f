import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devToken } from '@maillage/viewer';
import { startSupergraph, type Harness, type StartGateway } from '@maillage/testing';
import { operationId } from '../src/operations';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Queries of one fetch are answered from it without Apollo's pipeline (pass-through.ts). What a
// client reads must not tell: every operation here gets the same status, headers and body from a
// gateway with the pass-through and from one without it, over the same subgraphs.
let h: Harness;
let plain: RunningGateway;
const LOOKUP = 'query Lookup($id: ID!) { actor(id: $id) { id name kind sector { code } } }';
// A persisted operation of one fetch (the repository's are of several), for GET by id.
const LOOKUP_ID = operationId(LOOKUP);
beforeAll(async () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/operations/manifest.json'), 'utf8')) as {
    operations: object[];
  };
  manifest.operations.push({ id: LOOKUP_ID, name: 'Lookup', type: 'query', body: LOOKUP });
  const operationsPath = path.join(mkdtempSync(path.join(tmpdir(), 'pass-through-')), 'manifest.json');
  writeFileSync(operationsPath, JSON.stringify(manifest));
  let options: Parameters<typeof startGateway>[0] | undefined;
  const recording: StartGateway = (o) => {
    const given = o as Parameters<typeof startGateway>[0];
    options = { ...given, auth: { ...given.auth, operationsPath } };
    return startGateway(options);
  };
  h = await startSupergraph(subgraphs, recording);
  plain = await startGateway({ ...options!, port: 0, passThrough: false });
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

/** Everything a client reads of an answer but its date and the ETag Express computes (the pass-through's `no-store` answers have none). */
async function whole(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const body = (await res.text()).replace(/"remaining":\d+/g, '"remaining":N').replace(/"resetAt":"[^"]+"/g, '"resetAt":T');
  const headers = Object.fromEntries(
    [...res.headers].filter(([k]) => !['date', 'etag', 'keep-alive', 'connection', 'content-length', 'age'].includes(k)),
  );
  return { status: res.status, headers, body };
}

const byId = (url: string, variables: object) => `${url}?id=${LOOKUP_ID}&variables=${encodeURIComponent(JSON.stringify(variables))}`;

test('a persisted operation of one fetch over GET is answered from its fetch, as Apollo answers it', async () => {
  const token = await devToken('editor', { subject: 'pass-through-get' });
  const init = { headers: { authorization: `Bearer ${token}` } };
  const answered = await sample('maillage_gateway_pass_through_total', { outcome: 'answered' });
  const fast = await whole(byId(h.gatewayUrl, { id: 'act-edf' }), init);
  expect(await sample('maillage_gateway_pass_through_total', { outcome: 'answered' })).toBe(answered + 1);
  expect(fast.body).toContain('"id":"act-edf"');
  expect(fast).toEqual(await whole(byId(plain.url, { id: 'act-edf' }), init));
  // Anonymous: publicly cacheable, so the response cache's path (through Express), as before.
  const anonymous = await whole(byId(h.gatewayUrl, { id: 'act-edf' }));
  expect(anonymous.headers['cache-control']).toMatch(/^public/);
  expect(anonymous).toEqual(await whole(byId(plain.url, { id: 'act-edf' })));
  expect(await sample('maillage_gateway_pass_through_total', { outcome: 'answered' })).toBe(answered + 1);
});

test("a pass-through answer has the headers of Apollo's", async () => {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: LOOKUP, variables: { id: 'act-edf' } }),
  };
  const fast = await whole(h.gatewayUrl, init);
  expect(fast.headers['x-powered-by']).toBe('Express');
  expect(fast).toEqual(await whole(plain.url, init));
});

/** A POST sent as the test says, with node:http (chunked bodies, odd headers). */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: object }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const { date: _d, etag: _e, connection: _c, 'keep-alive': _k, ...rest } = res.headers;
        resolve({
          status: res.statusCode!,
          body: text.replace(/"remaining":\d+/g, '"remaining":N').replace(/"resetAt":"[^"]+"/g, '"resetAt":T'),
          headers: rest,
        });
      });
    });
    req.on('error', reject);
    if (headers['transfer-encoding'] === 'chunked') {
      req.write(body.slice(0, 10));
      req.end(body.slice(10));
    } else req.end(body);
  });
}

const lookup = JSON.stringify({ query: LOOKUP, variables: { id: 'act-edf' } });
test.each([
  ['a body that is not JSON', '{"query": ', {}],
  ['a body that is a string', '"{ __typename }"', {}],
  ['a body with a byte order mark', `\ufeff${lookup}`, {}],
  ['an unknown persisted operation', JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }), {}],
  ['no query', '{}', {}],
  ['a batch', `[${lookup}]`, {}],
  ['a malformed Authorization', lookup, { authorization: 'Basic abc' }],
  ['an unknown token', lookup, { authorization: 'Bearer nope' }],
  ['a partner key over POST', lookup, { 'x-api-key': 'pk_nope' }],
  ['a body over the limit', JSON.stringify({ query: LOOKUP, variables: { id: 'x'.repeat(120_000) } }), {}],
  ['a chunked body', lookup, { 'transfer-encoding': 'chunked' }],
  ['a Latin-1 body', lookup, { 'content-type': 'application/json; charset=latin1' }],
  ['a UTF-8 charset', lookup, { 'content-type': 'application/json; charset="UTF-8"' }],
  ['a gzip body that is not', lookup, { 'content-encoding': 'gzip' }],
  ['text/plain', lookup, { 'content-type': 'text/plain' }],
  ['a cookie', lookup, { cookie: 'a=b' }],
  ['a mutation', JSON.stringify({ query: 'mutation { __typename }' }), {}],
  [
    'a request id and a trace',
    lookup,
    { 'x-request-id': 'lean-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  ],
])('%s: the lean front answers as Express does', async (_name, body, headers) => {
  const all = { 'content-type': 'application/json', ...headers } as Record<string, string>;
  if (!all['transfer-encoding']) all['content-length'] = String(Buffer.byteLength(body));
  const fast = await post(h.gatewayUrl, body, all);
  const slow = await post(plain.url, body, all);
  expect(fast).toEqual(slow);
});
