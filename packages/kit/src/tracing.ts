import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

/**
 * OpenTelemetry tracing: W3C trace context flows from the client through the gateway (whose query
 * planner and fetches emit their own spans) to each subgraph, where every request gets a server
 * span. Spans go to an OTLP/HTTP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export async function initTracing(serviceName: string, otlpEndpoint?: string): Promise<void> {
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const spanProcessors = [];
  if (otlpEndpoint) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` })));
  }
  // Registered even without an exporter: the context still propagates to the subgraphs.
  new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors }).register();
}

const tracer = () => trace.getTracer('maillage');

/**
 * Express middleware: continues the caller's trace (traceparent header) with a server span for
 * this request, active while the request is handled so that spans made below are its children.
 */
export function traceRequests(service: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const parent = propagation.extract(context.active(), req.headers);
    const route = `${req.baseUrl}${req.path}`.replace(/\/$/, '') || '/';
    const span: Span = tracer().startSpan(
      `${service} ${req.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'maillage.service': service, 'http.request.method': req.method, 'url.path': route } },
      parent,
    );
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** Writes the active trace context into outgoing headers (the gateway's subgraph fetches). */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
