import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

/**
 * OpenTelemetry tracing: W3C trace context flows from the client through the gateway (whose query
 * planner and fetches emit their own spans) to each subgraph, where every request gets a server
 * span. Spans go to an OTLP/HTTP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 * Without a collector no span is recorded, and no async context manager is installed: on Node 20
 * that manager hooks every promise the process makes, and recorded spans nobody exports are pure
 * cost (see docs/benchmarks.md, "Where the time went"). The caller's trace
 * context is still passed on to the subgraphs (W3C `traceparent`), carried explicitly by the
 * request rather than by async context (see `traceContextOf`).
 */
export async function initTracing(serviceName: string, otlpEndpoint?: string): Promise<void> {
  if (!otlpEndpoint) {
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    return;
  }
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const spanProcessors = [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))];
  new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors }).register();
}

const TRACE_CONTEXT = Symbol('maillage.traceContext');

/** The trace context `traceRequests` opened for this request (its server span, or the caller's context when nothing is recorded). */
export const traceContextOf = (res: Response): Context | undefined => (res.locals as { [TRACE_CONTEXT]?: Context })[TRACE_CONTEXT];

const tracer = () => trace.getTracer('maillage');

/**
 * Continues the caller's trace (traceparent header) with a server span for this request, ended
 * when the response is: what `traceRequests` does, for a server that reads a request before
 * Express does (the gateway's lean front). The context is kept on the response's locals, where
 * `traceRequests` finds it and opens no second span. Returns the span, so the caller can tell
 * whether it is recorded.
 */
export function openServerSpan(
  service: string,
  req: { method?: string; headers: Record<string, string | string[] | undefined> },
  res: { locals: object; statusCode: number; on(event: 'finish', listener: () => void): unknown },
  route: string,
): Span {
  const parent = propagation.extract(context.active(), req.headers);
  const span: Span = tracer().startSpan(
    `${service} ${req.method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'maillage.service': service, 'http.request.method': req.method, 'url.path': route } },
    parent,
  );
  // A span nobody records (no collector) has nothing to end.
  if (span.isRecording())
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
  (res.locals as { [TRACE_CONTEXT]?: Context })[TRACE_CONTEXT] = trace.setSpan(parent, span);
  return span;
}

/**
 * Express middleware: continues the caller's trace (traceparent header) with a server span for
 * this request, active while the request is handled so that spans made below are its children.
 */
export function traceRequests(service: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const opened = traceContextOf(res);
    if (opened) return void context.with(opened, next);
    openServerSpan(service, req, res, `${req.baseUrl}${req.path}`.replace(/\/$/, '') || '/');
    context.with(traceContextOf(res)!, next);
  };
}

/**
 * Writes the trace context into outgoing headers (the gateway's subgraph fetches): the active one
 * when spans are recorded (the gateway's fetch span), else the request's own (`traceContextOf`).
 */
export function injectTraceContext(headers: { set(name: string, value: string): void }, requestContext?: Context): void {
  const active = context.active();
  propagation.inject(trace.getSpan(active) || !requestContext ? active : requestContext, headers, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
}
