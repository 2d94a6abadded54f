import { signingSecret } from '@maillage/env';
import { createLogger } from '@maillage/observability';
import { tokenConfigFromEnv } from '../auth';
import { gatewayEnv, subgraphUrlOverrides } from '../env';
import { readSupergraph } from '../server';
import { PartnerKeyRevocations } from '../revocations';
import { startHiveGateway } from './server';

// Hive Gateway with the Maillage plugin, configured by the same environment as Maillage's gateway
// (GATEWAY_SIGNING_SECRET, AUTH_*, <SUBGRAPH>_URL, PORT). Started by `npm run start:hive`.
async function main() {
  const env = gatewayEnv();
  const logger = createLogger('hive', env.LOG_LEVEL);
  const gateway = await startHiveGateway({
    port: env.PORT,
    host: env.HOST,
    supergraphSdl: readSupergraph(env.SUPERGRAPH_PATH),
    subgraphUrls: subgraphUrlOverrides(env),
    signingSecret: signingSecret(env, 'gateway'),
    tokens: tokenConfigFromEnv(env, (m) => logger.warn(m)),
    operationsPath: env.PERSISTED_OPERATIONS_PATH,
    partnerKeyCacheMs: env.PARTNER_KEY_CACHE_MS,
    // With REDIS_URL, revocations made through Maillage's gateways are heard here at once too.
    revocations: env.REDIS_URL
      ? new PartnerKeyRevocations({ redisUrl: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, logger })
      : undefined,
    logging: env.LOG_LEVEL === 'debug' ? 'debug' : 'warn',
  });
  logger.info({ url: gateway.url }, `Hive Gateway ready at ${gateway.url}`);
  const stop = () => {
    setTimeout(() => process.exit(1), 10_000).unref();
    gateway.stop().then(
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
