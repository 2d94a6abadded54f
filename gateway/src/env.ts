import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readEnv, signingEnvShape } from '@maillage/kit';
import { z } from 'zod';

const url = z.string().url().optional();

/** The gateway's configuration, validated once at start. */
export function gatewayEnv(source: NodeJS.ProcessEnv = process.env) {
  return readEnv(
    'gateway',
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(4000),
      HOST: z.string().min(1).default('127.0.0.1'),
      /** Processes serving the gateway on its one port (node:cluster); 1 runs it in this process. @default the number of cores */
      GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
      /** @default schema/supergraph.graphql of the repository */
      SUPERGRAPH_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/supergraph.graphql')),
      // Routing URLs default to those written in the supergraph (schema/supergraph.yaml); these
      // override one subgraph each (containers, tests on port 0).
      DIRECTORY_URL: url,
      CHAMBERS_URL: url,
      CLUSTERS_URL: url,
      COUNCILS_URL: url,
      CLUBS_URL: url,
      SYNERGIES_URL: url,
      /** Time each subgraph fetch may take. @default 5000 */
      SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5000),
      /** Extra attempts for a failed query fetch (mutations are never retried). @default 1 */
      SUBGRAPH_QUERY_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
      /** How long a subgraph's open circuit answers at once before a trial fetch. @default 5000 */
      SUBGRAPH_CIRCUIT_RESET_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
      /** Reload the supergraph when its file changes. @default true */
      SUPERGRAPH_WATCH: z.enum(['true', 'false']).default('true'),
      /** OTLP/HTTP collector to send traces to. @default none */
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      /** pino level. @default info */
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      ...signingEnvShape(),
      // Access tokens (JWT) are verified with one of: a JWKS URL, a public key (PEM), or a shared
      // secret (HS256). Outside production, none set means the development secret (scripts/dev-token.js).
      /** JWKS endpoint of the identity provider. @default none */
      AUTH_JWKS_URL: url,
      /** SPKI PEM public key tokens are signed with (RS256, ES256 or EdDSA: see AUTH_JWT_ALGORITHM). @default none */
      AUTH_JWT_PUBLIC_KEY: z.string().min(1).optional(),
      /** Algorithm of AUTH_JWT_PUBLIC_KEY. @default RS256 */
      AUTH_JWT_ALGORITHM: z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']).default('RS256'),
      /** Shared HS256 secret, 32 characters at least. @default the development secret, outside production only */
      AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
      /** Expected `iss` of tokens. @default maillage-dev outside production; required in production */
      AUTH_ISSUER: z.string().min(1).optional(),
      /** Expected `aud` of tokens. @default maillage */
      AUTH_AUDIENCE: z.string().min(1).default('maillage'),
      /** The persisted operations manifest. @default schema/operations/manifest.json of the repository */
      PERSISTED_OPERATIONS_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/operations/manifest.json')),
      /** How long a verified (or refused) partner key is remembered; a revocation takes this long to bite. @default 30000 */
      PARTNER_KEY_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
      /** Largest request body accepted. @default 100kb */
      BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'a size such as 100kb').default('100kb'),
    },
    source,
  );
}

export type GatewayEnv = ReturnType<typeof gatewayEnv>;

export function subgraphUrlOverrides(env: GatewayEnv): Record<string, string> {
  const entries = Object.entries({
    directory: env.DIRECTORY_URL,
    chambers: env.CHAMBERS_URL,
    clusters: env.CLUSTERS_URL,
    councils: env.COUNCILS_URL,
    clubs: env.CLUBS_URL,
    synergies: env.SYNERGIES_URL,
  }).filter((e): e is [string, string] => !!e[1]);
  return Object.fromEntries(entries);
}
