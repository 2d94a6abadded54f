import { signingSecret } from '@maillage/env';
import { createLogger } from '@maillage/observability';
import { tokenConfigFromEnv } from '../auth';
import { gatewayEnv, subgraphUrlOverrides } from '../env';
import { loadPersistedOperations } from '../operations';
import { readSupergraph } from '../server';
import { PartnerKeyRevocations } from '../revocations';
import { routingUrls } from '../hive/server';
import { startCoprocessor } from './server';

// Apollo Router's coprocessor (gateway/router/router.yaml points the router at it), configured by
// the same environment as Maillage's gateway: GATEWAY_SIGNING_SECRET, AUTH_*, DIRECTORY_URL, and
// PORT / HOST for where it listens (keep it on the router's host: it signs for the subgraphs).
async function main() {
  const env = gatewayEnv();
  const logger = createLogger('coprocessor', env.LOG_LEVEL);
  const directoryUrl = routingUrls(readSupergraph(env.SUPERGRAPH_PATH), subgraphUrlOverrides(env)).directory;
  if (!directoryUrl) throw new Error('the supergraph has no directory subgraph, which holds partner keys');
  const server = await startCoprocessor({
    port: env.PORT,
    host: env.HOST,
    directoryUrl,
    signingSecret: signingSecret(env, 'gateway'),
    tokens: tokenConfigFromEnv(env, (m) => logger.warn(m)),
    operations: loadPersistedOperations(env.PERSISTED_OPERATIONS_PATH),
    partnerKeyCacheMs: env.PARTNER_KEY_CACHE_MS,
    // With REDIS_URL, revocations made through Maillage's gateways are heard here at once too.
    revocations: env.REDIS_URL
      ? new PartnerKeyRevocations({ redisUrl: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, logger })
      : undefined,
    log: (m) => logger.error(m),
  });
  logger.info({ url: server.url }, `Apollo Router coprocessor ready at ${server.url}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
