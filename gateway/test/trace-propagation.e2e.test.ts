import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTracing } from '@maillage/observability';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway, type GatewayOptions } from '../src/server';
import { subgraphs } from './subgraphs';

// As `npm start` runs without OTEL_EXPORTER_OTLP_ENDPOINT: no span is recorded, and the client's trace
// context still reaches the subgraphs, so a collector further on can join them up.
const seen: (string | undefined)[] = [];
let proxy: http.Server;
let h: Harness;
beforeAll(async () => {
  await initTracing('gateway');
  // Between the gateway and the directory: notes the traceparent of each fetch and passes it on.
  let directory = '';
  const relay = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(req.headers.traceparent as string | undefined);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const answer = await fetch(directory, { method: req.method, headers, body: Buffer.concat(chunks) });
    res
      .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
      .end(Buffer.from(await answer.arrayBuffer()));
  };
  // A relay that fails drops the connection, which the gateway reports as the subgraph's failure.
  proxy = http.createServer((req, res) => void relay(req, res).catch((err: Error) => res.destroy(err)));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  h = await startSupergraph(subgraphs, (opts: GatewayOptions) => {
    directory = opts.subgraphUrls!.directory;
    return startGateway({ ...opts, subgraphUrls: { ...opts.subgraphUrls, directory: proxyUrl } });
  });
}, 180_000);
afterAll(async () => {
  await h?.stop();
  proxy?.close();
});

test('without a collector the client’s traceparent reaches the subgraph unchanged', async () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  seen.length = 0;
  const res = await fetch(h.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ query: '{ actorBySiren(siren: "552081317") { name } }' }),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { data: { actorBySiren: { name: string } } }).data.actorBySiren.name).toBeTruthy();
  expect(seen).toEqual([traceparent]);
});

test('a request without trace context gets none invented', async () => {
  seen.length = 0;
  const res = await fetch(h.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ actorBySiren(siren: "552081317") { name } }' }),
  });
  expect(res.status).toBe(200);
  expect(seen).toEqual([undefined]);
});
