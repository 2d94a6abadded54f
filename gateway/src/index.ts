import cluster from 'node:cluster';
import { PUBLISHED_SECRETS, signingSecret, warnDevelopmentSetup, warnOpenMetrics } from '@maillage/env';
import { createBufferedLogger, createLogger, initTracing } from '@maillage/observability';
import { tokenConfigFromEnv } from './auth';
import { entityCacheOf, gatewayEnv, rateLimitsOf, sharedStateOf, subgraphUrlOverrides } from './env';
import { runPrimary } from './cluster';
import { readSupergraph, startGateway } from './server';

async function main() {
  const env = gatewayEnv();
  // One process per core (GATEWAY_WORKERS): a primary that only supervises, and workers that serve.
  if (env.GATEWAY_WORKERS > 1 && cluster.isPrimary) return runPrimary(env.GATEWAY_WORKERS, createLogger('gateway', env.LOG_LEVEL));
  await initTracing('gateway', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  // A line a request, written by the 4 KiB rather than one write(2) each; all written out at exit.
  const logger = createBufferedLogger('gateway', env.LOG_LEVEL);
  const tokenKey = env.AUTH_JWKS_URL || env.AUTH_JWT_PUBLIC_KEY || env.AUTH_JWT_SECRET;
  warnDevelopmentSetup(
    'gateway',
    {
      nodeEnv: env.NODE_ENV,
      host: env.HOST,
      fallbacks: [
        ...(env.GATEWAY_SIGNING_SECRET ? [] : ['GATEWAY_SIGNING_SECRET']),
        ...(tokenKey ? [] : ['the access token key (development tokens accepted)']),
      ],
      published: (['GATEWAY_SIGNING_SECRET', 'AUTH_JWT_SECRET'] as const).filter((n) => env[n] && PUBLISHED_SECRETS.includes(env[n]!)),
    },
    (m) => logger.warn({ developmentSetup: true }, m),
  );
  warnOpenMetrics('gateway', { host: env.METRICS_HOST, token: env.METRICS_TOKEN }, (m) => logger.warn(m));
  const gateway = await startGateway({
    logger,
    port: env.PORT,
    host: env.HOST,
    supergraphSdl: readSupergraph(env.SUPERGRAPH_PATH),
    watchSupergraphPath: env.SUPERGRAPH_WATCH === 'false' ? undefined : env.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlOverrides(env),
    production: env.NODE_ENV === 'production',
    metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST, token: env.METRICS_TOKEN },
    resilience: {
      deadlineMs: env.GATEWAY_REQUEST_DEADLINE_MS,
      timeoutMs: env.SUBGRAPH_TIMEOUT_MS,
      queryRetries: env.SUBGRAPH_QUERY_RETRIES,
      breakerFailures: env.SUBGRAPH_BREAKER_FAILURES,
      breakerProbeMs: env.SUBGRAPH_BREAKER_PROBE_MS,
      batching: env.SUBGRAPH_BATCHING === 'true',
    },
    auth: {
      signingSecret: signingSecret(env, 'gateway'),
      tokens: tokenConfigFromEnv(env, (m) => logger.warn(m)),
      partnerKeyCacheMs: env.PARTNER_KEY_CACHE_MS,
      operationsPath: env.PERSISTED_OPERATIONS_PATH,
      bodyLimit: env.BODY_LIMIT,
    },
    rateLimits: rateLimitsOf(env),
    shared: sharedStateOf(env),
    entityCache: entityCacheOf(env),
  });
  logger.info(
    { url: gateway.url, metrics: gateway.metricsUrl, playground: gateway.url.replace(/\/graphql$/, '/'), pid: process.pid },
    `ready at ${gateway.url}`,
  );
  // Whoever waits for the ready line (npm start, a supervisor) reads it now, not at the next flush.
  logger.flush();
  let stopping = false;
  const stop = async () => {
    // Ctrl-C reaches the workers twice: from the terminal, and from the primary.
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    await gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Not awaited: the process ends inside stop, which turns a failed stop into exit status 1 itself.
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
