import cluster from 'node:cluster';
import { createLogger, initTracing, signingSecret } from '@maillage/kit';
import { tokenConfigFromEnv } from './auth';
import { runPrimary } from './cluster';
import { gatewayEnv, subgraphUrlOverrides } from './env';
import { readSupergraph, startGateway } from './server';

async function main() {
  const env = gatewayEnv();
  // One process per core (GATEWAY_WORKERS): a primary that only supervises, and workers that serve.
  if (env.GATEWAY_WORKERS > 1 && cluster.isPrimary) return runPrimary(env.GATEWAY_WORKERS, createLogger('gateway', env.LOG_LEVEL));
  await initTracing('gateway', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const gateway = await startGateway({
    logger,
    port: env.PORT,
    host: env.HOST,
    supergraphSdl: readSupergraph(env.SUPERGRAPH_PATH),
    watchSupergraphPath: env.SUPERGRAPH_WATCH === 'false' ? undefined : env.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlOverrides(env),
    production: env.NODE_ENV === 'production',
    resilience: { timeoutMs: env.SUBGRAPH_TIMEOUT_MS, queryRetries: env.SUBGRAPH_QUERY_RETRIES, resetTimeoutMs: env.SUBGRAPH_CIRCUIT_RESET_MS },
    auth: {
      signingSecret: signingSecret(env, 'gateway', (m) => logger.warn(m)),
      tokens: tokenConfigFromEnv(env, (m) => logger.warn(m)),
      partnerKeyCacheMs: env.PARTNER_KEY_CACHE_MS,
      operationsPath: env.PERSISTED_OPERATIONS_PATH,
      bodyLimit: env.BODY_LIMIT,
    },
  });
  logger.info({ url: gateway.url, playground: gateway.url.replace(/\/graphql$/, '/'), pid: process.pid }, `ready at ${gateway.url}`);
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
