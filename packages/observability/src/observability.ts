import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import pino, { type DestinationStream, type Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { statementCounts } from './statements';

export type { Logger };

/**
 * Structured JSON logs, one object a line, with the service name on each; `requestId` ties the
 * gateway's line for a request to the subgraphs' lines for the fetches it made.
 */
export function createLogger(
  service: string,
  level: string = 'info',
  destination?: NodeJS.WritableStream | DestinationStream,
  hooks?: pino.LoggerOptions['hooks'],
): Logger {
  const options = { base: { service }, level, timestamp: pino.stdTimeFunctions.isoTime, ...(hooks ? { hooks } : {}) };
  return destination ? pino(options, destination) : pino(options);
}

/** How long a buffered log line may wait before it is written. */
export const LOG_FLUSH_MS = 1000;
const LOG_BUFFER_BYTES = 4096;

/**
 * createLogger's lines written to a file descriptor (stdout by default) by the 4 KiB, not one
 * write(2) a line: a server logging each request makes one system call fewer per request, which
 * on a virtual machine costs more than the line itself. A line waits a second at most
 * (`LOG_FLUSH_MS`), and whatever is buffered is written out synchronously when the process exits,
 * however it exits but killed (`process.exit`, the end of the event loop, an uncaught exception),
 * so a clean stop loses no line. A warning or an error is written at once, with what waits before
 * it: an operator (or a test) reading the log when something goes wrong sees it then, not a second
 * later.
 */
export function createBufferedLogger(service: string, level: string = 'info', fd: number = 1): Logger {
  const destination = pino.destination({ dest: fd, sync: true, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS });
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // A closed descriptor: nowhere left to write to.
    }
  });
  return createLogger(service, level, destination, {
    logMethod(args, method, lineLevel) {
      method.apply(this, args);
      if (lineLevel >= WARN_LEVEL) flushNow(destination);
    },
  });
}

const WARN_LEVEL = pino.levels.values.warn;

function flushNow(destination: ReturnType<typeof pino.destination>) {
  try {
    destination.flushSync();
  } catch {
    // A closed descriptor, or a write already under way: the periodic flush or the exit writes it.
  }
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

/**
 * Logs one line per GraphQL request and feeds the request metrics. The metrics' `operation` label
 * is `operationLabel` from the context (a persisted operation's name, which the gateway knows and
 * signs on to the subgraphs), else `other`: never a name the client chose, so a loop of
 * `query r<random>` adds no series. The log line keeps the client's name.
 */
export function observabilityPlugin<Ctx extends { requestId?: string; operationLabel?: string }>(
  logger: Logger,
  metrics: ServiceMetrics,
): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse(rc) {
          const errors = rc.errors ?? (rc.response.body.kind === 'single' ? rc.response.body.singleResult.errors : undefined) ?? [];
          observeRequest(logger, metrics, contextValue, rc.operationName, started, errors);
        },
      };
    },
  };
}

/** The request's log line and metrics (observabilityPlugin; the gateway's pass-through answers too). */
export function observeRequest(
  logger: Logger,
  metrics: ServiceMetrics,
  context: { requestId?: string; operationLabel?: string },
  operationName: string | null | undefined,
  started: number,
  errors: readonly unknown[],
): void {
  const seconds = (performance.now() - started) / 1000;
  const operation = operationName ?? 'anonymous';
  const label = context.operationLabel ?? 'other';
  const outcome = errors.length ? 'error' : 'ok';
  metrics.requests.inc({ operation: label, outcome });
  metrics.duration.observe({ operation: label }, seconds);
  const codes = errors.map((e) => (e as { extensions?: { code?: unknown } }).extensions?.code ?? 'UNKNOWN');
  logger.info(
    {
      requestId: context.requestId,
      operation,
      durationMs: Math.round(seconds * 1000),
      outcome,
      ...(codes.length ? { errorCodes: codes } : {}),
    },
    'graphql request',
  );
}

export interface MetricsListenOptions {
  port: number;
  /** @default 127.0.0.1 */
  host?: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

export interface MetricsServer {
  /** `http://host:port/metrics` */
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` on a listener of its own, apart from the service's public port: a scrape is for
 * operators (loopback by default, a bearer token when `token` is set), never for API clients.
 */
export async function serveMetrics(registry: Registry, opts: MetricsListenOptions): Promise<MetricsServer> {
  const expected = opts.token ? Buffer.from(`Bearer ${opts.token}`) : undefined;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end();
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      }
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
