import path from 'node:path';
import { readEnv } from '@maillage/kit';
import { z } from 'zod';

const url = z.string().url().optional();

/** The gateway's configuration, validated once at start. */
export function gatewayEnv(source: NodeJS.ProcessEnv = process.env) {
  return readEnv(
    'gateway',
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(4000),
      HOST: z.string().min(1).default('127.0.0.1'),
      /** @default schema/supergraph.graphql of the repository */
      SUPERGRAPH_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/supergraph.graphql')),
      // Routing URLs default to those written in the supergraph (schema/supergraph.yaml); these
      // override one subgraph each (containers, tests on port 0).
      DIRECTORY_URL: url,
      CHAMBERS_URL: url,
      CLUSTERS_URL: url,
      COUNCILS_URL: url,
      CLUBS_URL: url,
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
  }).filter((e): e is [string, string] => !!e[1]);
  return Object.fromEntries(entries);
}
