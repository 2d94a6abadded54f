import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// One trace from the client through the gateway's planner and fetches to each subgraph it calls.
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();

let h: Harness;
beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
}, 180_000);
afterAll(async () => h?.stop());

test('the client’s trace continues through the gateway into the subgraphs', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await fetch(h.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify({ query: '{ actorBySiren(siren: "552081317") { name councilMemberships { totalCount } } }' }),
  });
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 100));
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const names = spans.map((s) => s.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'gateway POST /graphql',
      'directory POST /graphql',
      'councils POST /graphql',
      'gateway.request',
      'gateway.fetch',
    ]),
  );
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  // Each subgraph's server span hangs under one of the gateway's fetch spans.
  for (const name of ['directory POST /graphql', 'councils POST /graphql']) {
    const span = spans.find((s) => s.name === name)!;
    const parentId = (span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
    expect(byId.get(parentId!)?.name).toBe('gateway.fetch');
  }
});
