import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { initTracing, injectTraceContext, traceContextOf, traceRequests } from '../src';

// Without a collector: nothing is recorded, no async context is kept, and the caller's trace still
// reaches the subgraph fetches, carried by the request.
test('without a collector the caller’s traceparent is passed on after an await, and no span is recorded', async () => {
  await initTracing('test');
  const app = express();
  app.use(traceRequests('test'), async (_req, res) => {
    await new Promise((r) => setTimeout(r, 5)); // past any synchronous context
    const headers = new Map<string, string>();
    injectTraceContext({ set: (k, v) => void headers.set(k, v) }, traceContextOf(res));
    res.json({ recording: trace.getSpan(traceContextOf(res)!)?.isRecording(), traceparent: headers.get('traceparent') ?? null });
  });
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traced = await (await fetch(url, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } })).json();
    expect(traced).toEqual({ recording: false, traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    // No trace context from the caller: none is invented.
    const untraced = (await (await fetch(url)).json()) as { traceparent: string | null };
    expect(untraced.traceparent).toBeNull();
  } finally {
    server.close();
  }
});
