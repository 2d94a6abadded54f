import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { GraphQLClient, GraphQLRequestError } from '../src';

// A real HTTP server on port 0 that answers what each test scripts, and records what it received.
type Handler = (
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  req: IncomingMessage,
  res: ServerResponse,
) => void;
let handler: Handler;
let server: Server;
let url: string;
const received: { headers: IncomingMessage['headers']; body: Parameters<Handler>[0] }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Parameters<Handler>[0];
      received.push({ headers: req.headers, body });
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});
beforeEach(() => (received.length = 0));

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/graphql-response+json' });
  res.end(JSON.stringify(body));
};

const Hello = parse('query Hello($name: String!) { hello(name: $name) }') as TypedDocumentNode<{ hello: string }, { name: string }>;

test('a typed document is sent with its name, variables and headers; its data comes back typed', async () => {
  handler = (body, _req, res) => json(res, 200, { data: { hello: `bonjour ${String(body.variables?.name)}` } });
  const client = new GraphQLClient({ url: () => url, headers: async () => ({ authorization: 'Bearer t' }) });
  const data = await client.request(Hello, { name: 'Millau' });
  expect(data.hello).toBe('bonjour Millau');
  expect(received[0].body).toEqual({
    query: expect.stringContaining('query Hello($name: String!)'),
    variables: { name: 'Millau' },
    operationName: 'Hello',
  });
  expect(received[0].headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json' });
});

test('GraphQL errors: execute returns them as they came, request throws them with their codes and the status', async () => {
  handler = (_body, _req, res) =>
    json(res, 400, { errors: [{ message: 'No territory DEP-99', extensions: { code: 'UNKNOWN_TERRITORY' } }, { message: 'second' }] });
  const client = new GraphQLClient({ url });
  const res = await client.execute('{ x }');
  expect(res).toMatchObject({ status: 400, errors: [{ extensions: { code: 'UNKNOWN_TERRITORY' } }, { message: 'second' }] });
  expect(res.headers.get('content-type')).toBe('application/graphql-response+json');
  const err = await client.request('{ x }').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GraphQLRequestError);
  expect(err).toMatchObject({ failure: 'GRAPHQL_ERRORS', status: 400, code: 'UNKNOWN_TERRITORY' });
  expect((err as Error).message).toContain('No territory DEP-99 (UNKNOWN_TERRITORY); second (no code)');
});

test('an answer that is not GraphQL names the HTTP status', async () => {
  handler = (_body, _req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<h1>Bad gateway</h1>');
  };
  const err = await new GraphQLClient({ url }).request('{ x }').catch((e: unknown) => e);
  expect(err).toMatchObject({ failure: 'NOT_GRAPHQL', status: 502, code: 'HTTP_502' });
  expect((err as Error).message).toBe(`${url} answered HTTP 502 with no GraphQL response`);
});

test('data missing without errors is an error too', async () => {
  handler = (_body, _req, res) => json(res, 200, { data: null });
  await expect(new GraphQLClient({ url }).request('{ x }')).rejects.toMatchObject({ failure: 'NO_DATA', code: 'HTTP_200' });
});

test('an endpoint that does not answer in time is abandoned', async () => {
  handler = () => undefined; // never answers
  const started = Date.now();
  const err = await new GraphQLClient({ url, timeoutMs: 200 }).request('{ x }').catch((e: unknown) => e);
  expect(err).toMatchObject({ failure: 'TIMEOUT', code: 'TIMEOUT' });
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('an endpoint nobody listens on is unreachable', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const err = await new GraphQLClient({ url: `http://127.0.0.1:${port}/graphql` }).request('{ x }').catch((e: unknown) => e);
  expect(err).toMatchObject({ failure: 'UNREACHABLE', code: 'UNREACHABLE' });
  expect((err as Error).message).toMatch(new RegExp(`^cannot reach http://127.0.0.1:${port}/graphql: `));
});
