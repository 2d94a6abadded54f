import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { statementCounts } from '@maillage/observability';
import {
  ANONYMOUS,
  BATCH_HEADER,
  BINDING_HEADER,
  bindRequest,
  DEV_SIGNING_SECRET,
  devToken,
  MAX_BATCH_OPERATIONS,
  OPERATION_HEADER,
  signViewer,
  VIEWER_HEADER,
} from '@maillage/viewer';
import { startSupergraph, type Harness, type StartGateway } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Lookups of different actors by concurrent requests, through a gateway that batches its fetches
// (SUBGRAPH_BATCHING): one HTTP request to the directory, one SQL statement there, and every
// client reads what the gateway without batching answers, byte for byte.
let h: Harness;
let batching: RunningGateway;
let proxy: http.Server;
/** The bodies of the HTTP requests that reached the directory through the batching gateway. */
const reached: string[] = [];
const LOOKUP = 'query Lookup($id: ID!) { actor(id: $id) { id name kind } }';

beforeAll(async () => {
  let options: Parameters<typeof startGateway>[0] | undefined;
  const recording: StartGateway = (o) => startGateway((options = o as Parameters<typeof startGateway>[0]));
  h = await startSupergraph(subgraphs, recording);
  // The directory as the batching gateway sees it: the real one, behind a counter.
  const directory = new URL(h.subgraphUrls.directory);
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      reached.push(body.toString());
      const forward = http.request(
        { host: directory.hostname, port: directory.port, path: directory.pathname, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const directoryUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  batching = await startGateway({
    ...options!,
    port: 0,
    subgraphUrls: { ...options!.subgraphUrls, directory: directoryUrl },
    resilience: { ...options!.resilience, batching: true },
  });
}, 180_000);
afterAll(async () => {
  await batching?.stop();
  await new Promise((r) => proxy?.close(r));
  await h?.stop();
});

// Kept-alive sockets, one per request of a round, so that a round's requests are all written in one turn.
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
afterAll(() => agent.destroy());

interface Asked {
  body: unknown;
  token?: string;
}
function ask(url: string, { body, token }: Asked): Promise<{ status: number; contentType?: string; cacheControl?: string; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            contentType: res.headers['content-type'],
            cacheControl: res.headers['cache-control'],
            // The budget left and its reset time differ between the two gateways' counters.
            text: text.replace(/"remaining":\d+/g, '"remaining":N').replace(/"resetAt":"[^"]+"/g, '"resetAt":T'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const directoryStatements = () => statementCounts.get('directory') ?? 0;
const ACTORS = ['act-edf', 'act-orange', 'act-airbus', 'act-sncf', 'act-ibm', 'act-mecanic-vallee', 'act-none', 'act-main-gauche'];

/** A round of requests written in one turn; the HTTP requests and SQL statements the directory got for it. */
async function round(url: string, asked: Asked[]) {
  await Promise.all(asked.map((a) => ask(url, a))); // warm: plans, sockets, statements signed
  reached.length = 0;
  const before = directoryStatements();
  const answers = await Promise.all(asked.map((a) => ask(url, a)));
  return { answers, requests: reached.splice(0), statements: directoryStatements() - before };
}

test('concurrent lookups of different actors: one HTTP request, one SQL statement, the answers of the gateway without batching', async () => {
  const asked = ACTORS.map((id) => ({ body: { query: LOOKUP, variables: { id } } }));
  const batched = await round(batching.url, asked);
  expect(batched.requests).toHaveLength(1);
  expect(batched.requests[0].startsWith('[')).toBe(true);
  expect(batched.statements).toBe(1);
  const plain = await round(h.gatewayUrl, asked);
  expect(plain.statements).toBe(ACTORS.length);
  expect(batched.answers).toEqual(plain.answers);
  expect(batched.answers[0].text).toContain('"name"');
  console.log(
    `${ACTORS.length} lookups: ${batched.requests.length} HTTP request and ${batched.statements} statement batched, ${plain.statements} statements without`,
  );
});

test('viewers are never mixed, and an error stays on its own request with its path', async () => {
  const analyst = await devToken('analyst');
  const asked: Asked[] = [
    { body: { query: LOOKUP, variables: { id: 'act-edf' } } },
    { body: { query: LOOKUP, variables: { id: 'act-airbus' } }, token: analyst },
    // Over the subgraph's page limit: an error with its path, from the directory.
    { body: { query: '{ actors(first: 1000) { totalCount } }' } },
    { body: { query: LOOKUP, variables: { id: 'act-sncf' } }, token: analyst },
    { body: { query: LOOKUP, variables: { id: 'act-none' } } },
  ];
  const batched = await round(batching.url, asked);
  // One batch per viewer: every request in it carries that viewer's statement.
  expect(batched.requests).toHaveLength(2);
  expect(batched.requests.map((r) => (JSON.parse(r) as unknown[]).length).sort()).toEqual([2, 3]);
  const plain = await round(h.gatewayUrl, asked);
  expect(batched.answers).toEqual(plain.answers);
  expect(batched.answers[2].text).toContain('"errors"');
});

test('a subgraph takes a batch from the gateway only, and no more operations than its cap', async () => {
  const unsigned = await fetch(h.subgraphUrls.directory, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ query: '{ __typename }' }]),
  });
  expect(unsigned.status).toBe(401);
  const signed = async (operations: unknown[]) => {
    const body = JSON.stringify(operations);
    const viewer = await signViewer(ANONYMOUS, DEV_SIGNING_SECRET, 'directory');
    const res = await fetch(h.subgraphUrls.directory, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [VIEWER_HEADER]: viewer,
        [OPERATION_HEADER]: 'other',
        [BINDING_HEADER]: bindRequest(DEV_SIGNING_SECRET, viewer, 'directory', 'other', body),
      },
      body,
    });
    return { status: res.status, batch: res.headers.get(BATCH_HEADER), body: await res.text() };
  };
  const two = await signed([{ query: '{ __typename }' }, { query: '{ nope }' }]);
  // Each operation's own status: a validation error is a 400 as it would be alone.
  expect(two).toMatchObject({ status: 200, batch: expect.stringMatching(/^200:\d+,400:\d+$/) });
  const tooMany = await signed(Array.from({ length: MAX_BATCH_OPERATIONS + 1 }, () => ({ query: '{ __typename }' })));
  expect(tooMany.status).toBe(400);
  expect(JSON.parse(tooMany.body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
});
