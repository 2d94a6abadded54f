import type { ApolloServerPlugin } from '@apollo/server';
import pino, { type Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { statementCounts } from './statements';

export type { Logger };

/**
 * Structured JSON logs, one object a line, with the service name on each; `requestId` ties the
 * gateway's line for a request to the subgraphs' lines for the fetches it made.
 */
export function createLogger(service: string, level: string = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { base: { service }, level, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** A request id as the gateway forwards it (`x-request-id`), or undefined when absent or odd. */
export function requestIdFrom(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(header) ? header : undefined;
}

export interface ServiceMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  duration: Histogram<'operation'>;
}

/**
 * Prometheus metrics of one server, in a registry of its own (tests run several servers in one
 * process): requests and errors per operation, latency histograms, process metrics, and for a
 * subgraph the SQL statements it has run.
 */
export function createMetrics(service: string, kind: 'gateway' | 'subgraph'): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: `maillage_${kind}_requests_total`,
    help: 'GraphQL requests, by operation name and outcome (ok, error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `maillage_${kind}_request_duration_seconds`,
    help: 'GraphQL request latency, by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  if (kind === 'subgraph') {
    new Counter({
      name: 'maillage_sql_statements_total',
      help: 'SQL statements this subgraph has sent to its database.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(statementCounts.get(service) ?? 0);
      },
    });
  }
  return { registry, requests, duration };
}

/** Logs one line per GraphQL request and feeds the request metrics. */
export function observabilityPlugin<Ctx extends { requestId?: string }>(logger: Logger, metrics: ServiceMetrics): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse(rc) {
          const seconds = (performance.now() - started) / 1000;
          const operation = rc.operationName ?? 'anonymous';
          const errors = rc.errors ?? (rc.response.body.kind === 'single' ? rc.response.body.singleResult.errors : undefined) ?? [];
          const outcome = errors.length ? 'error' : 'ok';
          metrics.requests.inc({ operation, outcome });
          metrics.duration.observe({ operation }, seconds);
          const codes = errors.map((e) => (e as { extensions?: { code?: unknown } }).extensions?.code ?? 'UNKNOWN');
          logger.info(
            { requestId: contextValue.requestId, operation, durationMs: Math.round(seconds * 1000), outcome, ...(codes.length ? { errorCodes: codes } : {}) },
            'graphql request',
          );
        },
      };
    },
  };
}
